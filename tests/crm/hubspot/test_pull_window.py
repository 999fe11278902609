"""The pull window arithmetic, without a CRM: which slice of time and ids a cursor stands for."""
import pytest

from connector.crm.hubspot.pull import Window, open_window


def test_a_first_pull_covers_everything_up_to_now_minus_the_lag():
    assert open_window(None, now_ms=100_000, lag_ms=10_000, overlap_ms=0) == Window(None, 90_000, 0)


def test_a_finished_window_opens_the_next_one_where_it_ended():
    assert open_window({"since": 90_000}, 200_000, 10_000, 0) == Window(90_000, 190_000, 0)
    assert open_window({"since": 90_000}, 200_000, 10_000, 5_000) == Window(85_000, 190_000, 0)


def test_an_unfinished_window_resumes_after_the_last_id_seen():
    cursor = Window(90_000, 190_000, 4711).resume_cursor()
    assert open_window(cursor, 999_999, 10_000, 0) == Window(90_000, 190_000, 4711)


def test_a_window_never_ends_before_it_starts():
    assert open_window({"since": 95_000}, 100_000, 10_000, 0) == Window(95_000, 95_000, 0)


@pytest.mark.parametrize("cursor", [{"until": 5}, {"since": "yesterday"}, ["since"]])
def test_a_foreign_cursor_is_refused_clearly(cursor):
    with pytest.raises(ValueError, match="cursor"):
        open_window(cursor, 100_000, 0, 0)


def test_filters_bound_the_window_and_page_by_id():
    filters = Window(1, 2, 3).filters()
    assert [(f["propertyName"], f["operator"], f["value"]) for f in filters] == [
        ("lastmodifieddate", "GT", "1"), ("lastmodifieddate", "LTE", "2"), ("hs_object_id", "GT", "3")]
