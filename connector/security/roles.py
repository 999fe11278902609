"""Who may do what in the browser: owner > admin > viewer, checked for every request in one place.

Every dashboard and install endpoint is listed with the least role it needs, per method; an endpoint missing
from the table is refused to everyone (default deny), so a new view is closed until someone decides who may
use it. Blueprints that authenticate machines otherwise (API keys, CRM signatures) and sign-in itself are
outside this check.
"""
from __future__ import annotations

from flask import abort, g, request

from connector.db import get_session
from connector.db.audit import record_event

OWNER, ADMIN, VIEWER = "owner", "admin", "viewer"
ROLES = (VIEWER, ADMIN, OWNER)  # each includes the powers of those before it
NOT_ROLE_CHECKED = {"api", "auth", "cards", "webhooks"}  # Bearer keys, CRM signatures, or signing in itself
READ = ("GET",)
WRITE = ("POST",)

_dashboard = {
    # Reading: any signed-in role.
    **{(f"dashboard.{name}", READ): VIEWER for name in (
        "installations", "installation", "runs", "models", "model_report", "model_report_json", "compare_models", "experiment", "roi", "roi_csv",
        "feedback", "action_log", "rules",
        "rule_form", "points_rules", "settings")},
    ("dashboard.audit", READ): ADMIN,
    ("dashboard.setup", READ): ADMIN,  # the configuration checks say which secrets are set
    ("dashboard.api_keys", READ): ADMIN,
    # Changing how an installation scores and acts.
    **{(f"dashboard.{name}", WRITE): ADMIN for name in (
        "settings", "points_rules", "rule_form", "sync_now", "retrain_now", "promote_model", "change_experiment", "roi")},
    # Credentials and the installation itself.
    ("dashboard.api_keys", WRITE): OWNER,
    ("dashboard.revoke_api_key", WRITE): OWNER,
    **{(f"install.{name}", READ): ADMIN for name in ("hubspot", "hubspot_callback", "salesforce",
                                                     "salesforce_callback")},
    ("install.disconnect", WRITE): OWNER,
    ("dashboard.confirm_disconnect", READ): OWNER,
}
REQUIRED = {(endpoint, method): role for (endpoint, methods), role in _dashboard.items() for method in methods}


def allows(role: str, needed: str) -> bool:
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_request(redirect_to_sign_in):
    """Before every request: None to go on, or the sign-in redirect; 403 when the role does not suffice."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static" or endpoint.partition(".")[0] in NOT_ROLE_CHECKED:
        return None  # unrouted (404/405 follow) or authenticated otherwise
    if g.admin is None:
        return redirect_to_sign_in()
    method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
    needed = REQUIRED.get((endpoint, method))
    if needed is None or not allows(g.admin.role, needed):
        if method != "GET":
            db = get_session()
            record_event(db, g.admin.email, "access.denied", endpoint=endpoint, role=g.admin.role)
            db.commit()
        abort(403, f"Your role ({g.admin.role}) cannot do this"
                   + (f"; it needs {needed}." if needed else "; no role may."))
    return None
