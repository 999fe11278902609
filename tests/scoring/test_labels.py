import numpy as np
import pandas as pd
import pytest

from scoring.labels import LabelError, binary_labels, hubspot_labels, salesforce_labels


@pytest.mark.parametrize("values", [
    ["1", "0", "1"], [1, 0, 1], ["yes", "No", "YES"], ["true", "false", "True"], ["Y", "N", "y"], [True, False, True],
])
def test_any_binary_encoding_reads_as_one_and_zero(values):
    assert binary_labels(pd.Series(values)).tolist() == [1.0, 0.0, 1.0]


def test_blank_outcomes_mean_no_outcome_yet():
    labels = binary_labels(pd.Series(["yes", "", None, "no", "Select"]))
    assert labels.iloc[0] == 1 and labels.iloc[3] == 0
    assert labels.iloc[[1, 2, 4]].isna().all()


def test_a_chosen_positive_value_marks_conversions():
    labels = binary_labels(pd.Series(["Won", "Lost", " won ", "Open", ""]), positive="won")
    assert labels.tolist()[:4] == [1.0, 0.0, 1.0, 0.0]
    assert np.isnan(labels.iloc[4])


def test_non_binary_target_without_positive_is_a_clear_error():
    with pytest.raises(LabelError, match="--positive"):
        binary_labels(pd.Series(["bought", "browsed", "left"]))


def test_positive_value_never_seen_is_an_error():
    with pytest.raises(LabelError, match="positive value"):
        binary_labels(pd.Series(["a", "b"]), positive="c")


def test_hubspot_converted_means_opportunity_or_later_or_a_chosen_date():
    stages = pd.Series(["lead", "opportunity", "customer", "marketingqualifiedlead", "subscriber"])
    dates = pd.DataFrame({"hs_date_entered_salesqualifiedlead": [None, None, None, None, "2025-01-01"]})
    assert hubspot_labels(stages).tolist() == [0, 1, 1, 0, 0]
    assert hubspot_labels(stages, dates).tolist() == [0, 1, 1, 0, 1]


def test_salesforce_is_converted():
    assert salesforce_labels(pd.Series(["true", "false"])).tolist() == [1.0, 0.0]


def test_records_younger_than_the_conversion_window_have_no_outcome_yet():
    from scoring.labels import censor_young

    latest = pd.Timestamp("2026-12-01")
    rng = np.random.default_rng(1)
    n = 400
    created = pd.Series(latest - pd.to_timedelta(rng.uniform(0, 700, n), unit="D"))
    took = pd.to_timedelta(rng.uniform(3, 100, n), unit="D")  # conversions take up to 100 days
    converted_at = (created + took).where((rng.random(n) < 0.3) & (created + took <= latest))
    y = converted_at.notna().astype(float)
    censored, window = censor_young(y, created.astype(str), converted_at.astype(str))
    assert 80 <= window <= 100                      # the 90th percentile of days from creation to conversion
    newest = max(created.max(), converted_at.max())
    young = (created > newest - pd.Timedelta(days=window)).to_numpy()
    assert censored[young].isna().all()             # young records: scored, not trained on (either way)
    assert censored[~young].equals(y[~young])       # the others keep their outcome


def test_too_few_dated_conversions_hold_nothing_back():
    from scoring.labels import censor_young

    y = pd.Series([1.0, 0.0, 0.0])
    censored, window = censor_young(y, pd.Series(["2026-01-01"] * 3), pd.Series(["2026-02-01", None, None]))
    assert window is None and censored.equals(y)
