"""The admin dashboard: installations and their health, sync runs, models, settings, nurture rules, audit."""
from __future__ import annotations

from flask import Blueprint, abort, g

from connector.auth import redirect_to_sign_in
from connector.db import get_session
from connector.db.scope import InstallationScope

bp = Blueprint("dashboard", __name__, template_folder="templates")


@bp.before_request
def require_admin():
    if g.admin is None:
        return redirect_to_sign_in()
    return None


@bp.app_template_filter("thousands")
def thousands(value: int | float) -> str:
    """A count as people read it: 12,345 (floats holding a count, e.g. stored metrics, too)."""
    return f"{int(value):,}"


def scope_or_404(installation_id: int) -> InstallationScope:
    scope = InstallationScope.load(get_session(), installation_id)
    if scope is None:
        abort(404, f"There is no installation {installation_id}.")
    return scope


# Routes register on `bp`.
from . import (api_keys, experiment, feedback, model_reports, overview, points, roi, rules,  # noqa: E402,F401
               settings, setup)
