"""Both install flows over real HTTP: the app on a port, an admin's browser (requests) following redirects through
the sandbox's consent page back to the callback; fields provisioned, the grant stored encrypted, no raw token
anywhere in the database file or the logs."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from connector.db import get_session
from connector.db.models import AuditEvent, Installation, InstallationStatus, StoredCredentials
from connector.db.scope import InstallationScope
from connector.sandbox.server import SandboxServer
from connector.security.credential_store import load_credentials
from tests.crm.salesforce.sandbox_reads import sdk

from .browser_session import AdminBrowser

HUBSPOT_FIELDS = {"leadscore_score", "leadscore_tier", "leadscore_reasons", "leadscore_scored_at",
                  "leadscore_model", "leadscore_override_tier"}


@pytest.fixture
def app_config(hubspot_sandbox, salesforce_sandbox):
    hs, sf = hubspot_sandbox.base_url, salesforce_sandbox.base_url
    return {
        "HUBSPOT_API_BASE": hs, "HUBSPOT_AUTHORIZE_URL": hs + "/oauth/authorize",
        "HUBSPOT_TOKEN_URL": hs + "/oauth/2026-03/token",
        "HUBSPOT_CLIENT_ID": hubspot_sandbox.app.client_id, "HUBSPOT_CLIENT_SECRET": hubspot_sandbox.app.client_secret,
        "SALESFORCE_LOGIN_URL": sf, "SALESFORCE_SANDBOX_LOGIN_URL": sf,
        "SALESFORCE_CLIENT_ID": salesforce_sandbox.app.client_id,
        "SALESFORCE_CLIENT_SECRET": salesforce_sandbox.app.client_secret,
    }


@pytest.fixture
def browser(app):
    with SandboxServer(app) as server:
        admin = AdminBrowser(server.base_url)
        admin.sign_in()
        yield admin


def rows(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def database_bytes(app) -> bytes:
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))  # the WAL file too


def stored_grant(app, installation_id):
    with app.app_context():
        return load_credentials(InstallationScope.load(get_session(), installation_id), app.extensions["vault"])


def install_hubspot(browser, portal_id) -> "requests.Response":  # noqa: F821
    return browser.consent(browser.get("/install/hubspot"), choice=str(portal_id))


def test_hubspot_install_provisions_fields_stores_the_grant_encrypted_and_queues_work(
        app, browser, hubspot_sandbox, sent_tasks, caplog):
    caplog.set_level(logging.DEBUG)
    portal = hubspot_sandbox.add_portal(contacts=20)
    landed = install_hubspot(browser, portal.id)

    with app.app_context():
        installation = get_session().scalars(select(Installation)).one()
    assert landed.status_code == 200 and landed.url.endswith(f"/installations/{installation.id}")
    assert "HubSpot connected" in landed.text
    assert installation.account_id == str(portal.id) and installation.status is InstallationStatus.ACTIVE
    assert sent_tasks == [("workers.sync", {"installation_id": installation.id, "requested_by": "admin@example.com"}),
                          ("workers.train", {"installation_id": installation.id, "requested_by": "admin@example.com"})]

    assert HUBSPOT_FIELDS <= set(hubspot_sandbox.portal(portal.id).properties)  # provisioned in the portal

    grant = stored_grant(app, installation.id)
    assert grant.access_token in hubspot_sandbox.tokens.access and grant.refresh_token in hubspot_sandbox.tokens.refresh
    assert grant.expires_at is not None
    secrets = [grant.access_token.encode(), grant.refresh_token.encode()]
    assert not any(secret in database_bytes(app) for secret in secrets)
    assert not any(secret.decode() in caplog.text for secret in secrets)


def test_a_reinstall_updates_the_same_installation(app, browser, hubspot_sandbox, sent_tasks):
    portal = hubspot_sandbox.add_portal(contacts=5)
    install_hubspot(browser, portal.id)
    first = stored_grant(app, 1)
    with app.app_context():
        get_session().get(Installation, 1).status = InstallationStatus.RECONNECT_NEEDED
        get_session().commit()
    again = install_hubspot(browser, portal.id)
    assert again.url.endswith("/installations/1")
    assert rows(app, Installation) == 1 and rows(app, StoredCredentials) == 1
    assert stored_grant(app, 1).access_token != first.access_token
    with app.app_context():
        assert get_session().get(Installation, 1).status is InstallationStatus.ACTIVE


def test_salesforce_install_uses_pkce_keeps_the_instance_url_and_grants_the_fields(
        app, browser, salesforce_sandbox, sent_tasks, caplog):
    caplog.set_level(logging.DEBUG)
    org = salesforce_sandbox.add_org(leads=10)
    chooser = browser.get("/install/salesforce")
    assert 'name="environment" value="sandbox"' in chooser.text
    consent = browser.get("/install/salesforce?environment=sandbox")
    query = parse_qs(urlsplit(consent.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    landed = browser.consent(consent, choice=org.id, decision="allow")

    assert landed.status_code == 200 and "Salesforce connected" in landed.text
    with app.app_context():
        installation = get_session().scalars(select(Installation)).one()
    assert installation.account_id == org.id
    grant = stored_grant(app, installation.id)
    assert grant.instance_url == salesforce_sandbox.base_url
    assert grant.extra["login_url"] == salesforce_sandbox.base_url
    look = sdk(salesforce_sandbox, org.id)
    fields = look.restful("tooling/query/", params={"q": "SELECT DeveloperName, TableEnumOrId FROM CustomField"})
    ours = [f for f in fields["records"] if f["DeveloperName"].startswith("LeadScore")]
    assert len(ours) == 16  # eight score fields (the A/B arm and the next step among them) on Lead and on Contact
    assert look.query("SELECT Id FROM PermissionSet WHERE Name = 'LeadScore_Connector'")["totalSize"] == 1
    assert [name for name, _ in sent_tasks] == ["workers.sync", "workers.train"]
    secrets = [grant.access_token.encode(), grant.refresh_token.encode()]
    assert not any(secret in database_bytes(app) for secret in secrets)
    assert not any(secret.decode() in caplog.text for secret in secrets)


def test_forged_or_missing_state_is_refused_and_nothing_is_written(app, browser, hubspot_sandbox, sent_tasks):
    portal = hubspot_sandbox.add_portal(contacts=5)
    missing = browser.get("/install/hubspot/callback?code=whatever")
    assert missing.status_code == 400 and "expired or was already used" in missing.text

    consent = browser.get("/install/hubspot")  # a real pending install in this browser...
    forged = browser.get("/install/hubspot/callback?code=sbx-code-x&state=forged")  # ...and a forged callback
    assert forged.status_code == 400 and "state mismatch" in forged.text
    assert rows(app, Installation) == 0 and rows(app, StoredCredentials) == 0 and sent_tasks == []
    assert consent.status_code == 200


def test_a_replayed_code_is_refused_and_nothing_more_is_written(app, browser, hubspot_sandbox, sent_tasks):
    portal = hubspot_sandbox.add_portal(contacts=5)
    consent = browser.get("/install/hubspot")
    back = browser.consent(consent, choice=str(portal.id))
    callback = back.history[0].headers["Location"]  # the sandbox's redirect to our callback, code and state
    audit_before = rows(app, AuditEvent)

    replay = browser.get(callback)  # same code, same state: the state was used up
    assert replay.status_code == 400 and "already used" in replay.text

    code = parse_qs(urlsplit(callback).query)["code"][0]
    # A new pending install in the same browser, its valid state presented with the old code.
    pending = browser.get("/install/hubspot", allow_redirects=False).headers["Location"]
    fresh_state = parse_qs(urlsplit(pending).query)["state"][0]
    reused = browser.get(f"/install/hubspot/callback?code={code}&state={fresh_state}")
    assert reused.status_code == 400 and "refused the authorization code" in reused.text
    assert rows(app, AuditEvent) == audit_before and rows(app, Installation) == 1 and len(sent_tasks) == 2


def test_install_needs_a_signed_in_admin(app):
    with SandboxServer(app) as server:
        anonymous = AdminBrowser(server.base_url)
        answer = anonymous.get("/install/hubspot", allow_redirects=False)
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]


def test_disconnect_revokes_the_grant_and_deletes_the_credentials(app, browser, hubspot_sandbox, sent_tasks):
    portal = hubspot_sandbox.add_portal(contacts=5)
    install_hubspot(browser, portal.id)
    refresh_token = stored_grant(app, 1).refresh_token

    no_csrf = browser.http.post(browser.base_url + "/install/1/disconnect", timeout=30)
    assert no_csrf.status_code == 400 and "Reload the page" in no_csrf.text
    assert rows(app, StoredCredentials) == 1

    done = browser.submit("/installations/1", "/install/1/disconnect")
    assert done.ok and "access revoked" in done.text
    assert rows(app, StoredCredentials) == 0 and refresh_token not in hubspot_sandbox.tokens.refresh
    with app.app_context():
        assert get_session().get(Installation, 1).status is InstallationStatus.DISCONNECTED


def test_disconnect_completes_when_the_app_was_already_uninstalled_in_hubspot(app, browser, hubspot_sandbox,
                                                                              sent_tasks):
    """The grant is gone at HubSpot (uninstalled there first): its revoke answers 400 BAD_REFRESH_TOKEN,
    which means the goal is met, not that HubSpot could not be reached."""
    portal = hubspot_sandbox.add_portal(contacts=5)
    install_hubspot(browser, portal.id)
    assert hubspot_sandbox.revoke_refresh_token(stored_grant(app, 1).refresh_token)
    done = browser.submit("/installations/1", "/install/1/disconnect")
    assert done.ok and "access revoked" in done.text
    assert rows(app, StoredCredentials) == 0
    with app.app_context():
        assert get_session().get(Installation, 1).status is InstallationStatus.DISCONNECTED
