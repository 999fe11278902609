"""The web-server flow with PKCE: consent URL, code exchange, refresh, revoke; token errors typed."""
import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from connector.crm.base import Credentials
from connector.crm.errors import AuthRevoked, CrmUnavailable
from connector.crm.salesforce import salesforce_endpoints
from connector.crm.salesforce.oauth import (authorize_url, code_challenge_for, exchange_code, identity_ids,
                                            new_code_verifier, refresh, revoke)

LOGIN = "https://login.salesforce.com"
TOKEN = LOGIN + "/services/oauth2/token"
IDENTITY = LOGIN + "/id/00D5g000000AbCdEAK/0055g000001XyZ1AAK"


def test_endpoints_default_to_production_and_take_any_login_host():
    assert salesforce_endpoints().token_url == TOKEN
    sandbox_org = salesforce_endpoints("https://test.salesforce.com/")
    assert sandbox_org.authorize_url == "https://test.salesforce.com/services/oauth2/authorize"
    local = salesforce_endpoints("http://127.0.0.1:8080", instance_url="http://127.0.0.1:8080")
    assert local.api_base == "http://127.0.0.1:8080" and local.revoke_url.endswith("/services/oauth2/revoke")


def test_pkce_challenge_is_the_s256_of_the_verifier():
    verifier = new_code_verifier()
    assert 43 <= len(verifier) <= 128 and verifier != new_code_verifier()
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert code_challenge_for(verifier) == expected


def test_consent_url_carries_state_scopes_and_challenge():
    url = authorize_url(salesforce_endpoints(), "cid", "https://app.example/cb", "st4te", "ch", ["api", "refresh_token"])
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(LOGIN + "/services/oauth2/authorize?")
    assert query == {"response_type": ["code"], "client_id": ["cid"], "redirect_uri": ["https://app.example/cb"],
                     "state": ["st4te"], "scope": ["api refresh_token"], "code_challenge": ["ch"],
                     "code_challenge_method": ["S256"]}
    with pytest.raises(ValueError):
        authorize_url(salesforce_endpoints(), "cid", "https://app.example/cb", "s", "ch", [])


@responses.activate
def test_code_exchange_keeps_instance_url_and_reads_org_from_identity():
    responses.post(TOKEN, json={"access_token": "00D!at", "refresh_token": "rt", "instance_url": "https://na1.my",
                                "id": IDENTITY, "issued_at": "1714564800000", "signature": "x"})
    credentials = exchange_code(salesforce_endpoints(), "cid", "secret", "code1", "https://app.example/cb", "v" * 50)
    assert credentials.account_id == "00D5g000000AbCdEAK" and credentials.extra["user_id"] == "0055g000001XyZ1AAK"
    assert credentials.instance_url == "https://na1.my" and credentials.expires_at is None
    sent = parse_qs(responses.calls[0].request.body)
    assert sent["grant_type"] == ["authorization_code"] and sent["code_verifier"] == ["v" * 50]
    assert "00D!at" not in repr(credentials)


@responses.activate
def test_refresh_keeps_the_refresh_token_salesforce_does_not_resend():
    responses.post(TOKEN, json={"access_token": "new", "instance_url": "https://na1.my", "id": IDENTITY})
    old = Credentials("old", "rt", None, "00D5g000000AbCdEAK", "https://na1.my", {"user_id": "005x"})
    fresh = refresh(salesforce_endpoints(), "cid", "secret", old, session=requests.Session())
    assert (fresh.access_token, fresh.refresh_token, fresh.account_id) == ("new", "rt", old.account_id)
    assert fresh.extra["user_id"] == "005x"


@responses.activate
def test_invalid_grant_means_revoked_and_keeps_secrets_out_of_the_message():
    responses.post(TOKEN, status=400, json={"error": "invalid_grant", "error_description": "expired access/refresh token"})
    old = Credentials("old", "rt-secret", None, "00D", None)
    with pytest.raises(AuthRevoked) as caught:
        refresh(salesforce_endpoints(), "cid", "client-secret", old)
    assert "rt-secret" not in str(caught.value) and "client-secret" not in str(caught.value)


@responses.activate
def test_server_errors_at_the_token_endpoint_are_unavailable_not_revoked():
    responses.post(TOKEN, status=503, body="down")
    with pytest.raises(CrmUnavailable):
        refresh(salesforce_endpoints(), "cid", "s", Credentials("a", "rt", None, "00D", None))


@responses.activate
def test_revoking_an_already_dead_token_counts_as_done():
    responses.post(LOGIN + "/services/oauth2/revoke", status=400, json={"error": "unsupported_token_type"})
    revoke(salesforce_endpoints(), "gone")


def test_identity_url_must_name_org_and_user():
    assert identity_ids(IDENTITY) == ("00D5g000000AbCdEAK", "0055g000001XyZ1AAK")
    with pytest.raises(CrmUnavailable):
        identity_ids("https://login.salesforce.com/services/oauth2/userinfo")
