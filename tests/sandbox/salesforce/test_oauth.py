"""The web-server flow a connector runs: authorize form, code + PKCE, token, identity URL, refresh, revoke."""
import base64
import hashlib
from urllib.parse import urlencode

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from tests.crm.consent import consent

REDIRECT = "https://connector.example/oauth/salesforce/callback"


def approve(base_url, challenge=None, method=None, org_choice=None, client_id="my-app"):
    """What an admin does in the browser: open the authorize page, pick the org (the first listed by
    default), press Allow."""
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "state": "xyz"}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method=method)
    url = f"{base_url}/services/oauth2/authorize?" + urlencode(params)
    return consent(url, REDIRECT, "allow", **({"org_id": org_choice} if org_choice else {}))


def s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_code_with_pkce_becomes_tokens_that_simple_salesforce_uses(salesforce_sandbox, org, method):
    base, http = salesforce_sandbox.base_url, requests.Session()
    verifier = "v" * 50
    query = approve(base, s256(verifier) if method == "S256" else verifier, method, org.id)
    assert query["state"] == "xyz"
    token = http.post(f"{base}/services/oauth2/token", data={
        "grant_type": "authorization_code", "code": query["code"], "client_id": "my-app",
        "redirect_uri": REDIRECT, "code_verifier": verifier}).json()
    assert {"access_token", "refresh_token", "instance_url", "id", "issued_at", "signature", "token_type",
            "scope"} <= set(token)
    identity = http.get(token["id"], headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert identity["organization_id"] == org.id and identity["user_id"] == org.integration_user_id
    assert len(org.id) == 18 and org.id.startswith("00D")
    sf = Salesforce(instance_url=token["instance_url"], session_id=token["access_token"],
                    session=salesforce_sandbox.local_session())
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["records"][0]["Id"].startswith("00Q")


def test_a_wrong_verifier_and_a_reused_code_are_refused(salesforce_sandbox, org):
    base, http = salesforce_sandbox.base_url, requests.Session()
    query = approve(base, s256("right" * 10), "S256", org.id)
    form = {"grant_type": "authorization_code", "code": query["code"], "client_id": "my-app",
            "redirect_uri": REDIRECT, "code_verifier": "wrong" * 10}
    answer = http.post(f"{base}/services/oauth2/token", data=form)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    answer = http.post(f"{base}/services/oauth2/token", data={**form, "code_verifier": "right" * 10})
    assert answer.json()["error"] == "invalid_grant"  # single use, even after a failed try


def test_the_authorize_page_can_create_a_new_org(salesforce_sandbox, org):
    before = set(salesforce_sandbox.orgs)
    query = approve(salesforce_sandbox.base_url, org_choice="new")
    assert "code" in query and len(set(salesforce_sandbox.orgs) - before) == 1


def test_expired_session_is_a_401_list_and_refresh_brings_a_new_one(salesforce_sandbox, org):
    tokens = salesforce_sandbox.issue_tokens(org.id)
    local = salesforce_sandbox.local_session()
    sf = Salesforce(instance_url=tokens["instance_url"], session_id=tokens["access_token"], session=local)
    salesforce_sandbox.expire_all_sessions()
    with pytest.raises(SalesforceExpiredSession) as raised:
        sf.query("SELECT Id FROM Lead LIMIT 1")
    assert raised.value.content[0]["errorCode"] == "INVALID_SESSION_ID"
    client_id = salesforce_sandbox.app.client_id
    fresh = requests.post(f"{salesforce_sandbox.base_url}/services/oauth2/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": client_id}).json()
    sf = Salesforce(instance_url=fresh["instance_url"], session_id=fresh["access_token"], session=local)
    assert sf.query("SELECT Id FROM Lead LIMIT 1")["totalSize"] == 1


def test_a_revoked_refresh_token_is_invalid_grant(salesforce_sandbox, org):
    tokens = salesforce_sandbox.issue_tokens(org.id)
    base = salesforce_sandbox.base_url
    assert requests.post(f"{base}/services/oauth2/revoke", data={"token": tokens["refresh_token"]}).status_code == 200
    answer = requests.post(f"{base}/services/oauth2/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": salesforce_sandbox.app.client_id})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_registered_apps_only_when_apps_are_given():
    from connector.sandbox.salesforce import SalesforceSandbox
    from connector.sandbox.server import SandboxServer

    sandbox = SalesforceSandbox(apps={"known": "s3cret"})
    sandbox.add_org(leads=5)
    with SandboxServer(sandbox.wsgi_app) as server:
        page = requests.get(f"{server.base_url}/services/oauth2/authorize", params={
            "response_type": "code", "client_id": "stranger", "redirect_uri": REDIRECT})
        assert page.status_code == 400 and "invalid_client_id" in page.text
        query = approve(server.base_url, client_id="known")
        answer = requests.post(f"{server.base_url}/services/oauth2/token", data={
            "grant_type": "authorization_code", "code": query["code"], "client_id": "known",
            "client_secret": "wrong", "redirect_uri": REDIRECT})
        assert answer.json()["error"] == "invalid_client"
