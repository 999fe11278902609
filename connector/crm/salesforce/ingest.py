"""Bulk API 2.0 ingest (update) jobs for big write-backs: create, upload the CSV, close, poll, read failures.

Salesforce's guidance is Bulk API 2.0 for any operation on more than 2,000 records ("Bulk API and Bulk API 2.0
Limits and Allocations"). sObject Collections cost one call per 200 records (500 calls for 100,000); an ingest
job costs about six calls per object type whatever its size, but one Bulk batch of the org's 15,000 a day per
10,000 records, and its answers come back minutes later rather than with the call. Writes of more than
`INGEST_THRESHOLD` records therefore go this way, the way pulls of as many go through query jobs (`bulk`).

Each job holds one object type and one upload of at most `MAX_UPLOAD_BYTES` of CSV ("Upload Job Data": at
most 150 MB once base64 encoded, so at most 100 MB of CSV). Failed records come back in `failedResults` as
`sf__Error` = "CODE:message:fields"; they are answered here in sObject Collections' per-record shape, so
the client reports them (and redirects converted leads) exactly as it does for collections.
"""
from __future__ import annotations

import csv
import io
import time
from typing import Any, Callable, Iterator, Sequence

from simple_salesforce import Salesforce

from ..errors import CrmUnavailable
from .bulk import Request, csv_rows, json_or_none
from .errors import RequestRefused, from_status

INGEST_THRESHOLD = 10_000  # records in a write above which it runs as Bulk API 2.0 ingest jobs
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # "Upload Job Data": 150 MB base64 encoded = 100 MB of CSV
NULL = "#N/A"  # Bulk API CSV: a blank cell leaves the field unchanged, #N/A clears it
POLL_FIRST = 1.0  # seconds before the first job-info read, doubled after each up to POLL_CAP
POLL_CAP = 30.0
WAIT_BUDGET = 30 * 60.0  # seconds of polling before the job is aborted and the write-back retried later
FINISHED = ("JobComplete", "Failed", "Aborted")
FIELD_NOT_FOUND = "Field name not found : "

Target = tuple[str, str, str]  # (id asked for, object written, id written), as in `client._write`
Answer = dict[str, Any]  # sObject Collections' per-record answer: {"success", "errors": [{statusCode, message}]}


def update(request: Request, object_name: str, targets: Sequence[Target], values: dict[str, dict[str, str | None]],
           sleep: Callable[[float], None], timeout: tuple[float, float]) -> list[Answer]:
    """Update `targets` (all of `object_name`) through ingest jobs; one answer per target, in their order.

    A field the integration user cannot see (deleted, or its field-level security withdrawn) fails a whole
    job. As on the collections path, the records naming it are reported (a score written without its tier
    would be half a write) and the rest are sent again in a job without that column."""
    answers: dict[str, Answer] = {}
    pending = list(targets)
    while pending:
        again: list[Target] = []
        for part, text in _uploads(pending, values):
            outcome, hidden = _run_job(request, object_name, [t[2] for t in part], text, sleep, timeout)
            if hidden is None:
                answers.update(outcome)
                continue
            reason = f"field {hidden} is not visible to the integration user; re-provision the score fields"
            named = {t[2] for t in part if hidden in values[t[0]]} or {t[2] for t in part}
            answers.update({target_id: _refused("INVALID_FIELD", reason) for target_id in named})
            again += [t for t in part if t[2] not in named]
        pending = again
    return [answers.get(target_id, _unconfirmed()) for _, _, target_id in targets]


def _uploads(targets: Sequence[Target], values: dict[str, dict[str, str | None]]) -> Iterator[tuple[list, str]]:
    """(targets, CSV) per job: one header for the whole write, split where a CSV would pass MAX_UPLOAD_BYTES."""
    columns = list(dict.fromkeys(name for asked, _, _ in targets for name in values[asked]))
    header = _csv_line(["Id", *columns])
    part: list[Target] = []
    lines = [header]
    size = len(header.encode())
    for target in targets:
        row = values[target[0]]
        line = _csv_line([target[2], *(_cell(row, name) for name in columns)])
        if part and size + len(line.encode()) > MAX_UPLOAD_BYTES:
            yield part, "".join(lines)
            part, lines, size = [], [header], len(header.encode())
        part.append(target)
        lines.append(line)
        size += len(line.encode())
    if part:
        yield part, "".join(lines)


