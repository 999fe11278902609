"""Failures a production worker meets: killed mid-sync (kill -9), and two workers sharing one account's limit."""
from __future__ import annotations

import time
from collections import Counter

import pytest

from connector.db import get_session
from connector.db.models import ActionLog, CurrentScore, NurtureRule, SyncRun, SyncStatus
from workers.rate_limit import limiter_usage
from workers.rescore import queue_rescore

from ..workers.conftest import in_the_past, install_portal

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_a_worker_killed_mid_sync_leaves_a_run_the_next_worker_finishes(e2e, hubspot_sandbox):
    with in_the_past(hubspot_sandbox, 120):
        portal = hubspot_sandbox.add_portal(contacts=2500, seed=31)
    installation_id = install_portal(e2e.app, hubspot_sandbox, portal.id)
    with e2e.app.app_context():
        session = get_session()
        session.add(NurtureRule(installation_id=installation_id, name="Hot lead: call today",
                                trigger={"type": "enters_tier", "tier": "A"},
                                actions=[{"type": "task", "subject": "Call {{ firstname }}", "body": "Score {{ score }}",
                                          "due_in_hours": 4}]))
        session.commit()
    first = e2e.start_worker("doomed")
    pending = e2e.send("workers.sync", installation_id=installation_id)

    deadline = time.monotonic() + 300
    while _scores(e2e) == 0:  # the first chunk of scores (and its nurture actions) is committed
        assert time.monotonic() < deadline, "the sync never got to writing scores"
        time.sleep(0.05)
    first.kill()
    written_at_kill = _scores(e2e)
    print(f"\nkilled the worker with {written_at_kill} of 2500 records scored and written")
    assert written_at_kill < 2500

    e2e.start_worker("survivor")
    result = pending.get(timeout=300)  # the same task, redelivered (late ack) to the new worker

    with e2e.app.app_context():
        session = get_session()
        runs = session.query(SyncRun).filter_by(installation_id=installation_id).all()
        assert [r.status for r in runs] == [SyncStatus.SUCCEEDED]  # one run: resumed, not restarted
        assert runs[0].id == result["sync_run_id"]
        actions = session.query(ActionLog).filter_by(installation_id=installation_id).all()
    assert all(c.properties.get("leadscore_score") for c in portal.contacts.values())
    tasks_per_contact = Counter(a["contact_id"] for a in _task_targets(hubspot_sandbox, portal.id))
    print(f"nurture: {len(actions)} actions logged, {sum(tasks_per_contact.values())} tasks in the CRM")
    statuses = Counter(a.status for a in actions)
    print(f"action statuses: {dict(statuses)}")
    assert set(tasks_per_contact.values()) == {1}  # no contact got the task twice
    # The action in flight at the kill stays claimed ("pending") until its lease ends; nurturing then
    # finishes it, looking for the task first. Every other claimed action is done, once.
    assert statuses["done"] >= len(actions) - 1
    assert statuses["done"] <= len(tasks_per_contact) <= len(actions)


def test_two_workers_share_the_accounts_rate_limit_and_lose_no_write(e2e, hubspot_sandbox):
    with in_the_past(hubspot_sandbox, 120):
        portal = hubspot_sandbox.add_portal(contacts=3000, seed=32)
    installation_id = install_portal(e2e.app, hubspot_sandbox, portal.id)
    e2e.start_worker("a", concurrency=1)
    e2e.start_worker("b", concurrency=1)
    e2e.send("workers.sync", installation_id=installation_id).get(timeout=300)

    # Worker a syncs 1,500 contacts that changed while worker b rescores 1,000 others from webhooks: both
    # write to the one account at once. The webhook ones change "now", inside the sync's search lag, so the
    # two sets stay apart.
    ids = sorted(portal.contacts)
    with in_the_past(hubspot_sandbox, 9):
        hubspot_sandbox.bulk_edit(portal.id, ids[:1500], {"pricing_page_views": "30", "num_conversion_events": "6"})
    time.sleep(1.5)
    hubspot_sandbox.bulk_edit(portal.id, ids[1500:2500], {"pricing_page_views": "0", "num_conversion_events": "0"})
    limiter_before = Counter(_usage(e2e, portal.id))
    calls_before = Counter(hubspot_sandbox.calls(portal.id))
    started = time.monotonic()
    with e2e.app.app_context():
        queue_rescore(installation_id, [str(i) for i in ids[1500:2500]], 0, lambda countdown: None)
    sync = e2e.send("workers.sync", installation_id=installation_id)
    rescore = e2e.send("workers.rescore_pending", installation_id=installation_id)
    counts = sync.get(timeout=300)["counts"]
    rescored = rescore.get(timeout=300)["counts"]
    elapsed = time.monotonic() - started
    used = Counter(_usage(e2e, portal.id)) - limiter_before
    calls = Counter(hubspot_sandbox.calls(portal.id)) - calls_before
    non_search = sum(n for kind, n in calls.items() if kind != "search")
    assert counts["written"] > 1000 and rescored["written"] > 100
    print(f"\ntwo workers: {dict(calls)} in {elapsed:.1f}s = {non_search / elapsed:.1f} req/s against a limit of "
          f"{hubspot_sandbox.request_limit / hubspot_sandbox.window_seconds:.1f} req/s; limiter admitted {dict(used)}")
    with e2e.app.app_context():
        rejected = sum((r.counts or {}).get("rejected", 0) for r in get_session().query(SyncRun).all())
    assert rejected == 0 and counts["rejected"] == 0
    # The limiter admits by its own clock; on a loaded machine a request delayed in transit can land in the CRM's
    # next window and be answered 429, which the client waits out (nothing is lost: see the checks around). Such
    # edge refusals stay rare; a limiter that did not share the budget between the workers would see hundreds.
    refused = calls.pop("rate_limited", 0)
    assert refused <= max(1, sum(calls.values()) // 100)
    assert calls == used  # every request the CRM answered was admitted once by the limiter
    wanted = _expected_scores(e2e, installation_id)
    in_crm = {cid: portal.contacts[int(cid)].properties.get("leadscore_score") for cid in wanted}
    assert in_crm == wanted  # every score the connector holds as written is what the CRM shows


def _scores(e2e) -> int:
    with e2e.app.app_context():
        return get_session().query(CurrentScore).count()


def _expected_scores(e2e, installation_id) -> dict[str, str]:
    with e2e.app.app_context():
        rows = get_session().query(CurrentScore).filter_by(installation_id=installation_id).all()
        return {r.crm_id: str(r.score) for r in rows}


def _usage(e2e, portal_id) -> dict[str, int]:
    with e2e.app.app_context():
        return limiter_usage("hubspot", str(portal_id))


def _task_targets(sandbox, portal_id) -> list[dict]:
    return [{"contact_id": a["toId"]} for a in sandbox.associations(portal_id)
            if a["fromType"] == "tasks" and a["toType"] == "contacts"]
