"""Time passing in a sandbox CRM: people convert day by day, and nurturing makes them convert sooner.

The conversion hazard follows the person's attributes through the population model (`population.py`): its
logistic model over seniority, industry, source, company size, engagement, recency and hidden interest gives
each person a `propensity`, the chance they convert at all. A person not converted yet converts on a given day
with the daily hazard

    h = 1 - (1 - propensity) ** (1 / conversion_days)

so that, left alone, they convert within `conversion_days` with probability `propensity` (the seed's converted
people took 3-120 days; a short `conversion_days` makes a short demo see many outcomes). Nurturing: once the
CRM holds a task for the person (whoever created it, and whether or not a rep completed it; the sandbox cannot
tell a task worked from one planned), their hazard is multiplied by `1 + nurture_effect` (capped at 1):
`nurture_effect=0.3` is a 30% relative lift of the daily chance, `0` means nurturing changes nothing.
People seeded from a CSV have no propensity and never convert here.

Each CRM's sandbox says who is open, who was nurtured and how a conversion looks in its data (`simulation.py`
in each CRM's package); the draws are seeded, so the same run converts the same people.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

DAY = 86400.0


class SimulatedPeople(Protocol):
    clock: object

    def open_people(self) -> dict[str, float]:
        """Record id -> propensity, for people who have not converted yet."""

    def nurtured(self) -> set[str]:
        """Record ids the CRM holds a task for."""

    def convert(self, record_ids: list[str]) -> None:
        """Mark these people converted, as the CRM shows it, stamped with the sandbox clock's now."""


def daily_hazard(propensity: float, conversion_days: float, nurtured: bool, nurture_effect: float) -> float:
    hazard = 1 - (1 - min(max(propensity, 0.0), 1.0)) ** (1 / conversion_days)
    return min(1.0, hazard * (1 + nurture_effect)) if nurtured else hazard


@dataclass
class Days:
    """Plays a sandbox's people forward one day at a time (the caller moves the clock)."""

    people: SimulatedPeople
    nurture_effect: float = 0.3
    conversion_days: float = 120.0
    seed: int = 16
    converted: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self):
        if self.nurture_effect < 0 or self.conversion_days <= 0:
            raise ValueError("nurture_effect must be >= 0 and conversion_days > 0")
        self._rng = random.Random(self.seed)

    def step(self) -> list[str]:
        """One day's conversions among the open people; returns the ids converted today."""
        nurtured = self.people.nurtured()
        today = [record_id for record_id, propensity in sorted(self.people.open_people().items())
                 if self._rng.random() < daily_hazard(propensity, self.conversion_days, record_id in nurtured,
                                                      self.nurture_effect)]
        if today:
            self.people.convert(today)
        self.converted += len(today)
        return today
