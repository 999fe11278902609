"""Must show, on both sandboxes: a C->A move creates exactly one task for the owner with the reasons in its
body, also when the sync runs twice or the worker dies between the task and marking it done; enrollment
happens once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from connector.db.models import ActionLog, RecordSnapshot
from workers.nurture import run_for_transitions
from workers.nurture.engine import LEASE

from .conftest import add_rule, c_to_a

TASK = {"type": "task", "subject": "Call now: tier {{ tier }} (score {{ score }})",
        "body": "Moved {{ old_tier }} -> {{ tier }}. Why:\n{{ reasons_text }}", "due_in_hours": 4}


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing on the way up may catch it and carry on."""


class DiesAfterTask:
    """A client whose worker is killed right after the CRM created the task, before anything is recorded."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def create_task(self, *args, **kwargs):
        self._client.create_task(*args, **kwargs)
        raise WorkerKilled()


def later(minutes: float):
    return lambda: datetime.now(timezone.utc) + timedelta(minutes=minutes)


def test_c_to_a_creates_one_task_for_the_owner_with_the_reasons(db, crm):
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"},
             [{**TASK, "subject": "Call {{ firstname }}: tier {{ tier }} ({{ score }}){{ no_such_property }}"}])
    db.add(RecordSnapshot(installation_id=crm.installation.id, object_type="x", crm_id=crm.crm_id,
                          properties={"firstname": "Ada"}, modified_at=datetime.now(timezone.utc)))
    db.commit()
    client = crm.connect()

    summary = run_for_transitions(db, crm.installation, client, [c_to_a(crm)], sync_run_id=1)

    assert (summary.claimed, summary.done, summary.failed) == (1, 1, 0)
    [task] = crm.tasks()
    assert crm.task_owner(task) == crm.owner_id
    assert crm.task_subject(task) == "Call Ada: tier A (91)"
    body = crm.task_body(task)
    assert "Visited pricing 4 times this week" in body and "Job title: VP Sales" in body
    assert "Moved C -> A" in body
    assert client.api_calls["action"] == 1


def test_a_sync_run_twice_does_not_repeat_the_task(db, crm):
    add_rule(db, crm.installation, {"type": "moves", "direction": "up", "by": 2}, [TASK])
    for run in (1, 2):
        run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=run)
    assert len(crm.tasks()) == 1
    [row] = db.query(ActionLog).all()
    assert (row.status, row.attempts) == ("done", 1)


def test_a_worker_killed_between_the_task_and_the_cursor_does_not_repeat_it(db, crm):
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [TASK])
    with pytest.raises(WorkerKilled):
        run_for_transitions(db, crm.installation, DiesAfterTask(crm.connect()), [c_to_a(crm)], sync_run_id=1)
    db.rollback()
    assert len(crm.tasks()) == 1
    [row] = db.query(ActionLog).all()
    assert row.status == "pending"  # the CRM has the task; our log could not say so

    # The cursor never moved, so the next sync sees the same transition; by then the dead worker's lease is over.
    summary = run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=2,
                                  now=later(LEASE.total_seconds() / 60 + 1))

    assert len(crm.tasks()) == 1
    db.refresh(row)
    assert row.status == "done" and row.outcome["result"]["recovered"] is True
    assert (summary.skipped, summary.done) == (1, 1)


def test_a_live_workers_claim_is_not_taken_over_before_its_lease_ends(db, crm):
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [TASK])
    with pytest.raises(WorkerKilled):
        run_for_transitions(db, crm.installation, DiesAfterTask(crm.connect()), [c_to_a(crm)], sync_run_id=1)
    db.rollback()
    summary = run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=2)
    assert summary.done == 0 and len(crm.tasks()) == 1


def test_enrollment_happens_once(db, crm):
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"},
             [{"type": "enroll", "target_id": crm.enroll_target}])
    for run in (1, 2, 3):
        summary = run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=run)
        assert summary.failed == 0 and summary.gave_up == 0, summary.errors
    assert len(crm.enrollments()) == 1


def test_a_new_rule_version_fires_again(db, crm):
    rule = add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [TASK])
    run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=1)
    rule.version += 1
    db.commit()
    run_for_transitions(db, crm.installation, crm.connect(), [c_to_a(crm)], sync_run_id=2)
    assert len(crm.tasks()) == 2
