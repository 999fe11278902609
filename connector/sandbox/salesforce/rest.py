"""The REST resources under /services/data/vXX.X/: one function per resource, each answering (body, status)
or raising ApiError. `route` also names the call's kind for the per-org call counters."""
from __future__ import annotations

from . import activities, bulk, composite, ingest, permissions, sobjects, tooling
from .errors import ApiError, not_found
from .query import Cursor, batch_size, select
from .store import Org

PEOPLE = {"Lead", "Contact"}
SECURITY = {"PermissionSet", "FieldPermissions", "PermissionSetAssignment"}
ACTIONS = {"Task", "CampaignMember"}


def kind_of(method: str, parts: list[str]) -> str:
    """read, search (=query), write, schema, auth, action: how the sandbox counts a call."""
    head = parts[0] if parts else ""
    if head in ("query", "queryAll") or parts[:2] in (["tooling", "query"], ["jobs", "query"]):
        return "search"
    if head == "tooling" or (len(parts) >= 2 and (parts[-1] == "describe" or parts[1] in SECURITY)):
        return "schema"
    if head == "sobjects" and len(parts) == 1:
        return "schema"
    if len(parts) >= 2 and parts[1] in ACTIONS and method != "GET":
        return "action"
    return "read" if method == "GET" else "write"


def route(sandbox, org: Org, user_id: str, version: str, method: str, parts: list[str], request) -> tuple:
    head = parts[0] if parts else ""
    if head in ("query", "queryAll") and method == "GET":
        if len(parts) == 2:
            return sandbox.pager.next_page(parts[1], version), 200
        return _query(sandbox, org, user_id, version, request, include_deleted=head == "queryAll"), 200
    if parts == ["tooling", "query"] and method == "GET":
        return _tooling_query(sandbox, org, user_id, version, request), 200
    if parts == ["tooling", "sobjects", "CustomField"] and method == "POST":
        field_id = tooling.create_field(org, sandbox.ids, _json(request))
        return {"id": field_id, "success": True, "errors": []}, 201
    if parts == ["composite", "sobjects"] and method in ("PATCH", "POST"):
        return composite.apply(org, sandbox.ids, _json(request), user_id, sandbox.now_ms(), method == "POST"), 200
    if parts[:2] == ["jobs", "query"]:
        return bulk.route(sandbox, org, user_id, method, parts[2:], request)
    if parts[:2] == ["jobs", "ingest"]:
        return ingest.route(sandbox, org, user_id, version, method, parts[2:], request)
    if parts == ["limits"] and method == "GET":
        return _limits(sandbox, org), 200
    if parts == ["sobjects"] and method == "GET":
        return {"encoding": "UTF-8", "maxBatchSize": 200,
                "sobjects": [{"name": n, "label": n, "queryable": True} for n in org.fields]}, 200
    if head == "sobjects" and len(parts) >= 2:
        return _sobject(sandbox, org, user_id, method, parts[1:], request)
    raise not_found()


def _query(sandbox, org, user_id, version, request, include_deleted: bool = False) -> dict:
    soql = request.args.get("q")
    if not soql:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    object_name, fields, rows = select(org, soql, user_id, include_deleted=include_deleted)
    if not fields:  # SELECT COUNT(): "totalSize" is the count, and no records come back
        return {"totalSize": len(rows), "done": True, "records": []}
    size = batch_size(org, object_name, fields, request.headers.get("Sforce-Query-Options"))
    return sandbox.pager.first_page(Cursor(object_name, fields, rows, len(rows), size), version)


def _tooling_query(sandbox, org, user_id, version, request) -> dict:
    object_name, fields, rows = select(org, request.args.get("q") or "", user_id,
                                       table=tooling.custom_field_rows(org), known=tooling.CUSTOM_FIELD_COLUMNS)
    if object_name != "CustomField":
        raise ApiError(400, "INVALID_TYPE", f"sObject type '{object_name}' is not supported.")
    return sandbox.pager.first_page(Cursor(object_name, fields, rows, len(rows), 2000), version)


def _limits(sandbox, org) -> dict:
    return {"DailyApiRequests": {"Max": sandbox.daily_limit, "Remaining": max(sandbox.daily_limit - org.api_used, 0)},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000}}


def _sobject(sandbox, org, user_id, method, parts, request) -> tuple:
    object_name = parts[0]
    if len(parts) == 2 and parts[1] == "describe" and method == "GET":
        return sobjects.describe(org, object_name, user_id), 200
    if len(parts) == 1 and method == "POST":
        values = _json(request)
        activities.check_create(org, object_name, values)
        permissions.check_create(org, object_name, values)
        record_id = sobjects.create(org, sandbox.ids, object_name, user_id, values, sandbox.now_ms())
        return {"id": record_id, "success": True, "errors": []}, 201
    if len(parts) == 2 and method == "GET":
        record = sobjects.get(org, object_name, parts[1])
        visible = permissions.visible_fields(org, object_name, user_id)
        wanted = request.args.get("fields")
        names = [f.strip() for f in wanted.split(",")] if wanted else [n for n in visible]
        for name in names:
            if name not in visible:
                raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {object_name}",
                               [name])
        body = sobjects.render(record, names)
        return {"attributes": {"type": object_name, "url": request.path}, **body}, 200
    if len(parts) == 2 and method == "PATCH":
        sobjects.update(org, object_name, parts[1], user_id, _json(request), sandbox.now_ms())
        return None, 204
    if len(parts) == 2 and method == "DELETE":
        sobjects.delete(org, object_name, parts[1], sandbox.now_ms())
        return None, 204
    raise not_found()


def _json(request):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
    return body
