"""Outcomes are kept against the score the record had then; poor AUC on them asks for a retraining, once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from connector.db.models import Crm, Installation, ScoreHistory
from connector.db.scope import InstallationScope
from connector.jobs import TRAIN
from connector.nurture.feedback import record_outcome
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
