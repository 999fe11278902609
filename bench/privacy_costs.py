"""What privacy costs: erasing one person from a database of N records (every crm_id table, run reports and
cursors scrubbed), a retention purge of a tenth of them, and the Salesforce deletion check each sync makes.

Rows are written straight into a migrated SQLite file (snapshots, current scores, three history rows each),
as syncs would leave them; the Salesforce figure drives the adapter against the sandbox over HTTP. Prints one
line per figure with its unit.

    .venv/bin/python -m bench.privacy_costs --records 100000
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, update
from sqlalchemy.orm import sessionmaker

from connector.db import make_engine, migrate
from connector.db.models import Crm, CurrentScore, Installation, RecordSnapshot, ScoreHistory, SyncRun, SyncKind, \
    SyncStatus, utcnow
from connector.db.scope import InstallationScope
from connector.privacy.erasure import forget
from connector.privacy.retention import purge_expired_snapshots
from connector.sandbox.salesforce import SalesforceSandbox
from connector.sandbox.salesforce.adapter import adapter_client
from connector.sandbox.server import SandboxServer


def seeded_scope(path: Path, records: int) -> InstallationScope:
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    session = sessionmaker(make_engine(url), expire_on_commit=False)()
    installation = Installation(crm=Crm.HUBSPOT, account_id="1", name="bench",
                                settings_json={"snapshot_retention_days": 90})
    session.add(installation)
    session.commit()
    now = utcnow()
    for start in range(0, records, 5000):
        ids = [str(10_000 + i) for i in range(start, min(start + 5000, records))]
        session.execute(insert(RecordSnapshot), [
            {"installation_id": installation.id, "object_type": "contacts", "crm_id": i, "modified_at": now,
             "synced_at": now, "properties": {"email": f"p{i}@example.com", "jobtitle": "VP Sales"}} for i in ids])
        score = {"installation_id": installation.id, "object_type": "contacts", "score": 50, "probability": 0.5,
                 "tier": "B", "reasons": ["▲ Job title: VP Sales (+6)"], "scored_at": now, "written_at": now}
        session.execute(insert(CurrentScore), [{**score, "crm_id": i} for i in ids])
        session.execute(insert(ScoreHistory), [{**score, "crm_id": i} for i in ids for _ in range(3)])
    session.add(SyncRun(installation_id=installation.id, kind=SyncKind.FULL, status=SyncStatus.PARTIAL,
                        errors=[{"crm_id": "10007", "message": "bad value"}], cursor_after={"since": 1}))
    session.commit()
    return InstallationScope(session, installation)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scope = seeded_scope(Path(folder) / "bench.sqlite", args.records)
        started = time.perf_counter()
        erasure = forget(scope, ["10007"], actor="bench", reason="bench")
        scope.session.commit()
        print(f"forget one person among {args.records:,} records: {(time.perf_counter() - started) * 1000:.0f} ms "
              f"({erasure.total} rows)")
        stale = args.records // 10
        scope.session.execute(update(RecordSnapshot).where(RecordSnapshot.id <= stale)
                              .values(synced_at=utcnow() - timedelta(days=91)))
        scope.session.commit()
        started = time.perf_counter()
        purged = purge_expired_snapshots(scope)
        scope.session.commit()
        print(f"retention purge of {purged:,} records (with their scores and history): "
              f"{time.perf_counter() - started:.2f} s")
    sandbox = SalesforceSandbox()
    org = sandbox.add_org(leads=2000, contacts=500, seed=7)
    with SandboxServer(sandbox.wsgi_app) as server:
        sandbox.base_url = server.base_url
        client = adapter_client(sandbox, org.id, server.base_url)
        client.deleted_since(None)  # describe and session warm-up are not the check's cost
        before = sum(client.api_calls.values())
        client.deleted_since(utcnow() - timedelta(hours=1))
        print(f"Salesforce deletion check per sync (queryAll, Lead and Contact): "
              f"{sum(client.api_calls.values()) - before} API calls; HubSpot: 0 (webhooks)")
        client.close()


if __name__ == "__main__":
    main()
