"""Incremental pulls by SystemModstamp: 12,000 leads in 2,000-record pages, bulk edits that give hundreds of
records one stamp (between pulls and in the middle of one), none missed, none repeated."""
import pytest

from tests.crm.salesforce.sandbox_reads import pull_ids
from tests.fixtures.salesforce_client import connect, seeded_sandbox

BIG = 12_000
BULK = 700


@pytest.fixture(scope="module")
def big_org():
    with seeded_sandbox(leads=BIG, contacts=0, seed=7) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url, bulk_threshold=BIG)  # REST paging here; Bulk: test_bulk_pull
        batches = list(client.pull_changed(None))
        ids = [r.crm_id for b in batches for r in b.records if r.object_type == "Lead"]
        yield sandbox, org_id, base_url, ids, batches[-1].cursor, batches


def stamps(sandbox, org_id, ids):
    return {sandbox.record(org_id, "Lead", i)["SystemModstamp"] for i in ids}


def test_a_full_pull_reads_every_lead_once_in_2000_record_pages(big_org):
    sandbox, org_id, _, ids, cursor, batches = big_org
    assert len(ids) == len(set(ids)) == BIG
    # One batch per query answer: Leads first, in full 2,000-record pages and one empty page that tells the
    # pull it is done; then the Contacts the converted leads became, the same way. (Counted on the batches,
    # not on requests sent: a retried request would be a second request for the same page.)
    sizes = [(b.records[0].object_type if b.records else None, len(b.records)) for b in batches]
    assert sizes[:7] == [("Lead", 2000)] * 6 + [(None, 0)]
    contacts = len(sandbox.records(org_id, "Contact"))
    assert [n for _, n in sizes[7:]] == [2000] * (contacts // 2000) + [contacts % 2000]
    assert cursor["Lead"] is not None and cursor["Contact"] is not None


def test_a_bulk_edit_between_pulls_is_read_once_across_page_boundaries(big_org):
    sandbox, org_id, base_url, ids, cursor, _ = big_org
    sandbox.clock.advance(1)
    edited = ids[1000:1000 + BULK]
    sandbox.bulk_edit(org_id, "Lead", edited, {"Title": "VP Sales"})
    assert len(stamps(sandbox, org_id, edited)) == 1  # all 700 share one SystemModstamp
    sandbox.clock.advance(1)
    small_pages = connect(sandbox, org_id, base_url, page_size=200)  # 700 equal stamps across 4 pages
    batches = list(small_pages.pull_changed(cursor))
    again = [r.crm_id for b in batches for r in b.records]
    assert len(again) == len(set(again)) == BULK and set(again) == set(edited)
    assert [len(b.records) for b in batches] == [200, 200, 200, 100, 0]  # 4 Lead pages, one empty Contact page
    nothing, _ = pull_ids(small_pages, batches[-1].cursor)
    assert nothing == []


def test_a_bulk_edit_during_a_pull_is_read_by_the_next_pull_and_nothing_is_lost(big_org):
    sandbox, org_id, base_url, ids, _, _ = big_org
    client = connect(sandbox, org_id, base_url)
    batches = client.pull_changed(None)
    first = next(batches)
    seen = [r.crm_id for r in first.records]  # Leads come first, Contacts after them
    sandbox.clock.advance(1)
    # Half already read by this pull, half not reached yet: the second half moves past the pull's window.
    edited = seen[:BULK // 2] + ids[6000:6000 + BULK // 2]
    sandbox.bulk_edit(org_id, "Lead", edited, {"Title": "Head of Growth"})
    cursor = first.cursor
    for batch in batches:
        seen += [r.crm_id for r in batch.records if r.object_type == "Lead"]
        cursor = batch.cursor
    assert len(seen) == len(set(seen))  # nothing repeated within the pull
    sandbox.clock.advance(1)
    after, _ = pull_ids(client, cursor, "Lead")
    assert len(after) == len(set(after)) and set(after) == set(edited)
    assert set(seen) | set(after) == set(ids)  # nothing missed


def test_an_interrupted_pull_resumes_from_its_last_cursor(big_org):
    sandbox, org_id, base_url, ids, _, _ = big_org
    client = connect(sandbox, org_id, base_url)
    batches = client.pull_changed(None)
    first, second = next(batches), next(batches)
    batches.close()  # the worker died after storing the second cursor
    resumed, _ = pull_ids(connect(sandbox, org_id, base_url), second.cursor, "Lead")
    got = [r.crm_id for r in first.records + second.records] + resumed
    assert len(got) == len(set(got)) == BIG


def test_records_carry_typed_values_and_converted_leads_are_marked(salesforce_client):
    records = [r for batch in salesforce_client.pull_changed(None) for r in batch.records]
    leads = [r for r in records if r.object_type == "Lead"]
    contacts = [r for r in records if r.object_type == "Contact"]
    assert len(leads) == 300 and len(contacts) >= 50
    assert all(r.properties["IsConverted"] in ("true", "false") for r in leads)
    converted = [r for r in leads if r.properties["IsConverted"] == "true"]
    assert all(r.properties["ConvertedContactId"] for r in converted)
    assert all(r.modified_at.tzinfo is not None for r in records)
    assert "LeadScore_Score__c" not in leads[0].properties


def test_fetch_reads_named_records_and_leaves_unknown_ids_out(salesforce_client):
    records = [r for batch in salesforce_client.pull_changed(None) for r in batch.records]
    wanted = [records[0].crm_id, records[-1].crm_id, "00Q000000000000AAA", "bogus'; DROP"]
    fetched = salesforce_client.fetch(wanted)
    assert sorted(r.crm_id for r in fetched) == sorted(wanted[:2])
