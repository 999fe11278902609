"""The once-only claim on PostgreSQL: two workers running the same transition at the same moment, each with
its own connection, create one task between them (the unique key and the compare-and-set on `attempts`
are what stop the second; SQLite serialises writers, so only a real server shows the race)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import sessionmaker

from connector.db import make_engine, migrate
from connector.db.models import ActionLog, Installation
from tests.app.conftest import throwaway_postgres  # noqa: F401  (fixture)
from workers.nurture import run_for_transitions

from .conftest import add_rule, c_to_a
from .test_actions_once import TASK

pytestmark = pytest.mark.postgres
WORKERS = 4


@pytest.fixture
def engine(throwaway_postgres):  # noqa: F811
    migrate.upgrade(throwaway_postgres)
    engine = make_engine(throwaway_postgres)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    """Overrides the conftest's SQLite session: the `crm` fixture installs into PostgreSQL."""
    session = sessionmaker(engine, expire_on_commit=False)()
    yield session
    session.close()


def test_racing_workers_on_postgresql_create_one_task(engine, db, crm):
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [TASK])
    start = threading.Barrier(WORKERS)
    summaries, failures = [], []

    def worker():
        session = sessionmaker(engine, expire_on_commit=False)()
        try:
            installation = session.get(Installation, crm.installation.id)
            client = crm.connect()
            start.wait()
            summaries.append(run_for_transitions(session, installation, client, [c_to_a(crm)], sync_run_id=1))
        except Exception as exc:  # surfaced below: a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    assert len(crm.tasks()) == 1
    assert sum(s.claimed for s in summaries) == 1 and sum(s.done for s in summaries) == 1
    [row] = db.query(ActionLog).all()
    assert (row.status, row.attempts) == ("done", 1)
