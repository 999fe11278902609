"""Incremental pulls of Leads and Contacts by `SystemModstamp`, with keyset paging that cannot skip or repeat.

Why keyset and not "WHERE SystemModstamp > :last": a bulk edit stamps hundreds of records with the same
instant, and a page boundary falling inside that group either drops the rest of it (`>`) or re-reads it
forever (`>=`). Each page here asks for `(SystemModstamp, Id) > (last stamp, last id)` ordered by both
columns, a strict total order, so a page boundary can fall anywhere. Each page is its own query with
`LIMIT 2000` (one REST batch unless long text fields force 200-record batches, which are followed through
`nextRecordsUrl`); the cursor after every batch is just the last (stamp, id), so a pull can stop and resume
anywhere.

The overlap: Salesforce sets `SystemModstamp` when a transaction starts, not when it commits, so a record can
appear later with a stamp *behind* what a pull already passed (the cursor race in Airbyte #27146). Each pull
therefore stops `lag` behind the current time; every transaction older than that has committed, so once the
cursor passes a stamp nothing new can appear behind it. Records edited while a pull runs get stamps past the
window's end and are read by the next pull, once.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from ..base import CrmRecord
from ..errors import CrmUnavailable

log = logging.getLogger(__name__)

PAGE_SIZE = 2000  # records per query: the REST query batch maximum
Position = tuple[str, str]  # (SystemModstamp as a SOQL literal, Id) of the last record passed
BULK_KEY = "bulk"  # the cursor's note of a Bulk query pull stopped between results pages


def soql_datetime(moment: datetime) -> str:
    """A SOQL datetime literal, UTC with milliseconds (Salesforce stores SystemModstamp to the millisecond)."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_datetime(value: str) -> datetime:
    """Salesforce's `2024-05-01T12:00:00.000+0000` (or ISO with Z) as an aware UTC datetime."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def page_query(object_name: str, fields: Iterable[str], position: Position | None, until: str,
               limit: int = PAGE_SIZE) -> str:
    where = [f"SystemModstamp <= {until}"]
    if position is not None:
        stamp, last_id = position
        where.append(f"(SystemModstamp > {stamp} OR (SystemModstamp = {stamp} AND Id > '{last_id}'))")
    return (f"SELECT {', '.join(fields)} FROM {object_name} WHERE {' AND '.join(where)} "
            f"ORDER BY SystemModstamp, Id LIMIT {limit}")


def window_query(object_name: str, fields: Iterable[str], until: str) -> str:
    """A whole pull window in one query, for a Bulk API job (whose rows come in no promised order)."""
    return f"SELECT {', '.join(fields)} FROM {object_name} WHERE SystemModstamp <= {until}"


def count_query(object_name: str, until: str) -> str:
    return f"SELECT COUNT() FROM {object_name} WHERE SystemModstamp <= {until}"


def pull_unordered(pages: Iterator[tuple[list[dict[str, Any]], str, str | None]], greatest: Position | None = None,
                   ) -> Iterator[tuple[list[CrmRecord], Position | None, dict[str, Any] | None]]:
    """(records, position, resume) per Bulk results page, rows in no particular order: the position stays None
    until the last page, which carries the greatest (stamp, id) of all; before it, `resume` says where the
    next page starts ({job, locator, greatest so far}) so a stopped pull reads on from there. `greatest` is
    the one a resumed pull had reached."""
    for rows, job_id, following in pages:
        for row in rows:
            found = position_of(row, None)
            if found is not None and (greatest is None or _order(found) > _order(greatest)):
                greatest = found
        records = [r for r in map(to_record, rows) if r is not None]
        if following is None:
            yield records, greatest, None
        else:
            yield records, None, {"job": job_id, "locator": following, "greatest": list(greatest) if greatest else None}


def bulk_resume(cursor: dict[str, Any] | None, object_name: str) -> tuple[tuple[str, str], Position | None] | None:
    """((job id, locator), greatest so far) when the cursor stopped inside a Bulk pull of `object_name`."""
    stored = (cursor or {}).get(BULK_KEY)
    if not stored or stored.get("object") != object_name:
        return None
    job_id, locator, greatest = stored.get("job"), stored.get("locator"), stored.get("greatest")
    if not (isinstance(job_id, str) and job_id.isalnum() and isinstance(locator, str) and locator):
        raise ValueError(f"not a Salesforce pull cursor: {cursor!r}")
    return (job_id, locator), (cursor_positions({object_name: greatest}, (object_name,))[object_name])


def _order(position: Position) -> tuple[datetime, str]:
    return parse_datetime(position[0]), position[1]


def render(value: Any) -> str | None:
    """A field value as the string `CrmRecord.properties` holds (booleans as true/false, like the API)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_record(raw: dict[str, Any]) -> CrmRecord | None:
    """One query row as a `CrmRecord`; None (logged) when it lacks an id or a readable stamp."""
    try:
        object_name = raw["attributes"]["type"]
        modified_at = parse_datetime(raw["SystemModstamp"])
        crm_id = str(raw["Id"])
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("skipping a malformed Salesforce record (id %r)", raw.get("Id") if isinstance(raw, dict) else None)
        return None
    properties = {k: render(v) for k, v in raw.items() if k != "attributes" and not isinstance(v, dict)}
    return CrmRecord(crm_id=crm_id, object_type=object_name, properties=properties, modified_at=modified_at)


