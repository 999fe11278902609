"""Records of an org: rendering as the API shows them, validated creates and updates, describe."""
from __future__ import annotations

from datetime import date

from . import permissions
from .errors import ApiError, invalid_field, not_found
from .schema import REQUIRED, describe_field
from .soql import SoqlError, parse_datetime, to_ms
from .store import TIME_FIELDS, IdSource, Org, sf_time

NUMERIC = {"double", "int", "currency", "percent"}


def render(record: dict, fields) -> dict:
    out = {}
    for name in fields:
        stamp = TIME_FIELDS.get(name)
        out[name] = sf_time(record[stamp]) if stamp and stamp in record else record.get(name)
    return out


def as_stored(record: dict) -> dict:
    """Every field of a record, datetimes rendered, for the inspection API."""
    names = [k for k in record if not k.startswith("_")] + [n for n, s in TIME_FIELDS.items() if s in record]
    return render(record, names)


def value_of(record: dict, name: str):
    """A record's value in the form WHERE and ORDER BY compare (datetimes as epoch ms)."""
    stamp = TIME_FIELDS.get(name)
    return record.get(stamp) if stamp else record.get(name)


def get(org: Org, object_name: str, record_id: str) -> dict:
    record = org.tables.get(object_name, {}).get(record_id)
    if record is None:
        raise not_found()
    if record.get("IsDeleted"):
        raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted", [])
    return record


def delete(org: Org, object_name: str, record_id: str, now_ms: int) -> None:
    """To the Recycle Bin: the record stays, flagged IsDeleted with a new SystemModstamp, seen only by queryAll
    (REST API Developer Guide, "QueryAll": deleted records are returned, with IsDeleted = true)."""
    record = get(org, object_name, record_id)
    record["IsDeleted"] = True
    record["_ms"] = now_ms


def checked_values(org: Org, object_name: str, user_id: str, values: dict) -> dict:
    """The values to store, or an ApiError naming the first field Salesforce would refuse."""
    if object_name not in org.fields:
        raise ApiError(404, "NOT_FOUND", f"The requested resource does not exist: {object_name}")
    visible = permissions.visible_fields(org, object_name, user_id)
    clean = {}
    for name, value in values.items():
        if name == "attributes":
            continue
        if name not in visible:
            raise invalid_field(name, object_name)
        if not permissions.editable(org, object_name, user_id, name):
            raise ApiError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {name}. "
                           "Please check the security settings of this field.", [name])
        clean[name] = _coerced(visible[name], value)
    return clean


def _coerced(definition, value):
    if value is None:
        return None
    kind, name = definition.type, definition.name
    if kind in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _bad_value(name, value)
        try:
            number = float(value)
        except ValueError:
            raise _bad_value(name, value) from None
        return int(number) if kind == "int" else number
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _bad_value(name, value)
        return value
    if kind == "datetime":
        try:
            return sf_time(to_ms(parse_datetime(str(value))))
        except (ValueError, IndexError, SoqlError):
            raise _bad_value(name, value) from None
    if kind == "date":
        try:
            return date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            raise _bad_value(name, value) from None
    if kind == "picklist" and definition.custom and definition.picklist and value not in definition.picklist:
        raise ApiError(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f"{definition.label}: bad value for "
                       f"restricted picklist field: {value}", [name])
    text = str(value)
    if definition.length and len(text) > definition.length:
        raise ApiError(400, "STRING_TOO_LONG", f"{definition.label}: data value too large", [name])
    return text


def _bad_value(name: str, value) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", f"Cannot deserialize instance of {name} from value {value!r}", [name])


def update(org: Org, object_name: str, record_id: str, user_id: str, values: dict, now_ms: int) -> None:
    record = get(org, object_name, record_id)
    if object_name == "Lead" and record.get("IsConverted"):
        raise ApiError(400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [])
    clean = checked_values(org, object_name, user_id, values)
    record.update(clean)
    record["_ms"] = now_ms


def create(org: Org, ids: IdSource, object_name: str, user_id: str, values: dict, now_ms: int) -> str:
    clean = checked_values(org, object_name, user_id, values)
    missing = [name for name in REQUIRED.get(object_name, ()) if clean.get(name) in (None, "")]
    if missing:
        raise ApiError(400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
    record_id = ids.new(object_name)
    record = {"Id": record_id, "_ms": now_ms, "_created_ms": now_ms, **clean}
    if "OwnerId" in org.fields[object_name] and not record.get("OwnerId"):
        record["OwnerId"] = user_id
    org.tables[object_name][record_id] = record
    return record_id


def describe(org: Org, object_name: str, user_id: str) -> dict:
    if object_name not in org.fields:
        raise ApiError(404, "NOT_FOUND", f"The requested resource does not exist: {object_name}")
    fields = permissions.visible_fields(org, object_name, user_id).values()
    return {"name": object_name, "label": object_name, "custom": False, "queryable": True, "updateable": True,
            "createable": True, "fields": [describe_field(f) for f in fields]}
