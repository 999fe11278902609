"""The report's plots as inline SVG strings (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve, roc_curve  # noqa: E402

plt.rcParams["svg.hashsalt"] = "leadscore"  # stable ids, so the same data gives the same page


def to_svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: the SVG sits inside HTML


def figure(title: str):
    fig, ax = plt.subplots(figsize=(5, 3.4))
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def roc(y, p) -> str:
    fig, ax = figure("ROC curve")
    if len(np.unique(y)) == 2:
        fpr, tpr, _ = roc_curve(y, p)
        ax.plot(fpr, tpr, color="#1f6feb")
    ax.plot([0, 1], [0, 1], ls="--", color="#999")
    ax.set(xlabel="Share of non-converting leads flagged", ylabel="Share of converting leads flagged")
    return to_svg(fig)


def precision_recall(y, p) -> str:
    fig, ax = figure("Precision / recall")
    if len(np.unique(y)) == 2:
        precision, recall, _ = precision_recall_curve(y, p)
        ax.plot(recall, precision, color="#1f6feb")
        ax.axhline(np.mean(y), ls="--", color="#999")
    ax.set(xlabel="Recall (share of conversions found)", ylabel="Precision (share that convert)")
    return to_svg(fig)


def calibration(y, p, bins: int = 10) -> str:
    fig, ax = figure("Calibration")
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    filled = [b for b in range(bins) if np.any(which == b)]
    ax.plot([np.mean(p[which == b]) for b in filled], [np.mean(y[which == b]) for b in filled], "o-", color="#1f6feb")
    ax.plot([0, 1], [0, 1], ls="--", color="#999")
    ax.set(xlabel="Predicted conversion probability", ylabel="Observed conversion rate")
    return to_svg(fig)


def by_tier(tiers: list[str], rates: list[float], lifts: list[float]) -> str:
    fig, ax = figure("Conversion rate by tier")
    bars = ax.bar(tiers, [100 * r for r in rates], color="#1f6feb")
    for bar, lift in zip(bars, lifts):
        ax.annotate(f"lift {lift:.1f}x", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=9)
    ax.set(xlabel="Tier", ylabel="Conversion rate (%)")
    return to_svg(fig)


def score_distribution(scores) -> str:
    fig, ax = figure("Score distribution")
    ax.hist(scores, bins=np.arange(0, 105, 5), color="#1f6feb")
    ax.set(xlabel="Score (0-100)", ylabel="Records")
    return to_svg(fig)


def top_factors(factors: list[tuple[str, float]]) -> str:
    fig, ax = figure("Top factors")
    shown = factors[:12][::-1]
    ax.barh([label for label, _ in shown], [value for _, value in shown], color="#1f6feb")
    ax.set(xlabel="Average effect on the score (log-odds)")
    return to_svg(fig)


def lift_curve(curves: dict[str, dict]) -> str:
    """Cumulative gains: working leads in score order, the share of conversions found against records worked.
    `curves` maps a label to a backtest's `lift_curve` ({"record_share": [...], "conversion_share": [...]})."""
    fig, ax = figure("Lift curve (held-out history)")
    for (label, curve), color in zip(curves.items(), ("#1f6feb", "#d97706", "#16a34a")):
        ax.plot([0, *[100 * s for s in curve["record_share"]]], [0, *[100 * c for c in curve["conversion_share"]]],
                "o-", color=color, markersize=3, label=label)
    ax.plot([0, 100], [0, 100], ls="--", color="#999", label="in random order")
    ax.set(xlabel="Records worked, highest scores first (%)", ylabel="Conversions found (%)")
    ax.legend(frameon=False, fontsize=9)
    return to_svg(fig)
