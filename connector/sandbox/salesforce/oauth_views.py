"""HTTP side of OAuth: /services/oauth2/{authorize,token,revoke} and the identity URL /id/{orgId}/{userId}."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request

from .responses import json_response, oauth_error
from .oauth import Grant, OAuthError

NEW_ORG_LEADS = 200
_PAGE = """<!doctype html><html><head><title>Allow Access? | Salesforce sandbox</title></head><body>
<h1>Allow Access?</h1><p><b>{client}</b> is asking to access your org's data.</p>
<form method="post" action="/services/oauth2/authorize">{hidden}
<label>Org <select name="org_id">{options}<option value="new">Create a new org</option></select></label>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></form></body></html>"""
_CARRIED = ("response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge",
            "code_challenge_method")


def oauth_blueprint(sandbox) -> Blueprint:
    views = Blueprint("salesforce_oauth", __name__)

    @views.get("/services/oauth2/authorize")
    def authorize_page():
        params = request.args
        problem = _authorize_problem(sandbox, params)
        if problem:
            return Response(f"<h1>error</h1><p>{escape(problem)}</p>", 400, content_type="text/html")
        if not sandbox.orgs:
            sandbox.add_org(leads=NEW_ORG_LEADS)
        hidden = "".join(f'<input type="hidden" name="{k}" value="{escape(params[k])}">' for k in _CARRIED
                         if k in params)
        options = "".join(f'<option value="{o.id}">{escape(o.name)} ({o.id})</option>' for o in sandbox.orgs.values())
        return Response(_PAGE.format(client=escape(params["client_id"]), hidden=hidden, options=options),
                        content_type="text/html")

    @views.post("/services/oauth2/authorize")
    def authorize_decision():
        form = request.form
        problem = _authorize_problem(sandbox, form)
        if problem:
            return Response(f"<h1>error</h1><p>{escape(problem)}</p>", 400, content_type="text/html")
        if form.get("decision") != "allow":
            return _back(form, error="access_denied", error_description="end-user denied authorization")
        org_id = form.get("org_id") or next(iter(sandbox.orgs), "new")
        org = sandbox.add_org(leads=NEW_ORG_LEADS) if org_id == "new" else sandbox.orgs.get(org_id)
        if org is None:
            return Response("<h1>error</h1><p>unknown org</p>", 400, content_type="text/html")
        method = form.get("code_challenge_method") or "plain"
        if form.get("code_challenge") and method not in ("S256", "plain"):
            return _back(form, error="invalid_request", error_description="unsupported code_challenge_method")
        code = sandbox.tokens.new_code(Grant(org.id, org.integration_user_id, form["client_id"], form["redirect_uri"],
                                             form.get("code_challenge"), method))
        return _back(form, code=code)

    @views.post("/services/oauth2/token")
    def token():
        form = request.form
        try:
            return json_response(_grant(sandbox, form))
        except OAuthError as error:
            return oauth_error(error)

    @views.route("/services/oauth2/revoke", methods=["GET", "POST"])
    def revoke():
        token_value = request.values.get("token", "")
        if not sandbox.tokens.revoke(token_value):
            return oauth_error(OAuthError("unsupported_token_type", "this token type is not supported"))
        return Response(status=200)

    @views.get("/id/<org_id>/<user_id>")
    def identity(org_id, user_id):
        token_value = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        session = sandbox.tokens.session(token_value or request.args.get("oauth_token", ""))
        if session is None or (session.org_id, session.user_id) != (org_id, user_id):
            return Response("Bad_OAuth_Token", 403, content_type="text/plain")
        sandbox.count_call(org_id, "auth")
        user = sandbox.org(org_id).tables["User"][user_id]
        base = request.host_url.rstrip("/")
        return json_response({"id": f"{base}/id/{org_id}/{user_id}", "organization_id": org_id, "user_id": user_id,
                              "username": user["Username"], "display_name": user["Name"], "email": user["Email"],
                              "active": True, "user_type": "STANDARD", "language": "en_US", "locale": "en_US",
                              "urls": {"rest": f"{base}/services/data/v{{version}}/",
                                       "query": f"{base}/services/data/v{{version}}/query/"}})

    return views


def _authorize_problem(sandbox, params) -> str | None:
    if params.get("response_type") != "code":
        return "unsupported_response_type: only the web-server flow (response_type=code) is served"
    if not params.get("redirect_uri"):
        return "redirect_uri_mismatch: a redirect_uri is required"
    try:
        sandbox.tokens.check_client(params.get("client_id"), None, secret_required=False)
    except OAuthError as error:
        return f"{error.error}: {error.description}"
    return None


def _back(form, **answer) -> Response:
    if form.get("state") is not None:
        answer["state"] = form["state"]
    joiner = "&" if "?" in form["redirect_uri"] else "?"
    return redirect(form["redirect_uri"] + joiner + urlencode(answer), code=302)


def _grant(sandbox, form) -> dict:
    client_id, secret = form.get("client_id"), form.get("client_secret")
    grant_type = form.get("grant_type")
    base = sandbox.base_url or request.host_url.rstrip("/")
    if grant_type == "authorization_code":
        # With PKCE a client may omit its secret; without, a registered app must present it.
        sandbox.tokens.check_client(client_id, secret, secret_required=not form.get("code_verifier"))
        grant = sandbox.tokens.redeem_code(form.get("code", ""), form.get("redirect_uri"), form.get("code_verifier"),
                                           client_id)
        access, refresh = sandbox.tokens.issue(grant.org_id, grant.user_id, client_id)
        sandbox.count_call(grant.org_id, "auth")
        answer = sandbox.token_answer(sandbox.org(grant.org_id), grant.user_id, access, client_id, base)
        return {**answer, "refresh_token": refresh}
    if grant_type == "refresh_token":
        sandbox.tokens.check_client(client_id, secret, secret_required=False)
        grant, access = sandbox.tokens.refresh(form.get("refresh_token", ""), client_id)
        sandbox.count_call(grant.org_id, "auth")
        return sandbox.token_answer(sandbox.org(grant.org_id), grant.user_id, access, client_id, base)
    raise OAuthError("unsupported_grant_type", "grant type not supported")
