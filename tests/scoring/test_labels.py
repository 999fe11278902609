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
