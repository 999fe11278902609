"""Blanks read as "not known": a value missing where training never saw one missing does not move the score."""
import numpy as np
import pandas as pd
import pytest

from scoring.training import TrainingOptions, train

from .datasets import b2b_leads, consumer_signups


@pytest.fixture(scope="module", params=["lightgbm", "auto"])
def trained(request):
    # About 10% convert: "at most twice the base rate" then rules out a blank record scoring as a likely lead.
    frame, facts = b2b_leads(n=3000, shift=-3.2)
    result = train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner=request.param))
    return frame.drop(columns=[facts["target"]]), result


def test_an_all_blank_record_scores_near_the_base_rate_marked_insufficient(trained):
    frame, result = trained
    meta = result.model.metadata
    base_rate = meta["conversions"] / meta["labelled_rows"]
    assert 0.07 <= base_rate <= 0.13
    blank = pd.DataFrame({c: [None] for c in frame.columns})
    scored = result.model.score(blank).iloc[0]
    assert scored["tier"] in ("C", "D") and scored["probability"] <= 2 * base_rate, (scored, base_rate)
    assert scored["reasons"].startswith("Insufficient data: 0 of")


def test_blanking_a_column_training_never_saw_blank_barely_moves_the_held_out_mean(trained):
    frame, result = trained
    held_out = frame.loc[result.holdout_index]
    before = result.model.probability(held_out).mean()
    blanked = held_out.assign(**{"Pricing page visits": np.nan})
    after = result.model.probability(blanked).mean()
    assert abs(after - before) / before < 0.35, (before, after)
    reasons = result.model.score(blanked.head(50))["reasons"]
    assert reasons.str.contains("Not known: Pricing page visits").all()   # the model's strongest column


def test_a_blank_training_did_see_keeps_its_learned_effect():
    frame, facts = consumer_signups(n=2000)
    model = train(frame, TrainingOptions(target=facts["target"], positive=facts["positive"], learner="lightgbm")).model
    rows = frame.drop(columns=[facts["target"]]).head(200)
    blanked = rows.assign(minutes_on_site=np.nan)   # 10% blank in training: a blank is evidence, no "Not known"
    assert not model.score(blanked)["reasons"].str.contains("Not known").any()
    assert not np.allclose(model.probability(blanked), model.probability(rows))
