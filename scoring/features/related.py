"""Near-duplicate source columns ("Last Activity" / "Last Notable Activity"): one record gets one reason from them.

Found from the values, never from names: two category columns that hold the same value on most records where
both are filled in, or two number columns that rank records almost alike.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

SAME_VALUE_SHARE = 0.5      # category columns: share of jointly filled records with the very same value
RANK_CORRELATION = 0.9      # number columns: |Spearman correlation|
MIN_JOINT = 30              # too few jointly filled records say nothing
SAMPLE = 20_000


def near_duplicate_groups(columns: dict[str, tuple[str, pd.Series]], seed: int = 0) -> list[tuple[str, ...]]:
    """Groups of near-duplicate sources. `columns` maps source -> ("text" | "number", cleaned values)."""
    if not columns:
        return []
    n = len(next(iter(columns.values()))[1])
    rows = np.random.default_rng(seed).choice(n, SAMPLE, replace=False) if n > SAMPLE else slice(None)
    sample = {s: (kind, v.iloc[rows].reset_index(drop=True)) for s, (kind, v) in columns.items()}
    parent = {s: s for s in sample}

    def root(s):
        while parent[s] != s:
            s = parent[s]
        return s

    for (a, (kind_a, va)), (b, (kind_b, vb)) in itertools.combinations(sample.items(), 2):
        if kind_a != kind_b:
            continue
        both = va.notna() & vb.notna()
        if both.sum() < MIN_JOINT:
            continue
        if kind_a == "text":
            alike = (va[both].astype(str) == vb[both].astype(str)).mean() >= SAME_VALUE_SHARE
        else:
            alike = abs(va[both].astype(float).corr(vb[both].astype(float), method="spearman")) >= RANK_CORRELATION
        if alike:
            parent[root(b)] = root(a)
    groups: dict[str, list[str]] = {}
    for s in sample:
        groups.setdefault(root(s), []).append(s)
    return [tuple(g) for g in groups.values() if len(g) > 1]
