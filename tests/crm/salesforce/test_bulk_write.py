"""Write-backs of more than 10,000 records run as Bulk API 2.0 ingest jobs, one per object type, driven over
HTTP against the sandbox: the rows land through a handful of calls, failed rows are reported per record as
the collections path reports them, converted leads reach their contact."""
import math

import pytest
import requests

from connector.crm.base import FieldWrite
from connector.crm.salesforce import salesforce_score_fields
from connector.crm.salesforce.ingest import INGEST_THRESHOLD, POLL_FIRST
from connector.crm.salesforce.local_session import LocalSession

from tests.fixtures.salesforce_client import connect, seeded_sandbox

NAMES = salesforce_score_fields()
WRITES = 12_000
UNKNOWN = ["00Q000000000000AAA", "00Q000000000001AAA"]


@pytest.fixture(scope="module")
def org():
    with seeded_sandbox(leads=WRITES + 100, contacts=0, seed=14) as (sandbox, org_id, base_url):
        connect(sandbox, org_id, base_url).provision_fields(NAMES)
        yield sandbox, org_id, base_url


def _writes(ids, score):
    return [FieldWrite(i, "Lead", {NAMES.score: score, NAMES.tier: "B", NAMES.reasons: "Big company"}) for i in ids]


def test_a_12000_record_write_lands_through_one_ingest_job(org):
    sandbox, org_id, base_url = org
    leads = sandbox.records(org_id, "Lead")[:WRITES]
    converted = {r["Id"]: r["ConvertedContactId"] for r in leads if r["IsConverted"]}
    ids = [r["Id"] for r in leads]
    writes = _writes(ids, "42")
    writes[7] = FieldWrite(ids[7], "Lead", {NAMES.score: "42", NAMES.reasons: "▲ Web\n" + "x" * 40_000})
    writes += [FieldWrite(i, "Lead", {NAMES.score: "1"}) for i in UNKNOWN]
    sleeps = []
    client = connect(sandbox, org_id, base_url, sleep=sleeps.append)  # knows no conversion: learns from refusals
    client.schema()
    assert WRITES > INGEST_THRESHOLD
    calls_before = dict(client.api_calls)

    result = client.write_fields(writes)

    assert sorted(result.written) == sorted(ids)
    assert {(r.crm_id, r.code) for r in result.rejected} == {(i, "INVALID_CROSS_REFERENCE_KEY") for i in UNKNOWN}
    plain = [i for i in ids if i not in converted]
    assert all(float(sandbox.record(org_id, "Lead", i)[NAMES.score]) == 42 for i in plain)
    assert all(float(sandbox.record(org_id, "Contact", c)[NAMES.score]) == 42 for c in converted.values())
    assert sandbox.record(org_id, "Lead", ids[7])[NAMES.reasons] == "▲ Web\n…"  # cut as the collections path cuts
    [job] = sandbox.org(org_id).ingest_jobs.values()
    assert job["object"] == "Lead" and job["state"] == "JobComplete" and len(job["rows"]) == WRITES + len(UNKNOWN)
    # The job: create, upload, close (3 writes); two polls and failedResults (3 reads). The converted leads it
    # refused (CANNOT_UPDATE_CONVERTED_LEAD) are looked up 200 at a time and sent on to their contacts: fewer
    # than the threshold, so by collections of 200.
    redirects = math.ceil(len(converted) / 200)
    assert client.api_calls["write"] - calls_before.get("write", 0) == 3 + redirects
    assert client.api_calls["read"] - calls_before.get("read", 0) == 3 + redirects
    assert sleeps == [POLL_FIRST, 2 * POLL_FIRST]  # polled with doubling waits


def test_known_conversions_go_to_a_contact_job_of_their_own(org):
    sandbox, org_id, base_url = org
    client = connect(sandbox, org_id, base_url, sleep=lambda seconds: None)
    list(client.pull_changed(None))  # learns which leads are converted
    before = len(sandbox.org(org_id).ingest_jobs)
    ids = [r["Id"] for r in sandbox.records(org_id, "Lead")[:WRITES]]
    converted = {r["Id"]: r["ConvertedContactId"] for r in sandbox.records(org_id, "Lead")[:WRITES]
                 if r["IsConverted"]}
    calls_before = client.api_calls["write"]

    result = client.write_fields(_writes(ids, "77"))

    assert sorted(result.written) == sorted(ids) and not result.rejected
    jobs = list(sandbox.org(org_id).ingest_jobs.values())[before:]
    assert sorted(j["object"] for j in jobs) == ["Contact", "Lead"]
    assert client.api_calls["write"] - calls_before == 6  # two jobs of three writes each, whatever the size
    assert all(float(sandbox.record(org_id, "Contact", c)[NAMES.score]) == 77 for c in converted.values())


