"""Read any CSV into typed columns and rows, so a sandbox can seed a portal (and its custom fields) from it.

Types are inferred from the non-blank values: boolean (yes/no, true/false, 0/1 only when just those two),
number, datetime (ISO-8601 dates), enumeration (few distinct values), otherwise string.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

ENUMERATION_MAX_OPTIONS = 30
BOOLEAN_WORDS = {"true", "false", "yes", "no", "y", "n"}


@dataclass(frozen=True)
class CsvColumn:
    name: str
    label: str
    type: str  # number | enumeration | string | boolean | datetime
    options: tuple[str, ...] = field(default=())


def read_csv(path: str | Path) -> tuple[list[CsvColumn], Iterator[dict[str, str | None]]]:
    """Columns with inferred types, and the rows as `{column name: value or None}`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"there is no CSV file at {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise ValueError(f"{path} has no header row")
        values = [[_blank_to_none(v) for v in row] for row in reader]
    names = _safe_names(header)
    columns = [_infer(name, label, [row[i] if i < len(row) else None for row in values])
               for i, (name, label) in enumerate(zip(names, header))]
    rows = ({name: (row[i] if i < len(row) else None) for i, name in enumerate(names)} for row in values)
    return columns, rows


def _blank_to_none(value: str) -> str | None:
    value = value.strip()
    return value or None


def _safe_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for position, label in enumerate(header):
        name = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")
        if not name or not name[0].isalpha():
            name = f"col_{name}" if name else f"col_{position + 1}"
        base, suffix = name, 2
        while name in names:  # two headers that differ only in punctuation must not collide
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names


def _infer(name: str, label: str, values: list[str | None]) -> CsvColumn:
    present = [v for v in values if v is not None]
    distinct = set(present)
    folded = {v.lower() for v in distinct}
    if present and folded <= BOOLEAN_WORDS | {"0", "1"} and len(folded) == 2:
        return CsvColumn(name, label, "boolean")
    if present and all(_is_number(v) for v in distinct):
        return CsvColumn(name, label, "number")
    if present and all(_is_datetime(v) for v in distinct):
        return CsvColumn(name, label, "datetime")
    if present and len(distinct) <= ENUMERATION_MAX_OPTIONS and len(distinct) <= max(2, len(present) // 2):
        return CsvColumn(name, label, "enumeration", tuple(sorted(distinct)))
    return CsvColumn(name, label, "string")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.lower() not in {"nan", "inf", "-inf", "infinity"}


def _is_datetime(value: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
