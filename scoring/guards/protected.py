"""Protected attributes: never scored on, whatever their predictive power."""
from __future__ import annotations

from . import Exclusion, name_tokens

PROTECTED_WORDS = frozenset({
    "gender", "sex", "race", "racial", "ethnicity", "ethnic", "religion", "religious", "faith", "age", "dob",
    "birthday", "birthdate", "birth", "marital", "married", "nationality", "citizenship", "disability",
    "disabled", "handicap",
})


def protected_columns(columns, extra=()) -> list[Exclusion]:
    extra = {c for c in extra}
    found = []
    for column in columns:
        if column in extra:
            found.append(Exclusion(column, "protected attribute named by the caller"))
        elif PROTECTED_WORDS & set(name_tokens(column)):
            found.append(Exclusion(column, "protected attribute (fairness): not used for scoring"))
    return found
