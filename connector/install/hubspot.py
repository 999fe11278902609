"""`/install/hubspot`: consent with our scopes, then the callback that exchanges the code for the portal's grant."""
from __future__ import annotations

from flask import abort, current_app, redirect, request

from connector.app.config import crm_endpoints
from connector.app.public_url import public_url_for
from connector.auth import login_required
from connector.crm.errors import AuthRevoked, CrmError, CrmRequestInvalid
from connector.crm.hubspot import oauth
from connector.db.models import Crm

from . import bp, state
from .complete import complete_install
from .credentials import app_credentials


@bp.get("/hubspot")
@login_required
def hubspot():
    client_id, _ = app_credentials(Crm.HUBSPOT)
    if not client_id:
        abort(503, "The HubSpot app is not configured: set LEADSCORE_HUBSPOT_CLIENT_ID and _CLIENT_SECRET.")
    scopes = current_app.config["HUBSPOT_SCOPES"].split()
    return redirect(oauth.authorize_url(crm_endpoints(current_app, "hubspot"), client_id,
                                        public_url_for("install.hubspot_callback"), scopes, state.begin("hubspot")))


@bp.get("/hubspot/callback")
@login_required
def hubspot_callback():
    state.finish("hubspot", request.args.get("state"))  # checked first: a forged callback learns nothing
    if request.args.get("error"):
        abort(400, f"HubSpot did not grant access ({request.args['error']}). Nothing was installed.")
    if not request.args.get("code"):
        abort(400, "HubSpot sent no authorization code. Start the install again.")
    client_id, client_secret = app_credentials(Crm.HUBSPOT)
    try:
        credentials = oauth.exchange_code(crm_endpoints(current_app, "hubspot"), client_id, client_secret,
                                          request.args["code"], public_url_for("install.hubspot_callback"))
    except (CrmRequestInvalid, AuthRevoked):  # invalid_grant: the code is used, expired or not ours
        abort(400, "HubSpot refused the authorization code (used already, or expired). Start the install again.")
    except CrmError as exc:
        abort(502, f"HubSpot could not be reached to finish the install: {exc}")
    return complete_install(Crm.HUBSPOT, credentials, name=f"HubSpot portal {credentials.account_id}")
