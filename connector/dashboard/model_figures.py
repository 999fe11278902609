"""A model's held-out figures in words: the one source every dashboard page reads (the metrics stored with the
version at training), named for people and formatted as what they are (rates as %, counts with separators)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from connector.db.models import AuditEvent, ModelVersion
from connector.db.scope import InstallationScope

TIERS = "ABCD"
# Shown in this order; anything else stored with the model stays in its report, not on the dashboard.
METRICS = (
    ("roc_auc", "Ranking quality (ROC AUC, 0.5 = chance)", "{:.3f}"),
    ("top_decile_capture", "Conversions in the top-scored 10%", "{:.0%}"),
    ("lift_top_decile", "Top 10% converts this many times the average", "{:.1f}×"),
    ("base_rate", "Converted overall", "{:.1%}"),
    ("pr_auc", "Precision–recall AUC", "{:.3f}"),
    ("brier", "Probability error (Brier, lower is better)", "{:.3f}"),
    ("baseline_logistic_roc_auc", "Simple baseline's ROC AUC", "{:.3f}"),
    ("cv_roc_auc", "Cross-validated ROC AUC (training rows)", "{:.3f}"),
)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not math.isnan(value) else None


def named_metrics(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, formatted value) for the metrics a person can read, in a fixed order."""
    rows = [(label, fmt.format(value)) for key, label, fmt in METRICS if (value := _number(metrics.get(key))) is not None]
    held_out = _number(metrics.get("rows"))
    if held_out is not None:
        rows.append(("Held-out records these figures come from", f"{int(held_out):,}"))
    return rows


@dataclass(frozen=True)
class TierRate:
    tier: str
    share: float  # of held-out records
    rate: float | None  # converted among them


def tier_rates(metrics: dict[str, Any]) -> list[TierRate]:
    return [TierRate(tier, _number(metrics.get(f"share_{tier}")) or 0.0, _number(metrics.get(f"conversion_rate_{tier}")))
            for tier in TIERS]


def held_out_by_tier(metrics: dict[str, Any]) -> list[tuple[str, int, int, float | None]]:
    """(tier, held-out records, converted, rate) per tier: the overview's figures as counts, for tables that set
    them beside other rankings."""
    rows = _number(metrics.get("rows")) or 0
    return [(r.tier, round(r.share * rows), round((r.rate or 0.0) * r.share * rows), r.rate)
            for r in tier_rates(metrics)]


def headline(metrics: dict[str, Any]) -> str | None:
    """One sentence on what the model is worth, from its held-out rows: the share of conversions landing in
    tiers A–B, against the share of records there."""
    rates = tier_rates(metrics)
    base = _number(metrics.get("base_rate"))
    if not base or any(r.rate is None for r in rates[:2]):
        return None
    top_share = rates[0].share + rates[1].share
    caught = (rates[0].share * rates[0].rate + rates[1].share * rates[1].rate) / base
    rows = _number(metrics.get("rows"))
    tested = (f"{round(base * rows):,} of {int(rows):,} held-out records converted" if rows
              else f"{base:.1%} of held-out records converted")
    return (f"Tiers A–B hold {top_share:.0%} of records and {min(caught, 1):.0%} of conversions "
            f"(tested on records the model never saw: {tested}).")


@dataclass(frozen=True)
class Outcome:
    promoted: bool | None  # None: trained before promotions were recorded
    reason: str
    tier_changes: int | None = None  # records whose tier the promotion's rescoring changed
    rules_held_back: int | None = None  # of those, records a nurture rule would have fired for


def outcomes(scope: InstallationScope, versions: list[ModelVersion]) -> dict[int, Outcome]:
    """Per version id: promoted or rejected and why, and what the promotion's rescoring changed."""
    trained = {event.detail.get("version"): event.detail for event in scope.session.scalars(
        select(AuditEvent).where(AuditEvent.installation_id == scope.installation_id,
                                 AuditEvent.action == "model.trained"))}
    result = {}
    for version in versions:
        decision = version.metrics.get("promotion") or {}
        rescore = (trained.get(version.version) or {}).get("rescore") or {}
        result[version.id] = Outcome(decision.get("promoted"), decision.get("reason", ""),
                                     rescore.get("transitions"), rescore.get("rules_held_back"))
    return result
