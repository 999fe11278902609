"""What nurture rules do in HubSpot: owners, tasks with their contact associations (v3 create and the v4
association endpoints the SDK uses), and the legacy workflow list and enrollment. Everything is recorded on the portal
so tests can read what happened."""
from __future__ import annotations

from flask import Blueprint, Response, request

from .contacts import batch_error, batch_response
from .http import api, error, json_response, sandbox
from .store import Portal, iso

blueprint = Blueprint("hubspot_engagements", __name__)
TASK_TO_CONTACT = 204  # HubSpot-defined association type id
CONTACT_TO_TASK = 203
OBJECT_TYPE_IDS = {"contacts": "0-1", "tasks": "0-27"}


@blueprint.get("/crm/v3/owners")
@blueprint.get("/crm/v3/owners/")
@api("read")
def list_owners(portal):
    email = request.args.get("email")
    owners = [o for o in portal.owners if email is None or o["email"] == email]
    return json_response(200, {"results": owners})


@blueprint.get("/crm/v3/owners/<owner_id>")
@api("read")
def get_owner(portal, owner_id):
    owner = next((o for o in portal.owners if o["id"] == owner_id), None)
    if owner is None:
        return error(404, "OBJECT_NOT_FOUND", f"Owner {owner_id} not found")
    return json_response(200, owner)


@blueprint.post("/crm/v3/objects/tasks")
@api("action")
def create_task(portal):
    body = request.get_json(silent=True) or {}
    properties = {k: None if v is None else str(v) for k, v in (body.get("properties") or {}).items()}
    if not properties.get("hs_timestamp"):
        return error(400, "VALIDATION_ERROR", 'Property values were not valid: [{"isValid":false,"message":"hs_timestamp'
                     ' is required","error":"REQUIRED_PROPERTY","name":"hs_timestamp"}]')
    owner = properties.get("hubspot_owner_id")
    if owner and owner not in {o["id"] for o in portal.owners}:
        return error(400, "VALIDATION_ERROR", f'Property values were not valid: "{owner}" is not a valid owner id')
    now = int(sandbox().clock.time() * 1000)
    task_id = sandbox().next_id()
    task = {"id": str(task_id), "properties": {**properties, "hs_object_id": str(task_id)},
            "createdAt": iso(now), "updatedAt": iso(now), "archived": False}
    for association in body.get("associations") or []:
        target = str((association.get("to") or {}).get("id", ""))
        if not target.isdigit() or int(target) not in portal.contacts:
            return error(400, "VALIDATION_ERROR", f"Association target contact {target} does not exist")
    portal.tasks[task_id] = task
    for association in body.get("associations") or []:
        _associate(portal, "tasks", str(task_id), "contacts", str(association["to"]["id"]),
                   association.get("types") or [{"associationCategory": "HUBSPOT_DEFINED",
                                                  "associationTypeId": TASK_TO_CONTACT}])
    return json_response(201, task)


@blueprint.get("/crm/v3/objects/tasks")
@api("read")
def list_tasks(portal):
    """Pages of tasks in id order, `after` the last id served (HubSpot's list endpoint, as an audit reads it)."""
    try:
        limit = int(request.args.get("limit", 10))
        after = int(request.args.get("after") or 0)
    except ValueError:
        return error(400, "VALIDATION_ERROR", "'limit' and 'after' must be integers")
    if not 0 < limit <= 100:
        return error(400, "VALIDATION_ERROR", "'limit' must be between 1 and 100")
    ids = sorted(i for i in portal.tasks if i > after)
    answer = {"results": [portal.tasks[i] for i in ids[:limit]]}
    if len(ids) > limit:
        answer["paging"] = {"next": {"after": str(ids[limit - 1])}}
    return json_response(200, answer)


@blueprint.get("/crm/v3/objects/tasks/<task_id>")
@api("read")
def get_task(portal, task_id):
    task = portal.tasks.get(int(task_id)) if task_id.isdigit() else None
    if task is None:
        return error(404, "OBJECT_NOT_FOUND", "Object not found.")
    return json_response(200, task)


@blueprint.put("/crm/v4/objects/<from_type>/<from_id>/associations/<to_type>/<to_id>")
@api("action")
def associate(portal, from_type, from_id, to_type, to_id):
    types = request.get_json(silent=True)
    if not isinstance(types, list) or not types:
        return error(400, "VALIDATION_ERROR", "The body must be a JSON array of association types.")
    problem = _missing(portal, (from_type, from_id), (to_type, to_id))
    if problem:
        return problem
    _associate(portal, from_type, from_id, to_type, to_id, types)
    return json_response(201, {"fromObjectTypeId": OBJECT_TYPE_IDS.get(from_type, from_type), "fromObjectId": from_id,
                               "toObjectTypeId": OBJECT_TYPE_IDS.get(to_type, to_type), "toObjectId": to_id,
                               "labels": [t.get("label") for t in types if t.get("label")]})


