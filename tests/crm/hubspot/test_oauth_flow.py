"""The adapter's OAuth helpers end to end against the sandbox: consent URL followed as a browser would,
code and state back, code exchanged (portal read from token info), a working client, refresh, revoke."""
import pytest

from connector.crm.errors import AuthRevoked
from connector.crm.hubspot import HubSpotClient, hubspot_endpoints
from connector.crm.hubspot.oauth import authorize_url, exchange_code, refresh, revoke
from tests.crm.consent import consent

REDIRECT = "https://connector.example/install/hubspot/callback"
SCOPES = ["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write"]


def test_install_exchange_use_refresh_and_revoke(hubspot_sandbox, hubspot_portal):
    sandbox = hubspot_sandbox
    endpoints = hubspot_endpoints(sandbox.base_url, sandbox.base_url)
    client_id, client_secret = sandbox.app.client_id, sandbox.app.client_secret
    url = authorize_url(endpoints, client_id, REDIRECT, SCOPES, state="st-42", optional_scopes=["automation"])

    back = consent(url, REDIRECT, "approve", portal_id=str(hubspot_portal.id))
    assert back["state"] == "st-42" and back["code"]

    credentials = exchange_code(endpoints, client_id, client_secret, back["code"], REDIRECT, now=sandbox.clock.now)
    assert credentials.account_id == str(hubspot_portal.id)
    assert credentials.refresh_token and credentials.expires_at > sandbox.clock.now()
    client = HubSpotClient(endpoints, credentials, client_id, client_secret, now=sandbox.clock.now)
    try:
        wanted = [str(i) for i in list(hubspot_portal.contacts)[:2]]  # the tokens open this portal's API
        assert sorted(r.crm_id for r in client.fetch(wanted)) == sorted(wanted)
    finally:
        client.close()

    fresh = refresh(endpoints, client_id, client_secret, credentials.refresh_token, credentials.account_id,
                    now=sandbox.clock.now)
    assert fresh.access_token != credentials.access_token
    assert fresh.refresh_token == credentials.refresh_token and fresh.account_id == credentials.account_id

    revoke(endpoints, credentials.refresh_token, client_id, client_secret)
    # Revoked twice: HubSpot answers 400 BAD_REFRESH_TOKEN, and an uninstall must still complete.
    revoke(endpoints, credentials.refresh_token, client_id, client_secret)
    with pytest.raises(AuthRevoked):
        refresh(endpoints, client_id, client_secret, credentials.refresh_token, credentials.account_id)


def test_a_denied_install_comes_back_with_an_error_and_the_state(hubspot_sandbox):
    endpoints = hubspot_endpoints(hubspot_sandbox.base_url, hubspot_sandbox.base_url)
    url = authorize_url(endpoints, "any-client", REDIRECT, SCOPES, state="st-7")
    assert consent(url, REDIRECT, "deny") == {"error": "access_denied", "state": "st-7"}
