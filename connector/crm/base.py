"""The one interface every CRM adapter implements; nothing above it knows which CRM it talks to.

Pulls are generators of `RecordBatch`es, each carrying the cursor that becomes safe to store once that
batch (and every batch before it) is durably processed: the Singer rule that a bookmark moves only
after the work it covers.
"""
from __future__ import annotations

import abc
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator, Literal, Protocol, Sequence

PropertyType = Literal["number", "enumeration", "string", "boolean", "datetime"]


@dataclass(frozen=True)
class CrmEndpoints:
    """Where a CRM lives. Production hosts by default; the sandboxes are just other hosts."""

    api_base: str  # e.g. https://api.hubapi.com, or a Salesforce instance_url
    authorize_url: str  # browser-facing consent page
    token_url: str  # code exchange and refresh
    revoke_url: str | None = None


@dataclass
class Credentials:
    """An installation's OAuth grant. Persisted encrypted by the connector; never logged."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None  # UTC; None when the CRM does not say (Salesforce)
    account_id: str  # HubSpot portal id / Salesforce org id
    instance_url: str | None = None  # Salesforce sends API calls here
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # tokens must never reach a log line or a traceback
        return f"Credentials(account_id={self.account_id!r}, expires_at={self.expires_at!r}, tokens=<hidden>)"


@dataclass(frozen=True)
class PropertySpec:
    """One field of the CRM's record schema, in the vocabulary the scoring side understands."""

    name: str
    label: str
    type: PropertyType
    options: tuple[str, ...] = ()
    calculated: bool = False  # written by the CRM itself (formula, rollup, system)


@dataclass(frozen=True)
class CrmRecord:
    crm_id: str
    object_type: str  # "contacts" on HubSpot; "Lead" or "Contact" on Salesforce
    properties: dict[str, str | None]
    modified_at: datetime  # UTC


@dataclass(frozen=True)
class RecordBatch:
    records: list[CrmRecord]
    cursor: dict[str, Any]  # JSON-serialisable; opaque to callers; store it only after the batch is durable


@dataclass(frozen=True)
class FieldWrite:
    """Values to set on one record, keyed by CRM field name, already rendered as strings."""

    crm_id: str
    object_type: str
    values: dict[str, str | None]


CUT_MARKER = "…"


def fit_lines(lines: Sequence[str], limit: int) -> list[str]:
    """`lines` as joined by newlines within `limit` characters: whole lines kept, then a "…" line marking
    the cut. Only when not even the first line fits is that line cut, at a space, never mid-word."""
    if len("\n".join(lines)) <= limit:
        return list(lines)
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line, CUT_MARKER])) > limit:
            break
        kept.append(line)
    if not kept and lines:
        head = lines[0][:max(limit - len(CUT_MARKER) - 1, 0)]
        head = head[:head.rfind(" ")].rstrip() if " " in head else ""
        return [f"{head} {CUT_MARKER}"] if head else [CUT_MARKER]
    return [*kept, CUT_MARKER]


def fit_text(text: str | None, limit: int | None) -> str | None:
    """`text` cut to a field's `limit` (None: no known limit) on whole lines, as `fit_lines`."""
    if text is None or limit is None or len(text) <= limit:
        return text
    return "\n".join(fit_lines(text.split("\n"), limit))


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)  # crm ids that landed
    rejected: list["RecordRejectedInfo"] = field(default_factory=list)


@dataclass(frozen=True)
class RecordRejectedInfo:
    crm_id: str
    reason: str
    code: str | None = None


@dataclass(frozen=True)
class ScoreFieldNames:
    """The CRM field names the connector writes; defaults per CRM, renamable per installation."""

    score: str
    tier: str
    reasons: str
    scored_at: str
    model: str
    override_tier: str
    arm: str  # the A/B experiment's arm ("model" / "control"), for the CRM's own reports to split by
    next_step: str  # the suggested next step for the rep (connector.nurture.next_step)

    def written(self) -> frozenset[str]:
        """The fields the connector writes itself; the rep's override is not among them (reps set it)."""
        return frozenset({self.score, self.tier, self.reasons, self.scored_at, self.model, self.next_step,
                          self.arm})


@dataclass(frozen=True)
class CatalogItem:
    """One choice a rule form offers: an id the CRM knows and the name an admin knows it by."""

    id: str
    label: str


@dataclass(frozen=True)
class ProvisionResult:
    created: list[str]
    already_present: list[str]


TokenSaver = Callable[[Credentials], None]


class RequestGate(Protocol):
    """Client-side admission for CRM requests, shared by every worker that talks to one account.

    Adapters call `acquire` before each request; the embedded default admits everything, production plugs
    in a Redis sliding window so N workers together stay under the account's limit. `metered_kinds` names
    the kinds the gate paces to the CRM's own limit, so an adapter drops its in-process pacing for them.
    """

    metered_kinds: frozenset[str]

    def acquire(self, account_key: str, kind: str) -> None:
        """Block until one request of `kind` ("read", "search", "write", ...) may be sent for this account."""


