"""`CrmClient` for HubSpot contacts, on the official hubspot-api-client (v3 CRM APIs).

Every request goes through `_request`: token refreshed before it is due, the shared `RequestGate`, a
count in `api_calls`, SDK errors turned into typed ones, bounded retries (`connector.crm.retry`), and one
refresh-and-retry on a 401 (HubSpot says a 401 alone is not proof the token expired).
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote

import requests
from hubspot import HubSpot
from hubspot.crm.associations.v4 import BatchInputPublicFetchAssociationsBatchRequest
from hubspot.crm.contacts import BatchReadInputSimplePublicObjectId, PublicObjectSearchRequest
from hubspot.crm.objects.tasks import SimplePublicObjectInputForCreate
from hubspot.crm.properties import OptionInput, PropertyCreate, PropertyGroupCreate
from urllib3.util.retry import Retry

from connector import clock

from ..base import (CatalogItem, CrmClient, CrmEndpoints, CrmRecord, Credentials, FieldWrite, OpenGate, PropertySpec,
                    ProvisionResult, RecordBatch, RecordRejectedInfo, RequestGate, ScoreFieldNames, TokenSaver,
                    WriteResult, task_marker)
from ..errors import AuthExpired, CrmRequestInvalid, CrmUnavailable, RecordRejected
from ..pacing import Pacer
from ..retry import RetryPolicy, call_with_retries
from . import catalog, oauth
from .errors import SDK_ERRORS, TRANSPORT_ERRORS, RequestRefused, from_sdk, from_status
from .fields import GROUP_LABEL, GROUP_NAME, hubspot_score_fields, property_spec, pull_properties, score_properties
from .pull import OBJECT_TYPE, epoch_ms, open_window, pull_window, to_record

log = logging.getLogger(__name__)

BATCH_SIZE = 100  # batch read/update inputs per call
REQUEST_TIMEOUT = (5.0, 60.0)  # (connect, read) seconds
RECORD_LEVEL_STATUSES = (400, 404, 422)  # a batch refusal that may be about one of its records
SCHEMA_LEVEL_CODES = frozenset({"PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE"})  # about a property, not a record
SEARCH_PER_SECOND = 5  # HubSpot's search limit per account (the older changelog said 4 per token)
PROPERTY_VALUE_MAX = 65_536  # characters in one property value (see `max_length`)
TASK_TO_CONTACT = 204  # HUBSPOT_DEFINED association type "task to contact"


class HubSpotClient(CrmClient):
    crm = "hubspot"

    def __init__(self, endpoints: CrmEndpoints, credentials: Credentials, client_id: str, client_secret: str,
                 on_token_refresh: TokenSaver | None = None, gate: RequestGate | None = None,
                 retry: RetryPolicy = RetryPolicy(), sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], datetime] | None = None, refresh_margin: timedelta = timedelta(minutes=5),
                 search_lag: timedelta = timedelta(seconds=10), search_overlap: timedelta = timedelta(0),
                 search_per_second: int | None = SEARCH_PER_SECOND, score_fields: ScoreFieldNames | None = None,
                 pull_extra: Sequence[str] = ()):
        """`now` is the clock token expiry and pull windows are measured on (a sandbox passes its own);
        `search_lag` keeps pull windows clear of changes the search index may not show yet;
        `search_per_second` paces searches below HubSpot's own limit (None: rely on its 429s);
        `pull_extra` names properties to pull beyond the chosen ones (see `fields.pull_properties`)."""
        super().__init__()
        self.endpoints = endpoints
        self._credentials = credentials
        self._client_id = client_id
        self._client_secret = client_secret
        self._on_token_refresh = on_token_refresh
        self._gate = gate or OpenGate()
        self._retry = retry
        self._sleep = sleep
        self._now = now or clock.now
        self._refresh_margin = refresh_margin
        self._lag_ms = int(search_lag.total_seconds() * 1000)
        self._overlap_ms = int(search_overlap.total_seconds() * 1000)
        # A shared gate that meters search itself (the workers' Redis window) makes this pacer redundant, and
        # worse on a sandbox's faster clock: the pacer counts real seconds.
        metered_by_gate = "search" in self._gate.metered_kinds
        self.search_pacer = Pacer(search_per_second) if search_per_second and not metered_by_gate else None
        self._pull_properties: list[str] | None = None
        self._portal_properties: frozenset[str] = frozenset()  # every contact property, read with the pull list
        self._names = score_fields or hubspot_score_fields()
        self._pull_extra = tuple(pull_extra)
        # Retry(0): the SDK's default urllib3 retries sleep on any Retry-After uncapped and skip POSTs.
        sdk = HubSpot(access_token=credentials.access_token, host=endpoints.api_base, retry=Retry(0))
        # Kept references: each `sdk.crm...` access builds a fresh ApiClient and connection pool.
        self._search = sdk.crm.contacts.search_api
        self._batch = sdk.crm.contacts.batch_api
        self._contacts = sdk.crm.contacts.basic_api
        self._properties = sdk.crm.properties.core_api
        self._groups = sdk.crm.properties.groups_api
        self._tasks = sdk.crm.objects.tasks.basic_api
        self._associations = sdk.crm.associations.v4.batch_api
        # The legacy workflow enrollment endpoint has no method in hubspot-api-client 12: plain requests.
        self._http = requests.Session()

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    def close(self) -> None:
        self._http.close()

    # -- reads ---------------------------------------------------------------------------------------

    def pull_changed(self, cursor: dict[str, Any] | None) -> Iterator[RecordBatch]:
        window = open_window(cursor, epoch_ms(self._now()), self._lag_ms, self._overlap_ms)
        yield from pull_window(window, self._search_page, self._properties_to_pull())

    def fetch(self, crm_ids: Sequence[str], object_type: str | None = None) -> list[CrmRecord]:
        _check_object_type(object_type)
        ids = list(dict.fromkeys(i for i in map(str, crm_ids) if _valid_id(i)))
        properties = self._properties_to_pull()
        records: list[CrmRecord] = []
        for chunk in _chunks(ids, BATCH_SIZE):
            request = BatchReadInputSimplePublicObjectId(
                inputs=[{"id": i} for i in chunk], properties=properties, properties_with_history=[])
            # 207 lists unknown ids under `errors`; they are simply left out, as the interface says.
            answer = self._request_json("read", lambda: self._batch.read(
                batch_read_input_simple_public_object_id=request, archived=False, _request_timeout=REQUEST_TIMEOUT,
                _preload_content=False))
            records += [r for r in map(to_record, _results(answer)) if r is not None]
        return records

    def schema(self) -> list[PropertySpec]:
        """The properties a pull carries (the candidate features), not the portal's whole schema."""
        portal = self._all_properties()
        pulled = set(pull_properties(portal, self._names, self._pull_extra))
        return [property_spec(p) for p in portal if p.name in pulled]

    # -- writes --------------------------------------------------------------------------------------

    def provision_fields(self, names: ScoreFieldNames) -> ProvisionResult:
        self._ensure_group()
        existing = {p.name: p for p in self._all_properties()}
        created, present = [], []
        for wanted in score_properties(names):
            found = existing.get(wanted.name)
            if found is not None:
                if found.type != wanted.type:
                    raise CrmRequestInvalid(f"HubSpot property {wanted.name!r} already exists as {found.type!r}, "
                                            f"not {wanted.type!r}; rename the score field")
                present.append(wanted.name)
                continue
            create = PropertyCreate(
                name=wanted.name, label=wanted.label, type=wanted.type, field_type=wanted.field_type,
                group_name=GROUP_NAME, description=wanted.description,
                options=[OptionInput(label=o, value=o, display_order=i, hidden=False)
                         for i, o in enumerate(wanted.options)])
            try:
                self._request("schema", lambda: self._properties.create(
                    "contacts", create, _request_timeout=REQUEST_TIMEOUT))
                created.append(wanted.name)
            except RequestRefused as exc:
                if exc.status != 409:  # 409: another worker created it between our read and write
                    raise
                present.append(wanted.name)
        self._names = names
        self._pull_properties = None
        return ProvisionResult(created=created, already_present=present)

    def write_fields(self, writes: Sequence[FieldWrite]) -> WriteResult:
        result = WriteResult()
        merged: dict[str, dict[str, str]] = {}
        for write in writes:
            problem = _write_problem(write)
            if problem:
                log.warning("skipping HubSpot write for %r: %s", write.crm_id, problem)
                result.rejected.append(RecordRejectedInfo(str(write.crm_id), problem, "INVALID_INPUT"))
                continue
            # One batch may not name an id twice; later values win, as they would one call after another.
            # None clears a HubSpot property, which the API spells as the empty string.
            values = self.fitted(OBJECT_TYPE, write.values)
            merged.setdefault(write.crm_id, {}).update({k: "" if v is None else v for k, v in values.items()})
        for chunk in _chunks(list(merged.items()), BATCH_SIZE):
            self._write_batch(chunk, result)
        return result

    def max_length(self, object_type: str, field_name: str) -> int | None:
        # HubSpot property definitions carry no length of their own; text values are capped at 65,536
        # characters: https://developers.hubspot.com/docs/api/crm/properties
        return PROPERTY_VALUE_MAX

    def create_task(self, crm_id: str, object_type: str, subject: str, body: str,
                    due_at: datetime, owner_id: str | None, key: str | None = None) -> str:
        _check_object_type(object_type)
        if owner_id is None:
            owner_id = self._contact_property(crm_id, "hubspot_owner_id")
        if key is not None:
            body = f"{body}\n\n{task_marker(key)}"
        properties = {"hs_task_subject": subject, "hs_task_body": body, "hs_task_status": "NOT_STARTED",
                      "hs_task_type": "TODO", "hs_timestamp": _iso(due_at)}
        if owner_id:
            properties["hubspot_owner_id"] = str(owner_id)
        task = SimplePublicObjectInputForCreate(properties=properties, associations=[{
            "to": {"id": str(crm_id)},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_CONTACT}]}])
        recover = None if key is None else (lambda: self.find_task(crm_id, object_type, key))
        created = self._request("action", lambda: self._tasks.create(task, _request_timeout=REQUEST_TIMEOUT),
                                recover=recover)
        return created if isinstance(created, str) else str(created.id)  # a str: the id `recover` found

    def find_task(self, crm_id: str, object_type: str, key: str) -> str | None:
        """Reads the contact's task associations, then the tasks' bodies. Associations rather than a task
        search: search is eventually consistent (a task created a moment ago may not be found yet), and the
        lookup right after an ambiguous 502 is exactly the moment that matters."""
        _check_object_type(object_type)
        if not _valid_id(str(crm_id)):
            raise RecordRejected(str(crm_id), "not a HubSpot contact id", "INVALID_INPUT")
        marker = task_marker(key)
        request = BatchInputPublicFetchAssociationsBatchRequest(inputs=[{"id": str(crm_id)}])
        links = self._request("read", lambda: self._associations.get_page(
            "contacts", "tasks", request, _request_timeout=REQUEST_TIMEOUT))
        task_ids = [str(to.to_object_id) for result in links.results or [] for to in result.to or []]
        for task_id in reversed(task_ids):  # the newest association first: a retried action is recent
            task = self._request("read", lambda: self._tasks.get_by_id(
                task_id, properties=["hs_task_body"], archived=False, _request_timeout=REQUEST_TIMEOUT))
            if marker in ((task.properties or {}).get("hs_task_body") or ""):
                return task_id
        return None

    def enroll(self, crm_id: str, object_type: str, target_id: str) -> None:
        """Legacy (v2) workflow enrollment, which names the contact by email, not id."""
        _check_object_type(object_type)
        email = self._contact_property(crm_id, "email")
        if not email:
            raise RecordRejected(str(crm_id), "contact has no email; HubSpot workflows enroll by email", "NO_EMAIL")
        url = (f"{self.endpoints.api_base}/automation/v2/workflows/{quote(str(target_id), safe='')}"
               f"/enrollments/contacts/{quote(email, safe='')}")

        def send() -> None:
            answer = self._http.post(url, timeout=REQUEST_TIMEOUT,
                                     headers={"Authorization": f"Bearer {self._credentials.access_token}"})
            if answer.status_code >= 300:
                raise from_status(answer.status_code, answer.headers, answer.content)

        self._request("action", send, answers=False)

    def enroll_targets(self) -> list[CatalogItem]:
        url = f"{self.endpoints.api_base}{catalog.WORKFLOWS_PATH}"

        def send() -> Any:
            answer = self._http.get(url, timeout=REQUEST_TIMEOUT,
                                    headers={"Authorization": f"Bearer {self._credentials.access_token}"})
            if answer.status_code >= 300:
                raise from_status(answer.status_code, answer.headers, answer.content)
            try:
                return answer.json()
            except ValueError:
                raise CrmUnavailable("HubSpot answered the workflow list with unreadable JSON") from None

        return catalog.workflow_items(self._request("read", send))

    def settable_properties(self) -> list[CatalogItem]:
        return catalog.property_items(self._all_properties(), self._names)

    # -- internals -----------------------------------------------------------------------------------

    def _search_page(self, filters: list[dict[str, str]], properties: Sequence[str], limit: int) -> list[Any]:
        request = PublicObjectSearchRequest(
            filter_groups=[{"filters": filters}], sorts=[{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            properties=list(properties), limit=limit, after="0")  # pages by id filter; `after` is required
        answer = self._request_json("search", lambda: self._search.do_search(
            public_object_search_request=request, _request_timeout=REQUEST_TIMEOUT, _preload_content=False))
        return _results(answer)

    def _properties_to_pull(self) -> list[str]:
        """The contact properties the scoring side, the labels and nurturing use (`fields.pull_properties`),
        read once per client. Only POST endpoints (search, batch read) carry this list, in the body."""
        if self._pull_properties is None:
            portal = self._all_properties()
            self._portal_properties = frozenset(p.name for p in portal)
            self._pull_properties = pull_properties(portal, self._names, self._pull_extra)
        return self._pull_properties

    def has_field(self, object_type: str, field_name: str) -> bool:
        self._properties_to_pull()
        return field_name in self._portal_properties

    def _all_properties(self) -> list[Any]:
        answer = self._request("schema", lambda: self._properties.get_all(
            "contacts", archived=False, _request_timeout=REQUEST_TIMEOUT))
        return list(answer.results or [])

    def _ensure_group(self) -> None:
        groups = self._request("schema", lambda: self._groups.get_all("contacts", _request_timeout=REQUEST_TIMEOUT))
        if any(g.name == GROUP_NAME for g in groups.results or []):
            return
        group = PropertyGroupCreate(name=GROUP_NAME, label=GROUP_LABEL, display_order=-1)
        try:
            self._request("schema", lambda: self._groups.create("contacts", group, _request_timeout=REQUEST_TIMEOUT))
        except RequestRefused as exc:
            if exc.status != 409:  # created meanwhile by another worker
                raise

    def _write_batch(self, chunk: list[tuple[str, dict[str, str]]], result: WriteResult) -> None:
        # Plain JSON both ways: the SDK's models cost milliseconds per batch (each builds its own configuration),
        # spent between the rate limiter's admission and the request reaching HubSpot.
        batch = {"inputs": [{"id": crm_id, "properties": values} for crm_id, values in chunk]}
        try:
            answer = self._request_json("write", lambda: self._batch.update(
                batch_input_simple_public_object_batch_input=batch, _request_timeout=REQUEST_TIMEOUT,
                _preload_content=False))
        except RequestRefused as exc:
            # HubSpot refuses a whole batch for one bad value or id; halve it until the culprit stands alone.
            # Other refusals (403 missing scope, ...) concern every record alike, so splitting cannot help.
            if exc.status not in RECORD_LEVEL_STATUSES:
                raise
            uniform = len({frozenset(values) for _, values in chunk}) == 1
            if len(chunk) == 1 or (uniform and exc.codes & SCHEMA_LEVEL_CODES):
                # A property that does not exist (or is read-only) refuses every record writing the same
                # properties: report them at once rather than halving the batch down to single records.
                result.rejected += [RecordRejectedInfo(crm_id, str(exc), exc.category) for crm_id, _ in chunk]
                return
            middle = len(chunk) // 2
            self._write_batch(chunk[:middle], result)
            self._write_batch(chunk[middle:], result)
            return
        landed = {str(obj.get("id")) for obj in _results(answer) if isinstance(obj, dict)}
        result.written += [crm_id for crm_id, _ in chunk if crm_id in landed]
        refused: dict[str, RecordRejectedInfo] = {}
        for error in [e for e in answer.get("errors") or [] if isinstance(e, dict)]:
            for crm_id in (error.get("context") or {}).get("ids", []):
                refused[str(crm_id)] = RecordRejectedInfo(str(crm_id), error.get("message") or "rejected",
                                                          error.get("category"))
        for crm_id, _ in chunk:
            if crm_id not in landed:
                result.rejected.append(refused.get(crm_id) or RecordRejectedInfo(
                    crm_id, "HubSpot did not confirm this write", "UNCONFIRMED"))

    def _contact_property(self, crm_id: str, name: str) -> str | None:
        if not _valid_id(str(crm_id)):
            raise RecordRejected(str(crm_id), "not a HubSpot contact id", "INVALID_INPUT")
        try:
            contact = self._request("read", lambda: self._contacts.get_by_id(
                str(crm_id), properties=[name], archived=False, _request_timeout=REQUEST_TIMEOUT))
        except RequestRefused as exc:
            if exc.status == 404:
                raise RecordRejected(str(crm_id), "no such HubSpot contact", "OBJECT_NOT_FOUND") from None
            raise
        return (contact.properties or {}).get(name)

    def _request(self, kind: str, send: Callable[[], Any], answers: bool = True,
                 recover: Callable[[], Any] | None = None) -> Any:
        """Send one logical request; `answers` says a body is expected (the SDK returns None, silently, for
        a 2xx status its generated code does not list, e.g. a create answered 200 instead of 201).
        `recover` is `call_with_retries`'s: asked after an outage whether the request took effect anyway."""
        try:
            answer = call_with_retries(lambda: self._attempt(kind, send), self._retry, self._sleep, recover)
        except AuthExpired:
            # Refresh once and try again; a second 401 with a fresh token is final.
            self._refresh()
            answer = call_with_retries(lambda: self._attempt(kind, send), self._retry, self._sleep, recover)
        if answers and answer is None:
            raise CrmUnavailable(f"HubSpot gave an unexpected answer to a {kind} request")
        return answer

    def _request_json(self, kind: str, send_raw: Callable[[], Any]) -> Any:
        """`_request` for an SDK call made with `_preload_content=False`: the SDK still sends, authenticates
        and maps errors, but hands back the raw response, parsed here with json. Pages of contacts come
        back this way because the SDK's model objects cost several times the parse and are dropped at once."""
        def send() -> bytes:
            response = send_raw()
            try:
                return response.data  # read inside the attempt: a connection dropped mid-body is retried
            finally:
                response.release_conn()  # unread-content responses keep their connection until released

        body = self._request(kind, send)
        try:
            return json.loads(body)
        except ValueError:
            raise CrmUnavailable(f"HubSpot answered a {kind} request with unreadable JSON") from None

    def _attempt(self, kind: str, send: Callable[[], Any]) -> Any:
        expires_at = self._credentials.expires_at
        if expires_at is not None and self._now() >= expires_at - self._refresh_margin:
            self._refresh()
        self._gate.acquire(self._credentials.account_id, kind)
        self.api_calls[kind] += 1
        try:
            if kind == "search" and self.search_pacer is not None:
                # Search has its own per-second limit outside the 110 / 10 s window, signalled only by 429s.
                with self.search_pacer.slot():
                    return send()
            return send()
        except SDK_ERRORS + TRANSPORT_ERRORS as exc:
            raise from_sdk(exc) from None

    def _refresh(self) -> None:
        def send() -> Credentials:
            self._gate.acquire(self._credentials.account_id, "auth")
            self.api_calls["auth"] += 1
            return oauth.refresh(self.endpoints, self._client_id, self._client_secret,
                                 self._credentials.refresh_token or "", self._credentials.account_id, self._now,
                                 session=self._http)

        fresh = call_with_retries(send, self._retry, self._sleep)  # AuthRevoked is not retried: it is final
        self._credentials = fresh
        for api in (self._search, self._batch, self._contacts, self._properties, self._groups, self._tasks,
                    self._associations):
            api.api_client.configuration.access_token = fresh.access_token
        if self._on_token_refresh is not None:
            self._on_token_refresh(fresh)


def _results(answer: Any) -> list[dict[str, Any]]:
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise CrmUnavailable("HubSpot answered without a list of results")
    return results


def _write_problem(write: FieldWrite) -> str | None:
    if not _valid_id(str(write.crm_id)):
        return "not a HubSpot contact id"
    if write.object_type not in (None, OBJECT_TYPE):
        return f"HubSpot writes contacts, not {write.object_type!r}"
    if not write.values:
        return "no values to write"
    if not all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in write.values.items()):
        return "values must be strings (or None to clear)"
    return None


def _valid_id(crm_id: str) -> bool:
    return crm_id.isdigit()


def _check_object_type(object_type: str | None) -> None:
    if object_type not in (None, OBJECT_TYPE):
        raise ValueError(f"the HubSpot adapter handles contacts, not {object_type!r}")


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
