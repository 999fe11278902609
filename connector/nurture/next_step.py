"""The next-best action: one suggested next step per record, from its tier and its strongest reasons, by rules
the admin can edit (`InstallationSettings.next_step_rules`). The first rule that matches wins.

A rule: {"tiers": ["A"], "reason_contains": "pricing", "requires": "industry", "say": "Call within 24 h: {reason}"}.
`say` may name {reason} (the matching reason, or the strongest one, in plain words), {tier}, {score}, and any
property of the record ({industry}); a property the record lacks reads as blank. Opted-out records get none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from connector.db.settings import InstallationSettings
from connector.privacy.opt_out import is_opted_out


@dataclass(frozen=True)
class NextStepRule:
    tiers: tuple[str, ...]
    say: str
    reason_contains: str = ""  # matched case-insensitively against each reason
    requires: str = ""  # a property the record must hold a value in


DEFAULT_NEXT_STEP_RULES = (
    NextStepRule(("A",), "Call within 24 h: {reason}", reason_contains="pricing"),
    NextStepRule(("A",), "Call within 24 h: {reason}"),
    NextStepRule(("B",), "Send a case study from {industry}: {reason}", requires="industry"),
    NextStepRule(("B",), "Send a case study: {reason}"),
    NextStepRule(("C",), "Keep nurturing by email: {reason}"),
    NextStepRule(("D",), "No outreach for now: {reason}"),
)
_ARROW = re.compile(r"^[▲▼]\s*")
_POINTS = re.compile(r"\s*\([+\-−]\d+\)$")


def plain_reason(reason: str) -> str:
    """"▲ Visited pricing 4 times (+12)" -> "Visited pricing 4 times": a rep reads the step, not the score."""
    return _POINTS.sub("", _ARROW.sub("", reason.strip()))


def next_step(tier: str, score: int, reasons: Sequence[str], properties: dict[str, Any] | None,
              settings: InstallationSettings) -> str | None:
    """The suggested next step, or None (opted out, or no rule matches)."""
    properties = properties or {}
    if is_opted_out(properties, settings):
        return None
    for rule in rules_from_json(settings.next_step_rules):
        if tier not in rule.tiers or (rule.requires and not str(properties.get(rule.requires) or "").strip()):
            continue
        matching = [r for r in reasons if rule.reason_contains.lower() in r.lower()]
        if rule.reason_contains and not matching:
            continue
        reason = plain_reason(matching[0]) if matching else ""
        values = _Blank({k: "" if v is None else str(v) for k, v in properties.items()})
        values.update(reason=reason, tier=tier, score=str(score))
        return rule.say.format_map(values).strip().rstrip(":").strip()
    return None


def rules_from_json(data: Any) -> tuple[NextStepRule, ...]:
    """Stored rules (dicts, as `InstallationSettings.next_step_rules` keeps them); the defaults when none."""
    if not data:
        return DEFAULT_NEXT_STEP_RULES
    return tuple(NextStepRule(tuple(r.get("tiers") or ()), str(r.get("say") or ""), str(r.get("reason_contains") or ""),
                              str(r.get("requires") or "")) for r in data)


def rules_as_lines(rules: tuple[NextStepRule, ...]) -> str:
    """The settings form's text: one rule a line, `tiers | reason contains | record has | step`."""
    return "\n".join(f"{', '.join(r.tiers)} | {r.reason_contains} | {r.requires} | {r.say}" for r in rules)


def rules_from_lines(text: str) -> tuple[tuple[dict[str, Any], ...], str | None]:
    """(rules as stored, the first problem); no rules stored when the text is the defaults, so improved defaults
    reach installations that never edited them."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|", 3)]
        if len(parts) != 4:
            return (), f"Line {number}: write it as  tiers | reason contains | record has | step"
        rule = NextStepRule(tuple(t.strip().upper() for t in parts[0].split(",") if t.strip()), parts[3],
                            parts[1], parts[2])
        problem = rule_problem(rule)
        if problem:
            return (), f"Line {number}: {problem}."
        rules.append(rule)
    if tuple(rules) == DEFAULT_NEXT_STEP_RULES:
        return (), None
    return tuple({"tiers": list(r.tiers), "say": r.say, "reason_contains": r.reason_contains,
                  "requires": r.requires} for r in rules), None


def rule_problem(rule: NextStepRule) -> str | None:
    if not rule.tiers or not set(rule.tiers) <= {"A", "B", "C", "D"}:
        return "each next-step rule names one or more of the tiers A, B, C, D"
    if not rule.say.strip():
        return "each next-step rule says what to do"
    try:
        rule.say.format_map(_Blank())
    except (ValueError, IndexError, AttributeError) as exc:
        return f"the step “{rule.say}” cannot be filled in: {exc}"
    return None


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
