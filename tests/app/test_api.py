"""The JSON API: Bearer keys per installation, scores scoped to the key's installation, errors as JSON."""
from __future__ import annotations

import re

import pytest

from connector.db import get_session
from connector.db.models import ApiKey, CurrentScore, ModelVersion
from connector.db.scope import InstallationScope
from connector.security.api_keys import issue_key

from .conftest import add_installation


def give_key(app, installation_id: int) -> str:
    issued = issue_key()
    with app.app_context():
        InstallationScope.load(get_session(), installation_id).add(
            ApiKey(prefix=issued.prefix, key_hash=issued.key_hash, label="tests"))
        get_session().commit()
    return issued.plaintext


def give_score(app, installation_id: int, crm_id: str, score: int) -> None:
    with app.app_context():
        InstallationScope.load(get_session(), installation_id).add(CurrentScore(
            object_type="contacts", crm_id=crm_id, score=score, probability=score / 100, tier="A",
            reasons=["Visited pricing page 3 times"]))
        get_session().commit()


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_reads_a_records_latest_score(app, client, installation_id):
    key = give_key(app, installation_id)
    give_score(app, installation_id, "501", 88)
    response = client.get("/api/v1/records/501/score", headers=bearer(key))
    assert response.status_code == 200
    assert response.json["score"] == 88 and response.json["tier"] == "A"
    assert response.json["reasons"] == ["Visited pricing page 3 times"]


def test_another_installations_record_is_not_found(app, client, installation_id):
    other = add_installation(app, account_id="2")
    give_score(app, other, "777", 50)
    response = client.get("/api/v1/records/777/score", headers=bearer(give_key(app, installation_id)))
    assert response.status_code == 404
    assert response.json == {"error": "Not Found", "message": "No score for record 777."}


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
    {"Authorization": "Bearer lsk_00000000_forged-secret"},
])
def test_requests_without_a_valid_key_are_refused(client, installation_id, headers):
    response = client.get("/api/v1/records/1/score", headers=headers)
    assert response.status_code == 401 and "API key" in response.json["message"]


def test_a_right_prefix_with_a_wrong_secret_is_refused(app, client, installation_id):
    key = give_key(app, installation_id)
    assert client.get("/api/v1/records/1/score", headers=bearer(key[:-3] + "xyz")).status_code == 401


def test_only_a_hash_of_the_key_is_stored(app, installation_id):
    key = give_key(app, installation_id)
    with app.app_context():
        row = get_session().query(ApiKey).one()
        assert key.startswith(row.prefix) and key not in (row.key_hash, repr(row))


def test_scoring_without_a_model_is_a_conflict(app, client, installation_id):
    response = client.post("/api/v1/score", json={"properties": {"email": "a@b.c"}},
                           headers=bearer(give_key(app, installation_id)))
    assert response.status_code == 409 and response.json["message"] == "No model trained yet for this installation."


def test_scoring_needs_properties(app, client, installation_id):
    response = client.post("/api/v1/score", data="not json", headers=bearer(give_key(app, installation_id)))
    assert response.status_code == 400 and "properties" in response.json["message"]


def test_scoring_goes_through_the_champion_model_with_reasons(app, client, installation_id):
    from scoring.training import TrainingOptions, train
    from tests.scoring.datasets import b2b_leads

    frame, facts = b2b_leads(n=400)
    model = train(frame, TrainingOptions(target=facts["target"], id_column=facts["id"], learner="logistic")).model
    with app.app_context():
        InstallationScope.load(get_session(), installation_id).add(ModelVersion(
            version=3, learner="logistic", artefact=model.to_bytes(), fingerprint="f", is_champion=True))
        get_session().commit()
    properties = {"Job Title": "VP Engineer", "Pricing page visits": 6, "Industry": "Software", "Newsletter": "Yes"}
    response = client.post("/api/v1/score", json={"properties": properties},
                           headers=bearer(give_key(app, installation_id)))
    assert response.status_code == 200, response.json
    assert 0 <= response.json["score"] <= 100 and response.json["tier"] in "ABCD"
    assert response.json["model_version"] == 3
    assert isinstance(response.json["reasons"], list) and all(isinstance(r, str) for r in response.json["reasons"])


def test_api_needs_no_csrf_token_but_unknown_paths_answer_json(app, client, installation_id):
    response = client.get("/api/v1/nothing-here", headers=bearer(give_key(app, installation_id)))
    assert response.status_code == 404 and response.is_json


def test_an_admin_issues_a_key_that_works_until_revoked(app, client, admin, installation_id):
    give_score(app, installation_id, "501", 70)
    page = f"/installations/{installation_id}/api-keys"
    issued = admin.submit(page, {"label": "Zapier"})
    key = re.search(r'<code id="issued-key">([^<]+)</code>', issued.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/records/501/score", headers=bearer(key)).status_code == 200
    assert key not in client.get(page).get_data(as_text=True)  # shown once only

    with app.app_context():
        key_id = get_session().query(ApiKey).one().id
    admin.submit(page, {}, action=f"{page}/{key_id}/revoke")
    assert client.get("/api/v1/records/501/score", headers=bearer(key)).status_code == 401


def test_a_key_needs_a_label(admin, installation_id):
    response = admin.submit(f"/installations/{installation_id}/api-keys", {"label": " "})
    assert response.status_code == 422 and "Say what the key is for" in response.get_data(as_text=True)
