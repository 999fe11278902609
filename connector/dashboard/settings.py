"""The settings page: shows an installation's settings and saves them only when all of them are valid."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import InstallationStatus

from . import bp, scope_or_404
from .settings_form import FIELD_KEYS, form_values, parse_settings


@bp.route("/installations/<int:installation_id>/settings", methods=("GET", "POST"))
def settings(installation_id: int):
    scope = scope_or_404(installation_id)
    installation = scope.installation
    crm = installation.crm.value
    if request.method == "GET":
        return render_template("dashboard/settings.html", installation=installation, field_keys=FIELD_KEYS,
                               values=form_values(installation.settings), errors={})
    new, errors = parse_settings(request.form)
    errors = {**new.validate(crm), **errors}  # a parse error (not a number) says more than the range check
    if errors:
        return render_template("dashboard/settings.html", installation=installation, field_keys=FIELD_KEYS,
                               values=request.form, errors=errors), 422
    installation.settings = new
    if new.paused and installation.status == InstallationStatus.ACTIVE:
        installation.status = InstallationStatus.PAUSED
    elif not new.paused and installation.status == InstallationStatus.PAUSED:
        installation.status = InstallationStatus.ACTIVE
    record_event(scope.session, g.admin.email, "settings.updated", installation_id, settings=new.to_json())
    scope.session.commit()
    flash("Settings saved.")
    return redirect(url_for("dashboard.settings", installation_id=installation_id))
