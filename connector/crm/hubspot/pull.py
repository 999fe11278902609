"""Incremental contact pulls through CRM Search that never miss or repeat a record.

Search stops at 10,000 results per query (paging past that is a 400), and a bulk edit gives hundreds of
contacts the same `lastmodifieddate`, so neither `after` nor a timestamp bookmark is safe on its own. A pull
instead fixes a window `since < lastmodifieddate <= until` and walks it in `hs_object_id` order, each page a
fresh query filtered `hs_object_id > last id seen`: no query ever pages, so the cap never applies, and equal
timestamps cannot split a page boundary. `until` is "now" minus a lag because the search index shows changes
only after a few moments; a change made during the pull lands after `until` and is picked up by the next
window. Every batch carries a cursor that resumes mid-window; the last one moves `since` to `until`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Sequence

from ..base import CrmRecord, RecordBatch
from ..errors import CrmUnavailable

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # Search's maximum page
OBJECT_TYPE = "contacts"

# search(filters, properties, limit) -> result objects as HubSpot's JSON, sorted by hs_object_id ascending
SearchPage = Callable[[list[dict[str, str]], Sequence[str], int], list[dict[str, Any]]]


@dataclass(frozen=True)
class Window:
    since_ms: int | None  # exclusive lower bound; None on the first (full) pull
    until_ms: int  # inclusive upper bound
    last_id: int  # highest hs_object_id already delivered inside this window

    def filters(self) -> list[dict[str, str]]:
        filters = [{"propertyName": "lastmodifieddate", "operator": "LTE", "value": str(self.until_ms)},
                   {"propertyName": "hs_object_id", "operator": "GT", "value": str(self.last_id)}]
        if self.since_ms is not None:
            filters.insert(0, {"propertyName": "lastmodifieddate", "operator": "GT", "value": str(self.since_ms)})
        return filters

    def resume_cursor(self) -> dict[str, Any]:
        return {"since": self.since_ms, "until": self.until_ms, "last_id": self.last_id}

    def done_cursor(self) -> dict[str, Any]:
        return {"since": self.until_ms}


def open_window(cursor: dict[str, Any] | None, now_ms: int, lag_ms: int, overlap_ms: int) -> Window:
    """The window a pull from `cursor` covers: the unfinished one, or a new one ending `lag_ms` before now."""
    if cursor is None:
        return Window(None, now_ms - lag_ms, 0)
    if not isinstance(cursor, dict) or "since" not in cursor:
        raise ValueError(f"not a HubSpot pull cursor: {cursor!r}")
    since = _optional_int(cursor, "since")
    if cursor.get("until") is not None:
        return Window(since, _optional_int(cursor, "until"), _optional_int(cursor, "last_id") or 0)
    if since is None:
        return Window(None, now_ms - lag_ms, 0)
    # `overlap_ms` re-reads the end of the last window in case the index lagged more than `lag_ms`;
    # records seen there come again, which the idempotent snapshot store absorbs. Zero by default.
    start = since - overlap_ms
    return Window(start, max(now_ms - lag_ms, start), 0)


def pull_window(window: Window, search: SearchPage, properties: Sequence[str]) -> Iterator[RecordBatch]:
    """Yield the window's contacts page by page; the final batch (possibly empty) carries the done cursor."""
    while True:
        page = search(window.filters(), properties, PAGE_SIZE)
        records = [record for record in map(to_record, page) if record is not None]
        if page:
            last_id = max(_numeric_id(obj) for obj in page)
            if last_id <= window.last_id:
                raise CrmUnavailable(f"HubSpot search did not advance past id {window.last_id}")
            window = Window(window.since_ms, window.until_ms, last_id)
        if len(page) < PAGE_SIZE:
            yield RecordBatch(records, window.done_cursor())
            return
        yield RecordBatch(records, window.resume_cursor())


def to_record(obj: dict[str, Any]) -> CrmRecord | None:
    """One result object (HubSpot's JSON: id, properties, updatedAt, ...) as a `CrmRecord`; a malformed one
    is logged and skipped."""
    properties = (obj.get("properties") or {}) if isinstance(obj, dict) else None
    if not isinstance(properties, dict) or obj.get("id") is None:
        log.warning("skipping a malformed HubSpot result object: %.200r", obj)
        return None
    modified = parse_hubspot_time(obj.get("updatedAt")) or parse_hubspot_time(properties.get("lastmodifieddate"))
    if modified is None:
        log.warning("skipping HubSpot contact %s: no modification time", obj["id"])
        return None
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=timezone.utc)
    return CrmRecord(crm_id=str(obj["id"]), object_type=OBJECT_TYPE, properties=properties,
                     modified_at=modified.astimezone(timezone.utc))


def parse_hubspot_time(value: str | None) -> datetime | None:
    """HubSpot sends datetimes as ISO-8601 in objects, epoch milliseconds in some properties."""
    if not value or not isinstance(value, str):
        return None
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _numeric_id(obj: dict[str, Any]) -> int:
    crm_id = obj.get("id") if isinstance(obj, dict) else None
    try:
        return int(crm_id)
    except (TypeError, ValueError):
        raise CrmUnavailable(f"HubSpot search returned a non-numeric id {crm_id!r}") from None


def _optional_int(cursor: dict[str, Any], key: str) -> int | None:
    value = cursor.get(key)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"HubSpot pull cursor has a bad {key!r}: {value!r}") from None


def cursor_without(cursor: dict[str, Any] | None, crm_ids: set[str]) -> dict[str, Any] | None:
    """The cursor with none of `crm_ids` in it (an erased person): a mid-window position on one of them steps
    back by one, which re-reads a few records at most (the snapshot store absorbs those)."""
    if not isinstance(cursor, dict) or str(cursor.get("last_id")) not in crm_ids:
        return cursor
    return {**cursor, "last_id": int(cursor["last_id"]) - 1}
