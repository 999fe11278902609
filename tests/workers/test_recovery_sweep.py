"""The recovery sweep (beat, and the embedded beat of `leadscore serve`): an action whose worker died keeps
its lease only so long, then is retaken whether or not a later sync has records to write; a sync run left
unfinished is resumed. Against the HubSpot sandbox, the task created through its API exactly once."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

from connector.db import get_session
from connector.db.models import ActionLog, NurtureRule, SyncKind, SyncRun, SyncStatus, utcnow
from workers.nurture.engine import LEASE

from .conftest import install_portal, run_task

TASK = {"type": "task", "subject": "Call now", "body": "Why"}


def test_the_sweep_is_on_beats_schedule(worker_app):
    schedule = worker_app.extensions["celery"].conf.beat_schedule
    assert schedule["recovery-sweep"]["task"] == "workers.recover"


def _abandoned_action(app, installation_id: int, crm_id: str, owner: str, lease_left: bool,
                     attempts: int = 1) -> int:
    """An action claimed (and, by default, attempted) by a worker that then died: pending, no outcome."""
    with app.app_context():
        session = get_session()
        rule = NurtureRule(installation_id=installation_id, name="Hot", actions=[TASK],
                           trigger={"type": "enters_tier", "tier": "A"})
        session.add(rule)
        session.flush()
        touched = utcnow() - (timedelta(minutes=1) if lease_left else LEASE + timedelta(minutes=1))
        transition = {"crm_id": crm_id, "owner_id": owner, "old_tier": "C", "new_tier": "A", "old_score": 30,
                      "new_score": 90, "reasons": ["Visited pricing"], "model_tier": "A", "override_tier": None}
        row = ActionLog(installation_id=installation_id, rule_id=rule.id, rule_version=1, crm_id=crm_id,
                        transition="C->A 30->90", action_index=0, status="pending", attempts=attempts,
                        outcome={"transition": transition}, updated_at=touched)
        session.add(row)
        session.commit()
        return row.id


def test_an_action_whose_lease_ran_out_is_retaken_without_any_sync(worker_app, hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=5, seed=3)
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)
    contact = next(c for c in portal.contacts.values() if c.properties.get("hubspot_owner_id"))
    row_id = _abandoned_action(worker_app, installation_id, str(contact.id), contact.properties["hubspot_owner_id"],
                               lease_left=False)
    from workers import tasks

    with mock.patch.object(tasks.retake_actions, "apply_async") as send:
        found = run_task(worker_app, "workers.recover")
    assert found["retake_actions"] == [installation_id]
    send.assert_called_once_with(kwargs={"installation_id": installation_id})

    run_task(worker_app, "workers.retake_actions", installation_id=installation_id)

    with worker_app.app_context():
        row = get_session().get(ActionLog, row_id)
        assert row.status == "done"
    assert len(hubspot_sandbox.tasks(portal.id)) == 1
    assert run_task(worker_app, "workers.recover")["retake_actions"] == []


def test_an_action_claimed_and_never_attempted_is_retaken_at_once(worker_app, hubspot_sandbox):
    # A worker killed mid-chunk leaves the chunk's claims committed and untried; no lease to wait for, since
    # nothing was sent to the CRM for them and nobody holds the installation's lock.
    portal = hubspot_sandbox.add_portal(contacts=5, seed=3)
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)
    contact = next(iter(portal.contacts.values()))
    _abandoned_action(worker_app, installation_id, str(contact.id), None, lease_left=True, attempts=0)
    assert run_task(worker_app, "workers.recover")["retake_actions"] == [installation_id]


def test_an_action_still_under_lease_is_left_to_its_worker(worker_app, hubspot_sandbox):
    portal = hubspot_sandbox.add_portal(contacts=5, seed=3)
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)
    contact = next(iter(portal.contacts.values()))
    _abandoned_action(worker_app, installation_id, str(contact.id), None, lease_left=True)
    assert run_task(worker_app, "workers.recover")["retake_actions"] == []


def test_a_sync_run_left_running_or_failed_long_ago_is_resumed(worker_app, hubspot_sandbox):
    ids = []
    for status, minutes_ago in ((SyncStatus.RUNNING, 1), (SyncStatus.FAILED, 30), (SyncStatus.FAILED, 1),
                                (SyncStatus.SUCCEEDED, 1)):
        installation_id = install_portal(worker_app, hubspot_sandbox, hubspot_sandbox.add_portal(contacts=1).id)
        with worker_app.app_context():
            session = get_session()
            session.add(SyncRun(installation_id=installation_id, kind=SyncKind.INCREMENTAL, status=status,
                                started_at=utcnow() - timedelta(minutes=minutes_ago),
                                finished_at=None if status is SyncStatus.RUNNING else utcnow() - timedelta(
                                    minutes=minutes_ago)))
            session.commit()
        ids.append(installation_id)
    from workers import tasks

    with mock.patch.object(tasks.sync, "apply_async") as send:
        found = run_task(worker_app, "workers.recover")
    assert found["resume_syncs"] == ids[:2]
    assert [c.kwargs["kwargs"]["installation_id"] for c in send.call_args_list] == ids[:2]
