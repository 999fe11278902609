"""Snapshots read as training labels: who converted, who has no outcome of their own, and when conversions happened."""
from connector.db.settings import InstallationSettings
import pandas as pd

from scoring.schema import Column, Schema
from workers.frames import conversion_dates, labels, set_aside_bad_values


def test_salesforce_contacts_have_no_outcome_of_their_own_and_leads_date_their_conversion():
    settings = InstallationSettings.defaults("salesforce")
    rows = [{"IsConverted": "true", "ConvertedDate": "2026-03-02"},
            {"IsConverted": "false", "ConvertedDate": None},
            {"Email_Opens__c": "3.0"}]  # a Contact: the person a converted Lead became
    assert labels(rows, settings).tolist() == ["1", "0", ""]
    assert conversion_dates(rows, settings).tolist() == ["2026-03-02T00:00:00+00:00", None, None]


def test_hubspot_conversion_is_the_earliest_positive_stage_date():
    settings = InstallationSettings.from_json("hubspot", {"label": {"positive_values": ["opportunity", "customer"]}})
    rows = [{"lifecyclestage": "customer", "hs_lifecyclestage_opportunity_date": "2026-01-05T10:00:00.000Z",
             "hs_lifecyclestage_customer_date": "2026-02-01T10:00:00.000Z"},
            {"lifecyclestage": "lead", "hs_lifecyclestage_opportunity_date": None},
            {"lifecyclestage": None}]
    assert labels(rows, settings).tolist() == ["1", "0", "0"]
    assert conversion_dates(rows, settings).tolist() == ["2026-01-05T10:00:00+00:00", None, None]


def test_bad_numbers_and_dates_are_set_aside_with_a_reason():
    schema = Schema((Column("views", "number", "Views"), Column("seen", "datetime", "Seen"),
                     Column("title", "string", "Title")))
    frame = pd.DataFrame({"views": ["3", "many", None, "n/a"],
                          "seen": ["2024-05-01", "not a date", "9999-12-31", "1800-01-01T00:00:00Z"],
                          "title": ["x" * 200] * 4})
    cleaned, bad = set_aside_bad_values(frame, schema)
    assert [(b.row, b.field, b.value, b.why) for b in bad] == [
        (1, "views", "many", "not a number"), (1, "seen", "not a date", "not a date"),
        (2, "seen", "9999-12-31", "year 9999 is outside 1900-2100"),
        (3, "seen", "1800-01-01T00:00:00Z", "year 1800 is outside 1900-2100")]
    assert cleaned["views"].tolist() == ["3", None, None, "n/a"] and cleaned["seen"].tolist()[1:] == [None] * 3
    assert frame["views"][1] == "many"  # the input is left alone


def test_a_reported_value_is_cut_to_80_characters():
    _, bad = set_aside_bad_values(pd.DataFrame({"views": ["y" * 500]}), Schema((Column("views", "number", "V"),)))
    assert bad[0].value == "y" * 80
