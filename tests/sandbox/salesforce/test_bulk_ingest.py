"""Bulk API 2.0 ingest jobs on the Salesforce sandbox, against the Bulk API 2.0 and Bulk API Developer Guide
(https://developer.salesforce.com/docs/platform/api-asynch/guide/), driven by simple-salesforce over HTTP."""
import csv
import io

import pytest
from simple_salesforce.exceptions import SalesforceOperationError

from connector.sandbox.salesforce import ingest
from connector.sandbox.salesforce.ingest import MAX_UPLOAD_BASE64

from .conftest import sdk


def _jobs(sf):
    return sf.bulk2.Lead._client  # the SDK's job-level calls (create, upload, close, get, results)


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_an_update_job_lands_rows_and_reports_converted_leads_per_record(salesforce_sandbox, sf, org):
    # "Create a Job" / "Upload Job Data" / "Upload Complete" / "Get Job Info": the job opens, takes a CSV PUT
    # (201), closes with state UploadComplete, and its info reports numberRecordsProcessed and
    # numberRecordsFailed. "Get Job Failed Record Results"
    # (https://developer.salesforce.com/docs/platform/api-asynch/guide/get-job-failed-results.html): one row
    # per failed record with sf__Id and sf__Error ("Error code and message") then the uploaded fields.
    # Converted leads are read-only: CANNOT_UPDATE_CONVERTED_LEAD (Salesforce Help, knowledge article 000384333,
    # https://help.salesforce.com/s/articleView?id=000384333&type=1).
    leads = salesforce_sandbox.records(org.id, "Lead")
    converted = [r["Id"] for r in leads if r["IsConverted"]]
    plain = [r["Id"] for r in leads if not r["IsConverted"]]
    records = [{"Id": i, "Title": "Bulk VP"} for i in plain + converted]
    [outcome] = sf.bulk2.Lead.update(records=records, wait=0)
    assert outcome["numberRecordsProcessed"] == len(records)
    assert outcome["numberRecordsFailed"] == len(converted) > 0
    assert all(salesforce_sandbox.record(org.id, "Lead", i)["Title"] == "Bulk VP" for i in plain)
    failed = _rows(sf.bulk2.Lead.get_failed_records(outcome["job_id"]))
    assert list(failed[0])[:2] == ["sf__Id", "sf__Error"] and {r["sf__Id"] for r in failed} == set(converted)
    assert all(r["sf__Error"].startswith("CANNOT_UPDATE_CONVERTED_LEAD:") for r in failed)
    succeeded = _rows(sf.bulk2.Lead.get_successful_records(outcome["job_id"]))
    assert {r["sf__Id"] for r in succeeded} == set(plain) and succeeded[0]["sf__Created"] == "false"


def test_a_blank_cell_leaves_a_field_and_n_a_clears_it(salesforce_sandbox, sf, org):
    # "Prepare CSV Files" (Bulk API 2.0 Ingest): an empty field is left unchanged; #N/A sets it to null.
    lead = next(r for r in salesforce_sandbox.records(org.id, "Lead") if not r["IsConverted"] and r.get("Title"))
    sf.bulk2.Lead.update(records=[{"Id": lead["Id"], "Title": "", "Company": "#N/A"}], wait=0)
    after = salesforce_sandbox.record(org.id, "Lead", lead["Id"])
    assert after["Title"] == lead["Title"] and after.get("Company") is None


def test_a_job_naming_an_unknown_field_fails_whole(salesforce_sandbox, sf, org):
    # "Job States" (https://developer.salesforce.com/docs/platform/api-asynch/guide/bulk-api-2-job-states.html):
    # Failed, "the job couldn't be processed successfully"; a header field the object lacks fails the job
    # ("InvalidBatch : Field name not found"), and every row is left in unprocessedrecords.
    lead = next(r for r in salesforce_sandbox.records(org.id, "Lead") if not r["IsConverted"])
    with pytest.raises(SalesforceOperationError, match="Field name not found : Nope__c"):
        sf.bulk2.Lead.update(records=[{"Id": lead["Id"], "Nope__c": "1"}], wait=0)
    [job] = org.ingest_jobs.values()
    assert job["state"] == "Failed"
    assert _rows(sf.bulk2.Lead.get_unprocessed_records(job["id"])) == [{"Id": lead["Id"], "Nope__c": "1"}]


def test_job_states_open_upload_complete_in_progress_then_complete_and_delete(salesforce_sandbox, sf, org):
    # "Job States": Open (created), UploadComplete (closed), InProgress (processing), JobComplete. "Upload Job
    # Data": only an Open job takes data. "Delete a Job": a closed job can be deleted.
    client = _jobs(sf)
    lead = next(r for r in salesforce_sandbox.records(org.id, "Lead") if not r["IsConverted"])
    job = client.create_job("update")
    assert job["state"] == "Open" and job["contentUrl"].endswith(f"jobs/ingest/{job['id']}/batches")
    client.upload_job_data(job["id"], f"Id,Title\n{lead['Id']},Closer\n")
    assert client.close_job(job["id"])["state"] == "UploadComplete"
    assert client.get_job(job["id"], False)["state"] == "InProgress"
    done = client.get_job(job["id"], False)
    assert done["state"] == "JobComplete" and done["numberRecordsProcessed"] == 1
    with pytest.raises(Exception):
        client.upload_job_data(job["id"], f"Id,Title\n{lead['Id']},Late\n")  # closed: 409 INVALIDJOBSTATE
    # 204 No Content: the SDK's delete_job parses a JSON body, so the DELETE is sent by hand.
    answer = sf.session.delete(f"{sf.base_url}jobs/ingest/{job['id']}", headers=sf.headers)
    assert answer.status_code == 204 and job["id"] not in org.ingest_jobs


def test_an_aborted_job_processes_nothing(salesforce_sandbox, sf, org):
    # "Abort a Job" (https://developer.salesforce.com/docs/platform/api-asynch/guide/abort-job.html):
    # "If you abort a job, Salesforce doesn't process the job."
    client = _jobs(sf)
    lead = next(r for r in salesforce_sandbox.records(org.id, "Lead") if not r["IsConverted"])
    job = client.create_job("update")
    client.upload_job_data(job["id"], f"Id,Title\n{lead['Id']},Never\n")
    assert client.abort_job(job["id"], False)["state"] == "Aborted"
    assert salesforce_sandbox.record(org.id, "Lead", lead["Id"]).get("Title") != "Never"
    assert len(_rows(client.get_ingest_results(job["id"], "unprocessedrecords"))) == 1


def test_an_upload_over_150_mb_base64_is_refused(salesforce_sandbox, org, monkeypatch):
    # "Upload Job Data" (https://developer.salesforce.com/docs/platform/api-asynch/guide/upload-job-data.html):
    # "A request can provide CSV data that does not in total exceed 150 MB of base64 encoded content ... upload
    # data that does not exceed 100 MB." The SDK refuses more than 100 MB itself, so the PUT is sent by hand;
    # the limit is scaled down here so the test does not move 100 MB.
    assert MAX_UPLOAD_BASE64 == 150 * 1024 * 1024
    monkeypatch.setattr(ingest, "MAX_UPLOAD_BASE64", 4_000)
    sf = sdk(salesforce_sandbox, org.id)
    job = _jobs(sf).create_job("update")
    too_big = "Id,Title\n" + "x" * 3_000  # 4,012 bytes once base64 encoded
    answer = sf.session.put(f"{sf.base_url}jobs/ingest/{job['id']}/batches", data=too_big.encode(),
                            headers={**sf.headers, "Content-Type": "text/csv"})
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALIDJOB"
