import numpy as np
import pandas as pd

from scoring.guards.identifiers import identifier_columns
from scoring.guards.leakage import leaky_columns, outcome_name
from scoring.guards.protected import protected_columns
from scoring.schema import infer_schema, schema_from_properties
from scoring.training import TrainingOptions, guard_columns

from .datasets import b2b_leads


def excluded_columns(frame, target, **options):
    y = frame[target].astype(str).str.lower().isin(["1", "y", "yes", "true"]).to_numpy().astype(float)
    records = frame.drop(columns=[target])
    return {e.column: e.reason for e in guard_columns(records, y, infer_schema(records),
                                                          TrainingOptions(target=target, **options))}


def test_x_education_leak_and_identifiers_are_caught_without_naming_them(x_education):
    excluded = excluded_columns(x_education, "Converted")
    assert "label leak" in excluded["Tags"] and "ROC AUC" in excluded["Tags"]
    assert {"Prospect ID", "Lead Number"} <= set(excluded)
    # Behaviour columns and yes/no channel flags stay features.
    assert not {"Total Time Spent on Website", "TotalVisits", "Do Not Email", "Last Activity"} & set(excluded)


def test_planted_leak_protected_column_and_contact_details_are_excluded_with_reasons():
    frame, facts = b2b_leads(n=1500)
    excluded = excluded_columns(frame, facts["target"])
    assert "label leak" in excluded[facts["leak"]]
    assert "protected" in excluded[facts["protected"]]
    assert set(facts["identifiers"]) <= set(excluded)
    assert facts["date"] not in excluded


def test_keep_forces_a_guarded_column_back_in():
    frame, facts = b2b_leads(n=1500)
    assert facts["leak"] not in excluded_columns(frame, facts["target"], keep=(facts["leak"],))


def test_outcome_names_mark_later_stages():
    for name in ("Closed Won Date", "converted_at", "Opportunity Amount", "Became a customer date", "deal_stage",
                 "hs_lifecyclestage_customer_date"):
        assert outcome_name(name), name
    for name in ("Total Time Spent on Website", "Lead Source", "Page Views Per Visit", "closeness"):
        assert not outcome_name(name), name


def test_outcome_like_status_and_columns_filled_only_on_converted_records():
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.3).astype(float)
    frame = pd.DataFrame({
        "Lead Status": np.where(y == 1, rng.choice(["Working", "Nurture"], 2000, p=[.85, .15]),
                                rng.choice(["Working", "Nurture"], 2000, p=[.2, .8])),
        "signed_contract_ref": np.where((y == 1) & (rng.random(2000) < 0.5), "yes", None),
        "visits": rng.poisson(3, 2000),
    })
    found = {e.column for e in leaky_columns(frame, y, infer_schema(frame))}
    assert found == {"Lead Status", "signed_contract_ref"}


def test_protected_attributes_by_name_and_by_caller():
    found = {e.column: e.reason for e in protected_columns(
        ["Gender", "ethnicity", "DateOfBirth", "Marital Status", "Age", "Page Views", "Religion", "Nationality",
         "disability_flag", "Language"], extra=["Language"])}
    assert set(found) == {"Gender", "ethnicity", "DateOfBirth", "Marital Status", "Age", "Religion", "Nationality",
                          "disability_flag", "Language"}
    assert "caller" in found["Language"]


def test_identifiers_by_value_shape_under_innocent_names():
    n = 300
    frame = pd.DataFrame({
        "contact": [f"person{i}@mail{i % 7}.org" for i in range(n)],
        "site": [f"https://www.company{i}.com/about" for i in range(n)],
        "ref": np.arange(10_000, 10_000 + n),
        "remarks": ["Spoke with them at length about pricing and next quarter's plans"] * n,
        "token": [f"x{(i * 7919) % 100003:06d}q" for i in range(n)],
        "visits": np.arange(n) % 9,
    })
    found = {e.column for e in identifier_columns(frame, infer_schema(frame))}
    assert found == {"contact", "site", "ref", "remarks", "token"}


def test_amounts_and_behaviour_are_kept_record_numbers_and_contact_details_are_not():
    # HubSpot types annual revenue as a string: nearly unique whole numbers, but spread wide, not a numbering.
    # Counts and dates under contact-channel words measure behaviour; a phone stays an identity even as a number.
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame({
        "annualrevenue": (rng.lognormal(14, 1.5, n)).round().astype(int).astype(str),
        "hs_email_open": rng.poisson(3, n), "hs_email_click": rng.poisson(1, n),
        "notes_last_contacted": pd.date_range("2026-01-01", periods=n, freq="h"),
        "num_contacted_notes": rng.poisson(2, n), "email": [f"p{i}@x.example.com" for i in range(n)],
        "notes": ["Called, left a message"] * n, "hs_object_id": np.arange(1001, 1001 + n),
        "phone": rng.integers(2_000_000_000, 9_999_999_999, n), "lead_number": np.arange(500_000, 500_000 + 3 * n, 3),
    })
    schema = schema_from_properties([{"name": "annualrevenue", "type": "string"},
                                     {"name": "hs_email_open", "type": "number"},
                                     {"name": "hs_email_click", "type": "number"},
                                     {"name": "notes_last_contacted", "type": "datetime"},
                                     {"name": "num_contacted_notes", "type": "number"},
                                     {"name": "email", "type": "string"}, {"name": "notes", "type": "string"},
                                     {"name": "hs_object_id", "type": "number"},
                                     {"name": "phone", "type": "number"}, {"name": "lead_number", "type": "number"}])
    found = {e.column for e in identifier_columns(frame, schema)}
    assert found == {"email", "notes", "hs_object_id", "phone", "lead_number"}  # by name; by dense numbering
