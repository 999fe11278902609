"""CRM record ids as the callbacks name them, checked by shape before they reach a query or `int()`.

`str.isdigit()` is not enough: it accepts "²" and "٣", which `int()` refuses or reads as other numbers.
"""
from __future__ import annotations

import re

_HUBSPOT = re.compile(r"[0-9]{1,19}")  # HubSpot ids are positive int64s
_SALESFORCE = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")  # 15- or 18-character ids


def hubspot_id(value) -> str | None:
    """The id as text, or None. JSON numbers count (not booleans, which are ints in Python)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value)
    return text if _HUBSPOT.fullmatch(text) else None


def salesforce_id(value) -> str | None:
    return value if isinstance(value, str) and _SALESFORCE.fullmatch(value) else None
