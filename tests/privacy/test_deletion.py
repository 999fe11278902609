"""Deletion honoured through each CRM's own path, over real HTTP with the official SDKs: a HubSpot delete or
GDPR delete reaches the connector as the sandbox's signed webhook and is erased by the real (embedded) Celery
worker; a Salesforce delete is found by the next sync through queryAll. Afterwards no table holds a row naming
the person's id or email, and a model trained afterwards cannot see them."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from hubspot import HubSpot
from hubspot.crm.contacts import PublicGdprDeleteInput
from simple_salesforce import Salesforce

from connector.crm.base import Credentials
from connector.db import get_session
from connector.db.models import AuditEvent, Crm, NurtureRule
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings
from connector.sandbox.server import SandboxServer
from tests.nurture.test_sync_task import TASK, Account, _salesforce_credentials
from tests.workers.conftest import in_the_past, install, make_app, run_task, sandbox_config
from workers.model_versions import _training_rows

from .rows_naming import rows_naming


def _make_rows_about(app, installation_id: int, account: Account, crm_id: str) -> None:
    """Scores, score history, an action, an override and an outcome about the record, as syncs leave them."""
    names = InstallationSettings.defaults(account.name).field_names
    with app.app_context():
        session = get_session()
        session.add(NurtureRule(installation_id=installation_id, name="Sales ready",
                                trigger={"type": "enters_tier", "tier": "A"}, actions=[TASK]))
        session.commit()
    outcome = {"lifecyclestage": "customer"} if account.name == "hubspot" else {"Status": "Closed - Not Converted"}
    account.edit(crm_id, {names.override_tier: "A", **outcome})
    run_task(app, "workers.sync", installation_id=installation_id)


def _an_owned_record(account: Account, ids) -> tuple[str, str]:
    for crm_id in ids:
        record = account.record(crm_id)
        email = record.get("email") or record.get("Email")
        if record.get(account.owner_field) and email and str(record.get("IsConverted", "")).lower() != "true":
            return crm_id, email
    pytest.fail("the sandbox has no owned record with an email")


def _erasures(app, installation_id: int) -> list[AuditEvent]:
    with app.app_context():
        return get_session().query(AuditEvent).filter_by(installation_id=installation_id,
                                                         action="privacy.erased").all()


@pytest.mark.parametrize("how", ["archive", "gdpr"])
def test_a_hubspot_deletion_webhook_erases_every_row_about_the_contact(tmp_path, hubspot_sandbox, how):
    with in_the_past(hubspot_sandbox, 120):
        portal = hubspot_sandbox.add_portal(contacts=150, seed=11)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'privacy.sqlite'}", EMBEDDED_WORKER=True,
                   **sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url))
    tokens = hubspot_sandbox.issue_tokens(portal.id)
    installation_id = install(app, Crm.HUBSPOT, Credentials(
        access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
        expires_at=hubspot_sandbox.clock.now() + timedelta(seconds=tokens["expires_in"]),
        account_id=str(portal.id)), "Portal")
    account = Account("hubspot", hubspot_sandbox, portal.id, "hubspot_owner_id", 10)
    run_task(app, "workers.sync", installation_id=installation_id)
    crm_id, email = _an_owned_record(account, map(str, portal.ids))
    _make_rows_about(app, installation_id, account, crm_id)
    held = rows_naming(app, crm_id, email)
    assert {"record_snapshots.crm_id", "current_scores.crm_id", "score_history.crm_id", "action_log.crm_id",
            "record_snapshots.properties"} <= set(held), held

    with SandboxServer(app) as served:
        hubspot_sandbox.subscribe_webhooks(f"{served.base_url}/webhooks/hubspot", "4242",
                                           hubspot_sandbox.app.client_secret)
        sdk = HubSpot(access_token=tokens["access_token"], host=hubspot_sandbox.base_url)
        if how == "gdpr":
            sdk.crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=crm_id))
        else:
            sdk.crm.contacts.basic_api.archive(crm_id)
        deadline = time.time() + 30
        while not _erasures(app, installation_id) and time.time() < deadline:
            time.sleep(0.1)
        expected = 2 if how == "gdpr" else 1  # a GDPR delete sends contact.privacyDeletion and contact.deletion
        while len(hubspot_sandbox.webhooks.deliveries) < 1 and time.time() < deadline:
            time.sleep(0.1)
        assert all(d["status"] == 200 for d in hubspot_sandbox.webhooks.deliveries)
        assert sum(d["events"] for d in hubspot_sandbox.webhooks.deliveries) == expected

    assert _erasures(app, installation_id), "no erasure within 30 s"
    assert rows_naming(app, crm_id, email) == []
    [erased] = _erasures(app, installation_id)[:1]
    assert erased.detail["records"] == 1 and erased.detail["rows"]["record_snapshots"] == 1
    after = run_task(app, "workers.sync", installation_id=installation_id)
    assert after["counts"]["written"] == 0
    assert rows_naming(app, crm_id, email) == []
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        assert all(row.get("hs_object_id") != crm_id and row.get("email") != email for row in _training_rows(scope, None))


def test_a_salesforce_delete_is_found_by_the_next_sync_through_query_all(tmp_path, salesforce_sandbox):
    sandbox = salesforce_sandbox
    with in_the_past(sandbox, 180):
        org = sandbox.add_org(leads=150, contacts=0, seed=11)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'privacy.sqlite'}", SALESFORCE_LOGIN_URL=sandbox.base_url,
                   SALESFORCE_CLIENT_ID=sandbox.app.client_id, SALESFORCE_CLIENT_SECRET=sandbox.app.client_secret)
    tokens = sandbox.issue_tokens(org.id)
    installation_id = install(app, Crm.SALESFORCE, _salesforce_credentials(org.id, tokens), "Org")
    account = Account("salesforce", sandbox, org.id, "OwnerId", 60)
    run_task(app, "workers.sync", installation_id=installation_id)
    crm_id, email = _an_owned_record(account, (r["Id"] for r in sandbox.records(org.id, "Lead")))
    _make_rows_about(app, installation_id, account, crm_id)
    assert "record_snapshots.crm_id" in rows_naming(app, crm_id, email)

    time.sleep(1.5)
    with in_the_past(sandbox, 59):  # inside the next pull's window, as `Account.edit` stamps changes
        sdk = Salesforce(instance_url=tokens["instance_url"], session_id=tokens["access_token"],
                         session=sandbox.local_session())
        assert sdk.Lead.delete(crm_id) == 204
    result = run_task(app, "workers.sync", installation_id=installation_id)

    assert result["counts"]["erased"] == 1
    assert rows_naming(app, crm_id, email) == []
    [erased] = _erasures(app, installation_id)
    assert erased.actor == "system" and erased.detail["reason"] == "deleted in Salesforce"
    again = run_task(app, "workers.sync", installation_id=installation_id)
    assert again["counts"]["erased"] == 0 and rows_naming(app, crm_id, email) == []
