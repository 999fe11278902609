"""The adapter's OAuth helpers end to end against the sandbox: consent URL with a PKCE challenge followed as
a browser would, code and state back, code exchanged with the verifier (org and user read from the identity
URL), a working client, refresh, revoke."""
import pytest

from connector.crm.errors import AuthRevoked
from connector.crm.salesforce import SalesforceClient, salesforce_endpoints
from connector.crm.salesforce.oauth import (authorize_url, code_challenge_for, exchange_code, new_code_verifier,
                                            refresh, revoke)
from tests.crm.consent import consent

REDIRECT = "https://connector.example/install/salesforce/callback"


def test_install_with_pkce_exchange_use_refresh_and_revoke(salesforce_sandbox, salesforce_org):
    sandbox = salesforce_sandbox
    login = salesforce_endpoints(sandbox.base_url)
    client_id, client_secret = sandbox.app.client_id, sandbox.app.client_secret
    http = sandbox.local_session()
    verifier = new_code_verifier()
    url = authorize_url(login, client_id, REDIRECT, "st-42", code_challenge_for(verifier))

    back = consent(url, REDIRECT, "allow", org_id=salesforce_org.id)
    assert back["state"] == "st-42" and back["code"]

    credentials = exchange_code(login, client_id, client_secret, back["code"], REDIRECT, verifier, session=http)
    assert credentials.account_id == salesforce_org.id
    assert credentials.extra["user_id"] == salesforce_org.integration_user_id
    assert credentials.refresh_token and credentials.instance_url
    endpoints = salesforce_endpoints(sandbox.base_url, credentials.instance_url)
    client = SalesforceClient(endpoints, credentials, client_id, client_secret,
                              session_factory=sandbox.local_session, now=sandbox.clock.now)
    try:
        wanted = list(salesforce_org.tables["Lead"])[:2]  # the session opens this org's API
        assert sorted(r.crm_id for r in client.fetch(wanted)) == sorted(wanted)
    finally:
        client.close()

    fresh = refresh(endpoints, client_id, client_secret, credentials, session=http)
    assert fresh.access_token != credentials.access_token
    assert (fresh.refresh_token, fresh.account_id) == (credentials.refresh_token, credentials.account_id)

    revoke(endpoints, credentials.refresh_token, session=http)
    revoke(endpoints, credentials.refresh_token, session=http)  # already gone counts as done
    with pytest.raises(AuthRevoked):
        refresh(endpoints, client_id, client_secret, credentials, session=http)


def test_a_code_without_its_verifier_is_refused(salesforce_sandbox, salesforce_org):
    sandbox = salesforce_sandbox
    login = salesforce_endpoints(sandbox.base_url)
    client_id, client_secret = sandbox.app.client_id, sandbox.app.client_secret
    url = authorize_url(login, client_id, REDIRECT, "st-9", code_challenge_for(new_code_verifier()))
    back = consent(url, REDIRECT, "allow", org_id=salesforce_org.id)
    wrong = new_code_verifier()
    with pytest.raises(AuthRevoked) as refused:  # Salesforce's invalid_grant: the code cannot be redeemed
        exchange_code(login, client_id, client_secret, back["code"], REDIRECT, wrong, session=sandbox.local_session())
    assert wrong not in str(refused.value) and back["code"] not in str(refused.value)
