import numpy as np
import pandas as pd

from scoring.features.info import FeatureInfo
from scoring.reasons import reasons_for

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
    assert first.down == ["Last email opened: 60 days ago"]
    assert first.text().startswith("▲ Pricing page visits: 4; ▲ Title mentions a senior role")
    assert second.up == ["Job title: not matched (title mentions a senior role)"]
    # value and missing flag of one source are combined into one reason
    assert second.down == ["Pricing page visits: 0", "Last email opened: not filled in"]
    assert "Newsletter: no" in reasons_for(c * [1, 1, 9, 1, 1, 1], X, raw, INFO)[1].down


def test_missing_category_reads_not_filled_in_and_rows_stay_in_order():
    n = 50
    X = pd.DataFrame({"visits": np.arange(n, dtype=float), "industry": np.where(np.arange(n) % 2, np.nan, 1.0),
                      "newsletter": 1.0, "last_open": 3.0, "last_open_missing": 0.0, "title_senior": 0.0})
    raw = pd.DataFrame({"Industry": np.where(np.arange(n) % 2, None, "Retail")})
    c = np.zeros((n, len(INFO)))
    c[:, 0], c[:, 1] = -1.0, 2.0
    found = reasons_for(c, X, raw, INFO)
    assert [r.up[0] for r in found[:2]] == ["Industry: Retail", "Industry: not filled in"]
    assert [r.down[0] for r in found[:3]] == ["Pricing page visits: 0", "Pricing page visits: 1", "Pricing page visits: 2"]
