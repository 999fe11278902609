"""Values cut to a CRM field's length: whole lines kept, the cut marked, never mid-word."""
from connector.crm.base import fit_lines, fit_text


def test_whole_lines_are_kept_and_the_cut_is_marked():
    lines = ["▲ Lead source: Referral", "▲ Job title: " + "x" * 1000, "▼ No email opened"]
    assert fit_lines(lines, 60) == ["▲ Lead source: Referral", "…"]
    assert len("\n".join(fit_lines(lines, 60))) <= 60


def test_text_within_the_limit_is_untouched():
    assert fit_text("a\nb", 3) == "a\nb" and fit_text(None, 1) is None and fit_text("long", None) == "long"


def test_a_single_over_long_line_is_cut_at_a_space_never_mid_word():
    assert fit_text("Senior director of everything", 20) == "Senior director …"
    assert fit_text("x" * 50, 20) == "…"
