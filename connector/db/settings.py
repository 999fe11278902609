"""An installation's settings: the typed view of its JSON column, with per-CRM defaults and validation.

Workers read these (field names, tier cut points, schedule, label, segments, protected/keep columns);
the dashboard edits them. Unknown or missing keys fall back to defaults so older rows keep working.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from connector.crm.base import ScoreFieldNames

DEFAULT_FIELD_NAMES = {
    "hubspot": ScoreFieldNames(score="leadscore_score", tier="leadscore_tier", reasons="leadscore_reasons",
                               scored_at="leadscore_scored_at", model="leadscore_model",
                               override_tier="leadscore_override_tier", arm="leadscore_arm",
                               next_step="leadscore_next_step"),
    "salesforce": ScoreFieldNames(score="LeadScore_Score__c", tier="LeadScore_Tier__c",
                                  reasons="LeadScore_Reasons__c", scored_at="LeadScore_Scored_At__c",
                                  model="LeadScore_Model__c", override_tier="LeadScore_Override_Tier__c",
                                  arm="LeadScore_Arm__c", next_step="LeadScore_Next_Step__c"),
}
# HubSpot internal property names are lowercase; Salesforce custom fields must end in __c.
FIELD_NAME_RULES = {
    "hubspot": (re.compile(r"^[a-z][a-z0-9_]{0,99}$"), "lowercase letters, digits and _, starting with a letter"),
    "salesforce": (re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,36}__c$"),
                   "letters, digits and _, starting with a letter and ending in __c"),
}
PROPERTY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,99}$")
# Who must not be scored (see connector.privacy.opt_out): the CRM's standard do-not-email flag by default,
# present in every account without provisioning; an admin may name a dedicated boolean property instead.
DEFAULT_OPT_OUT_PROPERTY = {"hubspot": "hs_email_optout", "salesforce": "HasOptedOutOfEmail"}
MAX_RETENTION_DAYS = 3650
MIN_INTERVAL, MAX_INTERVAL = 5, 24 * 60  # minutes; below 5 a sync would overlap the previous one on big accounts


@dataclass(frozen=True)
class TierCuts:
    """Lowest score of each tier; below `c` is D."""

    a: int = 75
    b: int = 50
    c: int = 25

    def tier_for(self, score: int) -> str:
        return "A" if score >= self.a else "B" if score >= self.b else "C" if score >= self.c else "D"

    @classmethod
    def from_model(cls, cuts: dict[str, float]) -> "TierCuts":
        """A model's cut points ({"A": 31.0, ...}, learnt from training shares) as whole scores: a score is an
        integer, so `score >= 30.4` and `score >= 31` put the same records in A."""
        return cls(*(math.ceil(cuts[tier]) for tier in "ABC"))


# What the settings form saved for everyone before "the model's cut points" was a choice; never chosen on purpose.
_OLD_FORM_DEFAULT = {"a": 75, "b": 50, "c": 25}


@dataclass(frozen=True)
class LabelDefinition:
    """A record counts as converted when `property` holds one of `positive_values`."""

    property: str = "lifecyclestage"
    positive_values: tuple[str, ...] = ("customer",)

    def converted(self, properties: dict) -> bool | None:
        """Compared case-insensitively, as CRMs are inconsistent about "true"/"True". None when the record has
        no such property (a Salesforce Contact, the person a converted Lead became): no outcome of its own."""
        if self.property not in properties:
            return None
        return str(properties[self.property] or "").strip().lower() in {str(v).strip().lower()
                                                                        for v in self.positive_values}


@dataclass(frozen=True)
class Segment:
    """A named slice of records (e.g. a region) that gets its own tier distribution."""

    name: str
    property: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class InstallationSettings:
    field_names: ScoreFieldNames
    tier_cuts: TierCuts | None = None  # None: the champion model's own cut points (`cuts_in_use`)
    schedule_minutes: int = 15
    paused: bool = False
    label: LabelDefinition = LabelDefinition()
    segments: tuple[Segment, ...] = ()
    protected_columns: tuple[str, ...] = ()  # never used as features (fairness)
    keep_columns: tuple[str, ...] = ()  # kept even when the leakage guard would drop them
    # Retraining starts when AUC on recent outcomes falls below `retrain_auc_below` or the score's drift
    # (PSI, training week vs latest week) reaches `retrain_psi_from` (0.25 is the usual "act" level).
    retrain_auc_below: float = 0.65
    retrain_psi_from: float = 0.25
    # Tier changes caused only by a newly promoted model (the record unchanged) fire nurture rules only when set.
    model_swaps_fire_rules: bool = False
    # HubSpot legacy CRM cards sign with v2, which has no timestamp (a captured fetch replays forever): refused
    # unless an admin turns this on for an app that still has them.
    legacy_cards: bool = False
    # A boolean CRM property: records holding true there are neither scored, trained on nor nurtured, and their
    # score fields are cleared. "" turns the opt-out off.
    opt_out_property: str = ""
    # Snapshots (and the scores kept with them) of records the CRM has not changed for this many days are
    # purged by beat; None keeps them for as long as the record exists.
    snapshot_retention_days: int | None = None
    # The next-best action's rules, as stored ({"tiers", "say", "reason_contains", "requires"}); none: the
    # defaults (connector.nurture.next_step).
    next_step_rules: tuple[dict[str, Any], ...] = ()

    @classmethod
    def defaults(cls, crm: str) -> "InstallationSettings":
        label = LabelDefinition() if crm == "hubspot" else LabelDefinition("IsConverted", ("true",))
        return cls(field_names=DEFAULT_FIELD_NAMES[crm], label=label, opt_out_property=DEFAULT_OPT_OUT_PROPERTY[crm])

    @classmethod
    def from_json(cls, crm: str, data: dict[str, Any]) -> "InstallationSettings":
        base = cls.defaults(crm)
        names = {**asdict(base.field_names), **data.get("field_names", {})}
        label = data.get("label") or {}
        return replace(
            base,
            field_names=ScoreFieldNames(**names),
            tier_cuts=_stored_cuts(data.get("tier_cuts")),
            schedule_minutes=int(data.get("schedule_minutes", base.schedule_minutes)),
            paused=bool(data.get("paused", base.paused)),
            label=LabelDefinition(label.get("property", base.label.property),
                                  tuple(label.get("positive_values", base.label.positive_values))),
            segments=tuple(Segment(s["name"], s["property"], tuple(s["values"])) for s in data.get("segments", [])),
            protected_columns=tuple(data.get("protected_columns", ())),
            keep_columns=tuple(data.get("keep_columns", ())),
            retrain_auc_below=float(data.get("retrain_auc_below", base.retrain_auc_below)),
            retrain_psi_from=float(data.get("retrain_psi_from", base.retrain_psi_from)),
            model_swaps_fire_rules=bool(data.get("model_swaps_fire_rules", base.model_swaps_fire_rules)),
            legacy_cards=bool(data.get("legacy_cards", base.legacy_cards)),
            opt_out_property=str(data.get("opt_out_property", base.opt_out_property) or ""),
            snapshot_retention_days=_optional_days(data.get("snapshot_retention_days")),
            next_step_rules=tuple(dict(r) for r in data.get("next_step_rules") or () if isinstance(r, dict)),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self, crm: str) -> dict[str, str]:
        """Problems by form field name; empty when the settings can be saved."""
        errors: dict[str, str] = {}
        pattern, rule = FIELD_NAME_RULES[crm]
        names = asdict(self.field_names)
        for key, name in names.items():
            if not pattern.match(name):
                errors[f"field_{key}"] = f"Use {rule}."
        if len(set(names.values())) != len(names) and not any(k.startswith("field_") for k in errors):
            errors["field_score"] = "Each score field needs its own name."
        cuts = self.tier_cuts
        if cuts is not None and not 0 < cuts.c < cuts.b < cuts.a < 100:
            errors["tier_cuts"] = "Cut points must satisfy 0 < C < B < A < 100."
        if not MIN_INTERVAL <= self.schedule_minutes <= MAX_INTERVAL:
            errors["schedule_minutes"] = f"Choose between {MIN_INTERVAL} and {MAX_INTERVAL} minutes."
        if not PROPERTY_NAME.match(self.label.property):
            errors["label_property"] = "Enter the CRM property that marks a converted record."
        if not self.label.positive_values:
            errors["label_values"] = "Enter at least one value that means converted."
        segment_names = [s.name for s in self.segments]
        if len(set(segment_names)) != len(segment_names):
            errors["segments"] = "Segment names must be unique."
        for key, columns in (("protected_columns", self.protected_columns), ("keep_columns", self.keep_columns)):
            bad = [c for c in columns if not PROPERTY_NAME.match(c)]
            if bad:
                errors[key] = f"Not a property name: {', '.join(bad)}."
        if set(self.protected_columns) & set(self.keep_columns):
            errors["keep_columns"] = "A protected column cannot also be kept."
        if not 0.5 <= self.retrain_auc_below <= 0.95:
            errors["retrain_auc_below"] = "Choose an AUC between 0.5 (no better than chance) and 0.95."
        if not 0.05 <= self.retrain_psi_from <= 2.0:
            errors["retrain_psi_from"] = "Choose a PSI between 0.05 and 2 (0.25 is the usual level to act at)."
        if self.opt_out_property and not PROPERTY_NAME.match(self.opt_out_property):
            errors["opt_out_property"] = "Enter the CRM property that marks an opted-out record, or leave it blank."
        days = self.snapshot_retention_days
        if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
            errors["snapshot_retention_days"] = f"Choose between 1 and {MAX_RETENTION_DAYS} days, or leave it blank."
        return errors

    def cuts_in_use(self, model_cuts: dict[str, float] | None) -> TierCuts | None:
        """The cut points the CRM's tiers are written with: the admin's when set, else the champion model's
        (None before there is a model)."""
        if self.tier_cuts is not None:
            return self.tier_cuts
        return TierCuts.from_model(model_cuts) if model_cuts else None


def _optional_days(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _stored_cuts(data: dict[str, int] | None) -> TierCuts | None:
    if not data or data == _OLD_FORM_DEFAULT:
        return None
    return TierCuts(**data)
