"""API keys of an installation: issue (the key is shown once, then only its prefix), list, revoke."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import ApiKey, utcnow
from connector.security.api_keys import issue_key

from . import bp, scope_or_404


@bp.route("/installations/<int:installation_id>/api-keys", methods=("GET", "POST"))
def api_keys(installation_id: int):
    scope = scope_or_404(installation_id)
    issued, error = None, None
    if request.method == "POST":
        label = request.form.get("label", "").strip()
        if not label or len(label) > 120:
            error = "Say what the key is for (up to 120 characters)."
        else:
            issued = issue_key()
            scope.add(ApiKey(prefix=issued.prefix, key_hash=issued.key_hash, label=label))
            record_event(scope.session, g.admin.email, "api_key.issued", installation_id, prefix=issued.prefix)
            scope.session.commit()
    keys = scope.all(ApiKey, order_by=ApiKey.created_at.desc())
    return render_template("dashboard/api_keys.html", installation=scope.installation, keys=keys, issued=issued,
                           error=error), 422 if error else 200


@bp.post("/installations/<int:installation_id>/api-keys/<int:key_id>/revoke")
def revoke_api_key(installation_id: int, key_id: int):
    scope = scope_or_404(installation_id)
    key = scope.get(ApiKey, key_id)
    if key is None:
        abort(404, f"There is no API key {key_id} in this installation.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record_event(scope.session, g.admin.email, "api_key.revoked", installation_id, prefix=key.prefix)
        scope.session.commit()
    flash(f"Key {key.prefix}… revoked.")
    return redirect(url_for("dashboard.api_keys", installation_id=installation_id))
