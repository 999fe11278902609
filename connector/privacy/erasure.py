"""Erasing people: every row the connector holds about a CRM record, gone in one transaction.

Rows about a record are found by what names it, not by a list kept by hand: every table with a `crm_id`
column (snapshots, scores and their history, actions, outcomes, overrides, and whatever is added later),
plus the places that quote an id inside a value (a sync run's error report, a pull cursor). Webhook receipts
hold only a hash of the event (connector.webhooks.hubspot), so they name nobody. The audit log says that an
erasure happened, how many rows went and why, never whom it was about: the log must not become the one place
the person is still named.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from sqlalchemy import Table, delete, select, update

from connector.crm.hubspot.pull import cursor_without as hubspot_cursor_without
from connector.crm.salesforce.pull import cursor_without as salesforce_cursor_without
from connector.db.audit import record_event
from connector.db.models import Base, SyncCursor, SyncRun
from connector.db.scope import InstallationScope

log = logging.getLogger(__name__)

ERASED = "privacy.erased"
# Each adapter owns its cursor's shape; these drop a record id from one without losing the pull position.
CURSOR_WITHOUT: dict[str, Callable[[Any, set[str]], Any]] = {
    "hubspot": hubspot_cursor_without, "salesforce": salesforce_cursor_without}


@dataclass
class Erasure:
    records: int  # record ids asked for
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows deleted or scrubbed

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def record_tables() -> list[Table]:
    """Every table holding rows about one CRM record of one installation."""
    return [t for t in Base.metadata.sorted_tables if {"installation_id", "crm_id"} <= set(t.columns.keys())]


def forget(scope: InstallationScope, crm_ids: Iterable[str], actor: str, reason: str) -> Erasure:
    """Purge every row about these records and record the erasure in the audit log; the caller commits."""
    erasure = erase_rows(scope, crm_ids)
    if erasure.records:
        record_event(scope.session, actor, ERASED, scope.installation_id, records=erasure.records, rows=erasure.rows,
                     reason=reason)
        log.info("erased %d record(s) of installation %s (%s): %s", erasure.records, scope.installation_id, reason,
                 erasure.rows)
    return erasure


def erase_rows(scope: InstallationScope, crm_ids: Iterable[str]) -> Erasure:
    """Purge every row about these records, unaudited (callers audit); the caller commits."""
    ids = {str(i) for i in crm_ids if str(i)}
    erasure = Erasure(records=len(ids))
    if not ids:
        return erasure
    session, installation_id = scope.session, scope.installation_id
    for table in reversed(record_tables()):  # children before parents
        deleted = session.execute(delete(table).where(table.c.installation_id == installation_id,
                                                      table.c.crm_id.in_(ids))).rowcount
        if deleted:
            erasure.rows[table.name] = deleted
    _count(erasure, SyncRun.__tablename__, _scrub_runs(scope, ids))
    _count(erasure, SyncCursor.__tablename__, _scrub_cursors(scope, ids))
    session.expire_all()  # loaded objects must not show (or write back) what was deleted under them
    return erasure


def _count(erasure: Erasure, table: str, n: int) -> None:
    if n:
        erasure.rows[table] = erasure.rows.get(table, 0) + n


def _scrub_runs(scope: InstallationScope, ids: set[str]) -> int:
    """Drop the records' lines from sync runs' error reports, and their ids from the runs' cursors."""
    without = CURSOR_WITHOUT[scope.installation.crm.value]
    changed = 0
    rows = scope.session.execute(select(SyncRun.id, SyncRun.errors, SyncRun.cursor_before, SyncRun.cursor_after)
                                 .where(SyncRun.installation_id == scope.installation_id)).all()
    for run_id, errors, before, after in rows:
        kept = [e for e in (errors or []) if str((e or {}).get("crm_id")) not in ids]
        values = {"errors": kept, "cursor_before": without(before, ids), "cursor_after": without(after, ids)}
        if (kept, values["cursor_before"], values["cursor_after"]) != (errors or [], before, after):
            scope.session.execute(update(SyncRun).where(SyncRun.id == run_id).values(**values))
            changed += 1
    return changed


def _scrub_cursors(scope: InstallationScope, ids: set[str]) -> int:
    without = CURSOR_WITHOUT[scope.installation.crm.value]
    changed = 0
    for cursor in scope.all(SyncCursor):
        scrubbed = without(cursor.cursor, ids)
        if scrubbed != cursor.cursor:
            cursor.cursor = scrubbed
            changed += 1
    scope.session.flush()
    return changed
