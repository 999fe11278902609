"""A rep's manual tier: read from the pulled record, it decides the tier written; the model's score stays."""
from __future__ import annotations

from typing import Any

from connector.crm.base import ScoreFieldNames
from connector.db.rules import TIERS


def read_override(properties: dict[str, Any], field_names: ScoreFieldNames) -> str | None:
    """The rep's tier on this record, or None when unset or not a tier (a typo must not hide the model)."""
    raw = properties.get(field_names.override_tier)
    if raw is None:
        return None
    value = str(raw).strip().upper()
    return value if value in TIERS else None


def effective_tier(properties: dict[str, Any], model_tier: str,
                   field_names: ScoreFieldNames) -> tuple[str, str | None]:
    """(tier to write, the override or None): the override wins over the model whenever a rep set one."""
    override = read_override(properties, field_names)
    return (override or model_tier), override