@blueprint.put("/crm/v4/objects/<from_type>/<from_id>/associations/default/<to_type>/<to_id>")
@api("action")
def associate_default(portal, from_type, from_id, to_type, to_id):
    problem = _missing(portal, (from_type, from_id), (to_type, to_id))
    if problem:
        return problem
    type_id = TASK_TO_CONTACT if from_type == "tasks" else CONTACT_TO_TASK
    _associate(portal, from_type, from_id, to_type, to_id,
               [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}])
    return batch_response([{"from": {"id": from_id}, "to": {"id": to_id},
                            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}}], [])


@blueprint.post("/crm/v4/associations/<from_type>/<to_type>/batch/create")
@api("action")
def batch_associate(portal, from_type, to_type):
    results, errors = [], []
    for item in (request.get_json(silent=True) or {}).get("inputs") or []:
        from_id, to_id = str(item.get("from", {}).get("id")), str(item.get("to", {}).get("id"))
        if _missing(portal, (from_type, from_id), (to_type, to_id)):
            errors.append(batch_error("OBJECT_NOT_FOUND", "Object not found", {"ids": [from_id, to_id]}))
            continue
        _associate(portal, from_type, from_id, to_type, to_id, item.get("types") or [])
        results.append({"fromObjectTypeId": OBJECT_TYPE_IDS.get(from_type, from_type), "fromObjectId": from_id,
                        "toObjectTypeId": OBJECT_TYPE_IDS.get(to_type, to_type), "toObjectId": to_id, "labels": []})
    return batch_response(results, errors, success=201)


@blueprint.post("/crm/v4/associations/<from_type>/<to_type>/batch/read")
@api("read")
def batch_read_associations(portal, from_type, to_type):
    results = []
    for item in (request.get_json(silent=True) or {}).get("inputs") or []:
        from_id = str(item.get("id"))
        links = [a for a in portal.associations
                 if (a["fromType"], a["fromId"], a["toType"]) == (from_type, from_id, to_type)]
        if links:
            results.append({"from": {"id": from_id}, "to": [
                {"toObjectId": str(a["toId"]), "associationTypes": [_association_type(t) for t in a["types"]]}
                for a in links]})
    return batch_response(results, [])


def _association_type(spec: dict) -> dict:
    """As crm-associations-v4.json has it: an unlabelled association has no `label` key (not null)."""
    answer = {"category": spec.get("associationCategory"), "typeId": spec.get("associationTypeId")}
    if spec.get("label"):
        answer["label"] = spec["label"]
    return answer


@blueprint.get("/automation/v3/workflows")
@api("read")
def list_workflows(portal):
    """The legacy v3 list: every contact-based workflow, metadata only, in one unpaged answer."""
    return json_response(200, {"workflows": portal.workflows})


@blueprint.post("/automation/v2/workflows/<workflow_id>/enrollments/contacts/<email>")
@api("action")
def enroll(portal, workflow_id, email):
    if email.lower() not in portal.by_email:
        return error(404, "OBJECT_NOT_FOUND", f"No contact with email {email}")
    portal.enrollments.append({"workflowId": workflow_id, "email": email,
                               "contactId": str(portal.by_email[email.lower()]),
                               "enrolledAt": iso(sandbox().clock.time() * 1000)})
    return Response(status=204)


def _associate(portal: Portal, from_type, from_id, to_type, to_id, types) -> None:
    portal.associations.append({"fromType": from_type, "fromId": str(from_id), "toType": to_type,
                                "toId": str(to_id), "types": list(types)})
    # HubSpot associations are two-way: reading from the other side finds them too.
    portal.associations.append({"fromType": to_type, "fromId": str(to_id), "toType": from_type,
                                "toId": str(from_id), "types": list(types)})


def _missing(portal: Portal, *objects):
    for object_type, object_id in objects:
        table = {"contacts": portal.contacts, "tasks": portal.tasks}.get(object_type)
        if table is None:
            return error(400, "VALIDATION_ERROR", f"Unsupported object type {object_type}")
        if not str(object_id).isdigit() or int(object_id) not in table:
            return error(404, "OBJECT_NOT_FOUND", f"{object_type} {object_id} does not exist")
    return None
