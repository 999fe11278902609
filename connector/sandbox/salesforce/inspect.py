"""/_sandbox/...: the switches and the inspection API over HTTP (JSON), for demos and tests in other processes."""
from __future__ import annotations

from flask import Blueprint, request

from ..faults import SWITCHES
from .responses import json_response


def blueprint(sandbox) -> Blueprint:
    views = Blueprint("salesforce_inspect", __name__, url_prefix="/_sandbox")

    @views.get("/orgs")
    def orgs():
        return json_response([{"id": o.id, "name": o.name, "integration_user_id": o.integration_user_id,
                               "api_used": o.api_used} for o in sandbox.orgs.values()])

    @views.post("/orgs")
    def add_org():
        body = request.get_json(silent=True) or {}
        try:
            org = sandbox.add_org(leads=int(body.get("leads", 1000)), contacts=int(body.get("contacts", 0)),
                                  seed=int(body.get("seed", 42)))
        except (TypeError, ValueError) as error:
            return json_response({"error": str(error)}, 400)
        return json_response({"id": org.id, "integration_user_id": org.integration_user_id}, 201)

    @views.post("/orgs/<org_id>/tokens")
    def tokens(org_id):
        return json_response(sandbox.issue_tokens(_known(org_id)))

    @views.get("/orgs/<org_id>/calls")
    def calls(org_id):
        return json_response(dict(sandbox.calls(_known(org_id))))

    @views.put("/orgs/<org_id>/usage")
    def usage(org_id):
        used = (request.get_json(silent=True) or {}).get("used")
        if not isinstance(used, int) or used < 0:
            return json_response({"error": "body must be {\"used\": a non-negative integer}"}, 400)
        sandbox.set_api_usage(_known(org_id), used)
        return json_response({"used": used, "limit": sandbox.daily_limit})

    @views.get("/orgs/<org_id>/records/<object_name>/<record_id>")
    def record(org_id, object_name, record_id):
        try:
            return json_response(sandbox.record(_known(org_id), object_name, record_id))
        except KeyError:
            return json_response({"error": f"no {object_name} {record_id}"}, 404)

    @views.get("/orgs/<org_id>/records/<object_name>")
    def records(org_id, object_name):
        return json_response(sandbox.records(_known(org_id), object_name))

    @views.post("/orgs/<org_id>/bulk-edit")
    def bulk_edit(org_id):
        body = request.get_json(silent=True) or {}
        sandbox.bulk_edit(_known(org_id), body.get("object", "Lead"), body.get("ids", []), body.get("fields", {}))
        return json_response({"edited": len(body.get("ids", []))})

    @views.route("/faults", methods=["GET", "PUT", "DELETE"])
    def faults():
        if request.method == "DELETE":
            sandbox.faults.clear()
        elif request.method == "PUT":
            body = request.get_json(silent=True) or {}
            unknown = set(body) - set(SWITCHES)
            if unknown:
                return json_response({"error": f"unknown switches: {sorted(unknown)}"}, 400)
            for name, value in body.items():
                setattr(sandbox.faults, name, SWITCHES[name](value))
        return json_response({name: getattr(sandbox.faults, name) for name in SWITCHES})

    @views.post("/sessions/expire")
    def expire():
        sandbox.expire_all_sessions()
        return json_response({"expired": True})

    @views.post("/refresh-tokens/revoke")
    def revoke():
        sandbox.revoke_refresh_token((request.get_json(silent=True) or {}).get("token", ""))
        return json_response({"revoked": True})

    def _known(org_id: str) -> str:
        sandbox.org(org_id)  # KeyError -> 404 below
        return org_id

    @views.errorhandler(KeyError)
    def unknown_org(error):
        return json_response({"error": str(error.args[0]) if error.args else "not found"}, 404)

    return views
