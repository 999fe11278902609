"""HubSpot's OAuth: the authorize page (an approve form that picks or creates the portal), the token
endpoints of v1 and 2026-03 (form-encoded), token info (v1) and introspection (2026-03), revocation (both).

Bodies follow HubSpot's OpenAPI files (`oauth-v1.json`, `oauth-2026-03.json`): token answers carry
`token_use`, 2026-03 ones also `hub_id`, `scopes` and `user_id`; introspection the whole token-info shape.
Errors carry the spec's `category`, `correlationId` and `message`, RFC 6749's `error` / `error_description`
and HubSpot's own `status` (BAD_REFRESH_TOKEN, ...): a refresh token used or revoked after revocation gets
400 BAD_REFRESH_TOKEN. Tokens are opaque random strings; none is ever logged.
"""
from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, request

from .http import error, json_response, sandbox

blueprint = Blueprint("hubspot_oauth", __name__)
DEFAULT_SCOPES = "oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.write automation"


@dataclass
class Grant:
    portal_id: int
    client_id: str
    scopes: str
    expires_at: float = 0.0  # access tokens only
    redirect_uri: str = ""  # authorization codes only
    private_app: bool = False  # a private app's static token: never expires, metered by the day


class TokenStore:
    """Codes, access tokens and refresh tokens, each mapped to the portal and app they were granted for."""

    def __init__(self):
        self.codes: dict[str, Grant] = {}
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}

    def issue(self, portal_id: int, client_id: str, lifetime: int, now: float, scopes: str = DEFAULT_SCOPES,
              refresh_token: str | None = None) -> dict:
        access = "sbx-at-" + secrets.token_urlsafe(24)
        self.access[access] = Grant(portal_id, client_id, scopes, expires_at=now + lifetime)
        if refresh_token is None:
            refresh_token = "sbx-rt-" + secrets.token_urlsafe(24)
            self.refresh[refresh_token] = Grant(portal_id, client_id, scopes)
        return {"access_token": access, "refresh_token": refresh_token, "expires_in": lifetime, "token_type": "bearer",
                "token_use": "access_token"}

    def add_private_app_token(self, token: str, portal_id: int) -> None:
        self.access[token] = Grant(portal_id, "private-app", DEFAULT_SCOPES, expires_at=math.inf, private_app=True)

    def expire_all(self) -> None:
        for grant in self.access.values():
            if not grant.private_app:  # static tokens have no expiry to reach
                grant.expires_at = 0.0


@blueprint.get("/oauth/authorize")
def authorize_page():
    sb = sandbox()
    args = request.args
    problem = _authorize_problem(sb, args.get("client_id"), args.get("redirect_uri"))
    if problem:
        return Response(f"<h1>Cannot install</h1><p>{escape(problem)}</p>", status=400, mimetype="text/html")
    options = "".join(f'<option value="{p.id}">Portal {p.id}</option>' for p in sb.portals())
    hidden = "".join(f'<input type="hidden" name="{k}" value="{escape(args.get(k, ""))}">'
                     for k in ("client_id", "redirect_uri", "scope", "state"))
    html = (f"<!doctype html><title>Install app</title><h1>Install app {escape(args['client_id'])}</h1>"
            f"<p>Requested scopes: {escape(args.get('scope', ''))}</p>"
            f'<form method="post" action="/oauth/authorize">{hidden}'
            f'<label>Portal <select name="portal_id">{options}<option value="new">Create a new portal</option>'
            f'</select></label> <button type="submit" name="decision" value="approve">Approve</button> '
            f'<button type="submit" name="decision" value="deny">Deny</button></form>')
    return Response(html, mimetype="text/html")


@blueprint.post("/oauth/authorize")
def authorize_decision():
    sb = sandbox()
    form = request.form
    problem = _authorize_problem(sb, form.get("client_id"), form.get("redirect_uri"))
    if problem:
        return Response(escape(problem), status=400, mimetype="text/html")
    back = form["redirect_uri"]
    separator = "&" if urlsplit(back).query else "?"
    if form.get("decision", "approve") != "approve":
        return redirect(back + separator + urlencode({"error": "access_denied", "state": form.get("state", "")}))
    portal = sb.choose_portal(form.get("portal_id"))
    if portal is None:
        return Response("No such portal.", status=400, mimetype="text/html")
    code = "sbx-code-" + secrets.token_urlsafe(16)
    sb.tokens.codes[code] = Grant(portal.id, form["client_id"], form.get("scope") or DEFAULT_SCOPES,
                                  redirect_uri=back)
    return redirect(back + separator + urlencode({"code": code, "state": form.get("state", "")}))


def _authorize_problem(sb, client_id: str | None, redirect_uri: str | None) -> str | None:
    if not client_id or not redirect_uri:
        return "client_id and redirect_uri are required."
    if sb.apps and client_id not in sb.apps:
        return "This app is not registered (unknown client_id)."
    return None


SANDBOX_USER_ID = 1  # the admin who approves every install


