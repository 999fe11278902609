"""The CRM adapter contract, one suite for both adapters, so HubSpot and Salesforce cannot drift apart.

Each test talks to `account.client` through `CrmClient` only; whatever differs per CRM (how to look into the
sandbox, which id is unknown, what to enroll in) comes from `contract_accounts`."""
from datetime import datetime, timezone

import pytest

from connector.crm.base import CrmClient, FieldWrite
from connector.crm.errors import AuthRevoked, RateLimited
from connector.crm.retry import RetryPolicy

from tests.crm.contract_accounts import RECORDS, open_account

DUE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["hubspot", "salesforce"])
def account(request):
    with open_account(request.param) as opened:
        yield opened


def pull(client: CrmClient, cursor=None):
    records = []
    for batch in client.pull_changed(cursor):
        records += batch.records
        cursor = batch.cursor
    return records, cursor


def scored(account, value: str) -> dict:
    names = account.names
    return {names.score: value, names.tier: "A", names.reasons: "Senior title; large company"}


def test_full_pull_then_incremental_pull(account):
    records, cursor = pull(account.client)
    ids = [r.crm_id for r in records]
    assert len(ids) == len(set(ids)) >= RECORDS
    assert all(r.modified_at.tzinfo is not None for r in records)
    account.sandbox.clock.advance(20)
    edited = [r.crm_id for r in records if r.object_type == account.object_type][:50]
    account.bulk_edit(edited)
    account.sandbox.clock.advance(20)
    changed, cursor = pull(account.client, cursor)
    assert sorted(r.crm_id for r in changed) == sorted(edited)
    account.sandbox.clock.advance(20)
    assert pull(account.client, cursor)[0] == []


def test_fetch_leaves_unknown_ids_out(account):
    records, _ = pull(account.client)
    wanted = [records[0].crm_id, records[5].crm_id]
    fetched = account.client.fetch(wanted + [account.unknown_id])
    assert sorted(r.crm_id for r in fetched) == sorted(wanted)


def test_provisioning_is_idempotent_and_the_schema_shows_the_fields(account):
    first = account.client.provision_fields(account.names)
    assert first.created
    second = account.client.provision_fields(account.names)
    assert second.created == [] and sorted(second.already_present) == sorted(first.created + first.already_present)
    specs = {s.name: s for s in account.client.schema()}
    names = account.names
    # The schema is what a pull carries: the rep's override tier, never the connector's own output.
    assert specs[names.override_tier].type == "enumeration"
    assert set(specs[names.override_tier].options) == {"A", "B", "C", "D"}
    assert not {names.score, names.tier, names.reasons, names.scored_at, names.model} & set(specs)


def test_a_write_with_a_bad_id_lands_everything_else(account):
    account.client.provision_fields(account.names)
    records, _ = pull(account.client)
    ids = account.writable_ids([r.crm_id for r in records if r.object_type == account.object_type])[:120]
    writes = [FieldWrite(i, account.object_type, scored(account, "64")) for i in ids]
    writes.insert(7, FieldWrite(account.unknown_id, account.object_type, scored(account, "1")))
    result = account.client.write_fields(writes)
    assert sorted(result.written) == sorted(ids)
    assert [r.crm_id for r in result.rejected] == [account.unknown_id]
    assert all(float(account.stored(i, account.names.score)) == 64 for i in ids)


def test_a_task_is_created_on_the_record(account):
    records, _ = pull(account.client)
    record = next(r for r in records if r.object_type == account.object_type
                  and r.crm_id in account.writable_ids([r.crm_id]))
    task_id = account.client.create_task(record.crm_id, account.object_type, "Call: tier A", "Reasons", DUE, None)
    assert account.task_on(task_id) == record.crm_id


def test_enrolling_twice_is_harmless(account):
    records, _ = pull(account.client)
    record = next(r for r in records if r.object_type == account.object_type
                  and r.crm_id in account.writable_ids([r.crm_id]))
    account.client.enroll(record.crm_id, account.object_type, account.campaign)
    account.client.enroll(record.crm_id, account.object_type, account.campaign)
    assert account.enrolled(record.crm_id, account.campaign)


def test_a_rate_limit_storm_is_waited_out_then_surfaces_as_rate_limited(account):
    sleeps = []
    patient = account.connect(sleep=sleeps.append)
    account.sandbox.faults.storm_retry_after = 0.01
    account.sandbox.faults.rate_limit_storm = 3
    records, _ = pull(patient)
    assert len(records) >= RECORDS and len(sleeps) == 3
    impatient = account.connect(sleep=lambda s: None, retry=RetryPolicy(attempts=2, rate_limit_attempts=3, base=0.0))
    account.sandbox.faults.rate_limit_storm = 50
    with pytest.raises(RateLimited):
        pull(impatient)


def test_a_revoked_grant_surfaces_as_auth_revoked(account):
    account.revoke_grant()
    with pytest.raises(AuthRevoked):
        pull(account.client)
