from urllib.parse import parse_qs, urlsplit

import pytest

from connector.crm.hubspot import hubspot_endpoints
from connector.crm.hubspot.oauth import authorize_url


def test_endpoints_default_to_hubspot_and_follow_a_sandbox_host():
    # v1 is retired on 16 Feb 2027: the date-versioned endpoints are the default, v1 a chosen fallback.
    assert hubspot_endpoints().token_url == "https://api.hubapi.com/oauth/2026-03/token"
    assert hubspot_endpoints().revoke_url == "https://api.hubapi.com/oauth/2026-03/token/revoke"
    v1 = hubspot_endpoints(oauth_version="v1")
    assert (v1.token_url, v1.revoke_url) == ("https://api.hubapi.com/oauth/v1/token",
                                             "https://api.hubapi.com/oauth/v1/refresh-tokens")
    local = hubspot_endpoints("http://127.0.0.1:5000/", "http://127.0.0.1:5000")
    assert local.api_base == "http://127.0.0.1:5000"
    assert local.authorize_url == "http://127.0.0.1:5000/oauth/authorize"


def test_authorize_url_carries_scopes_state_and_optional_scopes():
    url = authorize_url(hubspot_endpoints(), "cid", "https://me/cb", ["crm.objects.contacts.read", "oauth"],
                        "st8", optional_scopes=["automation"])
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.netloc == "app.hubspot.com" and parts.path == "/oauth/authorize"
    assert query == {"client_id": ["cid"], "redirect_uri": ["https://me/cb"],
                     "scope": ["crm.objects.contacts.read oauth"], "state": ["st8"], "optional_scope": ["automation"]}


def test_authorize_url_needs_a_scope():
    with pytest.raises(ValueError):
        authorize_url(hubspot_endpoints(), "cid", "https://me/cb", [], "st8")
