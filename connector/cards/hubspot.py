"""`GET /cards/hubspot`: the data-fetch URL of a HubSpot CRM card, called on each contact record view.

HubSpot signs it (v3, or v2 for legacy cards, accepted only where an admin enabled them) with the app secret and passes `portalId` and
`associatedObjectId`; the answer is the card format: `results` with `properties` of typed values.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, jsonify, request
from sqlalchemy import select

from connector.app.public_url import public_request_url
from connector.db import get_session
from connector.db.models import Crm, Installation
from connector.db.scope import InstallationScope
from connector.security.crm_ids import hubspot_id
from connector.webhooks.signatures import SignatureInvalid, verify_request

from . import bp
from .record_score import card_data, trend_text


@bp.get("/hubspot")
def hubspot():
    portal_id, object_id = hubspot_id(request.args.get("portalId")), hubspot_id(request.args.get("associatedObjectId"))
    installation = get_session().scalars(select(Installation).where(
        Installation.crm == Crm.HUBSPOT, Installation.account_id == portal_id)).one_or_none() if portal_id else None
    # The signature first (nothing is told about unsigned requests); the portal's settings say whether v2 is let in.
    legacy = installation is not None and installation.settings.legacy_cards
    try:
        verify_request(current_app.config["HUBSPOT_CLIENT_SECRET"], request.method, public_request_url(),
                       request.get_data(), request.headers, allow_v2=legacy)
    except SignatureInvalid as exc:
        abort(401, f"Signature check failed: {exc}.")
    if portal_id is None or object_id is None:
        abort(400, "portalId and associatedObjectId must be HubSpot ids.")
    if installation is None:
        abort(404, f"No installation for HubSpot portal {portal_id}.")
    data = card_data(InstallationScope(get_session(), installation), object_id)
    if data is None:
        return jsonify(results=[])  # the card shows HubSpot's own "nothing to show"
    return jsonify(results=[_card(int(object_id), data)])


def _card(object_id: int, data: dict) -> dict:
    trend = trend_text(data["trend"]) or str(data["score"])
    scored_ms = int(datetime.fromisoformat(data["scored_at"]).timestamp() * 1000)
    return {
        "objectId": object_id,
        "title": f"Tier {data['tier']} · score {data['score']}/100",  # the tier first: a score alone misleads
        "properties": [
            {"label": "Tier", "dataType": "STRING", "value": data["tier"]},
            {"label": "Score", "dataType": "NUMERIC", "value": data["score"]},
            {"label": "Why", "dataType": "STRING", "value": "; ".join(data["reasons"]) or "—"},
            {"label": "Trend", "dataType": "STRING", "value": trend},
            {"label": "Scored", "dataType": "DATETIME", "value": scored_ms},
            # The next step only where the record has one (a next-best action, when `card_data` carries it).
            *([{"label": "Next step", "dataType": "STRING", "value": data["next_step"]}]
              if data.get("next_step") else []),
        ],
    }
