"""Contact properties and property groups: the schema endpoints, and checking a value against its property
the way HubSpot does before it stores a write."""
from __future__ import annotations

from flask import Blueprint, request

from .http import api, error, json_response, sandbox
from .store import FIELD_TYPES, FIELD_TYPES_FOR, PROPERTY_TYPES, Portal, epoch_ms, iso

blueprint = Blueprint("hubspot_properties", __name__)
READ_ONLY = {"hs_object_id", "lastmodifieddate", "createdate"}  # refused on write, and said so in their definitions


def definition(name: str, label: str, type_: str, field_type: str, group: str = "contactinformation",
               options=(), calculated: bool = False, created_ms: int = 0, custom: bool = False) -> dict:
    return {"name": name, "label": label, "type": type_, "fieldType": field_type, "description": "",
            "groupName": group, "displayOrder": -1, "calculated": calculated, "externalOptions": False,
            "hasUniqueValue": name == "email", "hidden": False, "formField": not calculated, "archived": False,
            "hubspotDefined": not custom, "createdAt": iso(created_ms), "updatedAt": iso(created_ms),
            "options": [_option(o, i) for i, o in enumerate(options)],
            "modificationMetadata": {"archivable": custom, "readOnlyDefinition": not custom,
                                     "readOnlyValue": calculated or name in READ_ONLY}}


def _option(option, order: int) -> dict:
    if isinstance(option, dict):
        return {"label": option.get("label", option["value"]), "value": str(option["value"]),
                "displayOrder": option.get("displayOrder", order), "hidden": bool(option.get("hidden", False))}
    return {"label": str(option), "value": str(option), "displayOrder": order, "hidden": False}


VALUE_MAX = 65_536  # HubSpot refuses longer property values (https://developers.hubspot.com/docs/api/crm/properties)


def invalid_value(portal: Portal, name: str, value) -> tuple[str, str] | None:
    """(HubSpot error code, message) when `value` cannot be written to property `name`, else None."""
    spec = portal.properties.get(name)
    if spec is None:
        return "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'
    if name in READ_ONLY or spec["modificationMetadata"]["readOnlyValue"]:
        return "READ_ONLY_VALUE", f'Property "{name}" is read-only'
    if value is None or value == "":
        return None  # clearing a value is always allowed
    value = str(value)
    kind = spec["type"]
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return "INVALID_LONG" if "." not in value else "INVALID_DOUBLE", f'"{value}" is not a number'
    elif kind in ("date", "datetime"):
        try:
            epoch_ms(value)
        except ValueError:
            return "INVALID_DATE", f'"{value}" is not a valid date (epoch milliseconds or ISO-8601)'
    elif kind == "string" and len(value) > VALUE_MAX:
        # HubSpot documents the limit and the refusal's shape (400 VALIDATION_ERROR, "Property values were not
        # valid: [{isValid, message, error, name}]", developers.hubspot.com/changelog on property validations),
        # but publishes no `error` code for an over-long string: INVALID_STRING is the sandbox's own, unverified.
        return "INVALID_STRING", f'"{name}" is {len(value)} characters, over the limit of {VALUE_MAX}'
    elif kind == "bool" and value.lower() not in ("true", "false"):
        return "INVALID_BOOLEAN", f'"{value}" is not true or false'
    elif kind == "enumeration" and spec["options"]:
        allowed = {o["value"] for o in spec["options"]}
        chosen = value.split(";") if spec["fieldType"] == "checkbox" else [value]
        if any(v not in allowed for v in chosen):
            return "INVALID_OPTION", f'"{value}" was not one of the allowed options: {sorted(allowed)}'
    return None


def stored_value(portal: Portal, name: str, value) -> str | None:
    """The string HubSpot keeps: datetimes written as epoch ms come back as ISO-8601, booleans lowercase."""
    if value is None or value == "":
        return value if value is None else ""
    value = str(value)
    kind = portal.property_type(name)
    if kind == "datetime":
        return iso(epoch_ms(value))
    if kind == "date":
        return iso(epoch_ms(value))[:10]
    if kind == "bool":
        return value.lower()
    return value


@blueprint.get("/crm/v3/properties/contacts")
@api("schema")
def list_properties(portal):
    return json_response(200, {"results": list(portal.properties.values())})


@blueprint.get("/crm/v3/properties/contacts/<name>")
@api("schema")
def get_property(portal, name):
    if name not in portal.properties:
        return error(404, "OBJECT_NOT_FOUND", f"Unable to find property {name} for object type contacts")
    return json_response(200, portal.properties[name])


@blueprint.post("/crm/v3/properties/contacts")
@api("schema")
def create_property(portal):
    body = request.get_json(silent=True) or {}
    problem = _invalid_definition(portal, body)
    if problem:
        return error(400, "VALIDATION_ERROR", problem)
    if body["name"] in portal.properties:
        return error(409, "OBJECT_ALREADY_EXISTS", f"A property named '{body['name']}' already exists.")
    spec = definition(body["name"], body["label"], body["type"], body["fieldType"], body["groupName"],
                      body.get("options") or (), created_ms=int(sandbox().clock.time() * 1000), custom=True)
    spec["description"] = body.get("description") or ""
    portal.properties[body["name"]] = spec
    return json_response(201, spec)


def _invalid_definition(portal: Portal, body: dict) -> str | None:
    for key in ("name", "label", "type", "fieldType", "groupName"):
        if not body.get(key):
            return f"'{key}' is required"
    if body["type"] not in PROPERTY_TYPES:
        return f"'{body['type']}' is not a valid type; expected one of {sorted(PROPERTY_TYPES)}"
    if body["fieldType"] not in FIELD_TYPES:
        return f"'{body['fieldType']}' is not a valid fieldType; expected one of {sorted(FIELD_TYPES)}"
    if body["fieldType"] not in FIELD_TYPES_FOR[body["type"]]:
        return f"fieldType '{body['fieldType']}' is not allowed for type '{body['type']}'"
    if body["groupName"] not in portal.groups:
        return f"property group '{body['groupName']}' does not exist"
    return None


@blueprint.get("/crm/v3/properties/contacts/groups")
@api("schema")
def list_groups(portal):
    return json_response(200, {"results": list(portal.groups.values())})


@blueprint.post("/crm/v3/properties/contacts/groups")
@api("schema")
def create_group(portal):
    body = request.get_json(silent=True) or {}
    if not body.get("name") or not body.get("label"):
        return error(400, "VALIDATION_ERROR", "'name' and 'label' are required")
    if body["name"] in portal.groups:
        return error(409, "OBJECT_ALREADY_EXISTS", f"A property group named '{body['name']}' already exists.")
    portal.groups[body["name"]] = {"name": body["name"], "label": body["label"],
                                   "displayOrder": body.get("displayOrder", -1), "archived": False}
    return json_response(201, portal.groups[body["name"]])
