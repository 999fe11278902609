"""Running a SOQL query over an org's records and paging the answer the way /query does."""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from . import permissions, sobjects
from .errors import ApiError, invalid_field
from .soql import SoqlError, matches, parse
from .store import Org

MAX_BATCH, MIN_BATCH = 2000, 200
LONG_TEXT_BATCH = 200  # two or more long text fields selected cap a batch at 200 records
_KEPT_CURSORS = 500


@dataclass
class Cursor:
    object_name: str
    fields: list[str]
    rows: list[dict]
    total: int
    batch: int
    at: int = 0


def select(org: Org, soql: str, user_id: str, table: dict[str, dict] | None = None,
           known: set[str] | None = None, include_deleted: bool = False) -> tuple[str, list[str], list[dict]]:
    """(object, selected fields, matching records in order). `table`/`known` serve the Tooling API's objects;
    records in the Recycle Bin (IsDeleted) only with `include_deleted`, as `queryAll` answers."""
    try:
        query = parse(soql)
    except SoqlError as exc:
        raise ApiError(400, "MALFORMED_QUERY", str(exc)) from None
    if table is None:
        if query.object_name not in org.fields:
            raise ApiError(400, "INVALID_TYPE", f"sObject type '{query.object_name}' is not supported.")
        table = org.tables[query.object_name]
        known = set(permissions.visible_fields(org, query.object_name, user_id))
    for name in sorted(query.referenced()):
        if name not in known:
            raise invalid_field(name, query.object_name)
    rows = [r for r in table.values() if include_deleted or not r.get("IsDeleted")]
    if query.where is not None:
        rows = [r for r in rows if matches(query.where, lambda name, r=r: sobjects.value_of(r, name))]
    for name, descending in reversed(query.order):
        # ASC puts nulls first and DESC puts them last, as Salesforce's defaults do.
        rows.sort(key=lambda r: _sort_key(sobjects.value_of(r, name)), reverse=descending)
    if query.limit is not None:
        rows = rows[:query.limit]
    return query.object_name, query.fields, rows  # no fields: SELECT COUNT()


def _sort_key(value):
    return (value is not None, value if value is not None else 0)


class Pager:
    """Holds the rest of each answer behind a `nextRecordsUrl` locator."""

    def __init__(self):
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def first_page(self, cursor: Cursor, version: str) -> dict:
        return self._page(cursor, version)

    def next_page(self, locator: str, version: str) -> dict:
        with self._lock:
            cursor = self._cursors.pop(locator, None)
        if cursor is None:
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(cursor, version)

    def _page(self, cursor: Cursor, version: str) -> dict:
        chunk = cursor.rows[cursor.at:cursor.at + cursor.batch]
        cursor.at += len(chunk)
        records = [{"attributes": {"type": cursor.object_name,
                                   "url": f"/services/data/{version}/sobjects/{cursor.object_name}/{r['Id']}"},
                    **sobjects.render(r, cursor.fields)} for r in chunk]
        answer = {"totalSize": cursor.total, "done": cursor.at >= len(cursor.rows), "records": records}
        if not answer["done"]:
            locator = f"01g{secrets.token_hex(8)}-{cursor.at}"
            with self._lock:
                self._cursors[locator] = cursor
                while len(self._cursors) > _KEPT_CURSORS:
                    self._cursors.popitem(last=False)
            # Relative: simple-salesforce prepends https://{instance} itself.
            answer["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}"
        return answer


def batch_size(org: Org, object_name: str, fields: list[str], options: str | None) -> int:
    size = MAX_BATCH
    for option in (options or "").split(","):
        key, _, value = option.partition("=")
        if key.strip() == "batchSize" and value.strip().isdigit():
            size = min(max(int(value), MIN_BATCH), MAX_BATCH)
    # "If the SOQL statement selects two or more custom fields of type long text, the batch size can't be
    # greater than 200 records" (SOQL and SOSL Reference, "Change the Batch Size in Queries").
    definitions = org.fields.get(object_name, {})
    long_text = [f for f in fields if getattr(definitions.get(f), "type", "") == "textarea"
                 and definitions[f].custom and definitions[f].length > 255]
    return min(size, LONG_TEXT_BATCH) if len(long_text) >= 2 else size
