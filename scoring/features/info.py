"""What each column of the feature matrix means, shared by learners, reasons and the report."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureInfo:
    name: str        # column name in the feature matrix
    source: str      # the original record column it comes from
    label: str       # human label of the source column
    kind: str        # "number" | "category" | "boolean" | "age_days" | "text_signal" | "missing_flag"
    categories: tuple[str, ...] = ()   # kind == "category": code i means categories[i]; the last may be "Other"
    detail: str = ""  # kind == "text_signal": what it detects, e.g. "title mentions a senior role"


def readable(column: str) -> str:
    """'total_time_spent_on_website' -> 'Total time spent on website'."""
    text = " ".join(column.replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:] if text else column