class OpenGate:
    """The embedded default: no client-side limiting; the CRM's own 429s are still honoured."""

    metered_kinds: frozenset[str] = frozenset()

    def acquire(self, account_key: str, kind: str) -> None:
        return None


def task_marker(key: str) -> str:
    """The line put in a task's body that lets a retry find a task an earlier attempt created."""
    return f"[leadscore-action {key}]"


class CrmClient(abc.ABC):
    """An authenticated client for one installation's CRM account.

    Adapters refresh the access token before it expires and once on a 401, call `on_token_refresh`
    with the new credentials so the connector can persist them, and raise only `connector.crm.errors`.
    `api_calls` counts requests by kind ("read", "search", "write", "schema", "auth", "action").
    """

    crm: str  # "hubspot" | "salesforce"

    def __init__(self) -> None:
        self.api_calls: Counter[str] = Counter()

    @abc.abstractmethod
    def pull_changed(self, cursor: dict[str, Any] | None) -> Iterator[RecordBatch]:
        """Yield every record changed since `cursor` (all records when None), each exactly once."""

    @abc.abstractmethod
    def fetch(self, crm_ids: Sequence[str], object_type: str | None = None) -> list[CrmRecord]:
        """Read the given records now (webhook rescoring); unknown ids are left out."""

    @abc.abstractmethod
    def schema(self) -> list[PropertySpec]:
        """The record properties (names, types, options) for the scoring side."""

    @abc.abstractmethod
    def provision_fields(self, names: ScoreFieldNames) -> ProvisionResult:
        """Create the score fields (and whatever makes them writable); idempotent."""

    @abc.abstractmethod
    def write_fields(self, writes: Sequence[FieldWrite]) -> WriteResult:
        """Write many records in as few calls as the CRM allows; per-record failures reported, the rest land."""

    @abc.abstractmethod
    def create_task(self, crm_id: str, object_type: str, subject: str, body: str,
                    due_at: datetime, owner_id: str | None, key: str | None = None) -> str:
        """Create a task for the record's owner (the record's own owner when `owner_id` is None); returns its id.

        With an idempotency `key`, the task carries `task_marker(key)` in the CRM and the create is never
        resent blindly: after an outage (which may have come after the CRM applied it) the adapter looks
        the key up with `find_task` first and answers with the task found."""

    @abc.abstractmethod
    def find_task(self, crm_id: str, object_type: str, key: str) -> str | None:
        """The id of a task on the record carrying `task_marker(key)`, else None, read through the CRM's
        API. Neither CRM takes an idempotency key on task creation, so the key lives in the task itself;
        kept in the CRM, it also survives a restore of the connector's database."""

    def deleted_since(self, since: datetime | None) -> list[str]:
        """Ids of records deleted in the CRM since `since` (everything it still remembers when None), for CRMs
        that can be asked. HubSpot cannot be (its search never returns archived contacts): it says so by the
        `contact.deletion` and `contact.privacyDeletion` webhooks instead."""
        return []

    def has_field(self, object_type: str, field_name: str) -> bool:
        """Whether the CRM has this field for the integration to write, as far as the adapter has read its schema.
        Fields added to the connector after an account was provisioned are written only once they exist."""
        return True

    def max_length(self, object_type: str, field_name: str) -> int | None:
        """The most characters the CRM keeps in this field (None: no known limit); every value written is cut
        to it (`fit_text`), since one over-long value makes the CRM refuse the whole record."""
        return None

    def fitted(self, object_type: str, values: dict[str, str | None]) -> dict[str, str | None]:
        return {name: fit_text(value, self.max_length(object_type, name)) for name, value in values.items()}

    def superseded_by(self, object_type: str, properties: dict[str, str | None]) -> str | None:
        """The id of the record that now stands for this one (a converted Salesforce lead's contact), else
        None. Such a record is neither written nor nurtured: its score and tasks follow its successor, which
        is a record of its own, so each person is written once per sync with one score."""
        return None

    @abc.abstractmethod
    def enroll(self, crm_id: str, object_type: str, target_id: str) -> None:
        """Enroll the record in a workflow (HubSpot) or campaign (Salesforce); enrolling twice is harmless."""

    @abc.abstractmethod
    def enroll_targets(self) -> list[CatalogItem]:
        """What `enroll` can take, read from the CRM now: active contact workflows (HubSpot) or active
        campaigns (Salesforce), sorted by name."""

    @abc.abstractmethod
    def settable_properties(self) -> list[CatalogItem]:
        """The record fields a rule may set, read from the CRM now: writable by the connector, not calculated,
        not the connector's own score fields, sorted by label."""
