"""The model report: one self-contained HTML page for a sales-ops admin, and the same data as JSON."""
from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from . import plots
from .data import ReportData
from .fairness import fairness_table
from .quality import data_quality

TIERS = ["A", "B", "C", "D"]

CAPTIONS = {
    "roc": "The closer the blue line hugs the top-left corner, the better the score separates leads that "
           "convert from leads that don't. The dashed line is a coin toss.",
    "pr": "Of the leads flagged above a score, the share that converted (precision) against the share of all "
          "conversions found (recall). The dashed line is the overall conversion rate.",
    "calibration": "Dots on the dashed line mean the stated probability is honest: leads given 30% convert "
                   "about 30% of the time.",
    "tiers": "Conversion rate of the held-out leads in each tier; lift is how many times the overall rate.",
    "scores": "How many leads got each score. A healthy model spreads leads out instead of piling them up.",
    "factors": "The fields that move scores the most, on average over held-out leads.",
    "lift": "Working the held-out leads in score order: the share of all their conversions found after each "
            "share of leads. The dashed line is working them in random order; the higher the blue line above "
            "it, the more time scoring saves.",
    "drift": "Population stability index (PSI) of the held-out leads against the training leads: below 0.1 "
             "stable, 0.1 to 0.25 worth watching, 0.25 or more means the leads have changed and the model "
             "should be retrained. The same figure is measured on every later scoring run.",
}


# The measures in words, in the order shown, each formatted as what it is; others stay in the JSON only.
MEASURES = (
    ("roc_auc", "Ranking quality (ROC AUC; 0.5 is a coin toss, 1 is perfect)", "{:.3f}"),
    ("top_decile_capture", "Share of conversions among the top-scored 10% of leads", "{:.0%}"),
    ("lift_top_decile", "The top 10% convert this many times as often as average", "{:.1f}×"),
    ("base_rate", "Leads that converted overall", "{:.1%}"),
    ("pr_auc", "Precision–recall AUC (higher is better)", "{:.3f}"),
    ("brier", "Probability error (Brier score; lower is better)", "{:.3f}"),
    ("log_loss", "Log loss (lower is better)", "{:.3f}"),
    ("baseline_logistic_roc_auc", "A simple baseline's ranking quality, for comparison", "{:.3f}"),
    ("cv_roc_auc", "Ranking quality across cross-validation folds (training rows)", "{:.3f}"),
)


def measures_in_words(metrics: dict) -> list[list[str]]:
    return [[html.escape(label), fmt.format(metrics[key])] for key, label, fmt in MEASURES
            if metrics.get(key) is not None]


def tier_summary(data: ReportData) -> list[dict]:
    y = np.asarray(data.y_true).astype(int)
    tiers = np.asarray(data.tiers).astype(str)
    overall = y.mean() if len(y) else 0.0
    rows = []
    for t in TIERS:
        mask = tiers == t
        rate = float(y[mask].mean()) if mask.any() else 0.0
        rows.append({"tier": t, "lowest_score": float(data.tier_cuts.get(t, 0)), "count": int(mask.sum()),
                     "conversion_rate": rate, "lift": rate / overall if overall else 0.0})
    return rows


def report_json(data: ReportData) -> dict:
    return {
        "title": data.title, "learner": data.learner, "learner_reason": data.learner_reason,
        "metrics": {k: (None if v is None or not np.isfinite(v) else float(v)) for k, v in data.metrics.items()},
        "tier_cuts": {k: float(v) for k, v in data.tier_cuts.items()},
        "tiers": tier_summary(data),
        "top_factors": [[label, float(v)] for label, v in data.top_factors],
        "excluded": data.excluded,
        "fairness": fairness_table(data.segments, data.y_true, data.probability, data.tiers, TIERS),
        "data_quality": data_quality(data.training_frame),
        "score_histogram": np.histogram(data.scores, bins=np.arange(0, 105, 5))[0].tolist(),
        "held_out": {"rows": int(len(data.y_true)), "conversion_rate": float(np.mean(data.y_true))},
        "drift": data.drift,
        "backtest": data.backtest,
        "review": data.review,
    }


def table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def section(title: str, body: str, ident: str) -> str:
    return f'<section id="{ident}"><h2>{html.escape(title)}</h2>{body}</section>'


def figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"


