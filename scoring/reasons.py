"""Reasons in plain words: the factors that raised and lowered each record's score.

Contributions of features sharing a source column (a value and its missing flag, several text signals) are
summed first, so one column gives one reason. Ranking is vectorised; a phrase is built once per
(source, shown value) and reused, which keeps this on the fast scoring path.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .features.info import FeatureInfo

UP, DOWN = "▲", "▼"


@dataclass
class Reasons:
    up: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "; ".join([f"{UP} {p}" for p in self.up] + [f"{DOWN} {p}" for p in self.down])


def quote_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) >= 1 else f"{value:.3g}"


def phrase(info: FeatureInfo, value: float, raw) -> str:
    """One factor in words, from the feature's label and kind and the record's real value."""
    if info.kind == "text_signal":
        if value == 1:
            return info.detail[:1].upper() + info.detail[1:] if info.detail else info.label
        return f"{info.label}: not matched ({info.detail})" if info.detail else f"{info.label}: no signal"
    if np.isnan(value):
        return f"{info.label}: not filled in"
    if info.kind == "boolean":
        return f"{info.label}: {'yes' if value else 'no'}"
    if info.kind == "age_days":
        days = int(round(value))
        return f"{info.label}: today" if days == 0 else f"{info.label}: {days:,} day{'s' if days != 1 else ''} ago"
    if info.kind == "category":
        shown = raw if isinstance(raw, str) and raw.strip() else (
            info.categories[int(value)] if 0 <= int(value) < len(info.categories) else "other")
        return f"{info.label}: {shown}"
    return f"{info.label}: {quote_number(value)}"


class SourceGroups:
    """Which features belong to which source, and which feature speaks for a source."""

    def __init__(self, feature_info: list[FeatureInfo]):
        self.sources = list(dict.fromkeys(f.source for f in feature_info))
        position = {s: i for i, s in enumerate(self.sources)}
        self.member = np.zeros((len(feature_info), len(self.sources)))
        for j, f in enumerate(feature_info):
            self.member[j, position[f.source]] = 1.0
        self.features = [[j for j, f in enumerate(feature_info) if f.source == s] for s in self.sources]


def speaker(members: list[int], feature_info: list[FeatureInfo], values: np.ndarray,
            contributions: np.ndarray) -> int:
    """The feature whose phrase describes the source for this record: the value, not its missing flag;
    among several text signals the one that moved the score most."""
    kept = [j for j in members if feature_info[j].kind != "missing_flag"] or members
    if len(kept) == 1:
        return kept[0]
    return kept[int(np.argmax(np.abs(contributions[kept])))]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's k largest values, largest first (k <= number of columns)."""
    if k == 0:
        return np.empty((len(scores), 0), dtype=np.int64)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1)


def reasons_for(contributions: np.ndarray, X: pd.DataFrame, raw: pd.DataFrame, feature_info: list[FeatureInfo],
                up: int = 3, down: int = 2) -> list[Reasons]:
    if contributions.shape != (len(X), len(feature_info)) or len(raw) != len(X):
        raise ValueError(f"contributions {contributions.shape}, X {X.shape}, raw {len(raw)} rows and "
                         f"{len(feature_info)} features do not line up")
    groups = SourceGroups(feature_info)
    by_source = contributions @ groups.member
    n_sources = by_source.shape[1]
    ups = top_k(by_source, min(up, n_sources))
    downs = top_k(-by_source, min(down, n_sources))
    values = X[[f.name for f in feature_info]].to_numpy(dtype="float64")
    speak = Speaker(groups, feature_info, values, contributions, raw)
    up_words = speak.fill(ups, np.take_along_axis(by_source, ups, axis=1) > 0)
    down_words = speak.fill(downs, np.take_along_axis(by_source, downs, axis=1) < 0)
    return [Reasons([w for w in u if w is not None], [w for w in d if w is not None])
            for u, d in zip(up_words.tolist(), down_words.tolist())]


class Speaker:
    """Phrases for chosen (row, source) pairs, built per source over the unique shown values, not per row."""

    def __init__(self, groups: SourceGroups, feature_info, values, contributions, raw: pd.DataFrame):
        self.groups, self.info, self.values, self.contributions = groups, feature_info, values, contributions
        self.raw = raw

    def fill(self, chosen: np.ndarray, keep: np.ndarray) -> np.ndarray:
        out = np.full(chosen.shape, None, dtype=object)
        for s in np.unique(chosen[keep]):
            where = keep & (chosen == s)
            out[where] = self.phrases(int(s), np.nonzero(where)[0])
        return out

    def phrases(self, s: int, rows: np.ndarray) -> list[str]:
        members = self.groups.features[s]
        kept = [j for j in members if self.info[j].kind != "missing_flag"] or members
        if len(kept) > 1:  # several text signals of one column: the one that moved this record's score most
            return [self.single(speaker(members, self.info, self.values[r], self.contributions[r]), [r])[0]
                    for r in rows]
        return self.single(kept[0], rows)

    def single(self, j: int, rows) -> list[str]:
        info, column = self.info[j], self.values[rows, j]
        if info.kind == "category" and info.source in self.raw.columns:
            shown = self.raw[info.source].to_numpy()[rows]
            # Missing values become None in the key: NaN never equals itself, so it cannot be a dict key.
            cache: dict = {}
            out = []
            for value, text in zip(column.tolist(), shown.tolist()):
                key = (None if value != value else value, text if isinstance(text, str) else None)
                if key not in cache:
                    cache[key] = phrase(info, value, text)
                out.append(cache[key])
            return out
        unique, inverse = np.unique(column, return_inverse=True)
        words = np.array([phrase(info, v, None) for v in unique.tolist()], dtype=object)
        return list(words[inverse.reshape(-1)])
