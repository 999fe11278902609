"""The install flow as a browser or HTTP client walks it, and token refresh through the SDK."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests
from hubspot import HubSpot
from hubspot.crm.contacts import ApiException as ContactsError
from hubspot.oauth import ApiException as OAuthError
from urllib3.util.retry import Retry

from connector.sandbox.hubspot import HubSpotSandbox
from connector.sandbox.server import SandboxServer
from tests.crm.consent import consent

REDIRECT = "http://127.0.0.1:9/oauth/callback"


def app(sandbox) -> dict:
    return {"client_id": sandbox.app.client_id, "client_secret": sandbox.app.client_secret}


def approve(base_url: str, client_id: str, state: str, portal_choice: str | None = None) -> dict:
    """Open the authorize page, submit its form as shown (optionally choosing a portal), read the redirect."""
    url = f"{base_url}/oauth/authorize?" + urlencode({"client_id": client_id, "redirect_uri": REDIRECT,
                                                      "scope": "crm.objects.contacts.read", "state": state})
    return consent(url, REDIRECT, "approve", **({"portal_id": portal_choice} if portal_choice else {}))


def test_install_exchange_refresh_and_token_info(hubspot_sandbox, portal):
    back = approve(hubspot_sandbox.base_url, "any-client", "xyz", str(portal.id))
    assert back["state"] == "xyz"
    oauth = HubSpot(host=hubspot_sandbox.base_url, retry=Retry(0)).oauth
    tokens = oauth.tokens_api.create(grant_type="authorization_code", code=back["code"], redirect_uri=REDIRECT,
                                     client_id="any-client", client_secret="anything")
    assert tokens.expires_in == 1800
    info = oauth.access_tokens_api.get(tokens.access_token)
    assert info.hub_id == portal.id
    refreshed = oauth.tokens_api.create(grant_type="refresh_token", refresh_token=tokens.refresh_token,
                                        client_id="any-client", client_secret="anything")
    assert refreshed.access_token != tokens.access_token
    assert hubspot_sandbox.calls(portal.id)["auth"] == 3
    with pytest.raises(OAuthError) as used_twice:  # a code is good once
        oauth.tokens_api.create(grant_type="authorization_code", code=back["code"], redirect_uri=REDIRECT,
                                client_id="any-client", client_secret="anything")
    assert used_twice.value.status == 400


def test_a_revoked_refresh_token_is_an_rfc6749_invalid_grant(hubspot_sandbox, portal):
    tokens = hubspot_sandbox.issue_tokens(portal.id)
    hubspot_sandbox.revoke_refresh_token(tokens["refresh_token"])
    answer = requests.post(f"{hubspot_sandbox.base_url}/oauth/2026-03/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": hubspot_sandbox.app.client_id, "client_secret": hubspot_sandbox.app.client_secret})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant" and answer.json()["status"] == "BAD_REFRESH_TOKEN"
    assert tokens["refresh_token"] not in answer.text


def test_expired_tokens_get_401_and_introspect_inactive(hubspot_sandbox, portal, hubspot):
    token = hubspot.access_token
    hubspot_sandbox.expire_all_tokens()
    with pytest.raises(ContactsError) as refused:
        hubspot.crm.contacts.basic_api.get_page(limit=1)
    assert refused.value.status == 401 and "EXPIRED_AUTHENTICATION" in refused.value.body
    introspect = requests.post(f"{hubspot_sandbox.base_url}/oauth/2026-03/token/introspect",
                               data={"token": token, **app(hubspot_sandbox)})
    assert introspect.json() == {"active": False}


def test_new_portal_chosen_on_the_authorize_page_has_its_own_data(hubspot_sandbox, portal):
    back = approve(hubspot_sandbox.base_url, "c", "s", "new")
    tokens = requests.post(f"{hubspot_sandbox.base_url}/oauth/v1/token", data={
        "grant_type": "authorization_code", "code": back["code"], "redirect_uri": REDIRECT,
        "client_id": "c", "client_secret": "x"}).json()
    introspect = requests.post(f"{hubspot_sandbox.base_url}/oauth/2026-03/token/introspect",
                               data={"token": tokens["access_token"], "client_id": "c", "client_secret": "x"}).json()
    assert introspect["active"] and introspect["hub_id"] != portal.id
    assert len(hubspot_sandbox.portal(introspect["hub_id"]).contacts) == 0


def test_registered_apps_only():
    sandbox = HubSpotSandbox(apps={"app-1": "s3cret"}, token_lifetime=60)
    sandbox.add_portal(contacts=5)
    with SandboxServer(sandbox.wsgi_app) as server:
        refused = requests.get(f"{server.base_url}/oauth/authorize",
                               params={"client_id": "stranger", "redirect_uri": REDIRECT})
        assert refused.status_code == 400
        code = approve(server.base_url, "app-1", "s")["code"]
        bad = requests.post(f"{server.base_url}/oauth/v1/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "app-1", "client_secret": "wrong"})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_client"
        good = requests.post(f"{server.base_url}/oauth/v1/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": "app-1", "client_secret": "s3cret"})
        assert good.status_code == 200 and good.json()["expires_in"] == 60


def test_token_info_and_introspection_describe_oauth_tokens_not_private_app_tokens(hubspot_sandbox, portal):
    token = hubspot_sandbox.add_private_app_token(portal.id, "pat-test-info")
    base = hubspot_sandbox.base_url
    assert requests.get(f"{base}/oauth/v1/access-tokens/{token}").status_code == 404
    introspect = requests.post(f"{base}/oauth/2026-03/token/introspect", data={"token": token, **app(hubspot_sandbox)})
    assert introspect.json() == {"active": False}


def test_2026_03_bodies_carry_token_use_and_the_portal(hubspot_sandbox, portal):
    """The 2026-03 token answer (AccessTokenResponse: token_use, hub_id, scopes, user_id) and introspection
    (PublicAccessTokenInfoResponse / PublicRefreshTokenInfoResponse), as oauth-2026-03.json describes them."""
    base = hubspot_sandbox.base_url
    code = approve(base, hubspot_sandbox.app.client_id, "s", str(portal.id))["code"]
    tokens = requests.post(f"{base}/oauth/2026-03/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **app(hubspot_sandbox)}).json()
    assert tokens["token_use"] == "access_token" and tokens["hub_id"] == portal.id and tokens["scopes"]
    access = requests.post(f"{base}/oauth/2026-03/token/introspect",
                           data={"token": tokens["access_token"], **app(hubspot_sandbox)}).json()
    assert access["active"] and access["token_use"] == "access_token" and access["signed_access_token"]["hubId"] == portal.id
    refresh = requests.post(f"{base}/oauth/2026-03/token/introspect",
                            data={"token": tokens["refresh_token"], **app(hubspot_sandbox)}).json()
    assert refresh["token_use"] == "refresh_token" and refresh["hub_id"] == portal.id


def test_revoking_twice_is_bad_refresh_token_on_both_versions(hubspot_sandbox, portal):
    base = hubspot_sandbox.base_url
    for revoke in (lambda t: requests.post(f"{base}/oauth/2026-03/token/revoke", data={"token": t, **app(hubspot_sandbox)}),
                   lambda t: requests.delete(f"{base}/oauth/v1/refresh-tokens/{t}")):
        refresh_token = hubspot_sandbox.issue_tokens(portal.id)["refresh_token"]
        assert revoke(refresh_token).status_code in (200, 204)
        again = revoke(refresh_token)
        assert again.status_code == 400
        body = again.json()
        assert body["status"] == "BAD_REFRESH_TOKEN" and body["error"] == "invalid_grant"
        assert body["category"] and body["correlationId"] and refresh_token not in again.text
