"""Tooling API: CustomField creation (FullName + Metadata) and the CustomField rows a tooling query sees."""
from __future__ import annotations

import re

from .errors import ApiError
from .store import FieldDef, IdSource, Org

# Tooling metadata type -> the describe type the field then reports.
TYPES = {"Number": "double", "Picklist": "picklist", "LongTextArea": "textarea", "DateTime": "datetime",
         "Text": "string", "Checkbox": "boolean", "Date": "date", "TextArea": "textarea", "Currency": "currency"}
CUSTOM_FIELD_COLUMNS = {"Id", "DeveloperName", "TableEnumOrId", "FullName", "NamespacePrefix"}
_NAME = re.compile(r"^(\w+)\.([A-Za-z][A-Za-z0-9_]*__c)$")


def create_field(org: Org, ids: IdSource, body: dict) -> str:
    full_name, metadata = body.get("FullName"), body.get("Metadata") or {}
    match = _NAME.match(str(full_name or ""))
    if match is None:
        raise ApiError(400, "INVALID_FIELD", f"FullName must look like Object.Name__c, got {full_name!r}", ["FullName"])
    object_name, name = match.groups()
    if object_name not in org.fields:
        raise ApiError(400, "INVALID_TYPE", f"sObject type '{object_name}' is not supported.")
    kind = TYPES.get(metadata.get("type"))
    if kind is None:
        raise ApiError(400, "INVALID_TYPE", f"Unsupported custom field type: {metadata.get('type')!r}", ["type"])
    if name in org.fields[object_name]:
        raise ApiError(400, "DUPLICATE_DEVELOPER_NAME", "There is already a field named "
                       f"{name[:-3]} on {object_name}.", ["DeveloperName"])
    values = tuple(v["fullName"] for v in (metadata.get("valueSet") or {}).get("valueSetDefinition", {}).get("value", []))
    length = int(metadata.get("length") or (131072 if metadata.get("type") == "LongTextArea" else 255))
    org.fields[object_name][name] = FieldDef(name, kind, label=metadata.get("label") or name, picklist=values,
                                             custom=True, length=length if kind in ("string", "textarea") else 0)
    org.secured.add(f"{object_name}.{name}")
    field_id = ids.new("CustomField")
    org.custom_field_ids[f"{object_name}.{name}"] = field_id
    return field_id


def custom_field_rows(org: Org) -> dict[str, dict]:
    rows = {}
    for full_name, field_id in org.custom_field_ids.items():
        object_name, name = full_name.split(".", 1)
        rows[field_id] = {"Id": field_id, "DeveloperName": name[:-3], "TableEnumOrId": object_name,
                          "FullName": full_name, "NamespacePrefix": None}
    return rows
