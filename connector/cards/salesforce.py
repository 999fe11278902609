"""The Salesforce card: a JSON endpoint a Lightning or Canvas component calls with a signed, expiring token.

The token (itsdangerous, keyed by the app's SECRET_KEY) names one installation and one record, so a leaked
token shows one record's score for a few minutes and nothing else. `issue_card_token` mints it; the Canvas
entry point mints one after verifying Salesforce's signed request.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

from flask import abort, current_app, jsonify, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from connector.db import get_session
from connector.db.models import Crm, Installation
from connector.db.scope import InstallationScope
from connector.install.credentials import app_credentials

from . import bp
from .record_score import card_data

SALT = "leadscore.salesforce-card"


def issue_card_token(installation_id: int, crm_id: str) -> str:
    return _serializer().dumps({"i": installation_id, "r": crm_id})


@bp.get("/salesforce/score")
def salesforce_score():
    token = request.args.get("token") or ""
    try:
        claims = _serializer().loads(token, max_age=current_app.config["CARD_TOKEN_MAX_AGE"])
    except SignatureExpired:
        abort(401, "The card token has expired; reload the record page.")
    except BadSignature:
        abort(401, "The card token is not valid.")
    scope = InstallationScope.load(get_session(), int(claims["i"]))
    data = card_data(scope, str(claims["r"])) if scope is not None else None
    if data is None:
        abort(404, f"No score for record {claims['r']}.")
    return jsonify(data)


@bp.post("/salesforce/canvas")
def salesforce_canvas():
    """Canvas signed request (HMAC-SHA256 of the encoded context with the connected app's consumer secret) ->
    a card token for the record being viewed, and the URL to fetch the card with."""
    installation, record_id = canvas_record()
    token = issue_card_token(installation.id, record_id)
    return jsonify(token=token, expires_in=current_app.config["CARD_TOKEN_MAX_AGE"],
                   card_url=url_for("cards.salesforce_score", token=token, _external=True))


def canvas_record() -> tuple[Installation, str]:
    """The installation and record id named by this request's verified Canvas `signed_request` (aborts otherwise)."""
    context = _verified_canvas_context(request.form.get("signed_request", ""))
    org_id = (context.get("context", {}).get("organization") or {}).get("organizationId")
    record_id = ((context.get("context", {}).get("environment") or {}).get("record") or {}).get("Id")
    if not org_id or not record_id:
        abort(400, "The signed request names no organization or record.")
    installation = get_session().scalars(select(Installation).where(
        Installation.crm == Crm.SALESFORCE, Installation.account_id == org_id)).one_or_none()
    if installation is None:
        abort(404, f"No installation for Salesforce org {org_id}.")
    return installation, record_id


def _verified_canvas_context(signed_request: str) -> dict:
    signature, _, envelope = signed_request.partition(".")
    _, secret = app_credentials(Crm.SALESFORCE)
    if not signature or not envelope or not secret:
        abort(401, "Send the Canvas signed_request.")
    expected = base64.b64encode(hmac.new(secret.encode(), envelope.encode(), hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, signature):
        abort(401, "The Canvas signed request does not verify.")
    try:
        return json.loads(base64.b64decode(envelope))
    except ValueError:
        abort(400, "The Canvas signed request is not readable.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)
