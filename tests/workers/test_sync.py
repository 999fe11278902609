"""The sync pipeline in process on SQLite against the HubSpot sandbox over HTTP: pull, score, write back
only what changed, cursor moved after the writes."""
from __future__ import annotations

import time

import pytest

from connector.crm.base import RecordBatch
from connector.db import get_session
from connector.db.models import CurrentScore, ModelVersion, SyncCursor, SyncRun, SyncStatus
from workers.sync import _fetched_ahead

from .conftest import in_the_past, install_portal, run_task


def test_first_sync_scores_every_contact_in_the_sandbox(worker_app, hubspot_sandbox):
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=400, seed=7)
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)

    result = run_task(worker_app, "workers.sync", installation_id=installation_id)

    assert result["counts"]["pulled"] == 400
    assert result["counts"]["written"] == 400
    contacts = [hubspot_sandbox.contact(portal.id, cid) for cid in portal.contacts]
    assert all(c.get("leadscore_score") not in (None, "") for c in contacts)
    assert {c["leadscore_tier"] for c in contacts} <= {"A", "B", "C", "D"}
    with worker_app.app_context():
        session = get_session()
        run = session.get(SyncRun, result["sync_run_id"])
        assert run.status is SyncStatus.SUCCEEDED
        assert run.api_calls["write"] == 4 and run.api_calls["search"] >= 2
        assert session.query(CurrentScore).count() == 400
        assert session.query(ModelVersion).filter_by(is_champion=True).one().learner == "points"
        assert session.query(SyncCursor).one().cursor.get("until") is None  # a finished window


def test_next_sync_writes_only_the_records_that_changed(worker_app, hubspot_sandbox):
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=300, seed=8)
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)
    run_task(worker_app, "workers.sync", installation_id=installation_id)

    quiet = run_task(worker_app, "workers.sync", installation_id=installation_id)
    assert quiet["counts"]["written"] == 0
    assert quiet["api_calls"].get("write", 0) == 0

    changed = sorted(portal.contacts)[:20]
    # Stamped 9 s ago: after the last pull's window, and out of the search lag (10 s) a moment from now.
    with in_the_past(hubspot_sandbox, 9):
        hubspot_sandbox.bulk_edit(portal.id, changed, {"pricing_page_views": "40", "num_conversion_events": "9"})
    time.sleep(1.5)
    after = run_task(worker_app, "workers.sync", installation_id=installation_id)
    assert 0 < after["counts"]["written"] <= 20
    assert after["api_calls"]["write"] == 1


@pytest.mark.slow
def test_training_promotes_a_learned_model_and_rewrites_changed_scores(worker_app, hubspot_sandbox):
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=2000, seed=9)
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)
    run_task(worker_app, "workers.sync", installation_id=installation_id)

    result = run_task(worker_app, "workers.train", installation_id=installation_id)

    assert result["trained"] and result["promoted"], result
    assert result["rescore"]["written"] > 0
    with worker_app.app_context():
        champion = get_session().query(ModelVersion).filter_by(is_champion=True).one()
        assert champion.version == 2 and champion.learner != "points"
        assert "lifecyclestage" not in champion.features and "gender" not in champion.features
    sample = hubspot_sandbox.contact(portal.id, next(iter(portal.contacts)))
    assert sample["leadscore_model"] == "v2"


def test_each_bad_value_is_reported_with_its_field_and_the_record_scored_on_the_rest(worker_app, hubspot_sandbox):
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=250, seed=10)
        odd, late, early = sorted(portal.contacts)[3:6]
        hubspot_sandbox.bulk_edit(portal.id, [odd], {"hs_analytics_num_page_views": "lots", "annualrevenue": "n/a?"})
        hubspot_sandbox.bulk_edit(portal.id, [late], {"notes_last_contacted": "9999-12-31T00:00:00Z"})
        hubspot_sandbox.bulk_edit(portal.id, [early], {"notes_last_contacted": "1800-01-01T00:00:00Z"})
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)

    result = run_task(worker_app, "workers.sync", installation_id=installation_id)

    assert result["counts"]["written"] == 250  # every record scored and written, bad values as missing
    assert result["counts"]["bad_values"] == 4
    with worker_app.app_context():
        run = get_session().get(SyncRun, result["sync_run_id"])
        assert run.status is SyncStatus.PARTIAL
        reported = {(e["crm_id"], e.get("field"), e.get("value"), e.get("reason")) for e in run.errors}
        assert (str(odd), "hs_analytics_num_page_views", "lots", "not a number") in reported
        assert (str(odd), "annualrevenue", "n/a?", "not a number") in reported
        late_date, early_date = "9999-12-31T00:00:00.000Z", "1800-01-01T00:00:00.000Z"
        assert (str(late), "notes_last_contacted", late_date, "year 9999 is outside 1900-2100") in reported
        assert (str(early), "notes_last_contacted", early_date, "year 1800 is outside 1900-2100") in reported
        messages = {e["message"] for e in run.errors}  # what the dashboard's runs page shows
        assert "hs_analytics_num_page_views = 'lots': not a number; scored as missing" in messages


def test_the_pull_fetches_one_batch_ahead_and_no_more(worker_app):
    produced = []

    def batches():
        for n in range(6):
            produced.append(n)
            yield RecordBatch([], {"page": n})

    seen = []
    with worker_app.app_context():
        for batch in _fetched_ahead(batches()):
            time.sleep(0.05)  # the store: long enough for the fetcher to run ahead if it could
            seen.append(batch.cursor["page"])
            assert len(produced) - len(seen) <= 1
    assert seen == list(range(6))


def test_a_failed_fetch_ahead_fails_the_pull_with_its_error(worker_app):
    def batches():
        raise RuntimeError("HubSpot is down")
        yield

    with worker_app.app_context(), pytest.raises(RuntimeError, match="HubSpot is down"):
        list(_fetched_ahead(batches()))


def test_a_100_kb_value_quoted_in_the_reasons_is_cut_to_the_field_and_stored_as_written(worker_app,
                                                                                        hubspot_sandbox):
    """The starting points model quotes the industry, not the job title (a learned model's text signal): a
    100 KB industry stands for a 100 KB job title. The reason quotes a cut of the value, and the whole field is
    held to the CRM's length (the line-wise cut itself is tests/crm/test_fit.py and the adapters' write tests)."""
    with in_the_past(hubspot_sandbox):
        portal = hubspot_sandbox.add_portal(contacts=120, seed=12)
        odd = sorted(portal.contacts)[4]
        hubspot_sandbox.bulk_edit(portal.id, [odd], {"industry": "Education " + "x" * 100_000})
    installation_id = install_portal(worker_app, hubspot_sandbox, portal.id)

    result = run_task(worker_app, "workers.sync", installation_id=installation_id)

    assert result["counts"]["written"] == 120 and result["counts"]["rejected"] == 0
    written = hubspot_sandbox.contact(portal.id, odd)["leadscore_reasons"]
    assert "Education xxx" in written and "x" * 100 not in written
    with worker_app.app_context():
        stored = get_session().query(CurrentScore).filter_by(crm_id=str(odd)).one()
        assert "\n".join(stored.reasons) == written and len(written) <= 65_536
    assert run_task(worker_app, "workers.sync", installation_id=installation_id)["counts"]["written"] == 0
