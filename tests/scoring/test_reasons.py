import numpy as np
import pandas as pd

from scoring.features.info import FeatureInfo
from scoring.features.phrases import date_stem, phrase, spoken
from scoring.reasons import reason_texts, reasons_for

INFO = [
    FeatureInfo("visits", "Pricing page visits", "Pricing page visits", "number"),
    FeatureInfo("industry", "Industry", "Industry", "category", ("Healthcare", "Retail", "Other")),
    FeatureInfo("newsletter", "Newsletter", "Newsletter", "boolean"),
    FeatureInfo("last_open", "Last email opened", "Last email opened", "age_days"),
    FeatureInfo("last_open_missing", "Last email opened", "Last email opened", "missing_flag"),
    FeatureInfo("title_senior", "Job Title", "Job title", "text_signal", detail="title mentions a senior role"),
]


def test_phrases_quote_real_values_across_kinds():
    X = pd.DataFrame({"visits": [4.0, 0.0], "industry": [0.0, 2.0], "newsletter": [1.0, 0.0],
                      "last_open": [60.0, np.nan], "last_open_missing": [0.0, 1.0], "title_senior": [1.0, 0.0]})
    raw = pd.DataFrame({"Pricing page visits": [4, 0], "Industry": ["Healthcare", "Mining"],
                        "Newsletter": ["Yes", "No"], "Last email opened": ["2025-01-01", ""],
                        "Job Title": ["VP Sales", "Intern"]})
    c = np.array([[0.9, 0.5, 0.3, -0.4, 0.0, 0.7],
                  [-0.9, -0.1, -0.3, -0.2, -0.3, 0.1]])
    first, second = reasons_for(c, X, raw, INFO)
    assert first.up == ["Pricing page visits: 4", "Title mentions a senior role", "Industry: Healthcare"]
    assert first.down == ["Last email opened 60 days ago"]
    assert first.text().startswith("▲ Pricing page visits: 4; ▲ Title mentions a senior role")
    assert second.up == ["Title does not mention a senior role"]
    # value and missing flag of one source are combined into one reason
    assert second.down == ["Pricing page visits: 0", "No last email opened recorded"]
    assert "Newsletter: no" in reasons_for(c * [1, 1, 9, 1, 1, 1], X, raw, INFO)[1].down


def test_missing_category_reads_not_filled_in_and_rows_stay_in_order():
    n = 50
    X = pd.DataFrame({"visits": np.arange(n, dtype=float), "industry": np.where(np.arange(n) % 2, np.nan, 1.0),
                      "newsletter": 1.0, "last_open": 3.0, "last_open_missing": 0.0, "title_senior": 0.0})
    raw = pd.DataFrame({"Industry": np.where(np.arange(n) % 2, None, "Retail")})
    c = np.zeros((n, len(INFO)))
    c[:, 0], c[:, 1] = -1.0, 2.0
    found = reasons_for(c, X, raw, INFO)
    assert [r.up[0] for r in found[:2]] == ["Industry: Retail", "No industry recorded"]
    assert [r.down[0] for r in found[:3]] == ["Pricing page visits: 0", "Pricing page visits: 1", "Pricing page visits: 2"]


def test_phrases_read_naturally():
    minutes = FeatureInfo("Total Time Spent on Website", "Total Time Spent on Website", "Total Time Spent on Website",
                          "number")
    assert phrase(minutes, 1250.37, None) == "Time spent on website: 1,250"
    assert phrase(minutes, 2.4567, None) == "Time spent on website: 2.5"
    assert phrase(minutes, float("nan"), None) == "No time spent on website recorded"
    created = FeatureInfo("createdate", "createdate", "Create date", "age_days")
    assert phrase(created, 12.2, None) == "Created 12 days ago"
    assert phrase(created, 400, None) == "Created 13 months ago"
    assert spoken("Get updates on DM Content") == "Get updates on DM content"
    assert date_stem("Last email opened date") == "Last email opened"


