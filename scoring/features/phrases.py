"""One factor of one record in words a rep understands: "Time spent on website: 1,250", "Created 12 days ago",
"No specialization recorded", "Job title mentions a senior role"."""
from __future__ import annotations

import re

import numpy as np

from .info import FeatureInfo

# Trailing words that only say "this is a date": "Last email opened date" -> "Last email opened 12 days ago".
DATE_WORDS = frozenset({"date", "at", "on", "time", "timestamp", "datetime", "day"})
QUESTION_WORDS = frozenset({"what", "how", "which", "who", "why", "when", "where", "do", "does", "did", "are", "is",
                            "have", "has", "would", "will", "can"})
CREATED_WORDS = frozenset({"create", "created", "createdate", "createddate", "creation"})


def spoken(label: str) -> str:
    """'Total Time Spent on Website' -> 'Time spent on website': sentence case, a leading 'Total' dropped.
    Acronyms and one-letter words keep their capitals ('DM', 'X Education')."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", label).split()  # 'TotalVisits' -> 'Total Visits'
    if len(words) > 1 and words[0].lower() == "total":
        words = words[1:]
    out = [w if (w.isupper() or len(w) == 1) else w.lower() for w in words]
    if out:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def shown_number(values: np.ndarray) -> np.ndarray:
    """Rounded as a person would say it: whole numbers from 10 up, one decimal from 1, two below."""
    magnitude = np.abs(values)
    return np.where(magnitude >= 10, np.round(values), np.where(magnitude >= 1, np.round(values, 1),
                                                                 np.round(values, 2)))


def quote_number(value: float) -> str:
    value = float(shown_number(np.float64(value)))
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def age(days: float) -> str:
    days = int(round(days))
    if days < 0:
        return f"in {-days:,} day{'s' if days != -1 else ''}"
    if days == 0:
        return "today"
    if days < 90:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def date_stem(label: str) -> str:
    """'Create date' -> 'Created', 'Last email opened date' -> 'Last email opened'."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", label).split()
    while len(words) > 1 and words[-1].lower() in DATE_WORDS:
        words = words[:-1]
    if words and words[0].lower() in CREATED_WORDS:
        words = ["Created", *words[1:]]
    return spoken(" ".join(words))


# A record's own words are quoted up to this many characters: five reasons, each ending in its points, stay
# readable on a card and well inside the CRM's reasons field, and the points are never what gets cut.
SHOWN_MAX = 60


def clipped(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1].rstrip() + "…"


def phrase(info: FeatureInfo, value: float, raw) -> str:
    """One factor in words, from the feature's label and kind and the record's real value."""
    label = spoken(info.label)
    if value != value and info.kind == "category" and isinstance(raw, str) and raw.strip():
        return f"{label}: {clipped(raw.strip())}"  # a coded "unknown" / "n/a" the record holds: said as written
    if value != value:  # NaN: nothing recorded (a text signal on missing text says the same)
        if label.split()[0].lower() in QUESTION_WORDS:  # a form question: "What is your current occupation"
            return f"No answer to “{label}”"
        return f"No {label[:1].lower() + label[1:] if not label.split()[0].isupper() else label} recorded"
    if info.kind == "text_signal":
        detail = spoken(info.detail) if info.detail else f"{label} matches"
        return detail if value == 1 else detail.replace(" mentions ", " does not mention ", 1)
    if info.kind == "boolean":
        return f"{label}: {'yes' if value else 'no'}"
    if info.kind == "age_days":
        return f"{date_stem(info.label)} {age(value)}"
    if info.kind == "category":
        shown = raw if isinstance(raw, str) and raw.strip() else (
            info.categories[int(value)] if 0 <= int(value) < len(info.categories) else "other")
        return f"{label}: {clipped(shown)}"
    return f"{label}: {quote_number(value)}"
