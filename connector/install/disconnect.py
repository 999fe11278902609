"""Disconnect: revoke the grant at the CRM, delete the stored credentials, keep the history."""
from __future__ import annotations

import logging

from flask import abort, current_app, flash, g, redirect, url_for

from connector.auth import login_required
from connector.crm.errors import CrmError
from connector.crm.hubspot import oauth as hubspot_oauth
from connector.crm.salesforce import oauth as salesforce_oauth
from connector.db import get_session
from connector.db.audit import record_event
from connector.db.models import Crm, InstallationStatus, StoredCredentials
from connector.db.scope import InstallationScope
from connector.security.credential_store import load_credentials

from . import bp
from .credentials import app_credentials, endpoints_for, salesforce_http

log = logging.getLogger(__name__)


@bp.post("/<int:installation_id>/disconnect")
@login_required
def disconnect(installation_id: int):
    scope = InstallationScope.load(get_session(), installation_id)
    if scope is None:
        abort(404, f"There is no installation {installation_id}.")
    installation = scope.installation
    revoked = _revoke(scope)
    stored = scope.one_or_none(StoredCredentials)
    if stored is not None:
        scope.session.delete(stored)
    installation.status = InstallationStatus.DISCONNECTED
    record_event(scope.session, g.admin.email, "install.disconnected", installation_id, revoked_at_crm=revoked)
    scope.session.commit()
    if revoked:
        flash(f"Disconnected: {installation.crm.label} access revoked and the stored credentials deleted.")
    else:
        flash(f"Credentials deleted, but {installation.crm.label} could not be reached to revoke access; "
              "remove the app in the CRM's settings as well.")
    return redirect(url_for("dashboard.installation", installation_id=installation_id))


def _revoke(scope: InstallationScope) -> bool:
    """True when the CRM confirmed the grant is gone (or there was none to revoke)."""
    credentials = load_credentials(scope, current_app.extensions["vault"])
    if credentials is None:
        return True
    endpoints = endpoints_for(scope.installation, credentials)
    token = credentials.refresh_token or credentials.access_token
    try:
        if scope.installation.crm is Crm.HUBSPOT:
            # A grant already revoked (uninstalled in HubSpot, or a second disconnect) counts as revoked.
            hubspot_oauth.revoke(endpoints, token, *app_credentials(scope.installation.crm))
        else:
            # Revoking the refresh token ends every session issued from it.
            salesforce_oauth.revoke(endpoints, token, session=salesforce_http(credentials))
    except CrmError as exc:
        log.warning("revoking installation %s at the CRM failed: %s", scope.installation_id, type(exc).__name__)
        return False
    return True
