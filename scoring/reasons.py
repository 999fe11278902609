"""Reasons in plain words: the factors that raised and lowered each record's score.

Contributions of features sharing a source column (a value and its missing flag, several text signals) are
summed first, so one column gives one reason; near-duplicate columns (features/related.py) are merged the
same way. Ranking is a few argmax passes over the matrix; a phrase is built once per (source, shown value)
and spread to the rows that show it, which keeps this on the fast scoring path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from .features.info import FeatureInfo
from .features.phrases import phrase, shown_number
from .schema import factorized, spread

UP, DOWN = "▲", "▼"
# Contributions smaller than this (log-odds: about a 5% change in the odds) are no reason a rep can act on:
# a record shows fewer reasons rather than padding to three raises and two lowers.
MIN_EFFECT = 0.05
MINUS = "\u2212"  # the minus sign, not a hyphen: "(−8)"
# " (+12)" / " (−8)" for every possible move of a 0-100 score, built once: no per-row formatting.
POINTS_SUFFIX = np.array([f" ({'+' if n > 0 else MINUS}{abs(n)})" for n in range(-100, 101)], dtype=object)

# (row indices, log-odds moved) -> score points moved, both arrays of one shape; given by the model, which knows
# its raw score and calibration.
Points = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Reasons:
    up: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "; ".join([f"{UP} {p}" for p in self.up] + [f"{DOWN} {p}" for p in self.down])


class SourceGroups:
    """Which features belong to which source, and which sources are near-duplicates of each other."""

    def __init__(self, feature_info: list[FeatureInfo], related=()):
        self.sources = list(dict.fromkeys(f.source for f in feature_info))
        position = {s: i for i, s in enumerate(self.sources)}
        self.member = np.zeros((len(feature_info), len(self.sources)))
        for j, f in enumerate(feature_info):
            self.member[j, position[f.source]] = 1.0
        self.features = [[j for j, f in enumerate(feature_info) if f.source == s] for s in self.sources]
        self.related = [[position[s] for s in group if s in position] for group in related]

    def by_source(self, contributions: np.ndarray) -> np.ndarray:
        """Per row and source; a near-duplicate group's total goes to its member that moved the row most."""
        out = contributions @ self.member
        rows = np.arange(len(out))
        for group in (g for g in self.related if len(g) > 1):
            part = out[:, group]
            winner = np.asarray(group)[np.argmax(np.abs(part), axis=1)]
            total = part.sum(axis=1)
            out[:, group] = 0.0
            out[rows, winner] = total
        return out


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's k largest values, largest first (k <= number of columns). k argmax passes
    over the matrix: for the few reasons shown this is several times faster than a per-row partial sort."""
    work = np.array(scores, dtype="float64")
    out = np.empty((len(work), k), dtype=np.int64)
    rows = np.arange(len(work))
    for i in range(k):
        out[:, i] = work.argmax(axis=1)
        work[rows, out[:, i]] = -np.inf
    return out


def reason_phrases(contributions: np.ndarray, X: pd.DataFrame, raw: pd.DataFrame, feature_info: list[FeatureInfo],
                   related=(), up: int = 3, down: int = 2, marked: bool = False,
                   points: Points | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(ups, downs): object arrays of phrases per row, best first, None where fewer factors moved the score;
    `marked` puts ▲ / ▼ before each phrase; with `points` each phrase ends in the score points it moved, e.g.
    " (+12)", and a factor that moved the score by less than a point is left out."""
    if contributions.shape != (len(X), len(feature_info)) or len(raw) != len(X):
        raise ValueError(f"contributions {contributions.shape}, X {X.shape}, raw {len(raw)} rows and "
                         f"{len(feature_info)} features do not line up")
    groups = SourceGroups(feature_info, related)
    by_source = groups.by_source(contributions)
    n_sources = by_source.shape[1]
    ups = top_k(by_source, min(up, n_sources))
    downs = top_k(-by_source, min(down, n_sources))
    values = X[[f.name for f in feature_info]].to_numpy(dtype="float64")
    speak = Speaker(groups, feature_info, values, contributions, raw)
    rows = np.arange(len(X))[:, None]
    out = []
    for chosen, sign, mark in ((ups, 1.0, UP), (downs, -1.0, DOWN)):
        moved = np.take_along_axis(by_source, chosen, axis=1)
        keep = sign * moved > MIN_EFFECT
        phrases = speak.fill(chosen, keep, f"{mark} " if marked else "")
        if points is not None:
            moved_points = points(np.broadcast_to(rows, chosen.shape), moved)
            keep &= sign * moved_points >= 1
            phrases[~keep] = None
            phrases[keep] = phrases[keep] + POINTS_SUFFIX[moved_points[keep] + 100]
        out.append(phrases)
    return out[0], out[1]


