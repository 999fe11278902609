"""`leadscore train` and `leadscore score`: train on a CSV and score a CSV, with no web app or broker.

A stable contract: other parts and users script against these options and output columns.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
import numpy as np
import pandas as pd

CHUNK_ROWS = 10_000


def read_csv(path: str) -> pd.DataFrame:
    """The CSV as a frame, or one clear sentence about why it cannot be read."""
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(f"There is no file at {path}.")
    try:
        frame = pd.read_csv(file, low_memory=False)
    except pd.errors.EmptyDataError:
        raise click.ClickException(f"{path} is empty.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        raise click.ClickException(f"{path} is not a readable CSV file.") from None
    if frame.empty:
        raise click.ClickException(f"{path} has a header but no rows.")
    return frame


def on_terminal() -> bool:
    return sys.stderr.isatty()


@click.command("train")
@click.option("--csv", "csv_path", required=True, help="CSV of records with their outcomes.")
@click.option("--target", required=True, help="Outcome column (0/1, yes/no, true/false, Y/N or see --positive).")
@click.option("--positive", default=None, help="The target value that means converted.")
@click.option("--id", "id_column", default=None, help="Record id column (never a feature).")
@click.option("--keep", multiple=True, help="Force a guarded column back in as a feature (repeatable).")
@click.option("--protected", multiple=True, help="Extra protected column to exclude (repeatable).")
@click.option("--segment", multiple=True, help="Column to break the fairness table down by (repeatable).")
@click.option("--learner", type=click.Choice(["auto", "additive", "lightgbm", "logistic", "points"]),
              default="auto", show_default=True, help="Learner; auto picks points for thin history.")
@click.option("--tier-cuts", default=None, metavar="A,B,C",
              help="Lowest score of tiers A, B and C, e.g. 70,45,20 (default: top 10%/20%/30% of training scores).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory for the model.")
def train(csv_path, target, positive, id_column, keep, protected, segment, learner, tier_cuts, out_dir) -> None:
    """Train a lead-scoring model on a CSV and write it with its report to OUT."""
    # Imported here so other `leadscore` commands start without loading the data-science stack.
    from scoring.training import TrainingError, TrainingOptions, train as train_model

    cuts = parse_tier_cuts(tier_cuts) if tier_cuts else None
    frame = read_csv(csv_path)
    options = TrainingOptions(target=target, positive=positive, id_column=id_column, keep=tuple(keep),
                              protected=tuple(protected), segments=tuple(segment), learner=learner, tier_cuts=cuts,
                              title=f"Lead scoring model: {Path(csv_path).name}")
    show = on_terminal()
    try:
        result = train_model(frame, options, progress=lambda step: show and click.echo(f"... {step}", err=True))
    except TrainingError as error:
        raise click.ClickException(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
    out = result.model.save(out_dir)
    report_note = write_report(result.report, out)
    meta = result.model.metadata
    excluded = ", ".join(e["column"] for e in meta["excluded"]) or "none"
    click.echo(f"Trained {meta['learner']} on {meta['labelled_rows']} records ({meta['conversions']} conversions): "
               f"held-out ROC AUC {meta['metrics']['roc_auc']:.4f}; excluded: {excluded}; model in {out}{report_note}")


def parse_tier_cuts(text: str) -> dict[str, float]:
    from scoring.tiers import validate_cuts

    try:
        a, b, c = (float(part) for part in text.split(","))
        return validate_cuts({"A": a, "B": b, "C": c, "D": 0.0})
    except ValueError:
        raise click.BadParameter("give three scores falling from A to C, e.g. 70,45,20", param_hint="--tier-cuts")


def write_report(report, out: Path) -> str:
    if report is None:
        return " (no report: the report package is not installed)"
    try:
        from scoring.report import write_report as write
    except ImportError:
        return " (no report: the report package is not installed)"
    write(report, out)
    return ""


@click.command("score")
@click.option("--model", "model_dir", required=True, type=click.Path(file_okay=False), help="Trained model directory.")
@click.option("--csv", "csv_path", required=True, help="CSV of records to score.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="CSV to write.")
@click.option("--id", "id_column", default=None, help="Column to copy as the record id (default: row number).")
def score(model_dir, csv_path, out_path, id_column) -> None:
    """Score every record of a CSV: id, score, probability, tier, reasons."""
    from scoring.model import ScoringModel

    try:
        model = ScoringModel.load(model_dir)
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(f"{error}.") from None
    frame = read_csv(csv_path)
    if id_column and id_column not in frame:
        raise click.ClickException(f"There is no column named {id_column!r} in {csv_path}.")
    parts, unreadable = [], 0
    with click.progressbar(length=len(frame), label="Scoring", file=None if on_terminal() else _Quiet()) as bar:
        for start in range(0, len(frame), CHUNK_ROWS):
            chunk = frame.iloc[start:start + CHUNK_ROWS]
            scored = model.score(chunk)
            unreadable += int(model.unusable_rows(chunk).sum())
            scored.insert(0, id_column or "row", chunk[id_column].to_numpy() if id_column else
                          np.arange(start, start + len(chunk)))
            parts.append(scored)
            bar.update(len(chunk))
    result = pd.concat(parts, ignore_index=True)
    result.to_csv(out_path, index=False)
    tiers = result["tier"].value_counts().reindex(["A", "B", "C", "D"], fill_value=0)
    counts = ", ".join(f"{tier}: {n}" for tier, n in tiers.items())
    note = f"; {unreadable} rows had unreadable values and were scored on the rest" if unreadable else ""
    click.echo(f"Scored {len(result)} records to {out_path} ({counts}){note}")


class _Quiet:
    """A sink so the progress bar stays off pipes and logs."""

    def write(self, _text) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
