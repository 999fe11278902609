"""Guards that decide which record columns may never become features, each with a reason in plain words."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Exclusion:
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"column": self.column, "reason": self.reason}


def name_tokens(name: str) -> list[str]:
    """'LeadScore_Tier__c' / 'dateOfBirth' / 'Lead Number' -> lower-case word tokens."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]
