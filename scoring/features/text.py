"""Short text such as job titles turned into a few robust yes/no signals (vectorised regex, no per-row Python)."""
from __future__ import annotations

import numpy as np
import pandas as pd

# (suffix, what it detects, pattern). Word boundaries keep "director" from matching inside other words.
SIGNALS = (
    ("senior", "mentions a senior role",
     r"\b(?:chief|c[etfom]o|vp|vice president|president|director|head|senior|sr|principal|partner|founder|owner)\b"),
    ("decision", "mentions a decision-making role",
     r"\b(?:manager|director|head|owner|founder|buyer|purchasing|procurement|lead|president|chief)\b"),
    ("student", "mentions a student or intern", r"\b(?:student|intern|trainee|graduate|apprentice)\b"),
    ("technical", "mentions a technical role",
     r"\b(?:engineer|developer|analyst|scientist|architect|programmer|technician|it)\b"),
)


def text_signals(values: pd.Series) -> dict[str, np.ndarray]:
    """One float column per signal: 1.0 when the text mentions it, 0.0 when not, NaN when the text is missing."""
    text = values.astype("string").str.lower()
    missing = text.isna().to_numpy()
    out = {}
    for suffix, _, pattern in SIGNALS:
        hits = text.str.contains(pattern, regex=True).fillna(False).to_numpy(bool).astype("float64")
        hits[missing] = np.nan
        out[suffix] = hits
    return out


def looks_like_short_text(values: pd.Series) -> bool:
    """Titles and roles: a few words of letters, not codes, addresses or paragraphs."""
    sample = values.dropna().astype(str).head(1000)
    if sample.empty:
        return False
    words = sample.str.split().str.len()
    lettery = sample.str.fullmatch(r"[A-Za-z][A-Za-z .,&/'-]*").mean()
    return bool(words.mean() <= 6 and lettery >= 0.9)