def test_a_job_failed_on_a_hidden_field_reports_the_records_naming_it_and_lands_the_rest(org):
    """Salesforce fails the whole job on a header field it cannot find ("InvalidBatch : Field name not found");
    as on the collections path, the records naming it are reported and the others sent again without it."""
    sandbox, org_id, base_url = org
    client = connect(sandbox, org_id, base_url, sleep=lambda seconds: None, ingest_threshold=50)
    plain = [r["Id"] for r in sandbox.records(org_id, "Lead") if not r["IsConverted"]][:60]
    writes = [FieldWrite(i, "Lead", {NAMES.score: "13", "Hidden_Field__c": "x"}) for i in plain[:5]]
    writes += [FieldWrite(i, "Lead", {NAMES.score: "14"}) for i in plain[5:]]
    jobs_before = len(sandbox.org(org_id).ingest_jobs)

    result = client.write_fields(writes)

    assert sorted(result.written) == sorted(plain[5:])
    assert {(r.crm_id, r.code) for r in result.rejected} == {(i, "INVALID_FIELD") for i in plain[:5]}
    assert "Hidden_Field__c" in result.rejected[0].reason
    assert float(sandbox.record(org_id, "Lead", plain[0])[NAMES.score]) != 13
    assert float(sandbox.record(org_id, "Lead", plain[5])[NAMES.score]) == 14
    assert len(sandbox.org(org_id).ingest_jobs) - jobs_before == 2  # the failed job, then the rest


def test_a_slow_job_is_polled_with_backoff_until_complete(org):
    sandbox, org_id, base_url = org
    sandbox.ingest_polls_in_progress = 4
    try:
        sleeps = []
        client = connect(sandbox, org_id, base_url, sleep=sleeps.append, ingest_threshold=50)
        plain = [r["Id"] for r in sandbox.records(org_id, "Lead") if not r["IsConverted"]][:60]
        result = client.write_fields(_writes(plain, "55"))
        assert sorted(result.written) == sorted(plain)
        assert sleeps == [POLL_FIRST * 2 ** n for n in range(5)]
    finally:
        sandbox.ingest_polls_in_progress = 1


def test_a_create_and_a_close_whose_answers_are_lost_still_land_every_row_once(org):
    """The job's create and its close reach Salesforce, then the connection drops before the answer: the create
    is sent again (the first job stays Open, never closed, and processes nothing); the close is not sent twice
    (an UploadComplete job refuses a second close) but the job is read and the write goes on from there."""
    sandbox, org_id, base_url = org

    class LosingAnswers(LocalSession):
        lost: list[str] = []

        def request(self, method, url, *args, **kwargs):
            answer = super().request(method, url, *args, **kwargs)
            step = {"POST": "create", "PATCH": "close"}.get(method) if "/jobs/ingest" in url else None
            if step and step not in LosingAnswers.lost:
                LosingAnswers.lost.append(step)
                raise requests.ConnectionError(f"connection reset after the {step} was applied")
            return answer

    client = connect(sandbox, org_id, base_url, sleep=lambda seconds: None, ingest_threshold=50,
                     session_factory=lambda: LosingAnswers(base_url))
    plain = [r["Id"] for r in sandbox.records(org_id, "Lead") if not r["IsConverted"]][100:400]
    jobs_before = len(sandbox.org(org_id).ingest_jobs)

    result = client.write_fields(_writes(plain, "66"))

    assert LosingAnswers.lost == ["create", "close"]
    assert sorted(result.written) == sorted(plain) and not result.rejected
    assert all(float(sandbox.record(org_id, "Lead", i)[NAMES.score]) == 66 for i in plain)
    jobs = list(sandbox.org(org_id).ingest_jobs.values())[jobs_before:]
    assert [(j["state"], len(j["rows"])) for j in jobs] == [("Open", 0), ("JobComplete", len(plain))]
