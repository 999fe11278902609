"""`leadscore train` and `leadscore score`: train on a CSV and score a CSV, with no web app or broker.

A stable contract: other parts and users script against these options and output columns.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
import numpy as np
import pandas as pd

# Rows scored per step: about 2% of the file, so the progress bar moves smoothly, but never fewer than
# MIN_STEP_ROWS nor more than CHUNK_ROWS (memory stays flat). Scoring has a fixed cost per step (reasons are
# phrased per distinct value): 2,000-row steps scored 200,000 rows at 6,200 rows/s against 15,300 in 50,000-row
# steps, 10,000-row steps 13,500 (bench/cli_score_progress.py).
CHUNK_ROWS = 50_000
MIN_STEP_ROWS = 10_000
DRIFT_SAMPLE_ROWS = 20_000
# Tried in order: UTF-8 (a byte-order mark skipped), then Windows' Western code page, which spreadsheet exports
# use; Latin-1 last, as it reads any bytes (cp1252 leaves five undefined).
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection): written with a
# leading apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_csv(path: str, columns=None, text_columns=()) -> pd.DataFrame:
    """The CSV as a frame, or one clear sentence about why it cannot be read.

    `columns` limits reading to the named ones (others are skipped by the parser); `text_columns` are read as
    categoricals, which the parser encodes once per distinct value: both matter at 200,000 rows."""
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(f"There is no file at {path}.")
    with open(file, "rb") as head:
        if b"\x00" in head.read(65536):  # no text encoding a CSV is saved in puts NUL bytes in it
            raise click.ClickException(f"{path} is not a readable CSV file.")
    for encoding in ENCODINGS:
        try:
            frame = _read(file, path, encoding, columns, text_columns)
        except UnicodeDecodeError:
            continue
        if frame.empty:
            raise click.ClickException(f"{path} has a header but no rows.")
        return frame
    raise click.ClickException(f"{path} is not a readable CSV file.")


def _read(file: Path, path: str, encoding: str, columns, text_columns) -> pd.DataFrame:
    try:
        header = pd.read_csv(file, nrows=0, encoding=encoding).columns if columns is not None else None
        wanted = None if header is None else [c for c in header if c in set(columns)]
        if wanted == []:
            raise click.ClickException(f"{path} has none of the columns the model reads, such as {columns[0]!r}.")
        dtypes = None if header is None else {c: "category" for c in wanted if c in set(text_columns)}
        return pd.read_csv(file, low_memory=False, usecols=wanted, dtype=dtypes, encoding=encoding)
    except pd.errors.EmptyDataError:
        raise click.ClickException(f"{path} is empty.") from None
    except UnicodeDecodeError:
        raise
    except (pd.errors.ParserError, ValueError):
        raise click.ClickException(f"{path} is not a readable CSV file.") from None


def progress_step(rows: int) -> int:
    return max(MIN_STEP_ROWS, min(CHUNK_ROWS, rows // 50))


def read_header(path: str) -> list[str]:
    """The column names of a CSV (for suggestions), read as `read_csv` reads them."""
    for encoding in ENCODINGS:
        try:
            return list(pd.read_csv(path, nrows=0, encoding=encoding).columns)
        except (UnicodeDecodeError, ValueError):
            continue
    return []


def cell(value):
    """A value as written to an output CSV: text that a spreadsheet would run as a formula is escaped."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


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
        raise click.ClickException(sentence(str(error))) from None
    out = result.model.save(out_dir)
    report_note = write_report(result.report, out)
    meta = result.model.metadata
    excluded = ", ".join(e["column"] for e in meta["excluded"]) or "none"
    review = ", ".join(e["column"] for e in meta.get("review", []))
    review = f"; to review (filled mostly on converted records, kept): {review}" if review else ""
    click.echo(f"Trained {meta['learner']} on {meta['labelled_rows']:,} records ({meta['conversions']:,} conversions): "
               f"held-out ROC AUC {meta['metrics']['roc_auc']:.4f}; excluded: {excluded}{review}; model in {out}{report_note}")


def sentence(text: str) -> str:
    """A library's lower-case error as a sentence: capital first, full stop last unless it asks a question."""
    text = f"{text[:1].upper()}{text[1:]}"
    return text if text.endswith(("?", ".")) else f"{text}."


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
    wanted = [*model.columns, *([id_column] if id_column else [])]
    frame = read_csv(csv_path, wanted, [c for c in model.text_columns if c != id_column])
    if id_column and id_column not in frame:
        from scoring.training import did_you_mean

        raise click.ClickException(f"There is no column named {id_column!r} in {csv_path}"
                                   f"{did_you_mean(id_column, read_header(csv_path)) or '.'}")
    absent = [c for c in model.columns if c not in frame]
    if absent:
        click.echo(f"Warning: {csv_path} has no column {', '.join(map(repr, absent))}, which the model uses; "
                   "scored as not known.", err=True)
    scored_rows, unreadable, tiers, scores = 0, 0, pd.Series(0, index=list("ABCD")), []
    with open(out_path, "w", newline="", encoding="utf-8") as out, \
            click.progressbar(length=len(frame), label="Scoring", file=None if on_terminal() else _Quiet()) as bar:
        writer = csv.writer(out)
        writer.writerow([id_column or "row", "score", "probability", "tier", "reasons"])
        step = progress_step(len(frame))
        for start in range(0, len(frame), step):
            chunk = frame.iloc[start:start + step]
            scored, bad = model.score_marking_unreadable(chunk)
            unreadable += int(bad.sum())
            ids = chunk[id_column].tolist() if id_column else range(start, start + len(chunk))
            # Written chunk by chunk (csv module: a third faster than DataFrame.to_csv here): memory stays flat.
            # Probabilities to 4 decimals: the model's calibration is not finer than that, and 16 digits read as noise.
            writer.writerows(zip(map(cell, ids), scored["score"].tolist(), scored["probability"].round(4).tolist(),
                                 scored["tier"].tolist(),
                                 map(cell, scored["reasons"].tolist())))
            tiers = tiers.add(scored["tier"].value_counts(), fill_value=0)
            scores.append(scored["score"].to_numpy())
            scored_rows += len(chunk)
            bar.update(len(chunk))
    counts = ", ".join(f"{tier}: {int(tiers.get(tier, 0)):,}" for tier in "ABCD")
    note = f"; {unreadable:,} rows had unreadable values and were scored on the rest" if unreadable else ""
    click.echo(f"Scored {scored_rows:,} records to {out_path} ({counts}){note}")
    if scored_rows:
        click.echo(drift_line(model, frame, np.concatenate(scores)))


def drift_line(model, frame: pd.DataFrame, scores: np.ndarray) -> str:
    """One line on how far this batch has moved from the training data (PSI of the score and top features).
    Features are read from a sample: PSI over ten bins needs thousands of rows, not the whole file."""
    if not model.metadata.get("drift_reference"):
        return "Drift: not measured (the model was trained without a drift reference)."
    sample = frame.sample(min(len(frame), DRIFT_SAMPLE_ROWS), random_state=0)
    report = model.drift(sample, scores=scores)
    worst = max(report.feature_psi.items(), key=lambda item: item[1], default=None)
    feature = f"; most moved field {worst[0]!r} PSI {worst[1]:.2f}" if worst else ""
    return f"Drift against training: score PSI {report.score_psi:.2f}{feature} ({report.level})."


class _Quiet:
    """A sink so the progress bar stays off pipes and logs."""

    def write(self, _text) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
