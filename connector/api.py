"""The JSON API, authenticated per installation with a Bearer API key; every answer is JSON.

GET  /api/v1/records/<crm_id>/score   the latest score of one record
POST /api/v1/score                    score a record's properties now, through the champion model
GET  /api/v1/openapi.json             the OpenAPI description of the two above (no key needed)
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, g, jsonify, request, send_file
from sqlalchemy import select

from connector.db import get_session
from connector.db.models import ApiKey, CurrentScore, ModelVersion, utcnow
from connector.db.scope import InstallationScope
from connector.security import json_input
from connector.security.api_keys import key_matches, prefix_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")


OPENAPI = Path(__file__).with_name("openapi.json")


@bp.before_request
def authenticate() -> None:
    if request.endpoint == "api.openapi":
        return  # the description is public; what it describes is not
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    prefix = prefix_of(presented.strip()) if scheme.lower() == "bearer" else None
    key = None
    if prefix is not None:
        key = get_session().scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
    if key is None or key.revoked_at is not None or not key_matches(key.key_hash, presented.strip()):
        abort(401, "Send a valid API key as 'Authorization: Bearer <key>'.")
    key.last_used_at = utcnow()
    get_session().commit()
    g.scope = InstallationScope.load(get_session(), key.installation_id)


@bp.get("/openapi.json")
def openapi():
    return send_file(OPENAPI, mimetype="application/json", max_age=3600)


def _score_json(row: CurrentScore) -> dict:
    return {
        "crm_id": row.crm_id, "object_type": row.object_type, "score": row.score,
        "probability": row.probability, "tier": row.override_tier or row.tier, "model_tier": row.tier,
        "override_tier": row.override_tier, "reasons": row.reasons, "scored_at": row.scored_at.isoformat(),
        "written_at": row.written_at.isoformat() if row.written_at else None,
    }


@bp.get("/records/<crm_id>/score")
def record_score(crm_id: str):
    where = [CurrentScore.crm_id == crm_id]
    if request.args.get("object_type"):
        where.append(CurrentScore.object_type == request.args["object_type"])
    row = g.scope.session.scalars(g.scope.select(CurrentScore, *where)
                                  .order_by(CurrentScore.scored_at.desc()).limit(1)).first()
    if row is None:
        abort(404, f"No score for record {crm_id}.")
    return jsonify(_score_json(row))


@bp.post("/score")
def score_now():
    try:
        body = json_input.loads(request.get_data(cache=False)) if request.is_json else None
    except json_input.JsonRefused as exc:
        abort(exc.status, str(exc))
    if not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
        abort(400, 'Send JSON like {"properties": {"email": "...", ...}}.')
    champion = g.scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    if champion is None:
        return jsonify(error="Conflict", message="No model trained yet for this installation."), 409
    return _score_with(champion, body["properties"])


def _score_with(champion: ModelVersion, properties: dict):
    import pandas as pd

    from scoring.model import ScoringModel

    model = ScoringModel.from_bytes(champion.artefact)
    frame = pd.DataFrame([{name: value for name, value in properties.items() if isinstance(name, str)}])
    try:
        result = model.score(frame, reasons=True, as_of=utcnow()).iloc[0]  # ages as of now, like the workers
    except (ValueError, TypeError) as exc:
        # The model could not read these properties (wrong shapes, not a missing column: those are allowed).
        abort(422, f"These properties cannot be scored: {exc}")
    return jsonify(score=int(result["score"]), probability=float(result["probability"]), tier=str(result["tier"]),
                   reasons=split_reasons(result["reasons"]), model_version=champion.version)


def split_reasons(text: str) -> list[str]:
    """The engine's "↑ a; ↓ b" reason text as the list the API and the score history carry."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]