def reasons_for(contributions: np.ndarray, X: pd.DataFrame, raw: pd.DataFrame, feature_info: list[FeatureInfo],
                related=(), up: int = 3, down: int = 2, points: Points | None = None) -> list[Reasons]:
    ups, downs = reason_phrases(contributions, X, raw, feature_info, related, up, down, points=points)
    return [Reasons([w for w in u if w is not None], [w for w in d if w is not None])
            for u, d in zip(ups.tolist(), downs.tolist())]


def reason_texts(contributions: np.ndarray, X: pd.DataFrame, raw: pd.DataFrame, feature_info: list[FeatureInfo],
                 related=(), up: int = 3, down: int = 2, points: Points | None = None,
                 low: np.ndarray | None = None) -> list[str]:
    """One line per row, e.g. "▲ Lead source: Referral (+6); ▼ No email opened recorded (−8)" (Reasons.text, but
    fast). Rows marked `low` (a low score) list their ▼ reasons first: what a rep can act on to raise it."""
    ups, downs = reason_phrases(contributions, X, raw, feature_info, related, up, down, marked=True, points=points)
    rows = np.hstack([ups, downs])
    if low is not None:
        rows[low] = np.hstack([downs, ups])[low]
    return ["; ".join(filter(None, row)) for row in rows.tolist()]


class Speaker:
    """Phrases for chosen (row, source) pairs, built per source over the distinct shown values, not per row."""

    def __init__(self, groups: SourceGroups, feature_info, values, contributions, raw: pd.DataFrame):
        self.groups, self.info, self.values, self.contributions = groups, feature_info, values, contributions
        self.raw = raw
        self.prefix = ""

    def fill(self, chosen: np.ndarray, keep: np.ndarray, prefix: str) -> np.ndarray:
        out = np.full(chosen.shape, None, dtype=object)
        self.prefix = prefix
        for s in np.unique(chosen[keep]):
            where = keep & (chosen == s)
            out[where] = self.phrases(int(s), np.nonzero(where)[0])
        return out

    def phrases(self, s: int, rows: np.ndarray) -> np.ndarray:
        members = self.groups.features[s]
        kept = [j for j in members if self.info[j].kind != "missing_flag"] or members
        if len(kept) == 1:
            return self.single(kept[0], rows)
        # Several text signals of one column: the one that moved this record's score most speaks for it.
        speaker = np.asarray(kept)[np.argmax(np.abs(self.contributions[np.ix_(rows, kept)]), axis=1)]
        out = np.empty(len(rows), dtype=object)
        for j in np.unique(speaker):
            out[speaker == j] = self.single(int(j), rows[speaker == j])
        return out

    def single(self, j: int, rows: np.ndarray) -> np.ndarray:
        info, column = self.info[j], self.values[rows, j]
        if info.kind == "number":
            column = shown_number(column)  # rounding first: far fewer distinct phrases to build
        if info.kind == "category" and info.source in self.raw.columns:
            # The record's own words, so an "Other" value still reads as what the record holds.
            codes, uniques = factorized(self.raw[info.source].iloc[rows])
            # Placeholders included ("unknown"): read as missing, said as the record writes them.
            written = np.array([None if pd.isna(u) else str(u).strip() or None for u in uniques], dtype=object)
            shown = spread(written, codes, None)
            value_codes = np.where(np.isnan(column), -1, column).astype(np.int64) + 1
            keys = value_codes * (len(uniques) + 1) + (codes + 1)
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            words = np.array([self.prefix + phrase(info, column[i], shown[i]) for i in first.tolist()], dtype=object)
            return words[inverse.reshape(-1)]
        unique, inverse = np.unique(column, return_inverse=True)
        words = np.array([self.prefix + phrase(info, v, None) for v in unique.tolist()], dtype=object)
        return words[inverse.reshape(-1)]
