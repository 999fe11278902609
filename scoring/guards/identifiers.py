"""Identifiers and contact details (ids, emails, names, phones, URLs, free-text notes) are never features."""
from __future__ import annotations

import pandas as pd

from ..features.text import looks_like_short_text
from ..schema import Schema, clean_text
from . import Exclusion, name_tokens

# Words naming a record's identity: excluded whatever the column holds (a numeric id, a phone stored as a number).
IDENTITY_WORDS = frozenset({"id", "uuid", "guid", "key", "phone", "mobile", "fax", "ip", "zip", "postcode", "postal"})
# Words naming a contact channel or free text: excluded when the column holds text. A count or a date under such
# a name ("Marketing emails opened", "Notes last contacted") measures behaviour and stays a feature.
CHANNEL_WORDS = frozenset({"email", "mail", "url", "name", "firstname", "lastname", "fullname", "address", "street",
                           "notes", "note", "comment", "comments", "description", "message", "linkedin"})
ID_WORDS = IDENTITY_WORDS | CHANNEL_WORDS
MEASURE_TYPES = ("number", "datetime")

SHAPES = (
    ("email address", r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
    ("URL", r"(?:https?://|www\.)\S+"),
    ("phone number", r"\+?(?=(?:\D*\d){7})[\d\s().-]{7,}"),
)
# A column whose values are nearly all different identifies a record rather than describing it.
NEAR_UNIQUE = 0.9
# Record numbers run from one value to the next with few gaps: their range stays within this many times the
# number of records (X Education's Lead Number: about 9 times).
DENSE_RANGE = 100
FREE_TEXT_WORDS = 8


def identifier_reason(name: str, type_: str, values: pd.Series) -> str | None:
    # Names only count for free values: "Do Not Email" (a yes/no flag) describes a preference, not a contact.
    tokens = set(name_tokens(name))
    named = IDENTITY_WORDS if type_ in MEASURE_TYPES else ID_WORDS
    if type_ != "boolean" and named & tokens:
        return "identifier or contact detail (by name)"
    text = clean_text(values).dropna()
    if text.empty:
        return None
    sample = text.astype(str).head(1000)
    for what, pattern in SHAPES:
        if type_ in ("string", "enumeration") and sample.str.fullmatch(pattern).mean() >= 0.8:
            return f"contact detail: values look like {what}s"
    if type_ in ("string", "enumeration") and sample.str.split().str.len().mean() >= FREE_TEXT_WORDS:
        return "free-text notes: never a feature"
    numbers = pd.to_numeric(text, errors="coerce")
    # CRMs type many numbers as text (HubSpot's annual revenue is a string property): judge them as numbers.
    if type_ == "number" or (type_ in ("string", "enumeration") and numbers.notna().mean() >= 0.95):
        return _numbering_reason(numbers.dropna())
    if text.nunique() / len(text) >= NEAR_UNIQUE and len(text) >= 50 and type_ != "datetime" \
            and not looks_like_short_text(text):
        return "identifier: nearly every record has its own value"
    return None


def _numbering_reason(numbers: pd.Series) -> str | None:
    """Whole numbers, nearly all different and packed densely (a record number) are a numbering, not a measure:
    amounts such as revenue are nearly unique too, but spread over a wide range."""
    if len(numbers) < 50 or numbers.nunique() / len(numbers) < NEAR_UNIQUE or not (numbers % 1 == 0).all():
        return None
    if numbers.max() - numbers.min() <= DENSE_RANGE * len(numbers):
        return "identifier: nearly every record has its own whole number"
    return None


def identifier_columns(frame: pd.DataFrame, schema: Schema) -> list[Exclusion]:
    found = []
    for column in schema.columns:
        if column.name in frame:
            reason = identifier_reason(column.name, column.type, frame[column.name])
            if reason:
                found.append(Exclusion(column.name, reason))
    return found
