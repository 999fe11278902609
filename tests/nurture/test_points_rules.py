"""Cold start: an admin edits the points rules on the dashboard (validated, CSRF form), compares how they would
have ranked past records with the model, saves them, and the next points training uses them as written."""
from __future__ import annotations

import pytest

from connector.db import get_session
from connector.db.models import AdminUser, Installation, PointsRuleSet
from connector.db.scope import InstallationScope
from connector.install.credentials import client_for
from connector.nurture.points_rules import champion_model, features_of, parse_rules, rules_for, rules_text
from connector.security.passwords import hash_password
from scoring.features.info import FeatureInfo
from tests.app.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, AdminActions
from tests.workers.conftest import in_the_past, install_portal, make_app, run_task, sandbox_config
from workers.model_versions import load_model, train_challenger

FEATURES = {"visits": FeatureInfo("visits", "visits", "Visits", "number"),
            "industry": FeatureInfo("industry", "industry", "Industry", "category", ("Software", "Retail"))}


def test_rules_text_round_trips_and_each_problem_names_its_line():
    rules, problems = parse_rules("visits >= 3 : 15\n\nindustry == Software : +8\nvisits is_missing : -20", FEATURES)
    assert problems == []
    assert rules == [{"when": {"column": "visits", "op": ">=", "value": 3.0}, "points": 15},
                     {"when": {"column": "industry", "op": "==", "value": "Software"}, "points": 8},
                     {"when": {"column": "visits", "op": "is_missing"}, "points": -20}]
    assert parse_rules(rules_text(rules), FEATURES) == (rules, [])

    _, problems = parse_rules("bogus >= 1 : 5\nvisits >= many : 5\nindustry >= Software : 5\n"
                              "industry == Mining : 5\nvisits ~ 3 : 5\nvisits >= 3 : 0\nvisits >= 3", FEATURES)
    assert len(problems) == 7
    assert all(problem.startswith(f"Line {n} (") for n, problem in enumerate(problems, start=1))
    assert "no feature named 'bogus'" in problems[0]
    assert "'many'" in problems[1] and "use == or !=" in problems[2] and "'Mining'" in problems[3]
    assert "unknown operator '~'" in problems[4] and "not 0" in problems[5] and "feature op value" in problems[6]


@pytest.fixture
def installed(tmp_path, hubspot_sandbox):
    with in_the_past(hubspot_sandbox, 120):
        portal = hubspot_sandbox.add_portal(contacts=200, seed=5)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'points.sqlite'}",
                   **sandbox_config(hubspot_sandbox, hubspot_sandbox.base_url))
    installation_id = install_portal(app, hubspot_sandbox, portal.id)
    run_task(app, "workers.sync", installation_id=installation_id)  # cold start: a points champion
    with app.app_context():
        db = get_session()
        db.add(AdminUser(email=ADMIN_EMAIL, password_hash=hash_password(ADMIN_PASSWORD)))
        db.commit()
    admin = AdminActions(app.test_client())
    admin.login()
    yield app, installation_id, admin
    app.extensions["db_engine"].dispose()


def test_an_admin_edits_compares_and_saves_points_rules_that_training_then_uses(installed):
    app, installation_id, admin = installed
    page = f"/installations/{installation_id}/points"

    shown = admin._client.get(page).get_data(as_text=True)
    assert 'id="comparison"' in shown and "Current model" in shown  # the learnt rules, compared
    assert 'id="features"' in shown and "<code>pricing_page_views</code>" in shown

    bad = admin.submit(page, {"rules": "pricing_page_views >= 3 : 20\nshoe_size >= 44 : 5", "action": "save"})
    assert bad.status_code == 422
    assert "Line 2 (shoe_size &gt;= 44 : 5): there is no feature named &#39;shoe_size&#39;" in bad.get_data(as_text=True)

    rules = "pricing_page_views >= 3 : 20\nindustry == Software : 10\nhs_analytics_num_visits < 2 : -15"
    compared = admin.submit(page, {"rules": rules, "action": "compare"})
    body = compared.get_data(as_text=True)
    assert compared.status_code == 200 and "Your points rules" in body and "Current model" in body
    with app.app_context():
        assert get_session().query(PointsRuleSet).count() == 0  # comparing saves nothing

    saved = admin.submit(page, {"rules": rules, "action": "save"})
    assert saved.status_code == 302
    with app.app_context():
        session = get_session()
        installation = session.get(Installation, installation_id)
        scope = InstallationScope(session, installation)
        expected, _ = parse_rules(rules, features_of(champion_model(scope)))
        assert [r["points"] for r in expected] == [20, 10, -15]
        assert rules_for(installation) == expected

        client = client_for(installation)
        version, _ = train_challenger(scope, client, learner="points")  # what a cold start trains
        client.close()
        assert load_model(version).learner.rules_ == expected

    other = admin._client.get(f"/installations/{installation_id + 99}/points")
    assert other.status_code == 404
