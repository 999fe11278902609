"""The keyset query and cursor: built from stored data, so malformed input is refused, never spliced into SOQL."""
from datetime import datetime, timezone

import pytest

from connector.crm.errors import CrmUnavailable
from connector.crm.salesforce.pull import (cursor_positions, page_query, parse_datetime, pull_object, soql_datetime,
                                           to_record)


def test_first_page_has_only_the_window_end():
    soql = page_query("Lead", ["Id", "SystemModstamp"], None, "2026-01-01T00:00:00.000Z")
    assert soql == ("SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp <= 2026-01-01T00:00:00.000Z "
                    "ORDER BY SystemModstamp, Id LIMIT 2000")


def test_later_pages_continue_after_the_last_stamp_and_id():
    soql = page_query("Lead", ["Id"], ("2025-12-31T10:00:00.000Z", "00Q000000000123AAA"), "2026-01-01T00:00:00.000Z", 200)
    assert ("(SystemModstamp > 2025-12-31T10:00:00.000Z OR (SystemModstamp = 2025-12-31T10:00:00.000Z "
            "AND Id > '00Q000000000123AAA'))") in soql and soql.endswith("LIMIT 200")


def test_salesforce_timestamps_round_trip_to_soql_literals():
    moment = parse_datetime("2024-05-01T12:00:00.123+0000")
    assert moment == datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=timezone.utc)
    assert soql_datetime(moment) == "2024-05-01T12:00:00.123Z"
    assert parse_datetime("2024-05-01T12:00:00Z") == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


def test_cursor_positions_default_to_a_full_pull_and_refuse_tampering():
    assert cursor_positions(None, ["Lead", "Contact"]) == {"Lead": None, "Contact": None}
    stored = {"Lead": ["2024-05-01T12:00:00.000Z", "00Q000000000001AAA"], "Contact": None}
    assert cursor_positions(stored, ["Lead", "Contact"])["Lead"] == ("2024-05-01T12:00:00.000Z", "00Q000000000001AAA")
    with pytest.raises(ValueError):
        cursor_positions({"Lead": ["2024-05-01T12:00:00.000Z", "x' OR Id != '"]}, ["Lead"])
    with pytest.raises(ValueError):
        cursor_positions({"Lead": "yesterday"}, ["Lead"])


def test_rows_become_records_with_string_values_and_bad_rows_are_skipped():
    row = {"attributes": {"type": "Lead"}, "Id": "00Q000000000001AAA", "SystemModstamp": "2024-05-01T12:00:00.000+0000",
           "IsConverted": True, "NumberOfEmployees": 40, "Address": {"city": "Oslo"}, "Title": None}
    record = to_record(row)
    assert record.object_type == "Lead" and record.properties["IsConverted"] == "true"
    assert record.properties["NumberOfEmployees"] == "40" and "Address" not in record.properties
    assert to_record({"attributes": {"type": "Lead"}, "Id": "00Q1", "SystemModstamp": "not a time"}) is None


def test_a_full_page_that_does_not_advance_stops_the_pull():
    row = {"attributes": {"type": "Lead"}, "Id": "00Q000000000001AAA", "SystemModstamp": "2024-05-01T12:00:00.000+0000"}
    stuck = lambda soql: iter([[row, row]])  # noqa: E731 - a server ignoring the keyset condition
    with pytest.raises(CrmUnavailable):
        list(pull_object("Lead", ["Id", "SystemModstamp"], None, "2026-01-01T00:00:00.000Z", stuck, page_size=2))
