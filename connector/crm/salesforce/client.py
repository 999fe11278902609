"""`CrmClient` for Salesforce Leads and Contacts, on simple-salesforce (REST, Tooling, sObject Collections).

Every request goes through `_request`: the usage governor's pause, the shared `RequestGate`, a count in
`api_calls`, SDK errors turned into typed ones, bounded retries (`connector.crm.retry`), and one refresh and
retry on a 401. The SDK is built from `session_id`, so a 401 raises at once (its login-based instances retry
`SFType` calls forever) and the refresh is ours: Salesforce does not say when a session ends.
"""
from __future__ import annotations

import itertools
import logging
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Sequence

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from connector import clock

from ..base import (CatalogItem, CrmClient, CrmEndpoints, CrmRecord, Credentials, FieldWrite, OpenGate, PropertySpec,
                    ProvisionResult, RecordBatch, RecordRejectedInfo, RequestGate, ScoreFieldNames, TokenSaver,
                    WriteResult, task_marker)
from ..errors import AuthExpired, CrmRequestInvalid, RecordRejected
from ..retry import RetryPolicy, call_with_retries
from . import bulk, catalog, ingest, oauth
from .bulk import BULK_THRESHOLD
from .ingest import INGEST_THRESHOLD
from .errors import TRANSPORT_ERRORS, RequestRefused, from_sdk
from .fields import OBJECTS, pull_fields, property_spec, salesforce_score_fields
from .provision import Provisioner
from .pull import (BULK_KEY, PAGE_SIZE, bulk_resume, count_query, cursor_positions, pull_object, pull_unordered,
                   soql_datetime, to_record, window_query)
from .usage import ApiUsage

log = logging.getLogger(__name__)

API_VERSION = "59.0"
COLLECTION_SIZE = 200  # sObject Collections records per call
FETCH_CHUNK = 200  # ids per `Id IN (...)` query, well inside the URI limit
REQUEST_TIMEOUT = (5.0, 120.0)  # (connect, read) seconds; Salesforce allows 10 minutes, we do not wait that long
KEY_PREFIXES = {"00Q": "Lead", "003": "Contact"}
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
CONVERTED_LEAD = "CANNOT_UPDATE_CONVERTED_LEAD"


