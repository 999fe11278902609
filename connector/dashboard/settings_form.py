"""Turn the settings form's strings into `InstallationSettings`, or into errors keyed by input name."""
from __future__ import annotations

from dataclasses import asdict, replace

from werkzeug.datastructures import MultiDict

from connector.crm.base import ScoreFieldNames
from connector.db.settings import InstallationSettings, LabelDefinition, Segment, TierCuts
from connector.nurture.next_step import rules_as_lines, rules_from_json, rules_from_lines

FIELD_KEYS = tuple(ScoreFieldNames.__dataclass_fields__)


def _int(form: MultiDict, key: str, errors: dict[str, str], error_key: str | None = None) -> int:
    try:
        return int(form.get(key, "").strip())
    except ValueError:
        errors[error_key or key] = "Enter a whole number."
        return 0


def _number(form: MultiDict, key: str, errors: dict[str, str]) -> float:
    if key not in form:  # a form from before the field existed: keep the default
        return getattr(InstallationSettings, key)
    try:
        return float(form.get(key, "").strip())
    except ValueError:
        errors[key] = "Enter a number, e.g. 0.65."
        return 0.0


def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.replace("\n", ",").split(",") if part.strip()))


def _segments(text: str, errors: dict[str, str]) -> tuple[Segment, ...]:
    """One segment per line: `Name: property = value1, value2`."""
    segments = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, rule = line.partition(":")
        prop, equals, values = rule.partition("=")
        if not (colon and equals and name.strip() and prop.strip() and _names(values)):
            errors["segments"] = f"Line {number}: write it as  Name: property = value1, value2"
            return ()
        segments.append(Segment(name.strip(), prop.strip(), _names(values)))
    return tuple(segments)


def parse_settings(form: MultiDict) -> tuple[InstallationSettings, dict[str, str]]:
    errors: dict[str, str] = {}
    settings = InstallationSettings(
        field_names=ScoreFieldNames(**{key: form.get(f"field_{key}", "").strip() for key in FIELD_KEYS}),
        tier_cuts=None if form.get("tier_mode") == "model" else TierCuts(
            a=_int(form, "tier_a", errors, "tier_cuts"), b=_int(form, "tier_b", errors, "tier_cuts"),
            c=_int(form, "tier_c", errors, "tier_cuts")),
        schedule_minutes=_int(form, "schedule_minutes", errors),
        paused=form.get("paused") == "on",
        label=LabelDefinition(form.get("label_property", "").strip(), _names(form.get("label_values", ""))),
        segments=_segments(form.get("segments", ""), errors),
        protected_columns=_names(form.get("protected_columns", "")),
        keep_columns=_names(form.get("keep_columns", "")),
        retrain_auc_below=_number(form, "retrain_auc_below", errors),
        retrain_psi_from=_number(form, "retrain_psi_from", errors),
        model_swaps_fire_rules=form.get("model_swaps_fire_rules") == "on",
        legacy_cards=form.get("legacy_cards") == "on",
        opt_out_property=form.get("opt_out_property", "").strip(),
        snapshot_retention_days=_optional_int(form, "snapshot_retention_days", errors),
        next_step_rules=_next_step_rules(form, errors),
    )
    return settings, errors


def _next_step_rules(form: MultiDict, errors: dict[str, str]) -> tuple[dict, ...]:
    rules, problem = rules_from_lines(form.get("next_step_rules", ""))
    if problem:
        errors["next_step_rules"] = problem
    return rules


UNPOSTED_KEYS = ("opt_out_property", "snapshot_retention_days", "next_step_rules")


def keep_unposted(new: InstallationSettings, current: InstallationSettings, form: MultiDict) -> InstallationSettings:
    """Settings the form did not post keep their saved values: inputs a form from before they existed lacks
    (the privacy inputs: blank would mean "opt-out off", which nobody chose; the next-step field's name and
    rules)."""
    kept = {key: getattr(current, key) for key in UNPOSTED_KEYS if key not in form}
    names = {key: getattr(current.field_names, key) for key in FIELD_KEYS if f"field_{key}" not in form}
    if names:
        kept["field_names"] = replace(new.field_names, **names)
    return replace(new, **kept) if kept else new


def _optional_int(form: MultiDict, key: str, errors: dict[str, str]) -> int | None:
    text = form.get(key, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors[key] = "Enter a whole number of days, or leave it blank."
        return None


def form_values(settings: InstallationSettings, cuts_in_use: TierCuts | None) -> dict[str, str]:
    """The inputs' values for showing saved settings in the form; the tier inputs hold the cut points in use."""
    values = {f"field_{key}": name for key, name in asdict(settings.field_names).items()}
    cuts = cuts_in_use or TierCuts()
    values.update(
        tier_mode="model" if settings.tier_cuts is None else "custom",
        tier_a=str(cuts.a), tier_b=str(cuts.b), tier_c=str(cuts.c),
        schedule_minutes=str(settings.schedule_minutes), paused="on" if settings.paused else "",
        label_property=settings.label.property, label_values=", ".join(settings.label.positive_values),
        segments="\n".join(f"{s.name}: {s.property} = {', '.join(s.values)}" for s in settings.segments),
        protected_columns=", ".join(settings.protected_columns), keep_columns=", ".join(settings.keep_columns),
        retrain_auc_below=str(settings.retrain_auc_below), retrain_psi_from=str(settings.retrain_psi_from),
        model_swaps_fire_rules="on" if settings.model_swaps_fire_rules else "",
        legacy_cards="on" if settings.legacy_cards else "",
        opt_out_property=settings.opt_out_property,
        snapshot_retention_days=str(settings.snapshot_retention_days or ""),
        next_step_rules=rules_as_lines(rules_from_json(settings.next_step_rules)),
    )
    return values
