"""Field-level security: a field created through the API is invisible and unwritable to every user until a
permission set granting it is assigned to them. Object Reference, "FieldPermissions"
(https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-fieldpermissions.html):
"To grant a user access to a field, associate a FieldPermissions record with a PermissionSet that's assigned
to a user"; a describe by a user without access leaves the field out (Apex Developer Guide, "Understanding
Describe Information Permissions"). simple-salesforce #540/#621/#681 are people meeting this."""
from __future__ import annotations

from .errors import ApiError
from .store import FieldDef, Org


def grants(org: Org, user_id: str, full_name: str) -> tuple[bool, bool]:
    """(read, edit) that `user_id`'s assigned permission sets give on `Object.Field__c`."""
    assigned = {a.get("PermissionSetId") for a in org.tables["PermissionSetAssignment"].values()
                if a.get("AssigneeId") == user_id}
    read = edit = False
    for permission in org.tables["FieldPermissions"].values():
        if permission.get("Field") == full_name and permission.get("ParentId") in assigned:
            read = read or bool(permission.get("PermissionsRead") or permission.get("PermissionsEdit"))
            edit = edit or bool(permission.get("PermissionsEdit"))
    return read, edit


def visible_fields(org: Org, object_name: str, user_id: str) -> dict[str, FieldDef]:
    """The fields a user can see on an object; the secured ones only when granted."""
    fields = org.fields.get(object_name, {})
    return {name: definition for name, definition in fields.items()
            if f"{object_name}.{name}" not in org.secured or grants(org, user_id, f"{object_name}.{name}")[0]}


def editable(org: Org, object_name: str, user_id: str, name: str) -> bool:
    definition = org.fields.get(object_name, {}).get(name)
    if definition is None or not definition.updateable:
        return False
    full_name = f"{object_name}.{name}"
    return full_name not in org.secured or grants(org, user_id, full_name)[1]


def check_create(org: Org, object_name: str, values: dict) -> None:
    """The uniqueness and reference rules Salesforce enforces on the security objects."""
    if object_name == "PermissionSet":
        if any(p.get("Name") == values.get("Name") for p in org.tables["PermissionSet"].values()):
            raise ApiError(400, "DUPLICATE_VALUE", "duplicate value found: Name duplicates value on record", ["Name"])
    elif object_name == "FieldPermissions":
        object_part, _, name = str(values.get("Field", "")).partition(".")
        if name not in org.fields.get(object_part, {}) or values.get("ParentId") not in org.tables["PermissionSet"]:
            raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", f"invalid field or permission set: {values.get('Field')}",
                           ["Field"])
    elif object_name == "PermissionSetAssignment":
        if values.get("PermissionSetId") not in org.tables["PermissionSet"] or values.get("AssigneeId") not in org.tables["User"]:
            raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["PermissionSetId"])
        if any((a.get("PermissionSetId"), a.get("AssigneeId")) == (values["PermissionSetId"], values["AssigneeId"])
               for a in org.tables["PermissionSetAssignment"].values()):
            raise ApiError(400, "DUPLICATE_VALUE", "duplicate value found: AssigneeId", ["AssigneeId"])