class SalesforceClient(CrmClient):
    crm = "salesforce"

    def __init__(self, endpoints: CrmEndpoints, credentials: Credentials, client_id: str, client_secret: str,
                 on_token_refresh: TokenSaver | None = None, gate: RequestGate | None = None,
                 retry: RetryPolicy = RetryPolicy(), sleep: Callable[[float], None] = time.sleep,
                 session_factory: Callable[[], requests.Session] | None = None,
                 now: Callable[[], datetime] | None = None, modstamp_lag: timedelta = timedelta(seconds=60),
                 usage: ApiUsage | None = None, score_fields: ScoreFieldNames | None = None,
                 page_size: int = PAGE_SIZE, version: str = API_VERSION, pull_extra: Sequence[str] = (),
                 bulk_threshold: int = BULK_THRESHOLD, ingest_threshold: int = INGEST_THRESHOLD):
        """`now` is the clock pull windows are measured on (a sandbox passes its own); `modstamp_lag` keeps
        them clear of transactions still committing (see `pull`); `session_factory` builds the HTTP session
        every request (tokens included) goes through; `pull_extra` names fields to pull beyond the chosen
        ones (see `fields.pull_fields`); full pulls of more than `bulk_threshold` records of an object run as
        a Bulk API 2.0 query job (`bulk`), and writes of more than `ingest_threshold` records as Bulk API 2.0
        ingest jobs (`ingest`)."""
        super().__init__()
        if not 200 <= page_size <= PAGE_SIZE:
            raise ValueError("Salesforce query batches hold 200 to 2,000 records")
        self.endpoints = endpoints
        self._credentials = credentials
        self._client_id = client_id
        self._client_secret = client_secret
        self._on_token_refresh = on_token_refresh
        self._gate = gate or OpenGate()
        self._retry = retry
        self._sleep = sleep
        self._now = now or clock.now
        self._lag = modstamp_lag
        self.usage = usage or ApiUsage()
        self._names = score_fields or salesforce_score_fields()
        self._pull_extra = tuple(pull_extra)
        self._bulk_threshold = bulk_threshold
        self._ingest_threshold = ingest_threshold
        self._page_size = page_size
        self._version = version
        self._session = (session_factory or requests.Session)()
        # simple-salesforce's exceptions drop the response headers, and it reads Sforce-Limit-Info only on
        # success; a session hook sees every response, errors included.
        self._session.hooks["response"].append(self._observe)
        self._last_headers: Any = {}
        self._describes: dict[str, list[dict[str, Any]]] = {}
        self._converted: dict[str, str] = {}  # converted lead id -> its contact id, learnt from reads
        self._sf = self._connect()

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    def close(self) -> None:
        self._session.close()

    # -- reads ---------------------------------------------------------------------------------------

    def pull_changed(self, cursor: dict[str, Any] | None) -> Iterator[RecordBatch]:
        positions = cursor_positions(cursor, OBJECTS)
        until = soql_datetime(self._now() - self._lag)
        for object_name in OBJECTS:
            fields = self._pull_fields(object_name)
            resume = bulk_resume(cursor, object_name)
            if resume is not None or (positions[object_name] is None
                                      and self._count(object_name, until) > self._bulk_threshold):
                # A full pull of a big org: one Bulk API 2.0 query job instead of a REST call per 2,000.
                pages = bulk.query_pages(self._request, window_query(object_name, fields, until), object_name,
                                         self._sleep, REQUEST_TIMEOUT, resume=resume and resume[0])
                batches = pull_unordered(pages, resume and resume[1])
            else:
                batches = ((records, position, None) for records, position in pull_object(
                    object_name, fields, positions[object_name], until, self._query_batches, self._page_size))
            for records, position, stopped_at in batches:
                positions[object_name] = position
                self._learn_conversions(records)
                after = {k: list(v) if v else None for k, v in positions.items()}
                if stopped_at is not None:
                    after[BULK_KEY] = {"object": object_name, **stopped_at}
                yield RecordBatch(records=records, cursor=after)

    def fetch(self, crm_ids: Sequence[str], object_type: str | None = None) -> list[CrmRecord]:
        if object_type not in (None, *OBJECTS):
            raise ValueError(f"the Salesforce adapter handles Leads and Contacts, not {object_type!r}")
        by_object: dict[str, list[str]] = {}
        for crm_id in dict.fromkeys(map(str, crm_ids)):
            object_name = object_type or object_of(crm_id)
            if object_name in OBJECTS and _ID.match(crm_id):
                by_object.setdefault(object_name, []).append(crm_id)
        records: list[CrmRecord] = []
        for object_name, ids in by_object.items():
            fields = ", ".join(self._pull_fields(object_name))
            for chunk in _chunks(ids, FETCH_CHUNK):
                quoted = ", ".join(f"'{i}'" for i in chunk)
                soql = f"SELECT {fields} FROM {object_name} WHERE Id IN ({quoted})"
                for rows in self._query_batches(soql):
                    records += [r for r in map(to_record, rows) if r is not None]
        self._learn_conversions(records)
        return records

    def deleted_since(self, since: datetime | None) -> list[str]:
        """Leads and Contacts in the Recycle Bin, through `queryAll` (the REST API's QueryAll resource returns
        records deleted by a delete or a merge, `IsDeleted = true`; plain `query` never does). A delete moves
        SystemModstamp, so `since` narrows the question to deletions after the last look."""
        found: list[str] = []
        for object_name in OBJECTS:
            where = "IsDeleted = true" + (f" AND SystemModstamp > {soql_datetime(since)}" if since else "")
            for rows in self._query_batches(f"SELECT Id FROM {object_name} WHERE {where}", include_deleted=True):
                found += [str(row["Id"]) for row in rows if row.get("Id")]
        return found

    def schema(self) -> list[PropertySpec]:
        """Lead fields, then the Contact fields a Lead lacks (same name, same meaning: Email, Title...)."""
        specs: dict[str, PropertySpec] = {}
        for object_name in OBJECTS:
            for spec in self.schema_for(object_name):
                specs.setdefault(spec.name, spec)
        return list(specs.values())

    def schema_for(self, object_name: str) -> list[PropertySpec]:
        """The fields a pull of `object_name` selects (the candidate features), typed."""
        pulled = set(self._pull_fields(object_name))
        return [s for s in map(property_spec, self._describe(object_name)) if s is not None and s.name in pulled]

    # -- writes --------------------------------------------------------------------------------------

    def provision_fields(self, names: ScoreFieldNames) -> ProvisionResult:
        user_id = self._credentials.extra.get("user_id")
        if not user_id:
            raise CrmRequestInvalid("the Salesforce credentials do not name the integration user; reconnect")
        result = self.provisioner(names).provision(user_id)
        self._names = names
        self._describes.clear()  # the new fields are visible (and pulled) from now on
        return result

    def provisioner(self, names: ScoreFieldNames) -> Provisioner:
        """The provisioning steps one by one (fields, then access), through this client's requests."""
        return Provisioner(self._request, names, OBJECTS)

    def write_fields(self, writes: Sequence[FieldWrite]) -> WriteResult:
        """Converted leads are locked (CANNOT_UPDATE_CONVERTED_LEAD); their scores are written to the contact
        they became, and reported as written under the lead's id, so reps see them where they now work."""
        result = WriteResult()
        merged: dict[str, tuple[str, dict[str, str | None]]] = {}
        for write in writes:
            object_name = write.object_type or object_of(str(write.crm_id))
            problem = _write_problem(write, object_name)
            if problem:
                log.warning("skipping Salesforce write for %r: %s", write.crm_id, problem)
                result.rejected.append(RecordRejectedInfo(str(write.crm_id), problem, "INVALID_INPUT"))
                continue
            merged.setdefault(write.crm_id, (object_name, {}))[1].update(self.fitted(object_name, write.values))
        # (id asked for, object written, id written): known converted leads go straight to their contact.
        targets = [(crm_id, *self._target(crm_id, object_name)) for crm_id, (object_name, _) in merged.items()]
        values = {crm_id: v for crm_id, (_, v) in merged.items()}
        converted = self._write(targets, values, result)
        if converted:
            contacts = self._converted_contacts(converted)
            redirected = []
            for lead_id in converted:
                if contacts.get(lead_id):
                    redirected.append((lead_id, "Contact", contacts[lead_id]))
                else:
                    result.rejected.append(RecordRejectedInfo(lead_id, "converted lead without a contact",
                                                              CONVERTED_LEAD))
            self._write(redirected, values, result)
        return result

    def create_task(self, crm_id: str, object_type: str, subject: str, body: str,
                    due_at: datetime, owner_id: str | None, key: str | None = None) -> str:
        object_name, who_id = self._live_target(crm_id, object_type)
        if owner_id is None:
            owner_id = self._read_fields(object_name, who_id, ("OwnerId",)).get("OwnerId")
        if due_at.tzinfo is None:
            raise ValueError("due_at must be timezone-aware")
        if key is not None:
            body = f"{body}\n\n{task_marker(key)}"
        task = {"Subject": subject[:255], "Description": body, "WhoId": who_id, "Status": "Not Started",
                "Priority": "Normal", "ActivityDate": due_at.astimezone(timezone.utc).date().isoformat()}
        if owner_id:
            task["OwnerId"] = owner_id
        recover = None if key is None else (lambda: self.find_task(who_id, object_name, key))
        created = self._request("action", lambda sf: sf.restful("sobjects/Task/", method="POST", json=task,
                                                                 timeout=REQUEST_TIMEOUT), recover=recover)
        return created if isinstance(created, str) else str(created["id"])  # a str: the id `recover` found

    def find_task(self, crm_id: str, object_type: str, key: str) -> str | None:
        # Description is a long text area, which SOQL cannot filter on: read the record's tasks and look.
        _, who_id = self._live_target(crm_id, object_type)
        marker = task_marker(key)
        soql = f"SELECT Id, Description FROM Task WHERE WhoId = '{who_id}' ORDER BY CreatedDate DESC"
        for rows in self._query_batches(soql):
            for row in rows:
                if marker in (row.get("Description") or ""):
                    return str(row["Id"])
        return None

    def enroll(self, crm_id: str, object_type: str, target_id: str) -> None:
        """Add the record to a campaign; already a member counts as enrolled."""
        object_name, member_id = self._live_target(crm_id, object_type)
        if not _ID.match(str(target_id)):
            raise RecordRejected(str(crm_id), "not a Salesforce campaign id", "INVALID_INPUT")
        member = {"CampaignId": str(target_id), f"{object_name}Id": member_id}
        try:
            self._request("action", lambda sf: sf.restful("sobjects/CampaignMember/", method="POST", json=member,
                                                          timeout=REQUEST_TIMEOUT))
        except RequestRefused as exc:
            if exc.code != "DUPLICATE_VALUE":
                raise RecordRejected(str(crm_id), str(exc), exc.code) from None

    def enroll_targets(self) -> list[CatalogItem]:
        return catalog.campaign_items(row for rows in self._query_batches(catalog.ACTIVE_CAMPAIGNS) for row in rows)

    def settable_properties(self) -> list[CatalogItem]:
        return catalog.field_items({name: self._describe(name) for name in OBJECTS}, self._names)

    # -- internals -----------------------------------------------------------------------------------

    def _connect(self) -> Salesforce:
        instance_url = self._credentials.instance_url or self.endpoints.api_base
        return Salesforce(instance_url=instance_url, session_id=self._credentials.access_token,
                          session=self._session, version=self._version)

    def _observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last_headers = response.headers
        self.usage.observe(response.headers.get("Sforce-Limit-Info"))

    def _query_batches(self, soql: str, include_deleted: bool = False) -> Iterator[list[dict[str, Any]]]:
        answer = self._request("read", lambda sf: sf.query(soql, include_deleted=include_deleted,
                                                           timeout=REQUEST_TIMEOUT))
        while True:
            yield list(answer.get("records") or [])
            next_url = answer.get("nextRecordsUrl")
            if answer.get("done", True) or not next_url:
                return
            answer = self._request("read", lambda sf: sf.query_more(next_url, identifier_is_url=True,
                                                                    include_deleted=include_deleted,
                                                                    timeout=REQUEST_TIMEOUT))

    def _count(self, object_name: str, until: str) -> int:
        answer = self._request("read", lambda sf: sf.query(count_query(object_name, until), timeout=REQUEST_TIMEOUT))
        return int(answer.get("totalSize") or 0)

    def _describe(self, object_name: str) -> list[dict[str, Any]]:
        if object_name not in self._describes:
            answer = self._request("schema", lambda sf: sf.restful(f"sobjects/{object_name}/describe",
                                                                   timeout=REQUEST_TIMEOUT))
            self._describes[object_name] = list(answer.get("fields") or [])
        return self._describes[object_name]

    def has_field(self, object_type: str, field_name: str) -> bool:
        """Visible to the integration user in describe: a field it cannot see it cannot write either."""
        return object_type in OBJECTS and any(f.get("name") == field_name for f in self._describe(object_type))

    def max_length(self, object_type: str, field_name: str) -> int | None:
        """A text field's `length` from describe (Text 255, the reasons LongTextArea 32,768...)."""
        if object_type not in OBJECTS:
            return None
        for described in self._describe(object_type):
            if described.get("name") == field_name and described.get("type") in ("string", "textarea"):
                return int(described.get("length") or 0) or None
        return None

    def _pull_fields(self, object_name: str) -> list[str]:
        return pull_fields(object_name, self._describe(object_name), self._names, self._pull_extra)

    def superseded_by(self, object_type: str, properties: dict[str, str | None]) -> str | None:
        contact_id = properties.get("ConvertedContactId")
        if object_type == "Lead" and properties.get("IsConverted") == "true" and contact_id:
            return str(contact_id)
        return None

    def _learn_conversions(self, records: list[CrmRecord]) -> None:
        for record in records:
            contact_id = self.superseded_by(record.object_type, record.properties)
            if contact_id:
                self._converted[record.crm_id] = contact_id

    def _target(self, crm_id: str, object_name: str) -> tuple[str, str]:
        if object_name == "Lead" and crm_id in self._converted:
            return "Contact", self._converted[crm_id]
        return object_name, crm_id

    def _write(self, targets: list[tuple[str, str, str]], values: dict[str, dict[str, str | None]],
               result: WriteResult) -> list[str]:
        """Write the targets; returns the lead ids refused as converted.

        Grouped by object type first: Salesforce starts a new collection chunk at each change of type and
        refuses a request of more than 10 chunks, which snapshot order (leads and converted leads' contacts
        interleaved) easily exceeds; grouped, a request holds at most one chunk per object type. Above
        `ingest_threshold` records the write runs as one Bulk API 2.0 ingest job per object type instead of
        a collection per 200 records (`ingest`); either way each record gets a collection-shaped answer."""
        grouped = sorted(targets, key=lambda target: target[1])  # stable: each type keeps its order
        if len(grouped) > self._ingest_threshold:
            by_type = [list(group) for _, group in itertools.groupby(grouped, key=lambda target: target[1])]
            answered: Iterator[tuple[list[tuple[str, str, str]], list[dict[str, Any]]]] = (
                (group, ingest.update(self._request, group[0][1], group, values, self._sleep, REQUEST_TIMEOUT))
                for group in by_type)
        else:
            answered = (self._send_collection(chunk, values, result) for chunk in _chunks(grouped, COLLECTION_SIZE))
        converted: list[str] = []
        for chunk, answers in answered:
            converted += self._settle(chunk, answers, result)
        return converted

    def _settle(self, chunk: list[tuple[str, str, str]], answers: list[dict[str, Any]],
                result: WriteResult) -> list[str]:
        """Record each target's answer (given in the targets' order; a failed record's `id` may be null) as
        written or rejected; returns the lead ids refused as converted, to be sent on to their contacts."""
        converted: list[str] = []
        for position, (asked, object_name, target_id) in enumerate(chunk):
            answer = answers[position] if position < len(answers) else {}
            if answer.get("success"):
                result.written.append(asked)
                if target_id != asked:
                    log.info("score for converted lead %s written to its contact %s", asked, target_id)
                continue
            errors = answer.get("errors") or [{}]
            code = errors[0].get("statusCode") or errors[0].get("errorCode")
            if code == CONVERTED_LEAD and target_id == asked:
                converted.append(asked)
                continue
            if code == "INVALID_FIELD":
                self._describes.clear()  # the next pull asks again what this user can see
            reason = errors[0].get("message") or "Salesforce did not confirm this write"
            result.rejected.append(RecordRejectedInfo(asked, reason, code or "UNCONFIRMED"))
        return converted

    def _send_collection(self, chunk: list[tuple[str, str, str]], values: dict[str, dict[str, str | None]],
                         result: WriteResult) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
        """PATCH one collection: (the targets finally sent, Salesforce's answers in their order).

        A field the integration user cannot see (deleted, or its field-level security withdrawn) fails the
        whole request with INVALID_FIELD. The records naming it are reported (a score written without its
        tier would be half a write) and the rest are sent again; re-provisioning restores the grant."""
        while chunk:
            body = {"allOrNone": False, "records": [
                {"attributes": {"type": object_name}, "id": target_id, **values[asked]}
                for asked, object_name, target_id in chunk]}
            try:
                return chunk, self._request("write", lambda sf: sf.restful(
                    "composite/sobjects", method="PATCH", json=body, timeout=REQUEST_TIMEOUT)) or []
            except RequestRefused as exc:
                if exc.code != "INVALID_FIELD":
                    raise
                log.warning("Salesforce refused a write-back collection: %s", exc)
                self._describes.clear()  # the next pull asks again what this user can see
                named = [t for t in chunk if set(exc.fields) & set(values[t[0]])] or chunk
                reason = (f"field {', '.join(exc.fields) or '(unnamed)'} is not visible to the integration user; "
                          "re-provision the score fields")
                result.rejected += [RecordRejectedInfo(asked, reason, exc.code) for asked, _, _ in named]
                chunk = [t for t in chunk if t not in named]
        return chunk, []

    def _converted_contacts(self, lead_ids: list[str]) -> dict[str, str]:
        contacts: dict[str, str] = {}
        for chunk in _chunks(lead_ids, FETCH_CHUNK):
            quoted = ", ".join(f"'{i}'" for i in chunk)
            for rows in self._query_batches(f"SELECT Id, ConvertedContactId FROM Lead WHERE Id IN ({quoted})"):
                for row in rows:
                    if row.get("ConvertedContactId"):
                        contacts[str(row["Id"])] = str(row["ConvertedContactId"])
        self._converted.update(contacts)
        return contacts

    def _live_target(self, crm_id: str, object_type: str | None) -> tuple[str, str]:
        """The record an action lands on: the record itself, or the contact a converted lead became."""
        crm_id = str(crm_id)
        object_name = object_type or object_of(crm_id)
        if object_name not in OBJECTS or not _ID.match(crm_id):
            raise RecordRejected(crm_id, "not a Salesforce lead or contact id", "INVALID_INPUT")
        if object_name == "Lead":
            lead = self._read_fields("Lead", crm_id, ("IsConverted", "ConvertedContactId"))
            if lead.get("IsConverted") is True and lead.get("ConvertedContactId"):
                return "Contact", str(lead["ConvertedContactId"])
        return object_name, crm_id

    def _read_fields(self, object_name: str, crm_id: str, fields: Sequence[str]) -> dict[str, Any]:
        try:
            row = self._request("read", lambda sf: sf.restful(
                f"sobjects/{object_name}/{crm_id}", params={"fields": ",".join(fields)}, timeout=REQUEST_TIMEOUT))
        except RequestRefused as exc:
            if exc.status == 404:
                raise RecordRejected(crm_id, f"no such Salesforce {object_name}", "NOT_FOUND") from None
            raise
        return dict(row or {})

    def _request(self, kind: str, send: Callable[[Salesforce], Any], recover: Callable[[], Any] | None = None) -> Any:
        """`recover` is `call_with_retries`'s: asked after an outage whether the request took effect anyway."""
        try:
            return call_with_retries(lambda: self._attempt(kind, send), self._retry, self._sleep, recover)
        except AuthExpired:
            # Sessions end when the org says (timeout, admin logout); refresh once, a second 401 is final.
            self._refresh()
            return call_with_retries(lambda: self._attempt(kind, send), self._retry, self._sleep, recover)

    def _attempt(self, kind: str, send: Callable[[Salesforce], Any]) -> Any:
        pause = self.usage.pause()
        if pause:
            self._sleep(pause)
        self._gate.acquire(self._credentials.account_id, kind)
        self.api_calls[kind] += 1
        self._last_headers = {}
        try:
            return send(self._sf)
        except (SalesforceError, ValueError) + TRANSPORT_ERRORS as exc:
            raise from_sdk(exc, self._last_headers, self.usage.exhausted) from None

    def _refresh(self) -> None:
        def send() -> Credentials:
            self._gate.acquire(self._credentials.account_id, "auth")
            self.api_calls["auth"] += 1
            return oauth.refresh(self.endpoints, self._client_id, self._client_secret, self._credentials,
                                 session=self._session)

        fresh = call_with_retries(send, self._retry, self._sleep)  # AuthRevoked is final, never retried
        self._credentials = fresh
        self._sf = self._connect()
        if self._on_token_refresh is not None:
            self._on_token_refresh(fresh)


def object_of(crm_id: str) -> str | None:
    """Lead or Contact from the id's key prefix (00Q / 003), None for anything else."""
    return KEY_PREFIXES.get(crm_id[:3])


def _write_problem(write: FieldWrite, object_name: str | None) -> str | None:
    if not _ID.match(str(write.crm_id)):
        return "not a Salesforce record id"
    if object_name not in OBJECTS:
        return f"Salesforce writes Leads and Contacts, not {write.object_type or 'this id'!r}"
    if not write.values:
        return "no values to write"
    if not all(isinstance(k, str) and k.isidentifier() and (v is None or isinstance(v, str))
               for k, v in write.values.items()):
        return "values must be strings (or None to clear) keyed by field name"
    return None


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
