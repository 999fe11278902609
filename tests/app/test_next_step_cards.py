"""Both cards carry the record's next step (the HubSpot card as a property, the Salesforce card's JSON as
`next_step`); an opted-out record's card carries none."""
from __future__ import annotations

from connector.cards.salesforce import issue_card_token
from connector.db import get_session
from connector.db.models import RecordSnapshot
from connector.db.scope import InstallationScope

from .conftest import add_installation
from .test_cards import app_config, give_history, hubspot_fetch  # noqa: F401  (app_config: the secrets)


def test_the_cards_carry_the_next_step(app, client):
    hubspot = add_installation(app, account_id="777")
    give_history(app, hubspot, "501", [40, 62, 81])
    answer = hubspot_fetch(client, "portalId=777&associatedObjectId=501&associatedObjectType=CONTACT")
    values = {p["label"]: p["value"] for p in answer.json["results"][0]["properties"]}
    assert values["Next step"] == "Call within 24 h: Visited pricing 5 times"

    salesforce = add_installation(app, crm="salesforce", account_id="00D000000000001AAA")
    give_history(app, salesforce, "00Q000000000001AAA", [55, 77])
    with app.app_context():
        token = issue_card_token(salesforce, "00Q000000000001AAA")
    assert client.get(f"/cards/salesforce/score?token={token}").json["next_step"] == \
        "Call within 24 h: Visited pricing 5 times"


def test_an_opted_out_records_card_suggests_nothing(app, client):
    installation_id = add_installation(app, account_id="777")
    give_history(app, installation_id, "501", [81])
    with app.app_context():
        scope = InstallationScope.load(get_session(), installation_id)
        scope.add(RecordSnapshot(object_type="contacts", crm_id="501", properties={"hs_email_optout": "true"},
                                 modified_at=scope.installation.created_at))
        get_session().commit()
    answer = hubspot_fetch(client, "portalId=777&associatedObjectId=501&associatedObjectType=CONTACT")
    values = {p["label"]: p["value"] for p in answer.json["results"][0]["properties"]}
    assert "Next step" not in values  # the card names a next step only where there is one
