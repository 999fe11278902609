"""Outcomes are kept against the score the record had then (from pulled records, only when they appear after
scoring); poor AUC on them asks for a retraining, once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from connector.crm.base import CrmRecord
from connector.db.models import Crm, CurrentScore, Installation, OutcomeEvent, RecordSnapshot, ScoreHistory
from connector.db.scope import InstallationScope
from connector.jobs import TRAIN
from connector.nurture.feedback import record_outcome, record_outcomes
from connector.nurture.retraining import request_retraining_if_due


def test_an_outcome_is_recorded_against_the_score_it_had_then_and_bad_auc_retrains_once(db):
    installation = Installation(crm=Crm.HUBSPOT, account_id="77", name="x")
    db.add(installation)
    db.commit()
    scope = InstallationScope(db, installation)
    now = datetime.now(timezone.utc)
    for n in range(40):
        # Scores that rank backwards: the converters had the low scores.
        converted = n % 2 == 0
        for score, days_ago in ((20 if converted else 80, 10), (99, 1)):
            db.add(ScoreHistory(installation_id=installation.id, object_type="contacts", crm_id=str(n), score=score,
                                probability=score / 100, tier="A" if score > 50 else "D", reasons=[],
                                scored_at=now - timedelta(days=days_ago)))
        db.commit()
        event = record_outcome(scope, str(n), "converted" if converted else "disqualified", now - timedelta(days=5))
        assert event.score == (20 if converted else 80)  # not the later 99
    db.commit()
    assert record_outcome(scope, "0", "converted", now - timedelta(days=5)) is None  # already recorded

    asked = []
    reason = request_retraining_if_due(scope, lambda task, **kwargs: asked.append((task, kwargs)) or "task-1", now)
    assert reason.startswith("AUC 0.00") and asked == [(TRAIN, {"installation_id": installation.id})]
    assert request_retraining_if_due(scope, lambda task, **kwargs: asked.append(task), now) is None
    assert len(asked) == 1


def test_outcomes_from_pulled_records_count_only_when_they_appear_after_scoring(db):
    installation = Installation(crm=Crm.SALESFORCE, account_id="00D1", name="x")
    db.add(installation)
    db.commit()
    then = datetime.now(timezone.utc) - timedelta(days=2)
    before = {"L1": {"Status": "Working - Contacted"}, "L2": {"Status": "Open"},
              "L3": {"IsConverted": "true"}}  # L3 had converted before it was ever scored
    for crm_id, properties in before.items():
        db.add(RecordSnapshot(installation_id=installation.id, object_type="Lead", crm_id=crm_id,
                              properties=properties, modified_at=then, synced_at=then))
        db.add(CurrentScore(installation_id=installation.id, object_type="Lead", crm_id=crm_id, score=70,
                            probability=0.7, tier="B", reasons=[], scored_at=then, written_at=then))
    db.commit()
    now = datetime.now(timezone.utc)
    pulled = [CrmRecord("L1", "Lead", {"Status": "Closed - Not Converted"}, now),
              CrmRecord("L2", "Lead", {"IsConverted": "True"}, now),
              CrmRecord("L3", "Lead", {"IsConverted": "true"}, now),
              CrmRecord("L9", "Lead", {"IsConverted": "true"}, now)]  # never seen before: nothing to judge

    assert record_outcomes(db, installation, pulled) == 2
    db.commit()
    events = {(e.crm_id, e.outcome, e.score, e.tier) for e in db.query(OutcomeEvent).all()}
    assert events == {("L1", "disqualified", 70, "B"), ("L2", "converted", 70, "B")}
