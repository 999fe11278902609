"""The tiers as they are in use: cut points (the admin's, or the champion model's), the current scores'
histogram, and per tier the share of records now and the conversion rate on the champion's held-out rows.

The same figures serve a preview of other cut points, so a change is seen before it is saved."""
from __future__ import annotations

import pickle
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import func, select

from connector.db.models import CurrentScore, ModelVersion
from connector.db.scope import InstallationScope
from connector.db.settings import InstallationSettings, TierCuts
from scoring.model import ScoringModel

TIERS = "ABCD"
BIN = 5  # histogram bar width, in score points
WIDTH, HEIGHT, PAD = 640, 180, 28


@dataclass(frozen=True)
class TierRow:
    tier: str
    lowest: int
    highest: int
    records: int
    share: float
    holdout_rows: int | None  # None: the champion was trained before held-out rows were kept per score
    holdout_rate: float | None


@dataclass(frozen=True)
class TierFigures:
    cuts: TierCuts
    from_model: bool  # the champion's own cut points, not the admin's
    rows: list[TierRow]
    histogram: list[int]  # current records at each score 0..100
    total: int


def model_cuts_and_holdout(scope: InstallationScope) -> tuple[dict[str, float] | None, dict | None]:
    champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    if champion is None:
        return None, None
    try:
        model = ScoringModel.from_bytes(champion.artefact)
    except (pickle.UnpicklingError, ValueError):  # unreadable: the page still shows the admin's settings
        return None, None
    return model.tier_cuts, model.metadata.get("holdout_by_score")


def tier_figures(scope: InstallationScope, settings: InstallationSettings | None = None) -> TierFigures | None:
    """Figures for the cut points `settings` (default: the saved ones) put in use; None before there is a model
    to take cut points from."""
    model_cuts, holdout = model_cuts_and_holdout(scope)
    settings = settings or scope.installation.settings
    cuts = settings.cuts_in_use(model_cuts)
    if cuts is None:
        return None
    histogram = [0] * 101
    for score, count in scope.session.execute(
            select(CurrentScore.score, func.count()).where(CurrentScore.installation_id == scope.installation_id)
            .group_by(CurrentScore.score)):
        histogram[min(max(int(score), 0), 100)] += count
    total = sum(histogram)
    bounds = {"A": (cuts.a, 100), "B": (cuts.b, cuts.a - 1), "C": (cuts.c, cuts.b - 1), "D": (0, cuts.c - 1)}
    rows = []
    for tier in TIERS:
        low, high = bounds[tier]
        records = sum(histogram[low:high + 1])
        held = sum(holdout["rows"][low:high + 1]) if holdout else None
        converted = sum(holdout["conversions"][low:high + 1]) if holdout else None
        rows.append(TierRow(tier, low, high, records, records / total if total else 0.0, held,
                            converted / held if held else None))
    return TierFigures(cuts, settings.tier_cuts is None, rows, histogram, total)


def histogram_svg(figures: TierFigures) -> Markup:
    """Bars of current records per 5 score points, with the cut points drawn over them."""
    bins = [sum(figures.histogram[start:start + BIN]) for start in range(0, 101, BIN)]
    tallest = max(bins) or 1
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    x = lambda score: PAD + plot_w * score / 101  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-labelledby="hist-title" class="chart" id="score-histogram">',
             f'<title id="hist-title">Current scores of {figures.total:,} records, with the tier cut points</title>']
    for index, count in enumerate(bins):
        start = index * BIN
        height = plot_h * count / tallest
        parts.append(f'<rect x="{x(start) + 1:.1f}" y="{PAD + plot_h - height:.1f}" '
                     f'width="{x(min(start + BIN, 101)) - x(start) - 2:.1f}" height="{height:.1f}" fill="#9fb3c8">'
                     f'<title>Scores {start}–{min(start + BIN - 1, 100)}: {count:,} records</title></rect>')
    for score in (0, 25, 50, 75, 100):
        parts.append(f'<text x="{x(score):.1f}" y="{HEIGHT - 8}" font-size="11" text-anchor="middle">{score}</text>')
    for tier, cut in (("A", figures.cuts.a), ("B", figures.cuts.b), ("C", figures.cuts.c)):
        parts.append(f'<line x1="{x(cut):.1f}" y1="{PAD - 6}" x2="{x(cut):.1f}" y2="{PAD + plot_h}" stroke="#1f2933" '
                     f'stroke-dasharray="4 3"/><text x="{x(cut) + 3:.1f}" y="{PAD - 10}" font-size="12">'
                     f'{tier} ≥ {cut}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
