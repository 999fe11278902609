"""Beat's per-installation schedule: due installations are synced, paused ones and fresh ones are not."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

from connector.db import get_session
from connector.db.models import Crm, Installation, SyncKind, SyncRun, SyncStatus, utcnow

from .conftest import run_task


def _installation(app, account: str, settings: dict, last_sync_minutes_ago: float | None) -> int:
    with app.app_context():
        session = get_session()
        installation = Installation(crm=Crm.HUBSPOT, account_id=account, settings_json=settings)
        session.add(installation)
        session.flush()
        if last_sync_minutes_ago is not None:
            session.add(SyncRun(installation_id=installation.id, kind=SyncKind.INCREMENTAL,
                                status=SyncStatus.SUCCEEDED,
                                started_at=utcnow() - timedelta(minutes=last_sync_minutes_ago)))
        session.commit()
        return installation.id


def test_beat_schedule_names_the_periodic_tasks(worker_app):
    schedule = worker_app.extensions["celery"].conf.beat_schedule
    assert schedule["sync-due-installations"] == {"task": "workers.schedule_due_syncs",
                                                  "schedule": worker_app.config["SCHEDULE_CHECK_SECONDS"]}
    assert schedule["nightly-training"]["task"] == "workers.schedule_training"


def test_due_installations_are_synced_paused_and_recent_ones_are_not(worker_app):
    due = _installation(worker_app, "1", {}, last_sync_minutes_ago=16)  # default interval: 15 minutes
    never = _installation(worker_app, "2", {}, last_sync_minutes_ago=None)
    recent = _installation(worker_app, "3", {}, last_sync_minutes_ago=5)
    paused = _installation(worker_app, "4", {"paused": True}, last_sync_minutes_ago=60)
    slow = _installation(worker_app, "5", {"schedule_minutes": 60}, last_sync_minutes_ago=30)

    from workers import tasks
    with mock.patch.object(tasks.sync, "apply_async") as send:
        synced = run_task(worker_app, "workers.schedule_due_syncs")

    assert sorted(synced) == sorted([due, never])
    assert sorted(c.kwargs["kwargs"]["installation_id"] for c in send.call_args_list) == sorted([due, never])
    assert recent not in synced and paused not in synced and slow not in synced


def test_nightly_training_asks_for_every_active_installation(worker_app):
    ids = [_installation(worker_app, str(n), {}, None) for n in (7, 8)]
    from workers import tasks
    with mock.patch.object(tasks.train, "apply_async") as send:
        assert sorted(run_task(worker_app, "workers.schedule_training")) == sorted(ids)
    assert send.call_count == 2
