import numpy as np
import pandas as pd
import pytest

from scoring.features.builder import FeatureBuilder, unusable_values
from scoring.schema import Column, Schema, infer_schema, schema_from_properties


def build(frame: pd.DataFrame) -> tuple[FeatureBuilder, pd.DataFrame]:
    builder = FeatureBuilder(infer_schema(frame)).fit(frame)
    return builder, builder.transform(frame)


def test_infer_schema_types_columns_from_values():
    frame = pd.DataFrame({"visits": [str(i) for i in range(39)] + ["abc"], "opted_in": ["Yes", "No"] * 20,
                          "signed_up": ["2025-01-0%d" % (i % 9 + 1) for i in range(40)],
                          "industry": ["Retail", "Software", "Select", "Finance"] * 10})
    types = {c.name: c.type for c in infer_schema(frame).columns}
    assert types == {"visits": "number", "opted_in": "boolean", "signed_up": "datetime", "industry": "enumeration"}
    assert infer_schema(frame)["industry"].options == ("Finance", "Retail", "Software")  # "Select" is no option


def test_schema_from_crm_property_specs_as_plain_dicts_and_tuples():
    schema = schema_from_properties([
        {"name": "num_visits", "type": "number", "label": "Number of visits"},
        {"name": "industry", "type": "enumeration", "options": [{"value": "A"}, {"value": "B"}]},
        ("IsConverted", "boolean"), ("CreatedDate", "datetime", "Created"),
    ])
    assert [c.type for c in schema.columns] == ["number", "enumeration", "boolean", "datetime"]
    assert schema["industry"].options == ("A", "B") and schema["num_visits"].label == "Number of visits"
    with pytest.raises(ValueError, match="unsupported type"):
        schema_from_properties([("x", "blob")])


def test_matrix_is_float64_with_columns_named_by_feature_info():
    frame = pd.DataFrame({"visits": [1, 2, None, 4] * 10, "industry": ["Retail", "Software", None, "N/A"] * 10})
    builder, X = build(frame)
    assert list(X.columns) == [f.name for f in builder.feature_info_]
    assert (X.dtypes == "float64").all()


def test_placeholders_and_junk_become_missing_and_missingness_is_a_feature():
    frame = pd.DataFrame({"visits": ["3", "abc", "", "7"] * 10, "industry": ["Retail", "Select", "unknown", "-"] * 10})
    schema = Schema((Column("visits", "number", "Visits"), Column("industry", "enumeration", "Industry")))
    builder = FeatureBuilder(schema).fit(frame)
    X = builder.transform(frame)
    assert X["visits"].tolist()[:4][0] == 3 and np.isnan(X["visits"].iloc[1]) and np.isnan(X["visits"].iloc[2])
    assert X["visits__missing"].tolist()[:4] == [0, 1, 1, 0]
    assert X["industry"].isna().tolist()[:4] == [False, True, True, True]
    assert unusable_values(builder, frame).tolist()[:4] == [0, 1, 0, 0]   # only "abc" was unreadable


def test_rare_values_are_lumped_and_unseen_values_go_to_other():
    frame = pd.DataFrame({"source": ["Ads"] * 50 + ["Referral"] * 45 + ["Fax"] * 2 + ["Carrier pigeon"] * 3})
    builder, X = build(frame)
    info = builder.feature_info_[0]
    assert info.kind == "category" and info.categories == ("Ads", "Referral", "Other")
    unseen = builder.transform(pd.DataFrame({"source": ["Telegram", "Ads", None]}))["source"]
    assert unseen.iloc[0] == 2 and unseen.iloc[1] == 0 and np.isnan(unseen.iloc[2])


def test_dates_become_ages_relative_to_the_reference_time_fixed_at_fit():
    frame = pd.DataFrame({"last_seen": ["2025-03-01", "2025-02-01", "2025-03-01T12:00:00Z", None] * 5})
    builder, X = build(frame)
    assert builder.reference_time_ == pd.Timestamp("2025-03-01 12:00:00")
    assert X["last_seen"].tolist()[:3] == [0.5, 28.5, 0.0]
    later = builder.transform(pd.DataFrame({"last_seen": ["2025-02-27T12:00:00"]}))
    assert later["last_seen"].iloc[0] == 2.0   # same reference at scoring time, not "now"


def test_short_text_such_as_job_titles_gives_robust_signals():
    teams = ["Sales", "Retail", "Cloud", "Data", "Payments", "Growth", "Billing", "Support", "Search", "Ads",
             "Mobile", "Web", "Risk", "Audit", "Legal", "Travel", "Energy", "Health", "Media", "Games"]
    titles = [f"{level}{role} {team}" for team in teams for level, role in
              [("Chief ", "Technology Officer"), ("", "Student"), ("Senior ", "Engineer"), ("", "Marketing Manager")]]
    frame = pd.DataFrame({"Job Title": titles})
    schema = Schema((Column("Job Title", "string", "Job title"),))
    builder = FeatureBuilder(schema).fit(frame)
    X = builder.transform(frame)
    assert X["Job Title__senior"].tolist()[:4] == [1, 0, 1, 0]
    assert X["Job Title__student"].tolist()[:4] == [0, 1, 0, 0]
    assert X["Job Title__decision"].tolist()[:4] == [1, 0, 0, 1]
    assert X["Job Title__technical"].tolist()[:4] == [0, 0, 1, 0]
    signal = next(f for f in builder.feature_info_ if f.name == "Job Title__senior")
    assert signal.kind == "text_signal" and "senior role" in signal.detail


def test_a_missing_column_at_scoring_time_is_treated_as_missing():
    frame = pd.DataFrame({"visits": [1.0, 2.0, None] * 10, "plan": ["pro", "free", "pro"] * 10})
    builder, _ = build(frame)
    X = builder.transform(pd.DataFrame({"plan": ["pro"]}))
    assert np.isnan(X["visits"].iloc[0]) and X["visits__missing"].iloc[0] == 1


@pytest.mark.parametrize("written", [[0, 1], ["0", "1"], [0.0, 1.0]], ids=["ints", "text", "floats"])
def test_a_count_that_held_only_0_and_1_in_training_stays_a_number(written):
    training = pd.DataFrame({"times_contacted": written * 20, "opted_in": ["Yes", "No"] * 20})
    schema = infer_schema(training)
    assert schema["times_contacted"].type == "number" and schema["opted_in"].type == "boolean"
    builder = FeatureBuilder(schema).fit(training)
    later = pd.DataFrame({"times_contacted": [type(written[0])(v) for v in (2, 3, 0)], "opted_in": ["Yes"] * 3})
    X = builder.transform(later)
    count = [f.name for f in builder.feature_info_ if f.source == "times_contacted" and f.kind == "number"]
    assert X[count[0]].tolist() == [2.0, 3.0, 0.0]   # read as counts, not as yes/no with 2 and 3 missing
