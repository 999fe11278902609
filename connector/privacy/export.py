"""Everything the connector holds about one CRM record, as one JSON-ready document (a subject access request)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from connector.db.models import SyncCursor, SyncRun, utcnow
from connector.db.scope import InstallationScope

from .erasure import CURSOR_WITHOUT, record_tables


def export_record(scope: InstallationScope, crm_id: str) -> dict[str, Any]:
    """Every row naming the record, table by table, and where a sync run's report or a pull cursor names it."""
    installation = scope.installation
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in record_tables():
        rows = scope.session.execute(select(table).where(table.c.installation_id == scope.installation_id,
                                                         table.c.crm_id == crm_id).order_by(table.c.id)).mappings()
        found = [{name: _plain(value) for name, value in row.items()} for row in rows]
        if found:
            tables[table.name] = found
    mentions = [{"sync_run_id": run.id, "started_at": _plain(run.started_at), "report": entry}
                for run in scope.all(SyncRun, order_by=SyncRun.id) for entry in (run.errors or [])
                if str((entry or {}).get("crm_id")) == crm_id]
    without = CURSOR_WITHOUT[installation.crm.value]
    cursors = [c.object_type for c in scope.all(SyncCursor) if without(c.cursor, {crm_id}) != c.cursor]
    return {"installation": {"id": installation.id, "crm": installation.crm.value,
                             "account_id": installation.account_id},
            "record": crm_id, "exported_at": _plain(utcnow()), "tables": tables,
            "sync_run_reports": mentions, "pull_cursors_at_this_record": cursors}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
