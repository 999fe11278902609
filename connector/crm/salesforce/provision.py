"""Score fields on Lead and Contact through the Tooling API, and the permission set that makes them usable.

Fields created through the API get no field-level security: they exist, but the integration user cannot
see or write them until a FieldPermissions record on a permission set assigned to it grants them (Object
Reference, "FieldPermissions"; simple-salesforce #621/#540/#681 are users meeting this), and they do not
even appear in its describe (Apex Developer Guide, "Understanding Describe Information Permissions"). So
existence is checked in Tooling's `CustomField`, not in describe, and a permission set granting read and
edit is created and assigned. Every step reads before it writes, so a second run changes nothing.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ..base import ProvisionResult, ScoreFieldNames
from .errors import RequestRefused
from .fields import PERMISSION_SET, PERMISSION_SET_LABEL, developer_name, score_field_metadata

REQUEST_TIMEOUT = (5.0, 120.0)
# Another worker (or a rerun after a timeout) created it between our read and our write.
ALREADY_THERE = {"DUPLICATE_VALUE", "DUPLICATE_DEVELOPER_NAME", "DUPLICATES_DETECTED"}

Request = Callable[[str, Callable[[Any], Any]], Any]  # the client's `_request(kind, send)`


class Provisioner:
    def __init__(self, request: Request, names: ScoreFieldNames, objects: Sequence[str]):
        self._request = request
        self._metadata = score_field_metadata(names)
        self._objects = objects

    def provision(self, user_id: str) -> ProvisionResult:
        created, present = self.create_fields()
        self.grant_access(user_id)
        return ProvisionResult(created=created, already_present=present)

    def grant_access(self, user_id: str) -> None:
        """Read and edit on every score field for the integration user, through one permission set."""
        permission_set = self._ensure_permission_set()
        self._ensure_field_permissions(permission_set)
        self._ensure_assignment(permission_set, user_id)

    def create_fields(self) -> tuple[list[str], list[str]]:
        """(created, already present) `Object.Field__c` names."""
        objects = ", ".join(f"'{o}'" for o in self._objects)
        rows = self._query("tooling/query/", "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField "
                                             f"WHERE TableEnumOrId IN ({objects})")
        existing = {(r.get("TableEnumOrId"), r.get("DeveloperName")) for r in rows}
        created, present = [], []
        for object_name in self._objects:
            for field_name, metadata in self._metadata.items():
                full_name = f"{object_name}.{field_name}"
                if (object_name, developer_name(field_name)) in existing:
                    present.append(full_name)
                    continue
                body = {"FullName": full_name, "Metadata": metadata}
                if self._create("schema", "tooling/sobjects/CustomField/", body):
                    created.append(full_name)
                else:
                    present.append(full_name)
        return created, present

    def _ensure_permission_set(self) -> str:
        rows = self._query("query/", f"SELECT Id FROM PermissionSet WHERE Name = '{PERMISSION_SET}'")
        if rows:
            return str(rows[0]["Id"])
        self._create("schema", "sobjects/PermissionSet/", {"Name": PERMISSION_SET, "Label": PERMISSION_SET_LABEL,
                                                          "Description": "Lets the LeadScore connector read and "
                                                                         "write its score fields."})
        return str(self._query("query/", f"SELECT Id FROM PermissionSet WHERE Name = '{PERMISSION_SET}'")[0]["Id"])

    def _ensure_field_permissions(self, permission_set: str) -> None:
        rows = self._query("query/", "SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions "
                                     f"WHERE ParentId = '{permission_set}'")
        granted = {r.get("Field"): r for r in rows}
        for object_name in self._objects:
            for field_name in self._metadata:
                full_name = f"{object_name}.{field_name}"
                row = granted.get(full_name)
                if row is None:
                    self._create("schema", "sobjects/FieldPermissions/", {
                        "ParentId": permission_set, "SobjectType": object_name, "Field": full_name,
                        "PermissionsRead": True, "PermissionsEdit": True})
                elif not (row.get("PermissionsRead") and row.get("PermissionsEdit")):
                    grant = {"PermissionsRead": True, "PermissionsEdit": True}
                    self._request("schema", lambda sf: sf.restful(
                        f"sobjects/FieldPermissions/{row['Id']}", method="PATCH", json=grant, timeout=REQUEST_TIMEOUT))

    def _ensure_assignment(self, permission_set: str, user_id: str) -> None:
        rows = self._query("query/", "SELECT Id FROM PermissionSetAssignment "
                                     f"WHERE PermissionSetId = '{permission_set}' AND AssigneeId = '{user_id}'")
        if not rows:
            self._create("schema", "sobjects/PermissionSetAssignment/",
                         {"PermissionSetId": permission_set, "AssigneeId": user_id})

    def _query(self, path: str, soql: str) -> list[dict[str, Any]]:
        # Small answers (a dozen fields, one permission set): one page is all there is.
        answer = self._request("schema", lambda sf: sf.restful(path, params={"q": soql}, timeout=REQUEST_TIMEOUT))
        return list((answer or {}).get("records") or [])

    def _create(self, kind: str, path: str, body: dict[str, Any]) -> bool:
        """POST one record; False when it turned out to exist already."""
        try:
            self._request(kind, lambda sf: sf.restful(path, method="POST", json=body, timeout=REQUEST_TIMEOUT))
        except RequestRefused as exc:
            if exc.code in ALREADY_THERE:
                return False
            raise
        return True
