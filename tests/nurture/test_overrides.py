"""A rep's override, written in the sandbox CRM, decides the tier on the next sync and is kept as feedback."""
from __future__ import annotations

from connector.db.models import OverrideFeedback
from workers.nurture import effective_tier, run_for_transitions

from .conftest import c_to_a


def test_an_override_written_by_a_rep_is_respected_on_the_next_sync(db, crm):
    client = crm.connect()
    client.provision_fields(crm.field_names)
    crm.rep_sets({crm.field_names.override_tier: "B"})

    [record] = client.fetch([crm.crm_id])  # what the next sync pulls
    tier, override = effective_tier(record.properties, "D", crm.field_names)

    assert (tier, override) == ("B", "B")
    transition = c_to_a(crm, old_tier="C", new_tier=tier, model_tier="D", override_tier=override, new_score=22)
    run_for_transitions(db, crm.installation, client, [transition], sync_run_id=1)
    run_for_transitions(db, crm.installation, client, [transition], sync_run_id=2)
    [feedback] = db.query(OverrideFeedback).all()
    assert (feedback.model_tier, feedback.override_tier, feedback.score) == ("D", "B", 22)


def test_no_override_or_a_bad_one_leaves_the_model_tier(crm):
    names = crm.field_names
    assert effective_tier({}, "C", names) == ("C", None)
    assert effective_tier({names.override_tier: ""}, "C", names) == ("C", None)
    assert effective_tier({names.override_tier: "Z"}, "C", names) == ("C", None)
    assert effective_tier({names.override_tier: " a "}, "C", names) == ("A", "A")
