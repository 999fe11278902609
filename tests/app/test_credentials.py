"""The credentials helper workers use: fresh tokens persisted encrypted, a CrmClient per installation, and a
revoked grant turned into "reconnect needed" instead of a failure every run."""
from __future__ import annotations

from datetime import timedelta

import pytest

from connector.crm.base import Credentials
from connector.crm.errors import AuthRevoked
from connector.crm.hubspot import HubSpotClient
from connector.crm.salesforce import SalesforceClient
from connector.crm.salesforce.oauth import identity_ids
from connector.db import get_session
from connector.db.models import AuditEvent, Installation, InstallationStatus, utcnow
from connector.db.scope import InstallationScope
from connector.install.credentials import NotConnected, client_for
from connector.security.credential_store import load_credentials, save_credentials

from .conftest import add_installation


@pytest.fixture
def app_config(hubspot_sandbox, salesforce_sandbox):
    hs = hubspot_sandbox.base_url
    return {"HUBSPOT_API_BASE": hs, "HUBSPOT_TOKEN_URL": hs + "/oauth/v1/token",
            "HUBSPOT_CLIENT_ID": hubspot_sandbox.app.client_id, "HUBSPOT_CLIENT_SECRET": hubspot_sandbox.app.client_secret,
            "SALESFORCE_LOGIN_URL": salesforce_sandbox.base_url,
            "SALESFORCE_CLIENT_ID": salesforce_sandbox.app.client_id,
            "SALESFORCE_CLIENT_SECRET": salesforce_sandbox.app.client_secret}


def store(app, installation_id: int, credentials: Credentials) -> None:
    with app.app_context():
        save_credentials(InstallationScope.load(get_session(), installation_id), app.extensions["vault"], credentials)
        get_session().commit()


def stored(app, installation_id: int) -> Credentials:
    with app.app_context():
        return load_credentials(InstallationScope.load(get_session(), installation_id), app.extensions["vault"])


def hubspot_installation(app, sandbox, expires_in: timedelta):
    portal = sandbox.add_portal(contacts=5)
    installation_id = add_installation(app, account_id=str(portal.id))
    tokens = sandbox.issue_tokens(portal.id)
    store(app, installation_id, Credentials(tokens["access_token"], tokens["refresh_token"], utcnow() + expires_in,
                                            str(portal.id)))
    return installation_id, tokens


def test_a_token_close_to_expiry_is_refreshed_and_saved_encrypted(app, hubspot_sandbox):
    installation_id, tokens = hubspot_installation(app, hubspot_sandbox, timedelta(minutes=1))
    with app.app_context():
        client = client_for(get_session().get(Installation, installation_id))
        assert isinstance(client, HubSpotClient) and client.schema()
        client.close()
    saved = stored(app, installation_id)
    assert saved.access_token != tokens["access_token"] and saved.refresh_token == tokens["refresh_token"]
    assert saved.expires_at > utcnow() + timedelta(minutes=20)


def test_a_revoked_grant_marks_the_installation_reconnect_needed(app, hubspot_sandbox):
    installation_id, tokens = hubspot_installation(app, hubspot_sandbox, timedelta(seconds=-5))
    hubspot_sandbox.revoke_refresh_token(tokens["refresh_token"])
    with app.app_context():
        with pytest.raises(AuthRevoked):
            client_for(get_session().get(Installation, installation_id))
    with app.app_context():
        installation = get_session().get(Installation, installation_id)
        assert installation.status is InstallationStatus.RECONNECT_NEEDED
        assert get_session().query(AuditEvent).filter_by(action="install.reconnect_needed").count() == 1
        with pytest.raises(NotConnected):  # syncs stay paused until an admin reconnects
            client_for(installation)


def test_salesforce_client_for_an_org_reads_through_its_instance(app, salesforce_sandbox):
    org = salesforce_sandbox.add_org(leads=3)
    installation_id = add_installation(app, crm="salesforce", account_id=org.id)
    tokens = salesforce_sandbox.issue_tokens(org.id)
    _, user_id = identity_ids(tokens["id"])
    store(app, installation_id, Credentials(tokens["access_token"], tokens["refresh_token"], None, org.id,
                                            instance_url=tokens["instance_url"],
                                            extra={"user_id": user_id, "login_url": salesforce_sandbox.base_url}))
    with app.app_context():
        client = client_for(get_session().get(Installation, installation_id))
        assert isinstance(client, SalesforceClient)
        leads = [r for batch in client.pull_changed(None) for r in batch.records if r.object_type == "Lead"]
        client.close()
    assert len(leads) == 3
