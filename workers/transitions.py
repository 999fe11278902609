"""What the sync hands to nurturing: one record's move between tiers, as written to the CRM."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TierTransition:
    """A record whose written tier changed in this sync.

    `new_tier` is the tier written (the rep's override when one is set); `model_tier` is what the model
    said and `override_tier` the rep's value, so feedback can compare them. `old_tier` is None for a
    record scored for the first time.
    """

    crm_id: str
    owner_id: str | None
    old_tier: str | None
    new_tier: str
    old_score: int | None
    new_score: int
    reasons: list[str] = field(default_factory=list)
    model_tier: str | None = None
    override_tier: str | None = None
    # The record did not change: a newly promoted model scored it differently. Not buyer behaviour, so
    # rules ignore it unless the admin opted in (settings: model_swaps_fire_rules).
    model_change: bool = False
