"""`POST /crm/v3/objects/contacts/search`: filter groups, sorts, paging and HubSpot's limits.

HubSpot compares numbers and datetimes numerically (datetimes as epoch milliseconds) and everything else
as strings, EQ/NEQ/IN ignoring case. A query may page through at most 10,000 results; asking past that is a
400, which is why incremental syncs page on `hs_object_id` with GT instead.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from flask import Blueprint, request

from .http import api, error, json_response
from .store import NUMERIC_TYPES, Contact, Portal, epoch_ms

blueprint = Blueprint("hubspot_search", __name__)
RESULT_CAP = 10_000
MAX_PAGE = 200
MAX_GROUPS, MAX_FILTERS = 5, 6
OPERATORS = {"EQ", "NEQ", "GT", "GTE", "LT", "LTE", "IN", "NOT_IN", "BETWEEN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
             "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}


class BadSearch(ValueError):
    """A search body HubSpot would refuse with 400 VALIDATION_ERROR."""


@blueprint.post("/crm/v3/objects/contacts/search")
@api("search")
def search(portal):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, "VALIDATION_ERROR", "The request body must be a JSON object.")
    try:
        limit, after = _paging(body)
        groups = [[_predicate(portal, f) for f in group.get("filters") or []] for group in _groups(body)]
        ordering = _ordering(body.get("sorts") or [])
    except BadSearch as problem:
        return error(400, "VALIDATION_ERROR", str(problem))
    if after >= RESULT_CAP:
        return error(400, "VALIDATION_ERROR", f"Paging past {RESULT_CAP} results is not supported; "
                     "narrow the filters (e.g. hs_object_id GT the last id seen).")
    matches = [portal.contacts[cid] for cid in _candidates(portal, body) if _matches(portal.contacts[cid], groups)]
    query = (body.get("query") or "").strip().lower()
    if query:
        matches = [c for c in matches if any(query in (c.properties.get(n) or "").lower()
                                             for n in ("email", "firstname", "lastname", "phone", "company"))]
    if ordering not in ([], [("hs_object_id", False)]):  # candidates already come in ascending id order
        for name, descending in reversed(ordering):
            matches.sort(key=_sort_key(portal, name), reverse=descending)
    end = min(after + limit, len(matches), RESULT_CAP)
    answer = {"total": len(matches),
              "results": [portal.render(c, body.get("properties")) for c in matches[after:end]]}
    if end < min(len(matches), RESULT_CAP):
        answer["paging"] = {"next": {"after": str(end)}}
    return json_response(200, answer)


def _paging(body: dict) -> tuple[int, int]:
    try:
        limit = int(body.get("limit") or 10)
        after = int(body.get("after") or 0)
    except (TypeError, ValueError):
        raise BadSearch("'limit' and 'after' must be integers") from None
    if not 0 < limit <= MAX_PAGE:
        raise BadSearch(f"'limit' must be between 1 and {MAX_PAGE}")
    if after < 0:
        raise BadSearch("'after' must not be negative")
    return limit, after


def _groups(body: dict) -> list[dict]:
    groups = body.get("filterGroups") or []
    if len(groups) > MAX_GROUPS:
        raise BadSearch(f"at most {MAX_GROUPS} filterGroups are allowed")
    if any(len(g.get("filters") or []) > MAX_FILTERS for g in groups):
        raise BadSearch(f"at most {MAX_FILTERS} filters are allowed in a filterGroup")
    return groups


def _comparable(portal: Portal, name: str):
    """A function giving a contact's value of `name` in the form HubSpot compares it (None when unset)."""
    if name == "hs_object_id":
        return lambda c: c.id
    if name == "lastmodifieddate":
        return lambda c: c.modified
    if name == "createdate":
        return lambda c: c.created
    if portal.property_type(name) in NUMERIC_TYPES:
        def numeric(c: Contact):
            value = c.properties.get(name)
            return _number(value) if value not in (None, "") else None
        return numeric
    return lambda c: c.properties.get(name) or None


def _number(value: str) -> float | None:
    try:
        return epoch_ms(value)
    except ValueError:
        return None  # a stored value that is not a number never matches a numeric filter


def _target(portal: Portal, name: str, value, numeric: bool):
    if value is None:
        raise BadSearch(f"a filter on '{name}' needs a value")
    if not numeric:
        return str(value)
    try:
        return epoch_ms(str(value))
    except ValueError:
        raise BadSearch(f"'{value}' is not a number or a date, as property '{name}' needs") from None


