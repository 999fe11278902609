"""Bulk API 2.0 query jobs for big pulls: create the job, poll it, read its CSV results page by page.

Salesforce's guidance is Bulk API above 2,000 records and REST below; a REST pull costs one call per 2,000
records, a Bulk query job a handful whatever the size (one results page per `RESULTS_PAGE` rows), so pulls of
more than `BULK_THRESHOLD` records go this way. A job's rows come in no promised order, so a pull through
Bulk moves its cursor only once every page is read (see `client.SalesforceClient.pull_changed`); until then
the cursor names the job and the locator of the next page, and a pull stopped between pages (the process
killed, the connection lost past its retries) reads on from there: no page is read twice, none skipped. A job
Salesforce no longer has (results live 7 days, "Limits and Allocations") starts the pull over in a new job.
"""
from __future__ import annotations

import csv
import io
import logging
from typing import Any, Callable, Iterator, Protocol

import requests
from simple_salesforce import Salesforce

from ..errors import CrmUnavailable
from .errors import RequestRefused, from_status

log = logging.getLogger(__name__)

BULK_THRESHOLD = 10_000  # records in a pull above which it runs as a Bulk API 2.0 query job
RESULTS_PAGE = 10_000  # rows per results page (maxRecords); Salesforce counts one batch per 10,000 records
POLL_SECONDS = 2.0
FINISHED = {"JobComplete"}
FAILED = {"Failed", "Aborted"}


class Request(Protocol):
    """The client's `_request`: counted, gated and retried; `recover` asked after an outage (`retry`)."""

    def __call__(self, kind: str, send: Callable[[Salesforce], Any],
                 recover: Callable[[], Any] | None = None) -> Any: ...


def query_pages(request: Request, soql: str, object_name: str, sleep: Callable[[float], None],
                timeout: tuple[float, float], resume: tuple[str, str] | None = None,
                ) -> Iterator[tuple[list[dict[str, Any]], str, str | None]]:
    """(rows shaped like REST query rows, job id, locator of the next page or None after the last) per results
    page of `soql`; `resume` = (job id, locator) reads on from that page of an earlier job instead."""
    if resume is not None:
        job_id, locator = resume
        try:
            page = request("read", lambda sf: _results_page(sf, job_id, locator, timeout))
        except RequestRefused as exc:  # the job or its locator is gone: start over
            log.info("Salesforce Bulk query job %s cannot be read on (%s); running the query again", job_id, exc)
            resume = None
    if resume is None:
        job_id, locator = _run_query(request, soql, sleep, timeout), None
        page = request("read", lambda sf: _results_page(sf, job_id, locator, timeout))
    while True:
        rows, locator = page
        yield [{"attributes": {"type": object_name}, **row} for row in rows], job_id, locator
        if locator is None:
            return
        page = request("read", lambda sf: _results_page(sf, job_id, locator, timeout))


def _run_query(request: Request, soql: str, sleep: Callable[[float], None], timeout: tuple[float, float]) -> str:
    """Create the query job and poll it until its results are ready; its id."""
    job = request("search", lambda sf: sf.restful("jobs/query", method="POST", timeout=timeout, json={
        "operation": "query", "query": soql, "contentType": "CSV", "columnDelimiter": "COMMA", "lineEnding": "LF"}))
    job_id = str(job["id"])
    while job.get("state") not in FINISHED:
        if job.get("state") in FAILED:
            raise CrmUnavailable(f"Salesforce Bulk query job {job['state']}: {job.get('errorMessage') or 'no reason'}")
        sleep(POLL_SECONDS)
        job = request("read", lambda sf: sf.restful(f"jobs/query/{job_id}", timeout=timeout))
    return job_id


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
