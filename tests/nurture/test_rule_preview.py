"""The rule form's preview, counted from stored scores: records in the trigger's state now, and records whose
recent score history holds a change the trigger fires on; a change between two model versions is the model's,
not the buyer's, and counts only when the admin lets model swaps fire rules."""
from __future__ import annotations

from datetime import timedelta

from connector.db.models import CurrentScore, Crm, Installation, ModelVersion, ScoreHistory, utcnow
from connector.db.scope import InstallationScope
from connector.nurture.rule_preview import preview


def _scored(scope, crm_id: str, steps: list[tuple[int, str, ModelVersion]], days_ago: float = 1) -> None:
    start = utcnow() - timedelta(days=days_ago)
    for index, (score, tier, version) in enumerate(steps):
        scope.add(ScoreHistory(object_type="contacts", crm_id=crm_id, score=score, probability=score / 100, tier=tier,
                               model_version_id=version.id, scored_at=start + timedelta(hours=index)))
    score, tier, version = steps[-1]
    scope.add(CurrentScore(object_type="contacts", crm_id=crm_id, score=score, probability=score / 100, tier=tier,
                           model_version_id=version.id))


def test_the_preview_counts_todays_state_and_recent_changes_leaving_model_swaps_out(db):
    installation = Installation(crm=Crm.HUBSPOT, account_id="1", name="t")
    db.add(installation)
    db.flush()
    scope = InstallationScope(db, installation)
    v1, v2 = (scope.add(ModelVersion(version=n, learner="points", artefact=b"-", fingerprint=str(n))) for n in (1, 2))
    db.flush()
    _scored(scope, "buyer", [(30, "C", v1), (85, "A", v1)])  # the buyer moved
    _scored(scope, "swapped", [(30, "C", v1), (85, "A", v2)])  # the new model moved it
    _scored(scope, "long-ago", [(30, "C", v1), (90, "A", v1)], days_ago=30)  # in A, but not lately
    _scored(scope, "still-c", [(35, "C", v1)], days_ago=30)
    db.commit()

    enters_a = {"type": "enters_tier", "tier": "A"}
    counted = preview(scope, enters_a)
    assert (counted.records, counted.in_state, counted.recent) == (4, 3, 1)
    assert counted.in_words(enters_a) == ("3 of 4 records are in tier A today; 1 record made a change this rule "
                                          "acts on in the last 7 days.")
    assert preview(scope, enters_a, model_swaps_count=True).recent == 2

    crosses = {"type": "crosses", "direction": "up", "threshold": 88}
    assert (preview(scope, crosses).in_state, preview(scope, crosses).recent) == (1, 0)
    moves = {"type": "moves", "direction": "up", "by": 2}
    assert (preview(scope, moves).in_state, preview(scope, moves).recent) == (None, 1)
