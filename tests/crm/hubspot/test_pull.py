"""Incremental pulls through Search, past its 10,000-result cap and through bulk edits."""
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.fixtures.hubspot_client import connect, seeded_sandbox

LAG = timedelta(seconds=10)
BIG_PORTAL = 25_000


def pull_ids(client, cursor):
    """Every contact id one pull yields (in order, duplicates kept) and its final cursor."""
    ids = []
    for batch in client.pull_changed(cursor):
        ids += [record.crm_id for record in batch.records]
        cursor = batch.cursor
    return ids, cursor


@dataclass
class BigPortal:
    sandbox: object
    portal_id: str
    base_url: str
    first_pull: list[str]  # ids of a full pull, in delivery order
    cursor: dict
    searches: int


@pytest.fixture(scope="module")
def big_portal():
    """25,000 contacts, pulled in full once; Search's per-second limit is raised so the test waits on the
    adapter, not on the limit."""
    with seeded_sandbox(contacts=BIG_PORTAL, search_per_second=1000, request_limit=10_000) as (sandbox, portal_id, base_url):
        sandbox.clock.advance(LAG.total_seconds() + 1)  # the seeded contacts are older than the lag
        client = connect(sandbox, portal_id, base_url, search_lag=LAG)
        ids, cursor = pull_ids(client, None)
        yield BigPortal(sandbox, portal_id, base_url, ids, cursor, client.api_calls["search"])


@pytest.mark.slow
def test_full_then_incremental_pulls_cross_the_search_cap_without_gaps_or_repeats(big_portal):
    sandbox, portal_id = big_portal.sandbox, big_portal.portal_id
    first = big_portal.first_pull
    assert len(first) == BIG_PORTAL and len(set(first)) == BIG_PORTAL
    assert big_portal.searches <= BIG_PORTAL // 200 + 1  # one query per page of 200, never past the cap

    # A bulk edit between pulls: 500 contacts share one lastmodifieddate.
    client = connect(sandbox, portal_id, big_portal.base_url, search_lag=LAG)
    edited = sorted(first, key=int)[100:25_000:50]
    sandbox.bulk_edit(portal_id, edited, {"jobtitle": "Bulk edited"})
    sandbox.clock.advance(LAG.total_seconds() + 1)
    second, cursor = pull_ids(client, big_portal.cursor)
    assert sorted(second) == sorted(edited)

    sandbox.clock.advance(LAG.total_seconds() + 1)
    third, _ = pull_ids(client, cursor)
    assert third == []


@pytest.mark.slow
def test_a_bulk_edit_during_a_pull_is_delivered_by_the_next_pull(big_portal):
    sandbox, portal_id = big_portal.sandbox, big_portal.portal_id
    all_ids = sorted(big_portal.first_pull, key=int)
    client = connect(sandbox, portal_id, big_portal.base_url, search_lag=LAG)

    seen, cursor, edited = [], None, []
    for batch in client.pull_changed(None):
        seen += [record.crm_id for record in batch.records]
        cursor = batch.cursor
        if len(seen) == 12_000:  # mid-pull, past the 10k mark: 500 records on both sides of the cursor
            edited = all_ids[:250] + all_ids[12_000:12_500:2]
            sandbox.bulk_edit(portal_id, edited, {"jobtitle": "Edited mid-pull"})
    sandbox.clock.advance(LAG.total_seconds() + 1)
    following, _ = pull_ids(client, cursor)

    assert len(set(seen)) == len(seen) and len(set(following)) == len(following)
    assert set(following) == set(edited)
    delivered = Counter(seen) + Counter(following)
    assert set(delivered) == set(all_ids)
    # Twice only for records that really changed after their first delivery.
    assert {i for i, n in delivered.items() if n == 2} == set(edited[:250])


def test_a_crashed_pull_resumes_mid_window_from_the_last_stored_cursor(hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=1000, seed=7)
    client = connect(hubspot_sandbox, portal.id, search_lag=LAG)
    hubspot_sandbox.clock.advance(LAG.total_seconds() + 1)
    pages = client.pull_changed(None)
    first_two = [next(pages), next(pages)]
    stored = first_two[-1].cursor  # then the worker dies
    rest, final = pull_ids(connect(hubspot_sandbox, portal.id, search_lag=LAG), stored)
    ids = [r.crm_id for b in first_two for r in b.records] + rest
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert set(final) == {"since"}


def test_records_carry_the_properties_the_schema_lists(hubspot_client):
    batch = next(iter(hubspot_client.pull_changed(None)), None)
    schema_names = {p.name for p in hubspot_client.schema()}
    assert batch is not None and batch.records
    record = batch.records[0]
    assert record.object_type == "contacts" and record.modified_at.tzinfo is not None
    assert {"email", "lastmodifieddate"} <= set(record.properties) <= schema_names | {"lastmodifieddate"}


def test_fetch_reads_named_contacts_and_leaves_unknown_ids_out(hubspot_client):
    ids, _ = pull_ids(hubspot_client, None)
    wanted = ids[:150] + ["999999999", "not-an-id"]
    records = hubspot_client.fetch(wanted)
    assert sorted(r.crm_id for r in records) == sorted(ids[:150])
    assert hubspot_client.api_calls["read"] == 2  # 150 ids -> two batch reads of <= 100
