"""Bulk API 2.0 query jobs: create (`POST jobs/query`), poll (`GET jobs/query/{id}`), and read the results as
CSV pages (`GET jobs/query/{id}/results?maxRecords=&locator=`), each page saying how many rows it holds in
`Sforce-NumberOfRecords` and where the next starts in `Sforce-Locator` ("null" after the last), as the Bulk API
2.0 Developer Guide describes. The sandbox runs a job at once: the first poll finds it JobComplete."""
from __future__ import annotations

import csv
import io

from flask import Response

from . import sobjects
from .errors import ApiError, not_found
from .query import select
from .store import Org

OPERATIONS = ("query", "queryAll")
DEFAULT_PAGE = 10_000  # rows per results page when the request names no maxRecords


def route(sandbox, org: Org, user_id: str, method: str, parts: list[str], request):
    if not parts and method == "POST":
        return create(sandbox, org, user_id, request.get_json(silent=True)), 200
    if len(parts) == 1 and method == "GET":
        return _info(sandbox, _job(org, parts[0])), 200
    if len(parts) == 2 and parts[1] == "results" and method == "GET":
        return results(_job(org, parts[0]), request.args.get("locator"), request.args.get("maxRecords")), 200
    raise not_found()


def create(sandbox, org: Org, user_id: str, body) -> dict:
    if not isinstance(body, dict) or body.get("operation") not in OPERATIONS or not body.get("query"):
        raise ApiError(400, "INVALIDJOB", "operation (query or queryAll) and query are required")
    if body.get("columnDelimiter", "COMMA") != "COMMA" or body.get("lineEnding", "LF") != "LF":
        raise ApiError(400, "INVALIDJOB", "the sandbox writes COMMA-delimited, LF-ended CSV only")
    object_name, fields, rows = select(org, body["query"], user_id)
    if not fields:
        raise ApiError(400, "INVALIDJOB", "Bulk API 2.0 queries do not support COUNT()")
    job_id = sandbox.ids.new("AsyncApexJob")
    org.query_jobs[job_id] = {"id": job_id, "operation": body["operation"], "object": object_name,
                              "fields": fields, "rows": [sobjects.render(r, fields) for r in rows],
                              "createdDate": sandbox.now_ms()}
    return {**_info(sandbox, org.query_jobs[job_id]), "state": "UploadComplete"}


def results(job: dict, locator: str | None, max_records: str | None) -> Response:
    start = int(locator) if locator and locator.isdigit() else 0
    size = int(max_records) if max_records and max_records.isdigit() and int(max_records) > 0 else DEFAULT_PAGE
    chunk = job["rows"][start:start + size]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(job["fields"])
    for row in chunk:
        writer.writerow(["" if row.get(f) is None else _text(row.get(f)) for f in job["fields"]])
    end = start + len(chunk)
    return Response(out.getvalue(), status=200, mimetype="text/csv", headers={
        "Sforce-NumberOfRecords": str(len(chunk)), "Sforce-Locator": str(end) if end < len(job["rows"]) else "null"})


def _text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _job(org: Org, job_id: str) -> dict:
    job = org.query_jobs.get(job_id)
    if job is None:
        raise ApiError(404, "NOT_FOUND", f"Job {job_id} not found")
    return job


def _info(sandbox, job: dict) -> dict:
    return {"id": job["id"], "operation": job["operation"], "object": job["object"], "state": "JobComplete",
            "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": 59.0, "jobType": "V2Query",
            "lineEnding": "LF", "columnDelimiter": "COMMA", "numberRecordsProcessed": len(job["rows"]),
            "retries": 0, "totalProcessingTime": 0}
