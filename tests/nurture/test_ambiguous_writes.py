"""Creates whose answer is lost after the CRM applied them (the sandbox's `ambiguous` fault: written, then a
502) must still leave exactly one task per record: the HTTP retry looks the idempotency key up in the CRM
before it sends the create again. On both sandboxes, over real HTTP."""
from __future__ import annotations

from collections import Counter

from connector.crm.base import task_marker
from connector.db.models import ActionLog
from workers.nurture import run_for_transitions
from workers.nurture.actions import idempotency_key

from .conftest import add_rule, c_to_a

TASK = {"type": "task", "subject": "Call now: tier {{ tier }}", "body": "Why:\n{{ reasons_text }}"}


def _tasks_per_key(db, crm) -> Counter:
    keys = {idempotency_key(r.installation_id, r.crm_id, r.rule_id, r.rule_version, r.transition, r.action_index)
            for r in db.query(ActionLog).all()}
    found = Counter({key: 0 for key in keys})
    for task in crm.all_tasks():
        found.update(key for key in keys if task_marker(key) in (crm.task_body(task) or ""))
    return found


def _one_per_owned_record(db, crm) -> None:
    assert len(db.query(ActionLog).all()) == len(crm.owned)
    assert set(_tasks_per_key(db, crm).values()) == {1}
    assert len(crm.all_tasks()) == len(crm.owned)


def test_every_create_answered_502_after_it_landed_leaves_one_task_per_record(db, crm, request):
    sandbox = request.getfixturevalue(f"{crm.name}_sandbox")
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [TASK])
    transitions = [c_to_a(crm, crm_id=crm_id, owner_id=owner) for crm_id, owner in crm.owned]
    sandbox.faults.set({"ambiguous_rate": 1.0})  # every write lands and its answer is lost

    summary = run_for_transitions(db, crm.installation, crm.connect(), transitions, sync_run_id=1)

    assert (summary.done, summary.failed, summary.gave_up) == (len(transitions), 0, 0)
    _one_per_owned_record(db, crm)


def test_lost_answers_and_outages_together_still_give_one_task_per_record(db, crm, request):
    sandbox = request.getfixturevalue(f"{crm.name}_sandbox")
    add_rule(db, crm.installation, {"type": "enters_tier", "tier": "A"}, [TASK])
    transitions = [c_to_a(crm, crm_id=crm_id, owner_id=owner) for crm_id, owner in crm.owned]
    sandbox.faults.set({"ambiguous_rate": 0.3, "error_rate": 0.2})

    # Later syncs finish what one run leaves failed (an outage outlasting the adapter's retries).
    for run in range(1, 6):
        run_for_transitions(db, crm.installation, crm.connect(), transitions, sync_run_id=run)
        if {r.status for r in db.query(ActionLog).all()} == {"done"}:
            break
    sandbox.faults.clear()

    assert {r.status for r in db.query(ActionLog).all()} == {"done"}
    _one_per_owned_record(db, crm)
