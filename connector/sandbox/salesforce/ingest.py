"""Bulk API 2.0 ingest jobs (update), as the Bulk API 2.0 and Bulk API Developer Guide describes them:

- create: `POST jobs/ingest` {object, operation, contentType CSV, lineEnding, columnDelimiter} answers the job
  in state Open with its `contentUrl` ("Create a Job");
- upload: `PUT jobs/ingest/{id}/batches`, CSV, answered 201 with no body; at most 150 MB once base64 encoded,
  so at most 100 MB of CSV ("Upload Job Data",
  https://developer.salesforce.com/docs/platform/api-asynch/guide/upload-job-data.html);
- close or abort: `PATCH jobs/ingest/{id}` {state: UploadComplete | Aborted} ("Upload Complete", "Abort a Job");
- job info: `GET jobs/ingest/{id}`, state Open, UploadComplete, InProgress, JobComplete, Failed or Aborted
  ("Job States", https://developer.salesforce.com/docs/platform/api-asynch/guide/bulk-api-2-job-states.html),
  with numberRecordsProcessed and numberRecordsFailed;
- results: `GET .../successfulResults` (sf__Id, sf__Created, the row), `.../failedResults` (sf__Id, sf__Error,
  the row; "Get Job Failed Record Results",
  https://developer.salesforce.com/docs/platform/api-asynch/guide/get-job-failed-results.html) and
  `.../unprocessedrecords` (the rows never tried);
- delete: `DELETE jobs/ingest/{id}` once the job is closed.

The sandbox processes a job when it is closed, record by record through the same update rules as REST
(a converted lead refuses with CANNOT_UPDATE_CONVERTED_LEAD), and reports it InProgress to the first
`polls_in_progress` job-info reads so clients exercise their polling. A header naming a field the user cannot
see fails the whole job (state Failed, "InvalidBatch : Field name not found : X"), as Salesforce does.
"""
from __future__ import annotations

import csv
import io

from flask import Response

from . import permissions, sobjects
from .errors import ApiError, not_found
from .store import Org

OPERATIONS = ("update",)
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
MAX_UPLOAD_BASE64 = 150 * 1024 * 1024  # "Upload Job Data": 150 MB of base64 encoded content per request
NULL = "#N/A"  # Bulk API CSV: a blank cell leaves the field as it is; #N/A sets it to null
TERMINAL = ("JobComplete", "Failed", "Aborted")
DELETABLE = ("UploadComplete", "JobComplete", "Failed", "Aborted")


def route(sandbox, org: Org, user_id: str, version: str, method: str, parts: list[str], request):
    if not parts and method == "POST":
        return create(sandbox, org, version, request.get_json(silent=True)), 200
    if not parts:
        raise not_found()
    job = _job(org, parts[0])
    if len(parts) == 1 and method == "GET":
        return info(sandbox, job, polled=True), 200
    if len(parts) == 1 and method == "PATCH":
        return change_state(sandbox, org, user_id, job, request.get_json(silent=True)), 200
    if len(parts) == 1 and method == "DELETE":
        if job["state"] not in DELETABLE:
            raise ApiError(400, "INVALIDJOBSTATE", f"Job {job['id']} must be closed before it is deleted")
        del org.ingest_jobs[job["id"]]
        return None, 204
    if len(parts) == 2 and parts[1] == "batches" and method == "PUT":
        upload(job, request.get_data(as_text=True), request.content_type or "")
        return Response(status=201), 201
    # The guide spells the last one `unprocessedrecords`; simple-salesforce asks for `unprocessedRecords`.
    results_kind = {"successfulresults": "successfulResults", "failedresults": "failedResults",
                    "unprocessedrecords": "unprocessedrecords"}.get(parts[1].lower()) if len(parts) == 2 else None
    if results_kind and method == "GET":
        return results(job, results_kind), 200
    raise not_found()


def create(sandbox, org: Org, version: str, body) -> dict:
    if not isinstance(body, dict) or not body.get("object") or not body.get("operation"):
        raise ApiError(400, "INVALIDJOB", "object and operation are required")
    if body["operation"] not in OPERATIONS:
        raise ApiError(400, "INVALIDJOB", f"the sandbox runs {', '.join(OPERATIONS)} jobs, not {body['operation']}")
    if body["object"] not in org.fields:
        raise ApiError(400, "INVALIDJOB", f"Entity '{body['object']}' is not supported by the Bulk API")
    if body.get("contentType", "CSV") != "CSV" or body.get("columnDelimiter", "COMMA") != "COMMA":
        raise ApiError(400, "INVALIDJOB", "the sandbox reads COMMA-delimited CSV only")
    line_ending = body.get("lineEnding", "LF")
    if line_ending not in LINE_ENDINGS:
        raise ApiError(400, "INVALIDJOB", "lineEnding is LF or CRLF")
    job_id = sandbox.ids.new("AsyncApexJob")
    org.ingest_jobs[job_id] = {"id": job_id, "object": body["object"], "operation": body["operation"],
                               "lineEnding": line_ending, "state": "Open", "header": None, "rows": [],
                               "version": version,
                               "succeeded": [], "failed": [], "unprocessed": [], "error": None,
                               "polls_left": sandbox.ingest_polls_in_progress, "createdDate": sandbox.now_ms()}
    return info(sandbox, org.ingest_jobs[job_id])


