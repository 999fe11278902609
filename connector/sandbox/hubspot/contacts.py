"""The contacts object endpoints: list, get, create, update, and the batch read / create / update.

Batches take at most 100 inputs. A batch update naming unknown ids answers 207, those ids under `errors`
and the rest applied; one refused value fails the whole batch with a 400 VALIDATION_ERROR and nothing is
applied ("if there is a single error in the list of contacts none of them will be processed",
hubspot-net/HubSpot.NET#25). `lastmodifieddate` moves on every change.
"""
from __future__ import annotations

import json
from bisect import bisect_right

from flask import Blueprint, Response, request

from .http import api, error, json_response, sandbox
from .properties import invalid_value, stored_value
from .store import Contact, Portal, iso
from .webhooks import WebhookDispatcher

blueprint = Blueprint("hubspot_contacts", __name__)
PAGE_MAX = 100
BATCH_MAX = 100


@blueprint.get("/crm/v3/objects/contacts")
@api("read")
def list_contacts(portal):
    try:
        limit = int(request.args.get("limit", 10))
        after = int(request.args.get("after") or 0)
    except ValueError:
        return error(400, "VALIDATION_ERROR", "'limit' and 'after' must be integers")
    if not 0 < limit <= PAGE_MAX:
        return error(400, "VALIDATION_ERROR", f"'limit' must be between 1 and {PAGE_MAX}")
    start = bisect_right(portal.ids, after)  # the cursor is the last id served, so pages survive inserts
    page = portal.ids[start:start + limit]
    wanted = _wanted(request.args.getlist("properties"))
    answer = {"results": [portal.render(portal.contacts[cid], wanted) for cid in page]}
    if start + limit < len(portal.ids):
        answer["paging"] = {"next": {"after": str(page[-1]), "link": f"?after={page[-1]}"}}
    return json_response(200, answer)


