"""A promotion is an event, not buyer behaviour: it re-tiers many unchanged records, and tier-change nurture
rules stay quiet unless the admin opted in, while the rescoring run counts the records that would have fired;
drift is then measured against the new model's reference, not the old one's."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.dashboard.model_figures import outcomes
from connector.db.models import ActionLog, Installation, ModelVersion, NurtureRule
from connector.db.scope import InstallationScope
from connector.nurture.figures import health
from tests.workers.conftest import run_task, synced_portal

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("opted_in", [False, True], ids=["default", "opted-in"])
def test_a_promotion_fires_tier_change_rules_only_when_opted_in(worker_app, hubspot_sandbox, opted_in):
    _, installation_id = synced_portal(worker_app, hubspot_sandbox, contacts=2000, seed=9)  # v1 scores everyone
    with worker_app.app_context():
        session = get_session()
        installation = session.get(Installation, installation_id)
        if opted_in:
            installation.settings = type(installation.settings).from_json(
                "hubspot", {**installation.settings.to_json(), "model_swaps_fire_rules": True})
        for name, trigger in (("Into A", {"type": "enters_tier", "tier": "A"}),
                              ("Any move down", {"type": "moves", "direction": "down", "by": 1})):
            session.add(NurtureRule(installation_id=installation_id, name=name, trigger=trigger,
                                    actions=[{"type": "set_property", "name": "leadscore_note", "value": "moved"}]))
        session.commit()

    result = run_task(worker_app, "workers.train", installation_id=installation_id)  # v2 promoted, all rescored

    assert result["promoted"], result
    rescore = result["rescore"]
    assert rescore["transitions"] >= 100  # many tiers changed, with not one record changed in the CRM
    with worker_app.app_context():
        fired = get_session().query(ActionLog).filter_by(installation_id=installation_id).count()
        # Drift is measured against v2's own reference (kept in its artefact): the records it was trained on.
        scope = InstallationScope.load(get_session(), installation_id)
        drift = health(scope)
        assert drift.psi is not None and drift.psi < 0.1 and drift.retraining_reason is None
        # What the models page shows beside v2.
        v2 = get_session().query(ModelVersion).filter_by(installation_id=installation_id, version=2).one()
        shown = outcomes(scope, [v2])[v2.id]
    assert shown.promoted and shown.tier_changes == rescore["transitions"]
    if opted_in:
        assert fired > 0 and rescore["rules_held_back"] == 0
    else:
        assert fired == 0
        assert 0 < rescore["rules_held_back"] <= rescore["transitions"]
        assert shown.rules_held_back == rescore["rules_held_back"]
