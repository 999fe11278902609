"""`/install/salesforce`: the web-server flow with PKCE, through the production or the sandbox-org login host."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request

from connector.app.config import crm_endpoints
from connector.app.public_url import public_url_for
from connector.auth import login_required
from connector.crm.errors import AuthRevoked, CrmError, CrmRequestInvalid
from connector.crm.salesforce import oauth
from connector.db.models import Crm

from . import bp, state
from .complete import complete_install
from .credentials import app_credentials

LOGIN_HOSTS = {"production": "SALESFORCE_LOGIN_URL", "sandbox": "SALESFORCE_SANDBOX_LOGIN_URL"}


@bp.get("/salesforce")
@login_required
def salesforce():
    environment = request.args.get("environment")
    if environment is None:
        return render_template("install/salesforce.html")
    if environment not in LOGIN_HOSTS:
        abort(400, "Choose a production or a sandbox org.")
    client_id, _ = app_credentials(Crm.SALESFORCE)
    if not client_id:
        abort(503, "The Salesforce connected app is not configured: set LEADSCORE_SALESFORCE_CLIENT_ID and "
                   "_CLIENT_SECRET.")
    login_url = current_app.config[LOGIN_HOSTS[environment]]
    verifier = oauth.new_code_verifier()
    # The verifier stays server-side (in the admin's server-side session) until the token exchange: PKCE's point.
    issued = state.begin("salesforce", verifier=verifier, login_url=login_url)
    return redirect(oauth.authorize_url(crm_endpoints(current_app, "salesforce", login_url), client_id,
                                        public_url_for("install.salesforce_callback"), issued,
                                        oauth.code_challenge_for(verifier)))


@bp.get("/salesforce/callback")
@login_required
def salesforce_callback():
    remembered = state.finish("salesforce", request.args.get("state"))
    if request.args.get("error"):
        abort(400, f"Salesforce did not grant access ({request.args['error']}). Nothing was installed.")
    if not request.args.get("code"):
        abort(400, "Salesforce sent no authorization code. Start the install again.")
    client_id, client_secret = app_credentials(Crm.SALESFORCE)
    login_url = remembered["login_url"]
    try:
        credentials = oauth.exchange_code(crm_endpoints(current_app, "salesforce", login_url), client_id,
                                          client_secret, request.args["code"],
                                          public_url_for("install.salesforce_callback"), remembered["verifier"])
    except (CrmRequestInvalid, AuthRevoked):  # invalid_grant: the code is used, expired or not ours
        abort(400, "Salesforce refused the authorization code (used already, or expired). Start the install again.")
    except CrmError as exc:
        abort(502, f"Salesforce could not be reached to finish the install: {exc}")
    credentials.extra["login_url"] = login_url  # refresh and revoke go back to the host that granted
    return complete_install(Crm.SALESFORCE, credentials, name=f"Salesforce org {credentials.account_id}")
