"""sObject Collections: `composite/sobjects` PATCH (update) and POST (create), 200 records at most, 10 type
chunks at most, allOrNone."""
from __future__ import annotations

from . import activities, permissions, sobjects
from .errors import ApiError, invalid_field
from .store import IdSource, Org

MAX_RECORDS = 200
# REST API Developer Guide, "Update Records Using sObject Collections": records of more than one type are
# processed as chunks, a new chunk at each change of type ({account1, account2, contact1, account3} is three),
# and "A single request can process up to 10 chunks."
MAX_CHUNKS = 10
# The guide names no error code for this; the message is the platform's own ("Cannot have more than 10 chunks
# in a single operation", the TypeException Apex raises for the same rule).
TOO_MANY_CHUNKS = "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking."


def apply(org: Org, ids: IdSource, body, user_id: str, now_ms: int, creating: bool) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be an object with a records list")
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise ApiError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into "
                       "this call")
    if _type_chunks(records) > MAX_CHUNKS:
        raise ApiError(400, "INVALID_BATCH_REQUEST", TOO_MANY_CHUNKS)
    _check_columns(org, records, user_id)
    all_or_none = bool(body.get("allOrNone", False))
    # allOrNone rolls the whole call back on any failure: keep each touched record's prior state to restore.
    journal: dict[tuple[str, str], dict | None] = {}
    results = [_one(org, ids, item, user_id, now_ms, creating, journal) for item in records]
    if all_or_none and not all(r["success"] for r in results):
        _roll_back(org, journal)
        return [r if not r["success"] else ApiError(400, "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                                    "Record rolled back because not all records were valid and "
                                                    "the request was using AllOrNone header").as_result(r["id"])
                for r in results]
    return results


def _check_columns(org: Org, records: list, user_id: str) -> None:
    """A field the user cannot see (unknown, or hidden by field-level security) fails the request body's
    parsing, before any record is tried: one whole-request 400 INVALID_FIELD (REST API Developer Guide,
    "Status Codes and Error Responses", errorcodes.htm: 400 when "the JSON or XML body contains an error"),
    worded "No such column 'X' on sobject of type Lead" as real orgs answer (the guide prints no text for it;
    seen in wadewegner/Force.com-Toolkit-for-NET#90 for a write, jereze/alfred-salesforce#4 for a hidden
    standard field)."""
    visible: dict[str, dict] = {}
    for item in records:
        object_name = _type_of(item)
        if object_name not in org.fields:
            continue  # reported per record
        if object_name not in visible:
            visible[object_name] = permissions.visible_fields(org, object_name, user_id)
        for name in item:
            if name not in ("attributes", "id") and name not in visible[object_name]:
                raise invalid_field(name, object_name)


def _type_chunks(records: list) -> int:
    """How many chunks Salesforce splits the records into: one more at every change of sObject type."""
    types = [_type_of(item) for item in records]
    return sum(1 for i, t in enumerate(types) if i == 0 or t != types[i - 1])


def _type_of(item) -> str | None:
    return ((item or {}).get("attributes") or {}).get("type") if isinstance(item, dict) else None


def _one(org: Org, ids: IdSource, item, user_id: str, now_ms: int, creating: bool, journal: dict) -> dict:
    record_id = item.get("id") if isinstance(item, dict) else None
    try:
        object_name = _type_of(item)
        if not object_name:
            raise ApiError(400, "INVALID_FIELD", "No SObject Type defined in attributes", ["attributes"])
        values = {k: v for k, v in item.items() if k not in ("attributes", "id")}
        if creating:
            activities.check_create(org, object_name, values)
            permissions.check_create(org, object_name, values)
            record_id = sobjects.create(org, ids, object_name, user_id, values, now_ms)
            journal[(object_name, record_id)] = None
        else:
            if not record_id or record_id not in org.tables.get(object_name, {}):
                raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"])
            journal.setdefault((object_name, record_id), dict(org.tables[object_name][record_id]))
            sobjects.update(org, object_name, record_id, user_id, values, now_ms)
        return {"id": record_id, "success": True, "errors": []}
    except ApiError as error:
        return error.as_result(record_id)


def _roll_back(org: Org, journal: dict) -> None:
    for (object_name, record_id), before in journal.items():
        if before is None:
            org.tables[object_name].pop(record_id, None)
        else:
            org.tables[object_name][record_id] = before
