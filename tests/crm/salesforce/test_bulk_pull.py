"""Full pulls of more than the Bulk threshold run as one Bulk API 2.0 query job (Salesforce: Bulk above 2,000
records; the adapter switches at 10,000, lowered here to keep the org small); incremental pulls stay on REST."""
import requests

from connector.crm.salesforce import bulk
from connector.crm.salesforce.local_session import LocalSession

from tests.fixtures.salesforce_client import connect, seeded_sandbox

LEADS = 4_500


def test_a_big_full_pull_is_one_bulk_job_and_the_next_pull_is_rest():
    with seeded_sandbox(leads=LEADS, contacts=0, seed=12) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url, bulk_threshold=2_000)
        batches = list(client.pull_changed(None))
        leads = [r for b in batches for r in b.records if r.object_type == "Lead"]
        assert len(leads) == len({r.crm_id for r in leads}) == LEADS
        assert len(sandbox.org(org_id).query_jobs) == 1  # Leads by Bulk; the few Contacts by REST
        lead_cursors = [b.cursor["Lead"] for b in batches if b.records and b.records[0].object_type == "Lead"]
        # Bulk rows come in no promised order: the cursor moves only with the last page, to the greatest stamp.
        assert lead_cursors[:-1] == [None] * (len(lead_cursors) - 1) and lead_cursors[-1] is not None
        newest = max(sandbox.records(org_id, "Lead"), key=lambda r: (r["SystemModstamp"], r["Id"]))
        assert lead_cursors[-1][1] == newest["Id"]
        typed = next(r for r in leads if r.properties.get("IsConverted") == "true")
        assert typed.properties["ConvertedContactId"] and typed.modified_at.tzinfo is not None

        sandbox.clock.advance(1)
        edited = [r.crm_id for r in leads[:30]]
        sandbox.bulk_edit(org_id, "Lead", edited, {"Rating": "Hot"})
        sandbox.clock.advance(120)
        again = [r for b in client.pull_changed(batches[-1].cursor) for r in b.records if r.object_type == "Lead"]
        assert sorted(r.crm_id for r in again) == sorted(edited)
        assert len(sandbox.org(org_id).query_jobs) == 1  # incremental: REST, no second job


def _lead_ids(batches):
    return [r.crm_id for b in batches for r in b.records if r.object_type == "Lead"]


def test_a_pull_stopped_between_results_pages_reads_on_from_the_next_page(monkeypatch):
    """The process dies after storing two results pages: the next sync starts from the stored cursor, which
    names the job and the next page's locator, and reads the rest of the same job: each lead exactly once."""
    monkeypatch.setattr(bulk, "RESULTS_PAGE", 1_000)
    with seeded_sandbox(leads=LEADS, contacts=0, seed=13) as (sandbox, org_id, base_url):
        first = connect(sandbox, org_id, base_url, bulk_threshold=2_000)
        pull = first.pull_changed(None)
        stored = [next(pull), next(pull)]
        pull.close()  # the worker is gone; the sync run keeps the last stored batch's cursor
        assert stored[-1].cursor["Lead"] is None and stored[-1].cursor["bulk"]["locator"]

        rest = list(connect(sandbox, org_id, base_url, bulk_threshold=2_000).pull_changed(stored[-1].cursor))

        ids = _lead_ids(stored) + _lead_ids(rest)
        assert len(ids) == len(set(ids)) == LEADS
        assert len(sandbox.org(org_id).query_jobs) == 1  # read on, not run again
        newest = max(sandbox.records(org_id, "Lead"), key=lambda r: (r["SystemModstamp"], r["Id"]))
        assert rest[-1].cursor["Lead"][1] == newest["Id"] and "bulk" not in rest[-1].cursor


def test_a_connection_lost_mid_locator_reads_the_same_page_again(monkeypatch):
    """A results page whose connection drops is asked for again with the same locator: nothing lost, nothing
    read twice, one job."""
    monkeypatch.setattr(bulk, "RESULTS_PAGE", 1_000)

    class DroppingOnce(LocalSession):
        dropped = 0

        def request(self, method, url, *args, **kwargs):
            if url.endswith("/results") and "locator" in (kwargs.get("params") or {}) and not DroppingOnce.dropped:
                DroppingOnce.dropped += 1
                raise requests.ConnectionError("connection reset mid-page")
            return super().request(method, url, *args, **kwargs)

    with seeded_sandbox(leads=LEADS, contacts=0, seed=13) as (sandbox, org_id, base_url):
        client = connect(sandbox, org_id, base_url, bulk_threshold=2_000,
                         session_factory=lambda: DroppingOnce(base_url))
        ids = _lead_ids(list(client.pull_changed(None)))
        assert DroppingOnce.dropped == 1
        assert len(ids) == len(set(ids)) == LEADS and len(sandbox.org(org_id).query_jobs) == 1


def test_a_job_salesforce_no_longer_has_starts_the_pull_over(monkeypatch):
    """Bulk results live 7 days: a cursor naming a deleted job runs the query again; the records already
    stored come again (snapshots are upserted by id, so none is stored twice) and none is lost."""
    monkeypatch.setattr(bulk, "RESULTS_PAGE", 1_000)
    with seeded_sandbox(leads=LEADS, contacts=0, seed=13) as (sandbox, org_id, base_url):
        pull = connect(sandbox, org_id, base_url, bulk_threshold=2_000).pull_changed(None)
        stored = next(pull)
        pull.close()
        sandbox.org(org_id).query_jobs.clear()

        rest = list(connect(sandbox, org_id, base_url, bulk_threshold=2_000).pull_changed(stored.cursor))

        assert sorted(_lead_ids(rest)) == sorted(r["Id"] for r in sandbox.records(org_id, "Lead"))
        assert len(sandbox.org(org_id).query_jobs) == 1 and rest[-1].cursor["Lead"] is not None
