"""The shared people generator and CSV reader that both sandboxes seed from."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from connector.sandbox.csv_seed import read_csv
from connector.sandbox.population import generate_people

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def features(person) -> list[float]:
    return [["entry", "manager", "director", "vp", "c_level"].index(person.seniority), np.log10(person.employees),
            person.pricing_page_views, person.email_clicks, person.form_submissions,
            person.days_since_last_activity, person.page_views, person.visits]


def test_same_seed_same_people_and_conversion_is_learnable_but_not_from_gender():
    people = list(generate_people(6000, seed=5, now=NOW))
    assert people[:50] == list(generate_people(50, seed=5, now=NOW))
    converted = np.array([p.converted for p in people])
    assert 0.15 <= converted.mean() <= 0.30
    X = np.array([features(p) for p in people])
    model = LogisticRegression(max_iter=2000).fit(X[:4000], converted[:4000])
    assert roc_auc_score(converted[4000:], model.predict_proba(X[4000:])[:, 1]) > 0.75
    rates = {g: converted[[p.gender == g for p in people]].mean() for g in ("female", "male")}
    assert abs(rates["female"] - rates["male"]) < 0.04
    assert all(p.converted_at is None or p.created_at <= p.converted_at <= NOW for p in people)
    assert {p.owner_index for p in people} == set(range(5))


def test_csv_columns_get_safe_names_and_inferred_types(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Lead ID,2nd Score,Plan,Opted In,Signed Up,Notes\n"
                    "1,3.5,gold,Yes,2024-05-01,hello\n2,,silver,No,2024-06-01T10:00:00Z,\n"
                    "3,7,gold,yes,,other words\n4,1,gold,,2024-07-01,more\n")
    columns, rows = read_csv(path)
    assert [(c.name, c.type) for c in columns] == [
        ("lead_id", "number"), ("col_2nd_score", "number"), ("plan", "enumeration"), ("opted_in", "boolean"),
        ("signed_up", "datetime"), ("notes", "string")]
    assert columns[2].options == ("gold", "silver") and columns[1].label == "2nd Score"
    assert list(rows)[1] == {"lead_id": "2", "col_2nd_score": None, "plan": "silver", "opted_in": "No",
                             "signed_up": "2024-06-01T10:00:00Z", "notes": None}


def test_the_x_education_leads_file_reads():
    columns, rows = read_csv("/work/shared/data/leads_x_education.csv")
    by_name = {c.name: c for c in columns}
    assert by_name["converted"].type == "boolean" and by_name["totalvisits"].type == "number"
    assert sum(1 for _ in rows) == 9240
