"""Full pulls of more than the Bulk threshold run as one Bulk API 2.0 query job (Salesforce: Bulk above 2,000
records; the adapter switches at 10,000, lowered here to keep the org small); incremental pulls stay on REST."""
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