def _predicate(portal: Portal, spec: dict):
    name, operator = spec.get("propertyName"), spec.get("operator", "EQ")
    if not name or operator not in OPERATORS:
        raise BadSearch(f"each filter needs a propertyName and one of the operators {sorted(OPERATORS)}")
    get = _comparable(portal, name)
    if operator == "HAS_PROPERTY":
        return lambda c: get(c) is not None
    if operator == "NOT_HAS_PROPERTY":
        return lambda c: get(c) is None
    numeric = name in ("hs_object_id", "lastmodifieddate", "createdate") or portal.property_type(name) in NUMERIC_TYPES
    fold = (lambda v: v) if numeric else (lambda v: v.lower())
    if operator in ("IN", "NOT_IN"):
        targets = {fold(_target(portal, name, v, numeric)) for v in spec.get("values") or []}
        if operator == "IN":
            return lambda c: (v := get(c)) is not None and fold(v) in targets
        return lambda c: (v := get(c)) is None or fold(v) not in targets
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        token = str(spec.get("value", "")).lower().strip("*")
        found = lambda c: token in str(get(c) or "").lower()  # noqa: E731
        return found if operator == "CONTAINS_TOKEN" else (lambda c: not found(c))
    low = _target(portal, name, spec.get("value"), numeric)
    if operator == "BETWEEN":
        high = _target(portal, name, spec.get("highValue"), numeric)
        return lambda c: (v := get(c)) is not None and low <= v <= high
    if operator in ("EQ", "NEQ"):
        low = fold(low)
        if operator == "EQ":
            return lambda c: (v := get(c)) is not None and fold(v) == low
        return lambda c: (v := get(c)) is None or fold(v) != low
    compare = {"GT": lambda v: v > low, "GTE": lambda v: v >= low, "LT": lambda v: v < low, "LTE": lambda v: v <= low}
    test = compare[operator]
    return lambda c: (v := get(c)) is not None and test(v)


def _matches(contact: Contact, groups) -> bool:
    return not groups or any(all(p(contact) for p in group) for group in groups)


def _candidates(portal: Portal, body: dict) -> list[int]:
    """Ids that can match: a slice of the sorted ids when every group bounds hs_object_id, else all of them.

    This keeps the hs_object_id-GT paging of a 25k-contact portal from testing every contact on every page."""
    low, high = None, None
    for group in body.get("filterGroups") or []:
        bound = _id_bounds(group.get("filters") or [])
        if bound is None:
            return portal.ids
        low = bound[0] if low is None else min(low, bound[0])
        high = bound[1] if high is None else max(high, bound[1])
    if low is None:
        return portal.ids
    return portal.ids[bisect_left(portal.ids, low):bisect_right(portal.ids, high)]


def _id_bounds(filters: list[dict]) -> tuple[float, float] | None:
    low, high = float("-inf"), float("inf")
    bounded = False
    for f in filters:
        if f.get("propertyName") != "hs_object_id" or f.get("operator") not in ("GT", "GTE", "LT", "LTE", "EQ"):
            continue
        try:
            value = float(f.get("value"))
        except (TypeError, ValueError):
            return None
        bounded = True
        op = f["operator"]
        if op in ("GT", "GTE", "EQ"):
            low = max(low, value)
        if op in ("LT", "LTE", "EQ"):
            high = min(high, value)
    return (low, high) if bounded else None


def _ordering(sorts: list) -> list[tuple[str, bool]]:
    """Both forms the SDK lets through: "name" / "-name" strings and {propertyName, direction} dicts."""
    ordering = []
    for item in sorts:
        if isinstance(item, str):
            ordering.append((item.lstrip("-"), item.startswith("-")))
        elif isinstance(item, dict) and item.get("propertyName"):
            direction = str(item.get("direction", "ASCENDING")).upper()
            if direction not in ("ASCENDING", "DESCENDING"):
                raise BadSearch("a sort direction is ASCENDING or DESCENDING")
            ordering.append((item["propertyName"], direction == "DESCENDING"))
        else:
            raise BadSearch("each sort is a property name or {propertyName, direction}")
    return ordering


def _sort_key(portal: Portal, name: str):
    get = _comparable(portal, name)
    # Records without the value sort last ascending, as HubSpot puts blanks at the end.
    return lambda c: (1, 0) if (v := get(c)) is None else (0, v if isinstance(v, (int, float)) else v.lower())