def position_of(raw: dict[str, Any], current: Position | None) -> Position | None:
    try:
        return soql_datetime(parse_datetime(raw["SystemModstamp"])), str(raw["Id"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return current  # a malformed row cannot move the cursor; the next good one will


def pull_object(object_name: str, fields: list[str], position: Position | None, until: str,
                query_batches: Callable[[str], Iterator[list[dict[str, Any]]]],
                page_size: int = PAGE_SIZE) -> Iterator[tuple[list[CrmRecord], Position | None]]:
    """Yield (records, position after them) for one object, batch by batch, up to `until`."""
    while True:
        start = position
        seen = 0
        for rows in query_batches(page_query(object_name, fields, position, until, page_size)):
            seen += len(rows)
            for row in rows:
                position = position_of(row, position)
            records = [r for r in map(to_record, rows) if r is not None]
            yield records, position
        if seen < page_size:
            return
        if position == start:
            # A full page that does not move the cursor would be asked for again and again.
            raise CrmUnavailable(f"Salesforce {object_name} query did not advance past {start}")


def cursor_positions(cursor: dict[str, Any] | None, objects: Iterable[str]) -> dict[str, Position | None]:
    """The per-object positions stored in a cursor; None (a full pull) for an object it does not name."""
    positions: dict[str, Position | None] = {}
    for name in objects:
        stored = (cursor or {}).get(name)
        if stored is None:
            positions[name] = None
        elif isinstance(stored, (list, tuple)) and len(stored) == 2 and all(isinstance(p, str) for p in stored):
            positions[name] = (soql_datetime(parse_datetime(stored[0])), _safe_id(stored[1]))
        else:
            raise ValueError(f"not a Salesforce pull cursor: {cursor!r}")
    return positions


def _safe_id(value: str) -> str:
    # The id goes into SOQL between quotes; a cursor is stored data, so never trust it to be clean.
    if not value.isalnum():
        raise ValueError("not a Salesforce pull cursor: malformed record id")
    return value


LOWEST_ID = "0" * 18  # below every real id: a position (stamp, LOWEST_ID) re-reads that stamp's records


def cursor_without(cursor: dict[str, Any] | None, crm_ids: set[str]) -> dict[str, Any] | None:
    """The cursor with none of `crm_ids` in it (an erased person): a position on one of them moves to the
    lowest id at the same stamp, which re-reads that instant's records (the snapshot store absorbs those)."""
    if not isinstance(cursor, dict):
        return cursor
    return {name: [position[0], LOWEST_ID]
            if isinstance(position, (list, tuple)) and len(position) == 2 and str(position[1]) in crm_ids
            else position for name, position in cursor.items()}
