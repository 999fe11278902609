"""Snapshots read as training labels: who converted, who has no outcome of their own, and when conversions happened."""
from connector.db.settings import InstallationSettings
from workers.frames import conversion_dates, labels


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