@blueprint.post("/oauth/v1/token")
@blueprint.post("/oauth/2026-03/token")
def token():
    sb = sandbox()
    form = request.form
    refusal = _client_refusal(sb, form)
    if refusal is not None:
        return refusal
    grant_type = form.get("grant_type")
    now = sb.clock.time()
    if grant_type == "authorization_code":
        grant = sb.tokens.codes.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != form["client_id"] or grant.redirect_uri != form.get("redirect_uri"):
            return _oauth_error("invalid_grant", "BAD_AUTH_CODE", "unknown or used code, or redirect_uri mismatch")
    elif grant_type == "refresh_token":
        refresh_token = form.get("refresh_token", "")
        grant = sb.tokens.refresh.get(refresh_token)
        if grant is None or (sb.apps and grant.client_id != form["client_id"]):
            return _oauth_error("invalid_grant", "BAD_REFRESH_TOKEN", "missing or unknown refresh token")
    else:
        return _oauth_error("unsupported_grant_type", "BAD_GRANT_TYPE",
                            "grant_type must be authorization_code or refresh_token")
    sb.count(grant.portal_id, "auth")
    tokens = sb.tokens.issue(grant.portal_id, form["client_id"], sb.token_lifetime, now, grant.scopes,
                             refresh_token=form.get("refresh_token") if grant_type == "refresh_token" else None)
    if request.path.startswith("/oauth/2026-03/"):
        tokens.update(hub_id=grant.portal_id, scopes=grant.scopes.split(), user_id=SANDBOX_USER_ID)
    return json_response(200, tokens)


def _client_refusal(sb, form):
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if not client_id or (sb.apps and sb.apps.get(client_id) != secret):
        return _oauth_error("invalid_client", "BAD_CLIENT_ID", "missing or unknown client id or secret")
    return None


def _oauth_error(code: str, hubspot_status: str, description: str):
    return json_response(400, {"status": hubspot_status, "message": description, "correlationId": str(uuid.uuid4()),
                               "category": "VALIDATION_ERROR", "error": code, "error_description": description})


@blueprint.get("/oauth/v1/access-tokens/<token_value>")
def access_token_info(token_value):
    sb = sandbox()
    grant = _live_access(sb, token_value)
    if grant is None:
        return error(404, "EXPIRED_AUTHENTICATION", "The access token is expired or does not exist.")
    sb.count(grant.portal_id, "auth")
    return json_response(200, _access_info(sb, token_value, grant))


@blueprint.get("/oauth/v1/refresh-tokens/<token_value>")
def refresh_token_info(token_value):
    grant = sandbox().tokens.refresh.get(token_value)
    if grant is None:
        return error(404, "OBJECT_NOT_FOUND", "The refresh token does not exist.")
    return json_response(200, _refresh_info(token_value, grant))


@blueprint.delete("/oauth/v1/refresh-tokens/<token_value>")
def revoke_v1(token_value):
    if not sandbox().revoke_refresh_token(token_value):
        return _oauth_error("invalid_grant", "BAD_REFRESH_TOKEN", "missing or unknown refresh token")
    return Response(status=204)


@blueprint.post("/oauth/2026-03/token/introspect")
def introspect():
    sb = sandbox()
    refusal = _client_refusal(sb, request.form)
    if refusal is not None:
        return refusal
    value = request.form.get("token", "")
    access, refresh = _live_access(sb, value), sb.tokens.refresh.get(value)
    if access is not None:
        sb.count(access.portal_id, "auth")
        return json_response(200, {"active": True, **_access_info(sb, value, access)})
    if refresh is not None:
        return json_response(200, {"active": True, **_refresh_info(value, refresh)})
    return json_response(200, {"active": False})  # RFC 7662 section 2.2, a documented spec deviation


@blueprint.post("/oauth/2026-03/token/revoke")
def revoke():
    sb = sandbox()
    refusal = _client_refusal(sb, request.form)
    if refusal is not None:
        return refusal
    if not sb.revoke_refresh_token(request.form.get("token", "")):
        return _oauth_error("invalid_grant", "BAD_REFRESH_TOKEN", "missing or unknown refresh token")
    return Response(status=200)


def _live_access(sb, value: str) -> Grant | None:
    """An OAuth access token still valid (a private app's static token is no OAuth token)."""
    grant = sb.tokens.access.get(value)
    if grant is None or grant.private_app or grant.expires_at <= sb.clock.time():
        return None
    return grant


def _access_info(sb, value: str, grant: Grant) -> dict:
    expires_in = int(grant.expires_at - sb.clock.time())
    app_id = _app_number(grant.client_id)
    scopes = grant.scopes.split()
    signed = {"appId": app_id, "appInstallId": f"{app_id}-{grant.portal_id}", "audience": grant.client_id,
              "expiresAt": int(grant.expires_at * 1000), "hubId": grant.portal_id, "hublet": "na1",
              "installingUserId": SANDBOX_USER_ID, "isPrivateDistribution": False, "isServiceAccount": False,
              "isUserLevel": False, "newSignature": "", "scopeToScopeGroupPks": "", "scopes": " ".join(scopes),
              "signature": "", "trialScopeToScopeGroupPks": "", "trialScopes": "", "userId": SANDBOX_USER_ID}
    return {"token": value, "token_use": "access_token", "token_type": "access", "hub_id": grant.portal_id,
            "hub_domain": f"portal-{grant.portal_id}.sandbox.local", "app_id": app_id, "client_id": grant.client_id,
            "user": "admin@example.com", "user_id": SANDBOX_USER_ID, "scopes": scopes, "expires_in": expires_in,
            "is_private_distribution": False, "signed_access_token": signed}


def _refresh_info(value: str, grant: Grant) -> dict:
    return {"token": value, "token_use": "refresh_token", "token_type": "refresh", "hub_id": grant.portal_id,
            "app_id": _app_number(grant.client_id), "client_id": grant.client_id, "scopes": grant.scopes.split(),
            "user": "admin@example.com", "user_id": SANDBOX_USER_ID}


def _app_number(client_id: str) -> int:
    return sum(client_id.encode()) % 900_000 + 100_000
