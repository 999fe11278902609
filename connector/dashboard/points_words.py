"""Points rules in words for the points page: the feature's label, the condition with a readable number, the
points; and learnt thresholds rounded to what a person would write (42613648.5 -> 42,600,000)."""
from __future__ import annotations

from typing import Any

WORDS = {">=": "at least", "<": "below", "==": "is", "!=": "is not"}
DIGITS = 3  # significant digits kept in a learnt threshold: the ranking barely moves, the rule becomes readable


def rounded(rules: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Learnt rules with numeric thresholds to DIGITS significant digits (categories and points unchanged)."""
    if rules is None:
        return None
    result = []
    for rule in rules:
        value = rule["when"].get("value")
        if isinstance(value, float):
            value = float(f"{value:.{DIGITS}g}")
            rule = {**rule, "when": {**rule["when"], "value": int(value) if value.is_integer() else value}}
        result.append(rule)
    return result


def in_words(rules: list[dict[str, Any]] | None, features: dict) -> list[tuple[str, str, str]]:
    """(feature label, condition, points) per rule, e.g. ("Annual revenue", "at least 42,600,000", "+10")."""
    rows = []
    for rule in rules or []:
        when = rule["when"]
        info = features.get(when["column"])
        label = info.label if info is not None else when["column"]
        if when["op"] == "is_missing":
            condition = "is missing"
        else:
            value = when["value"]
            shown = f"{value:,}" if isinstance(value, int) else f"{value:,.{DIGITS}g}" if isinstance(value, float) else str(value)
            condition = f"{WORDS.get(when['op'], when['op'])} {shown}"
        rows.append((label, condition, f"{int(rule['points']):+d}"))
    return rows
