"""Retention: the beat task purges snapshots of records unchanged for longer than the installation keeps them,
with the scores kept beside them; fresher records and installations without the setting keep everything."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from connector.db import get_session
from connector.db.models import AuditEvent, CurrentScore, Installation, RecordSnapshot, ScoreHistory, utcnow
from tests.nurture.test_sync_task import _hubspot
from tests.workers.conftest import run_task


def test_beat_purges_snapshots_past_the_retention_with_their_scores(tmp_path, hubspot_sandbox):
    with _hubspot(tmp_path, hubspot_sandbox) as (app, installation_id, account):
        run_task(app, "workers.sync", installation_id=installation_id)
        # The same schedule drives `celery beat` and the embedded beat of `leadscore serve`.
        assert app.extensions["celery"].conf.beat_schedule["retention-purge"]["task"] == "workers.purge_expired"
        with app.app_context():
            session = get_session()
            stale = [s.crm_id for s in session.query(RecordSnapshot).order_by(RecordSnapshot.id).limit(30)]
            session.execute(update(RecordSnapshot).where(RecordSnapshot.crm_id.in_(stale))
                            .values(synced_at=utcnow() - timedelta(days=91)))
            session.commit()

        assert run_task(app, "workers.purge_expired") == {}  # no retention set: nothing goes

        with app.app_context():
            session = get_session()
            installation = session.get(Installation, installation_id)
            installation.settings_json = {**installation.settings_json, "snapshot_retention_days": 90}
            session.commit()
        assert run_task(app, "workers.purge_expired") == {installation_id: 30}

        with app.app_context():
            session = get_session()
            assert session.query(RecordSnapshot).filter(RecordSnapshot.crm_id.in_(stale)).count() == 0
            assert session.query(CurrentScore).filter(CurrentScore.crm_id.in_(stale)).count() == 0
            assert session.query(ScoreHistory).filter(ScoreHistory.crm_id.in_(stale)).count() == 0
            assert session.query(RecordSnapshot).count() == 120  # the 150 less the 30 unchanged for 91 days
            [event] = session.query(AuditEvent).filter_by(action="privacy.retention_purged").all()
            assert event.detail["records"] == 30 and event.detail["retention_days"] == 90
        assert run_task(app, "workers.purge_expired") == {installation_id: 0}  # idempotent
