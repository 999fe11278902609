"""The Salesforce card: a JSON endpoint a Lightning or Canvas component calls with a signed, expiring token.

The token (itsdangerous, keyed by the app's SECRET_KEY) names one installation and one record, so a leaked
token shows one record's score for a few minutes and nothing else. `issue_card_token` mints it; the Canvas
entry point mints one after verifying Salesforce's signed request.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

from flask import abort, current_app, jsonify, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from connector.app.public_url import public_url_for
from connector.db import get_session
from connector.db.models import Crm, Installation
from connector.db.scope import InstallationScope
from connector.install.credentials import app_credentials
from connector.security import json_input
from connector.security.compare import same_secret
from connector.security.crm_ids import salesforce_id

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
    if not (isinstance(claims, dict) and type(claims.get("i")) is int and 0 < claims["i"] < 2 ** 63
            and isinstance(claims.get("r"), str)):
        abort(401, "The card token is not valid.")  # ours are; a token of another shape was signed by mistake
    scope = InstallationScope.load(get_session(), claims["i"])
    data = card_data(scope, claims["r"]) if scope is not None else None
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
                   card_url=public_url_for("cards.salesforce_score", token=token))


def canvas_record() -> tuple[Installation, str]:
    """The installation and record id named by this request's verified, fresh Canvas `signed_request`
    (aborts otherwise)."""
    envelope = _verified_canvas_envelope(request.form.get("signed_request", ""))
    _refuse_stale(_member(envelope, "issuedAt"))
    context = _member(envelope, "context")
    org_id = salesforce_id(_member(_member(context, "organization"), "organizationId"))
    record_id = salesforce_id(_member(_member(_member(context, "environment"), "record"), "Id"))
    if not org_id or not record_id:
        abort(400, "The signed request names no organization or record.")
    installation = get_session().scalars(select(Installation).where(
        Installation.crm == Crm.SALESFORCE, Installation.account_id == org_id)).one_or_none()
    if installation is None:
        abort(404, f"No installation for Salesforce org {org_id}.")
    return installation, record_id


def _refuse_stale(issued_at) -> None:
    """A signed request is a bearer credential: without this, one captured in 2001 would still mint tokens.

    Salesforce documents `issuedAt` as when the request's OAuth token was issued (tokens last about 2 hours,
    hence the default window) without promising its unit, so milliseconds are read as well as seconds.
    """
    window = current_app.config["CANVAS_MAX_AGE_SECONDS"]
    if isinstance(issued_at, bool) or not isinstance(issued_at, int):
        abort(401, "The Canvas signed request has no issuedAt time.")
    if issued_at > 10 ** 11:  # later than the year 5138 in seconds: a time in milliseconds
        issued_at //= 1000
    if abs(time.time() - issued_at) > window:
        abort(401, f"The Canvas signed request was issued more than {window} seconds from now; reload the page.")


def _member(value, name: str):
    # The envelope is signed, but its shape is still Salesforce's to get wrong: walk it without assuming dicts.
    return value.get(name) if isinstance(value, dict) else None


def _verified_canvas_envelope(signed_request: str):
    signature, _, envelope = signed_request.partition(".")
    _, secret = app_credentials(Crm.SALESFORCE)
    if not signature or not envelope or not secret:
        abort(401, "Send the Canvas signed_request.")
    expected = base64.b64encode(hmac.new(secret.encode(), envelope.encode(), hashlib.sha256).digest()).decode()
    if not same_secret(expected, signature):
        abort(401, "The Canvas signed request does not verify.")
    try:
        return json_input.loads(base64.b64decode(envelope, validate=True))
    except (binascii.Error, json_input.JsonRefused):
        abort(400, "The Canvas signed request is not readable.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)
