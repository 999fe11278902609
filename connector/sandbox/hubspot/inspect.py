"""`/_sandbox/...`: the test/inspection API over HTTP (JSON), so a CLI-started sandbox can be driven by
scripts the way tests drive the Python object. Not part of HubSpot; never rate-limited or counted."""
from __future__ import annotations

from flask import Blueprint, request

from ..faults import SWITCHES
from .http import json_response, sandbox

blueprint = Blueprint("hubspot_inspect", __name__, url_prefix="/_sandbox")


@blueprint.get("/portals")
def portals():
    return json_response(200, {"portals": [{"id": p.id, "contacts": len(p.contacts)} for p in sandbox().portals()]})


@blueprint.post("/portals")
def add_portal():
    body = request.get_json(silent=True) or {}
    try:
        portal = sandbox().add_portal(contacts=int(body.get("contacts", 0)), seed=int(body.get("seed", 0)))
    except (TypeError, ValueError) as problem:
        return json_response(400, {"message": str(problem)})
    return json_response(201, {"id": portal.id, "contacts": len(portal.contacts)})


@blueprint.post("/portals/<int:portal_id>/tokens")
def issue_tokens(portal_id):
    if sandbox().portal(portal_id) is None:
        return json_response(404, {"message": f"no portal {portal_id}"})
    return json_response(201, sandbox().issue_tokens(portal_id))


@blueprint.get("/portals/<int:portal_id>/calls")
def calls(portal_id):
    return json_response(200, dict(sandbox().calls(portal_id)))


@blueprint.get("/portals/<int:portal_id>/contacts/<int:contact_id>")
def contact(portal_id, contact_id):
    try:
        return json_response(200, sandbox().contact(portal_id, contact_id))
    except KeyError:
        return json_response(404, {"message": "no such portal or contact"})


@blueprint.get("/portals/<int:portal_id>/<any(tasks, enrollments, owners):what>")
def recorded(portal_id, what):
    if sandbox().portal(portal_id) is None:
        return json_response(404, {"message": f"no portal {portal_id}"})
    return json_response(200, {"results": getattr(sandbox(), what)(portal_id)})


@blueprint.get("/webhooks/deliveries")
def deliveries():
    return json_response(200, {"results": list(sandbox().webhooks.deliveries)})


@blueprint.get("/faults")
def faults():
    current = sandbox().faults
    return json_response(200, {name: getattr(current, name) for name in SWITCHES})


@blueprint.post("/faults")
def set_faults():
    body = request.get_json(silent=True) or {}
    unknown = set(body) - set(SWITCHES) - {"clear"}
    if unknown:
        return json_response(400, {"message": f"unknown fault switches: {sorted(unknown)}"})
    current = sandbox().faults
    if body.get("clear"):
        current.clear()
    for name, value in body.items():
        if name in SWITCHES:
            setattr(current, name, SWITCHES[name](value))
    return faults()


@blueprint.post("/tokens/expire")
def expire_tokens():
    sandbox().expire_all_tokens()
    return json_response(200, {"expired": True})


@blueprint.post("/tokens/revoke")
def revoke_token():
    sandbox().revoke_refresh_token((request.get_json(silent=True) or {}).get("refresh_token", ""))
    return json_response(200, {"revoked": True})
