"""Bulk API 2.0 query jobs for big pulls: create the job, poll it, read its CSV results page by page.

Salesforce's guidance is Bulk API above 2,000 records and REST below; a REST pull costs one call per 2,000
records, a Bulk query job a handful whatever the size (one results page per `RESULTS_PAGE` rows), so pulls of
more than `BULK_THRESHOLD` records go this way. A job's rows come in no promised order, so a pull through
Bulk moves its cursor only once every page is read (see `client.SalesforceClient.pull_changed`).
"""
from __future__ import annotations

import csv
import io
from typing import Any, Callable, Iterator

import requests
from simple_salesforce import Salesforce

from ..errors import CrmUnavailable
from .errors import from_status

BULK_THRESHOLD = 10_000  # records in a pull above which it runs as a Bulk API 2.0 query job
RESULTS_PAGE = 10_000  # rows per results page (maxRecords); Salesforce counts one batch per 10,000 records
POLL_SECONDS = 2.0
FINISHED = {"JobComplete"}
FAILED = {"Failed", "Aborted"}

Request = Callable[[str, Callable[[Salesforce], Any]], Any]  # the client's `_request(kind, send)`


def query_rows(request: Request, soql: str, object_name: str, sleep: Callable[[float], None],
               timeout: tuple[float, float]) -> Iterator[list[dict[str, Any]]]:
    """The rows of `soql`, one results page at a time, shaped like REST query rows (with `attributes`)."""
    job = request("search", lambda sf: sf.restful("jobs/query", method="POST", timeout=timeout, json={
        "operation": "query", "query": soql, "contentType": "CSV", "columnDelimiter": "COMMA", "lineEnding": "LF"}))
    job_id = str(job["id"])
    while job.get("state") not in FINISHED:
        if job.get("state") in FAILED:
            raise CrmUnavailable(f"Salesforce Bulk query job {job['state']}: {job.get('errorMessage') or 'no reason'}")
        sleep(POLL_SECONDS)
        job = request("read", lambda sf: sf.restful(f"jobs/query/{job_id}", timeout=timeout))
    locator: str | None = None
    while True:
        rows, locator = request("read", lambda sf: _results_page(sf, job_id, locator, timeout))
        yield [{"attributes": {"type": object_name}, **row} for row in rows]
        if locator is None:
            return


def _results_page(sf: Salesforce, job_id: str, locator: str | None,
                  timeout: tuple[float, float]) -> tuple[list[dict[str, Any]], str | None]:
    params = {"maxRecords": str(RESULTS_PAGE), **({"locator": locator} if locator else {})}
    rows, headers = csv_rows(sf, f"jobs/query/{job_id}/results", timeout, params)
    following = headers.get("Sforce-Locator")
    return rows, (None if following in (None, "", "null") else following)


def csv_rows(sf: Salesforce, path: str, timeout: tuple[float, float],
             params: dict[str, str] | None = None) -> tuple[list[dict[str, Any]], Any]:
    """GET a Bulk API 2.0 CSV resource through the SDK's session: (rows, blanks as None; response headers).
    simple-salesforce's `restful` parses JSON only, and its bulk2 client sleeps and polls on its own terms."""
    answer = sf.session.get(f"{sf.base_url}{path}", params=params, timeout=timeout,
                            headers={**sf.headers, "Accept": "text/csv"})
    if answer.status_code >= 300:
        raise from_status(answer.status_code, json_or_none(answer), answer.headers)
    rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(io.StringIO(answer.text))]
    return rows, answer.headers


def json_or_none(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None