def render_html(data: ReportData, doc: dict) -> str:
    y = np.asarray(data.y_true).astype(int)
    p = np.asarray(data.probability, dtype="float64")
    e = html.escape
    m = doc["metrics"]
    headline = (f"<p>Model: <b>{e(data.learner)}</b> ({e(data.learner_reason)}). Checked on "
                f"{doc['held_out']['rows']:,} leads kept aside from training, of which "
                f"{pct(doc['held_out']['conversion_rate'])} converted.</p>")
    metrics = table(["Measure", "Value"], measures_in_words(m))
    review = ('<div class="warning" id="review-warning"><p>'
              "<b>To review:</b> these columns are filled mostly on "
              "leads that converted, so they may be written only after a sale; they were kept as features. Check "
              "that each is known before a lead converts, or drop it from the data.</p>"
              + table(["Column", "Why"], [[e(str(x.get("column"))), e(str(x.get("reason")))] for x in doc["review"]])
              + "</div>" if doc["review"] else "")
    tiers = doc["tiers"]
    tier_rows = [[t["tier"], f"{t['lowest_score']:.0f}", f"{t['count']:,}", pct(t["conversion_rate"]),
                  f"{t['lift']:.2f}x"] for t in tiers]
    fair = doc["fairness"]
    fair_html = (table(["Column", "Value", "Leads", "A", "B", "C", "D", "Converted", "AUC", "A+B ratio"],
                       [[e(r["column"]), e(r["value"]), f"{r['count']:,}", *[pct(r["tier_share"][t]) for t in TIERS],
                         pct(r["conversion_rate"]), "–" if r["roc_auc"] is None else f"{r['roc_auc']:.3f}",
                         ("–" if r["four_fifths_ratio"] is None else f"{r['four_fifths_ratio']:.2f}")
                         + (' <span class="flag">below 0.8</span>' if r["flagged"] else "")] for r in fair])
                 + "<p class='note'>The A+B ratio compares each value's share of A and B leads with the best-off "
                   "value of the same column; below 0.8 (the four-fifths rule) deserves a look.</p>"
                 if fair else "<p>No segment columns were marked.</p>")
    excluded = (table(["Column", "Why it was left out"], [[e(str(x.get("column"))), e(str(x.get("reason")))]
                                                          for x in data.excluded])
                if data.excluded else "<p>No columns were left out.</p>")
    q = doc["data_quality"]
    missing = [[e(c), pct(v)] for c, v in q["missing_rate"].items() if v > 0][:25]
    quality = (f"<p>{q['rows']:,} labelled records (trained on or held out), {q['columns']} columns, {q['duplicate_rows']:,} exact duplicate rows. "
               f"Constant columns (one value everywhere, so useless): "
               f"{e(', '.join(q['constant_columns'])) or 'none'}.</p>"
               + (table(["Column", "Missing"], missing) if missing else "<p>No missing values.</p>"))
    drift = doc["drift"]
    drift_html = (table(["Measured on", "PSI", "Level"],
                        [["Score", f"{drift['score']['psi']:.3f}", drift["score"]["level"]]]
                        + [[e(f), f"{v['psi']:.3f}", v["level"]] for f, v in drift["features"].items()])
                  + f"<p class='note'>{e(CAPTIONS['drift'])}</p>"
                  if drift else "<p>Not measured for this model.</p>")
    plots_html = "".join([
        figure(plots.roc(y, p), CAPTIONS["roc"]), figure(plots.precision_recall(y, p), CAPTIONS["pr"]),
        figure(plots.calibration(y, p), CAPTIONS["calibration"]),
    ])
    tier_html = figure(plots.by_tier([t["tier"] for t in tiers], [t["conversion_rate"] for t in tiers],
                                     [t["lift"] for t in tiers]), CAPTIONS["tiers"]) + table(
        ["Tier", "Lowest score", "Leads", "Converted", "Lift"], tier_rows)
    return TEMPLATE.format(title=e(data.title), body="".join([
        section("Summary", headline + review + metrics, "summary"),
        section("Backtest on held-out history", backtest_html(doc["backtest"]), "backtest"),
        section("How well the score ranks leads", plots_html, "quality-of-ranking"),
        section("Tiers", tier_html, "tiers"),
        section("Score distribution", figure(plots.score_distribution(data.scores), CAPTIONS["scores"]), "scores"),
        section("Top factors", figure(plots.top_factors(data.top_factors), CAPTIONS["factors"]), "factors"),
        section("Columns left out", excluded, "excluded"),
        section("Fairness by segment", fair_html, "fairness"),
        section("Data quality", quality, "data-quality"),
        section("Drift", drift_html, "drift"),
    ]))


def backtest_html(backtest: dict | None) -> str:
    if not backtest:
        return "<p>Not measured for this model.</p>"
    capture = table(["Leads worked, highest scores first", "Share of conversions found"],
                    [[f"top {key.removeprefix('top_')}%", pct(value)] for key, value in backtest["capture"].items()])
    return (f"<p>{backtest['rows']:,} held-out records, {backtest['conversions']:,} conversions.</p>" + capture
            + figure(plots.lift_curve({"in score order": backtest["lift_curve"]}), CAPTIONS["lift"]))


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
section {{ margin-bottom: 2.5em; }} figure {{ display: inline-block; margin: 0 1em 1em 0; max-width: 520px; }}
figcaption {{ font-size: .9em; color: #555; }} table {{ border-collapse: collapse; margin: .5em 0; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3em .7em; text-align: left; }}
.flag {{ color: #b42318; font-weight: bold; }} .note {{ font-size: .9em; color: #555; }}
.warning {{ border-left: 4px solid #d68a00; background: #fff8e6; padding: .2em 1em; margin: 1em 0; }}
</style></head>
<body><h1>{title}</h1>
{body}
</body></html>
"""


def render(data: ReportData) -> tuple[str, dict]:
    """The report page and its data as strict JSON values (NaN and infinities, e.g. an AUC on one class, as
    null), to be stored with the model version."""
    doc = report_json(data)
    strict = json.loads(json.dumps(doc, default=str), parse_constant=lambda constant: None)
    return render_html(data, doc), strict


def write_report(data: ReportData, out_dir) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = report_json(data)
    html_path, json_path = out / "report.html", out / "report.json"
    html_path.write_text(render_html(data, doc), encoding="utf-8")
    json_path.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")
    return html_path, json_path