def _cell(row: dict[str, str | None], name: str) -> str:
    if name not in row:
        return ""  # not part of this record's write: left as it is
    value = row[name]
    return NULL if value in (None, "") else value


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _run_job(request: Request, object_name: str, ids: list[str], text: str, sleep: Callable[[float], None],
             timeout: tuple[float, float]) -> tuple[dict[str, Answer], str | None]:
    """One job: (an answer per record id, None), or ({}, the field that failed the whole job)."""
    job = request("write", lambda sf: sf.restful("jobs/ingest", method="POST", timeout=timeout, json={
        "object": object_name, "operation": "update", "contentType": "CSV", "columnDelimiter": "COMMA",
        "lineEnding": "LF"}))
    job_id = str(job["id"])
    request("write", lambda sf: _upload(sf, job_id, text, timeout))
    # A close whose answer was lost (and so retried) finds the job no longer Open: read where it stands instead.
    request("write", lambda sf: sf.restful(f"jobs/ingest/{job_id}", method="PATCH", timeout=timeout,
                                           json={"state": "UploadComplete"}),
            recover=lambda: _closed_info(request, job_id, timeout))
    job = _wait(request, job_id, sleep, timeout)
    if job["state"] == "Failed" and FIELD_NOT_FOUND in str(job.get("errorMessage")):
        return {}, str(job["errorMessage"]).split(FIELD_NOT_FOUND, 1)[1].strip()
    answers = {i: {"success": True, "errors": []} for i in ids}
    failed, _ = request("read", lambda sf: csv_rows(sf, f"jobs/ingest/{job_id}/failedResults", timeout))
    for row in failed:
        record_id = row.get("Id") or row.get("sf__Id")  # the Id column as uploaded, then Salesforce's own
        code, _, message = str(row.get("sf__Error") or "UNKNOWN_EXCEPTION:no reason").partition(":")
        answers[str(record_id)] = _refused(code, message.rsplit(":", 1)[0] or code)
    if job["state"] != "JobComplete":
        unprocessed, _ = request("read", lambda sf: csv_rows(sf, f"jobs/ingest/{job_id}/unprocessedrecords",
                                                             timeout))
        reason = f"Bulk job {job['state']}: {job.get('errorMessage') or 'record not processed'}"
        answers.update({str(row.get("Id")): _refused("BULK_JOB_" + job["state"].upper(), reason)
                        for row in unprocessed})
    return answers, None


def _upload(sf: Salesforce, job_id: str, text: str, timeout: tuple[float, float]) -> None:
    answer = sf.session.put(f"{sf.base_url}jobs/ingest/{job_id}/batches", data=text.encode("utf-8"),
                            timeout=timeout, headers={**sf.headers, "Content-Type": "text/csv"})
    if answer.status_code != 201:  # "Upload Job Data": 201 Created and no body
        raise from_status(answer.status_code, json_or_none(answer), answer.headers)


def _closed_info(request: Request, job_id: str, timeout: tuple[float, float]) -> dict[str, Any] | None:
    job = request("read", lambda sf: sf.restful(f"jobs/ingest/{job_id}", timeout=timeout))
    return None if job.get("state") == "Open" else job


def _wait(request: Request, job_id: str, sleep: Callable[[float], None],
          timeout: tuple[float, float]) -> dict[str, Any]:
    """Poll the job with doubling waits until it finishes; past WAIT_BUDGET abort it and give up for now."""
    delay, waited = POLL_FIRST, 0.0
    started = time.monotonic()
    while True:
        sleep(delay)
        waited += delay
        job = request("read", lambda sf: sf.restful(f"jobs/ingest/{job_id}", timeout=timeout))
        if job.get("state") in FINISHED:
            return job
        if max(waited, time.monotonic() - started) > WAIT_BUDGET:
            try:
                request("write", lambda sf: sf.restful(f"jobs/ingest/{job_id}", method="PATCH", timeout=timeout,
                                                       json={"state": "Aborted"}))
            except RequestRefused:
                pass  # it finished meanwhile; the write-back is retried as a whole anyway
            raise CrmUnavailable(f"Salesforce Bulk ingest job {job_id} still {job.get('state')} after "
                                 f"{WAIT_BUDGET:.0f} s; aborted")
        delay = min(delay * 2, POLL_CAP)


def _refused(code: str, message: str) -> Answer:
    return {"success": False, "errors": [{"statusCode": code, "message": message}]}


def _unconfirmed() -> Answer:
    return {"success": False, "errors": []}  # reported as UNCONFIRMED by the client