def test_near_duplicate_sources_give_one_reason():
    info = [FeatureInfo("activity", "Last Activity", "Last activity", "category", ("Email", "SMS", "Other")),
            FeatureInfo("notable", "Last Notable Activity", "Last notable activity", "category",
                        ("Email", "SMS", "Other")),
            FeatureInfo("visits", "Visits", "Visits", "number")]
    X = pd.DataFrame({"activity": [0.0, 1.0], "notable": [0.0, 1.0], "visits": [3.0, 1.0]})
    raw = pd.DataFrame({"Last Activity": ["Email", "SMS"], "Last Notable Activity": ["Email", "SMS"]})
    c = np.array([[0.5, 0.4, 0.3], [-0.2, 0.6, 0.1]])
    related = [("Last Activity", "Last Notable Activity")]
    first, second = reasons_for(c, X, raw, info, related)
    assert first.up == ["Last activity: Email", "Visits: 3"]          # the pair's 0.9 told once, by the larger
    assert second.up == ["Last notable activity: SMS", "Visits: 1"] and second.down == []
    assert reason_texts(c, X, raw, info, related) == [first.text(), second.text()]


def test_only_contributions_that_matter_are_shown():
    X = pd.DataFrame({"visits": [4.0], "industry": [0.0], "newsletter": [1.0], "last_open": [60.0],
                      "last_open_missing": [0.0], "title_senior": [1.0]})
    raw = pd.DataFrame({"Industry": ["Healthcare"]})
    c = np.array([[0.9, 0.01, -0.02, -0.4, 0.0, 0.03]])   # three near-zero effects: no reasons, no padding
    only = reasons_for(c, X, raw, INFO)[0]
    assert only.up == ["Pricing page visits: 4"] and only.down == ["Last email opened 60 days ago"]


def test_a_coded_unknown_reads_as_written():
    default = FeatureInfo("default", "default", "Default", "category", ("no", "yes", "Other"))
    assert phrase(default, float("nan"), "unknown") == "Default: unknown"
    assert phrase(default, float("nan"), None) == "No default recorded"


def test_each_reason_says_the_score_points_it_moved_and_low_scores_lead_with_what_lowered_them():
    X = pd.DataFrame({"visits": [4.0, 0.0], "industry": [0.0, 2.0], "newsletter": [1.0, 0.0],
                      "last_open": [60.0, np.nan], "last_open_missing": [0.0, 1.0], "title_senior": [1.0, 0.0]})
    raw = pd.DataFrame({"Pricing page visits": [4, 0], "Industry": ["Healthcare", "Mining"]})
    c = np.array([[0.9, 0.004, 0.0, -0.4, 0.0, 0.0],
                  [-0.9, 0.0, 0.0, 0.0, 0.0, 0.3]])

    def points(rows, moved):  # ten points per unit of log-odds, so 0.9 moves 9 points
        return np.rint(moved * 10).astype(int)

    high, low = reason_texts(c, X, raw, INFO, points=points, low=np.array([False, True]))
    assert high == "▲ Pricing page visits: 4 (+9); ▼ Last email opened 60 days ago (−4)"
    assert low == "▼ Pricing page visits: 0 (−9); ▲ Title does not mention a senior role (+3)"
    # a factor worth less than a score point is no reason, even when it passes the log-odds floor
    assert reasons_for(c * [1, 1, 1, 0.12, 1, 1], X, raw, INFO, points=points)[0].down == []


def test_a_long_value_is_clipped_so_the_points_still_end_the_reason():
    X = pd.DataFrame({"visits": [0.0], "industry": [0.0], "newsletter": [0.0], "last_open": [1.0],
                      "last_open_missing": [0.0], "title_senior": [0.0]})
    raw = pd.DataFrame({"Industry": ["Healthcare " * 40]})
    c = np.array([[0.0, 0.9, 0.0, 0.0, 0.0, 0.0]])
    text = reason_texts(c, X, raw, INFO, points=lambda rows, moved: np.rint(moved * 10).astype(int))[0]
    assert text.endswith("… (+9)") and len(text) < 100
