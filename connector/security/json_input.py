"""Reading JSON from the outside world without letting its numbers or nesting reach our code unchecked.

Python's parser accepts things no CRM or API client sends and our code cannot use: integers of thousands of
digits (their str()/float() conversions raise), `Infinity`, `NaN` and `1e400` (non-finite floats break the
model and the database), and nesting deep enough to exhaust the C recursion guard (RecursionError, not a
ValueError). Each is refused here with the status it deserves, so callers answer 4xx instead of 500.
"""
from __future__ import annotations

import json
import math
from typing import Any

MAX_INTEGER_DIGITS = 19  # int64 (HubSpot ids, timestamps in ms); anything longer is not a quantity we use


class JsonRefused(ValueError):
    """The body cannot be used; `status` is 400 (not JSON) or 422 (JSON, with values we refuse);
    the message is a sentence fit to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise JsonRefused(f"An integer has more than {MAX_INTEGER_DIGITS} digits.", 422)
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"The number {text[:20]} is out of range.", 422)
    return value


def _constant(name: str):
    raise JsonRefused(f"{name} is not a number JSON allows.", 422)


def loads(data: bytes | str) -> Any:
    try:
        return json.loads(data, parse_int=_integer, parse_float=_number, parse_constant=_constant)
    except JsonRefused:
        raise
    except RecursionError:
        raise JsonRefused("The JSON is nested too deeply.") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise JsonRefused("The body is not JSON.") from None
