"""Identifiers and contact details (ids, emails, names, phones, URLs, free-text notes) are never features."""
from __future__ import annotations

import pandas as pd

from ..features.text import looks_like_short_text
from ..schema import Schema, clean_text
from . import Exclusion, name_tokens

ID_WORDS = frozenset({"id", "uuid", "guid", "key", "email", "mail", "phone", "mobile", "fax", "url", "ip",
                      "name", "firstname", "lastname", "fullname", "address", "street", "zip", "postcode",
                      "postal", "notes", "note", "comment", "comments", "description", "message", "linkedin"})

SHAPES = (
    ("email address", r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
    ("URL", r"(?:https?://|www\.)\S+"),
    ("phone number", r"\+?(?=(?:\D*\d){7})[\d\s().-]{7,}"),
)
# A column whose values are nearly all different identifies a record rather than describing it.
NEAR_UNIQUE = 0.9
FREE_TEXT_WORDS = 8


def identifier_reason(name: str, type_: str, values: pd.Series) -> str | None:
    # Names only count for free values: "Do Not Email" (a yes/no flag) describes a preference, not a contact.
    if type_ != "boolean" and ID_WORDS & set(name_tokens(name)):
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
    unique_share = text.nunique() / len(text)
    if unique_share >= NEAR_UNIQUE and len(text) >= 50:
        if type_ == "number":
            as_num = pd.to_numeric(text, errors="coerce")
            if (as_num.dropna() % 1 == 0).all():
                return "identifier: nearly every record has its own whole number"
        elif type_ != "datetime" and not looks_like_short_text(text):
            return "identifier: nearly every record has its own value"
    return None


def identifier_columns(frame: pd.DataFrame, schema: Schema) -> list[Exclusion]:
    found = []
    for column in schema.columns:
        if column.name in frame:
            reason = identifier_reason(column.name, column.type, frame[column.name])
            if reason:
                found.append(Exclusion(column.name, reason))
    return found