@blueprint.get("/crm/v3/objects/contacts/<contact_id>")
@api("read")
def get_contact(portal, contact_id):
    contact = _find(portal, contact_id, request.args.get("idProperty"))
    if contact is None:
        return error(404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.")
    return json_response(200, portal.render(contact, _wanted(request.args.getlist("properties"))))


@blueprint.post("/crm/v3/objects/contacts")
@api("write")
def create_contact(portal):
    properties = (request.get_json(silent=True) or {}).get("properties") or {}
    problems = _problems(portal, properties)
    if problems:
        return _validation_error(problems)
    existing = portal.by_email.get((properties.get("email") or "").lower())
    if existing is not None:
        return error(409, "CONFLICT", f"Contact already exists. Existing ID: {existing}")
    contact = create(portal, properties, int(sandbox().clock.time() * 1000))
    return json_response(201, portal.render(contact, list(contact.properties) or None))


@blueprint.patch("/crm/v3/objects/contacts/<contact_id>")
@api("write")
def update_contact(portal, contact_id):
    contact = _find(portal, contact_id, request.args.get("idProperty"))
    if contact is None:
        return error(404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.")
    properties = (request.get_json(silent=True) or {}).get("properties") or {}
    problems = _problems(portal, properties)
    if problems:
        return _validation_error(problems)
    update(portal, contact, properties, int(sandbox().clock.time() * 1000), sandbox().webhooks)
    return json_response(200, portal.render(contact, list(properties) or None))


@blueprint.delete("/crm/v3/objects/contacts/<contact_id>")
@api("write")
def archive_contact(portal, contact_id):
    """Archive (HubSpot's delete): 204 whether or not the contact existed, as HubSpot answers."""
    contact = _find(portal, contact_id, None)
    if contact is not None:
        remove(portal, contact, int(sandbox().clock.time() * 1000), sandbox().webhooks, privacy=False)
    return Response(status=204)


@blueprint.post("/crm/v3/objects/contacts/gdpr-delete")
@api("write")
def gdpr_delete(portal):
    """Permanently delete a contact to follow privacy law (PublicGdprDeleteInput: objectId, optional idProperty)."""
    body = request.get_json(silent=True) or {}
    if not body.get("objectId"):
        return error(400, "VALIDATION_ERROR", "objectId is required")
    contact = _find(portal, str(body["objectId"]), body.get("idProperty"))
    if contact is None:
        return error(404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.")
    remove(portal, contact, int(sandbox().clock.time() * 1000), sandbox().webhooks, privacy=True)
    return Response(status=204)


@blueprint.post("/crm/v3/objects/contacts/batch/read")
@api("read")
def batch_read(portal):
    body = request.get_json(silent=True) or {}
    inputs = body.get("inputs") or []
    if len(inputs) > BATCH_MAX:
        return error(400, "VALIDATION_ERROR", f"Batch size {len(inputs)} exceeds the maximum of {BATCH_MAX}.")
    found, missing = [], []
    for item in inputs:
        contact = _find(portal, str(item.get("id", "")), body.get("idProperty"))
        (found if contact else missing).append(contact or str(item.get("id")))
    results = [portal.render(c, _wanted(body.get("properties"))) for c in found]
    errors = [_not_found(missing)] if missing else []
    return batch_response(results, errors)


@blueprint.post("/crm/v3/objects/contacts/batch/create")
@api("write")
def batch_create(portal):
    inputs = (request.get_json(silent=True) or {}).get("inputs") or []
    if len(inputs) > BATCH_MAX:
        return error(400, "VALIDATION_ERROR", f"Batch size {len(inputs)} exceeds the maximum of {BATCH_MAX}.")
    stamp = int(sandbox().clock.time() * 1000)
    results, errors = [], []
    for position, item in enumerate(inputs):
        properties = item.get("properties") or {}
        problems = _problems(portal, properties)
        if problems:
            errors.append(_invalid(problems, {"index": [str(position)]}))
            continue
        if (properties.get("email") or "").lower() in portal.by_email:
            errors.append(batch_error("CONFLICT", "Contact already exists.", {"index": [str(position)]}))
            continue
        contact = create(portal, properties, stamp)
        results.append(portal.render(contact, list(contact.properties) or None))
    return batch_response(results, errors, success=201)


@blueprint.post("/crm/v3/objects/contacts/batch/update")
@api("write")
def batch_update(portal):
    inputs = (request.get_json(silent=True) or {}).get("inputs") or []
    if len(inputs) > BATCH_MAX:
        return error(400, "VALIDATION_ERROR", f"Batch size {len(inputs)} exceeds the maximum of {BATCH_MAX}.")
    problems = [p for item in inputs for p in _problems(portal, item.get("properties") or {})]
    if problems:
        return _validation_error(problems)
    stamp = int(sandbox().clock.time() * 1000)
    results, missing = [], []
    for item in inputs:
        contact = _find(portal, str(item.get("id", "")), None)
        if contact is None:
            missing.append(str(item.get("id")))
            continue
        properties = item.get("properties") or {}
        update(portal, contact, properties, stamp, sandbox().webhooks)
        results.append(portal.render(contact, list(properties) or None))
    return batch_response(results, [_not_found(missing)] if missing else [])


def create(portal: Portal, properties: dict, stamp: int) -> Contact:
    values = {name: stored_value(portal, name, value) for name, value in properties.items()}
    contact = Contact(id=sandbox().next_id(), properties=values, created=stamp, modified=stamp)
    portal.add_contact(contact)
    sandbox().webhooks.contact_created(portal.id, contact.id, stamp)
    return contact


def update(portal: Portal, contact: Contact, properties: dict, stamp: int, webhooks: WebhookDispatcher) -> None:
    changed = {}
    for name, value in properties.items():
        value = stored_value(portal, name, value)
        if contact.properties.get(name) != value:
            changed[name] = value
    if new_email := changed.get("email"):
        portal.by_email.pop((contact.properties.get("email") or "").lower(), None)
        portal.by_email[new_email.lower()] = contact.id
    contact.properties.update(changed)
    contact.modified = stamp
    for name, value in changed.items():
        webhooks.property_changed(portal.id, contact.id, name, value, stamp)


def remove(portal: Portal, contact: Contact, stamp: int, webhooks: WebhookDispatcher, privacy: bool) -> None:
    portal.remove_contact(contact)
    webhooks.contact_deleted(portal.id, contact.id, stamp, privacy)


def batch_response(results: list, errors: list, success: int = 200):
    now = iso(sandbox().clock.time() * 1000)
    body = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
    if errors:
        body.update(numErrors=len(errors), errors=errors)
        return json_response(207, body)
    return json_response(success, body)


def _find(portal: Portal, contact_id: str, id_property: str | None) -> Contact | None:
    if id_property == "email":
        cid = portal.by_email.get(contact_id.lower())
        return portal.contacts.get(cid) if cid else None
    return portal.contacts.get(int(contact_id)) if contact_id.isdigit() else None


def _wanted(names) -> list[str] | None:
    if isinstance(names, str):
        names = names.split(",")
    flat = [n for name in names or [] for n in str(name).split(",") if n]
    return flat or None


def _problems(portal: Portal, properties: dict) -> list[dict]:
    problems = []
    for name, value in properties.items():
        refusal = invalid_value(portal, name, value)
        if refusal:
            problems.append({"isValid": False, "message": refusal[1], "error": refusal[0], "name": name})
    return problems


def _validation_error(problems: list[dict]):
    return error(400, "VALIDATION_ERROR", f"Property values were not valid: {json.dumps(problems)}",
                 errors=[{"message": p["message"], "code": p["error"], "context": {"propertyName": [p["name"]]}}
                         for p in problems])


def batch_error(category: str, message: str, context: dict, sub_category: str | None = None) -> dict:
    """One entry of a 207's `errors`: the spec's StandardError, `errors` and `links` included."""
    entry = {"status": "error", "category": category, "message": message, "context": context, "errors": [],
             "links": {}}
    if sub_category:
        entry["subCategory"] = sub_category
    return entry


def _invalid(problems: list[dict], context: dict) -> dict:
    return batch_error("VALIDATION_ERROR", "Property values were not valid: " + "; ".join(p["message"] for p in problems),
                       {**context, "propertyName": [p["name"] for p in problems]}, problems[0]["error"])


def _not_found(ids: list[str]) -> dict:
    return batch_error("OBJECT_NOT_FOUND", "Could not get some CONTACT objects, they may be deleted or not exist. "
                       "Check that ids are valid.", {"ids": ids})