def upload(job: dict, text: str, content_type: str) -> None:
    if job["state"] != "Open":
        raise ApiError(409, "INVALIDJOBSTATE", f"Job {job['id']} is not open for uploads")
    if not content_type.startswith("text/csv"):
        raise ApiError(400, "INVALIDJOB", "job data must be uploaded as text/csv")
    if (len(text.encode("utf-8")) + 2) // 3 * 4 > MAX_UPLOAD_BASE64:
        raise ApiError(400, "INVALIDJOB", "job data exceeds 150 MB once base64 encoded; upload at most 100 MB")
    if LINE_ENDINGS[job["lineEnding"]] == "\r\n" and "\n" in text.replace("\r\n", ""):
        raise ApiError(400, "INVALIDJOB", "LF line ending found in a job declared CRLF")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise ApiError(400, "INVALIDJOB", "job data is empty")
    if job["header"] is not None and job["header"] != header:
        raise ApiError(400, "INVALIDJOB", "every upload of a job has the same header")
    job["header"] = header
    job["rows"] += [dict(zip(header, row)) for row in reader if row]


def change_state(sandbox, org: Org, user_id: str, job: dict, body) -> dict:
    wanted = (body or {}).get("state") if isinstance(body, dict) else None
    if wanted == "UploadComplete" and job["state"] == "Open":
        job["state"] = "UploadComplete"
        _process(sandbox, org, user_id, job)
    elif wanted == "Aborted" and job["state"] not in TERMINAL:
        job["state"] = "Aborted"
        if not job["succeeded"] and not job["failed"]:
            job["unprocessed"] = list(job["rows"])
    else:
        raise ApiError(400, "INVALIDJOBSTATE", f"Job {job['id']} in state {job['state']} cannot become {wanted}")
    return info(sandbox, job)


def _process(sandbox, org: Org, user_id: str, job: dict) -> None:
    object_name, header = job["object"], job["header"] or []
    visible = permissions.visible_fields(org, object_name, user_id)
    unknown = [name for name in header if name != "Id" and name not in visible]
    if "Id" not in header or unknown:
        job["error"] = f"InvalidBatch : Field name not found : {unknown[0] if unknown else 'Id'}"
        job["unprocessed"] = list(job["rows"])
        return
    now_ms = sandbox.now_ms()
    for row in job["rows"]:
        values = {name: _value(visible[name], text) for name, text in row.items() if name != "Id" and text != ""}
        try:
            if not row.get("Id") or row["Id"] not in org.tables.get(object_name, {}):
                raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"])
            sobjects.update(org, object_name, row["Id"], user_id, values, now_ms)
            job["succeeded"].append(row)
        except ApiError as error:
            job["failed"].append({**row, "sf__Error": _error_text(error)})


def _value(definition, text: str):
    if text == NULL:
        return None
    if definition.type == "boolean":
        return text.lower() == "true"
    return text


def _error_text(error: ApiError) -> str:
    # The guide types sf__Error as "Error code and message"; real results read CODE:message:fields, with "--"
    # when no field is named (e.g. "CANNOT_UPDATE_CONVERTED_LEAD:cannot reference converted lead:--").
    return f"{error.code}:{error.message}:{','.join(error.fields) or '--'}"


def results(job: dict, kind: str) -> Response:
    header = job["header"] or ["Id"]
    if kind == "successfulResults":
        columns, rows = ["sf__Id", "sf__Created", *header], [{**r, "sf__Id": r["Id"], "sf__Created": "false"}
                                                              for r in job["succeeded"]]
    elif kind == "failedResults":
        columns, rows = ["sf__Id", "sf__Error", *header], [{**r, "sf__Id": r.get("Id", "")} for r in job["failed"]]
    else:
        columns, rows = header, job["unprocessed"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), status=200, mimetype="text/csv")


def info(sandbox, job: dict, polled: bool = False) -> dict:
    state = job["state"]
    if state == "UploadComplete" and polled:
        if job["polls_left"] > 0:
            job["polls_left"] -= 1
            state = "InProgress"
        else:
            state = job["state"] = "Failed" if job["error"] else "JobComplete"
    body = {"id": job["id"], "operation": job["operation"], "object": job["object"], "state": state,
            "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(job["version"][1:]),
            "jobType": "V2Ingest",
            "lineEnding": job["lineEnding"], "columnDelimiter": "COMMA",
            "numberRecordsProcessed": len(job["succeeded"]) + len(job["failed"]),
            "numberRecordsFailed": len(job["failed"]), "retries": 0, "totalProcessingTime": 0}
    if state == "Open":
        body["contentUrl"] = f"services/data/{job['version']}/jobs/ingest/{job['id']}/batches"
    if job["error"] and state == "Failed":
        body["errorMessage"] = job["error"]
    return body


def _job(org: Org, job_id: str) -> dict:
    job = org.ingest_jobs.get(job_id)
    if job is None:
        raise ApiError(404, "NOT_FOUND", f"Job {job_id} not found")
    return job
