import json
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd

from scoring.report import write_report
from scoring.report.data import ReportData


def data():
    rng = np.random.default_rng(0)
    n = 400
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(int)
    scores = np.round(100 * p)
    tiers = np.select([scores >= 70, scores >= 45, scores >= 20], ["A", "B", "C"], "D")
    train = pd.DataFrame({"a": rng.normal(size=n), "constant": 1, "b": np.where(rng.random(n) < .2, None, rng.choice(["x", "y"], n))})
    return ReportData("Lead score report", "additive", "default", y, p, tiers, {"A": 70, "B": 45, "C": 20, "D": 0},
                      {"roc_auc": 0.8, "pr_auc": 0.7}, [("Page views", 0.4), ("Industry", 0.2)],
                      [{"column": "Tags", "reason": "filled in after the outcome"}],
                      {"Gender": rng.choice(["F", "M"], n)}, train, scores)


def test_report_has_every_section_and_valid_svg(tmp_path):
    html_path, json_path = write_report(data(), tmp_path)
    page = html_path.read_text()
    for ident in ["summary", "quality-of-ranking", "tiers", "scores", "factors", "excluded", "fairness",
                  "data-quality", "drift"]:
        assert f'id="{ident}"' in page
    svgs = [s.split("</svg>")[0] + "</svg>" for s in page.split("<svg")[1:]]
    assert len(svgs) == 6
    for s in svgs:
        assert ET.fromstring("<svg" + s).tag.endswith("svg")
    assert "Tags" in page and "constant" in page


def test_report_json_round_trips(tmp_path):
    _, json_path = write_report(data(), tmp_path)
    doc = json.loads(json_path.read_text())
    assert json.loads(json.dumps(doc)) == doc
    assert [t["tier"] for t in doc["tiers"]] == ["A", "B", "C", "D"]
    fair = doc["fairness"]
    assert {r["value"] for r in fair} == {"F", "M"} and max(r["four_fifths_ratio"] for r in fair) == 1.0
    assert doc["data_quality"]["constant_columns"] == ["constant"]
