"""Training orchestration: labels, guards, split, cross-validated calibration, learner choice, tiers, metrics."""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

from .calibration import Calibrator
from .drift import reference
from .evaluation import backtest, metrics as evaluate
from .features.builder import FeatureBuilder
from .guards import Exclusion, name_tokens
from .guards.identifiers import identifier_columns
from .guards.leakage import late_filled_suspects, leaky_columns
from .guards.protected import protected_columns
from .labels import binary_labels, censor_young
from .missing import Marginaliser
from .model import ScoringModel
from .models.lightgbm_full import FullLightGBMClassifier
from .models.logistic import LogisticBaseline
from .models.points import PointsModel
from .schema import Schema, clean_text, infer_schema, to_datetime
from .tiers import TIERS, ScoreScale, assign_tiers, cuts_from_shares, validate_cuts

# Below either threshold the history is too thin for a learned model: the points model is used instead.
MIN_LABELLED = 200
MIN_CONVERSIONS = 30
CREATION_WORDS = frozenset({"created", "create", "createdate", "createddate", "signup", "registered"})
# Folds for the out-of-fold predictions the calibrator is fitted on: three give it every training row at 60% of
# the cost of five; large data sets need only two.
LARGE = 50_000
# Guards see at most this many training rows: their answers are as stable on a sample, and on 200,000 rows
# they would otherwise cost a minute.
GUARD_SAMPLE = 50_000
# Drift watches the score and the features that move scores most; the ranking needs only a sample.
DRIFT_FEATURES = 5
DRIFT_SAMPLE = 20_000


class TrainingError(ValueError):
    """The input cannot be trained on; the message is one sentence for the user."""


@dataclass
class TrainingOptions:
    target: str
    positive: str | None = None
    id_column: str | None = None
    keep: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    tier_cuts: dict[str, float] | None = None
    learner: str = "auto"          # auto | additive | lightgbm | logistic | points
    points_rules: list[dict] | None = None
    holdout_share: float = 0.2
    random_state: int = 0
    title: str = "Lead scoring model"
    # The column dating each conversion (e.g. HubSpot's stage date, Salesforce's ConvertedDate): when given,
    # records younger than the conversion window learnt from it are scored but not trained on (labels.censor_young).
    converted_at: str | None = None
    created: str | None = None     # the creation date column; found by name when not given


@dataclass
class TrainingResult:
    model: ScoringModel
    report: object                 # scoring.report.data.ReportData when E2's report package is present
    holdout_index: pd.Index
    excluded: list[Exclusion] = field(default_factory=list)


def fingerprint(frame: pd.DataFrame) -> str:
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def no_such_column(name: str, columns) -> TrainingError:
    """The error for a column the data lacks, naming the closest columns it has (a typo, a case slip)."""
    return TrainingError(f"there is no column named {name!r} in the data{did_you_mean(name, columns)}")


def did_you_mean(name: str, columns) -> str:
    """"; did you mean 'x'?" for the nearest of `columns`, compared case-insensitively; "" when none is near."""
    by_folded = {str(c).lower(): str(c) for c in columns}
    close = difflib.get_close_matches(str(name).lower(), list(by_folded), n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(by_folded[c]) for c in close)}?" if close else ""


def read_labels(frame: pd.DataFrame, options: TrainingOptions) -> pd.Series:
    if options.target not in frame:
        raise no_such_column(options.target, frame.columns)
    try:
        y = binary_labels(frame[options.target], options.positive)
    except ValueError as error:
        raise TrainingError(f"the target column {options.target!r} is unusable: {error}") from None
    labelled = y.dropna()
    if labelled.empty:
        raise TrainingError("no record has an outcome in the target column, so there is nothing to learn from")
    if labelled.nunique() < 2:
        raise TrainingError(f"every record with an outcome has the same value in {options.target!r}; two classes are needed")
    return y


def guard_columns(frame: pd.DataFrame, y: np.ndarray, schema: Schema, options: TrainingOptions) -> list[Exclusion]:
    """Every column kept out of the features, with the reason; --keep forces a guarded column back in."""
    excluded = [Exclusion(options.id_column, "record identifier named by the caller")] if options.id_column else []
    if options.converted_at:
        excluded.append(Exclusion(options.converted_at, "conversion date: known only after the outcome"))
    excluded += identifier_columns(frame, schema)
    excluded += protected_columns(schema.names, options.protected)
    seen = {e.column for e in excluded}
    rest = schema.without(seen)
    for column in rest.columns:
        if clean_text(frame[column.name]).nunique() <= 1:
            excluded.append(Exclusion(column.name, "constant or empty: carries no information"))
    rest = rest.without({e.column for e in excluded})
    excluded += leaky_columns(frame, y, rest)
    unique, found = set(), []
    for exclusion in excluded:
        if exclusion.column not in unique and exclusion.column not in options.keep:
            unique.add(exclusion.column)
            found.append(exclusion)
    return found


def censored_labels(frame: pd.DataFrame, y: pd.Series, schema: Schema, options: TrainingOptions):
    """(labels, conversion window in days or None, records too young to train on)."""
    created = options.created or creation_column(frame, schema)
    if not options.converted_at or not created:
        return y, None, 0
    censored, window = censor_young(y, frame[created], frame[options.converted_at])
    return censored, window, int((censored.isna() & y.notna()).sum())


def creation_column(frame: pd.DataFrame, schema: Schema) -> str | None:
    for column in schema.columns:
        if column.type == "datetime" and CREATION_WORDS & set(name_tokens(column.name)):
            if to_datetime(frame[column.name]).notna().mean() >= 0.9:
                return column.name
    return None


def split(frame: pd.DataFrame, y: np.ndarray, schema: Schema, options: TrainingOptions):
    """Time-ordered (newest records held out) when records carry creation dates, stratified otherwise."""
    created = creation_column(frame, schema)
    positions = np.arange(len(frame))
    if created:
        order = np.argsort(to_datetime(frame[created]).to_numpy(), kind="stable")
        n_hold = max(1, int(round(options.holdout_share * len(frame))))
        train, hold = np.sort(order[:-n_hold]), np.sort(order[-n_hold:])
        if 0 < y[hold].sum() < len(hold) and 0 < y[train].sum() < len(train):
            return train, hold, f"time-ordered: newest {options.holdout_share:.0%} by {created!r} held out"
    stratify = y if min(np.bincount(y.astype(int))) >= 2 else None
    train, hold = train_test_split(positions, test_size=options.holdout_share, stratify=stratify,
                                   random_state=options.random_state)
    return np.sort(train), np.sort(hold), f"stratified: random {options.holdout_share:.0%} held out"


def additive_class():
    try:
        from .models.additive import AdditiveBoostingClassifier
    except ImportError:  # E2's learner; without it the others compete
        return None
    return AdditiveBoostingClassifier


LEARNERS = ("additive", "lightgbm", "logistic", "points")


def candidate_learners(n_labelled: int, n_positive: int, options: TrainingOptions, builder: FeatureBuilder):
    """{name: factory} of the learners that compete, and the reason when the caller or thin history decided."""
    categorical = builder.categorical_features_
    labels = {f.name: f.categories for f in builder.feature_info_ if f.kind == "category"}
    makers = {"lightgbm": lambda: FullLightGBMClassifier(categorical_features=categorical,
                                                         random_state=options.random_state, tune=True),
              "logistic": lambda: LogisticBaseline(categorical_features=categorical),
              "points": lambda: PointsModel(rules=options.points_rules, category_labels=labels,
                                            categorical_features=categorical)}
    additive = additive_class()
    if additive is not None:
        makers["additive"] = lambda: additive(categorical_features=categorical, random_state=options.random_state)
    if options.learner not in ("auto", *LEARNERS):
        raise TrainingError(f"unknown learner {options.learner!r}; use auto, {', '.join(LEARNERS)}")
    if options.learner == "auto" and (n_labelled < MIN_LABELLED or n_positive < MIN_CONVERSIONS):
        return {"points": makers["points"]}, (
            f"history too thin for a learned model ({n_labelled} records with an outcome, {n_positive} "
            f"conversions; needs {MIN_LABELLED} and {MIN_CONVERSIONS}): rule-based points")
    if options.learner == "auto":
        return {name: makers[name] for name in LEARNERS if name in makers}, None
    if options.learner not in makers:
        raise TrainingError(f"the {options.learner} learner is not installed")
    return {options.learner: makers[options.learner]}, "chosen by the caller"


def compete(makers: dict, X_train: pd.DataFrame, y_train: np.ndarray, X_hold: pd.DataFrame, y_hold: np.ndarray,
            random_state: int, progress) -> tuple[str, np.ndarray, dict, dict]:
    """Every candidate cross-validated on the training rows, the winner picked by that AUC alone, and each also
    fitted on the same training rows and checked on the same held-out rows, for the record (never for the pick:
    held-out rows stay unseen by every decision). Returns (winner, its out-of-fold predictions, AUCs by name, the
    other candidates fitted on the training rows)."""
    oof, scores, fitted = {}, {}, {}
    for name, make in makers.items():
        progress(f"cross-validating {name}")
        oof[name] = out_of_fold(make, X_train, y_train, random_state)
        scores[name] = {"cv_roc_auc": evaluate(y_train, oof[name])["roc_auc"]}
    ranked = sorted(scores, key=lambda n: -np.nan_to_num(scores[n]["cv_roc_auc"], nan=0.0))
    if len(makers) > 1:
        for name in ranked[1:]:
            fitted[name] = makers[name]().fit(X_train, y_train)
            scores[name]["holdout_roc_auc"] = evaluate(y_hold, fitted[name].predict_proba(X_hold)[:, 1])["roc_auc"]
    return ranked[0], oof[ranked[0]], scores, fitted


def sample_rows(rows: np.ndarray, y: np.ndarray, size: int, random_state: int) -> np.ndarray:
    """At most `size` of `rows`, stratified by outcome, in their original order."""
    if len(rows) <= size:
        return rows
    kept, _ = train_test_split(rows, train_size=size, stratify=y[rows], random_state=random_state)
    return np.sort(kept)


def out_of_fold(make, X: pd.DataFrame, y: np.ndarray, random_state: int) -> np.ndarray:
    folds = 2 if len(y) > LARGE else 3
    folds = max(2, min(folds, int(min(np.bincount(y.astype(int))))))
    oof = np.empty(len(y))
    for fit_rows, pred_rows in StratifiedKFold(folds, shuffle=True, random_state=random_state).split(X, y):
        model = make().fit(X.iloc[fit_rows], y[fit_rows])
        oof[pred_rows] = model.predict_proba(X.iloc[pred_rows])[:, 1]
    return oof


def top_factors(learner, X: pd.DataFrame, builder: FeatureBuilder) -> list[tuple[str, float]]:
    """(label, mean |contribution|) by source column, features of one source (value + flag) combined."""
    sources = [f.source for f in builder.feature_info_]
    labels = {f.source: f.label for f in builder.feature_info_}
    by_source = pd.DataFrame(learner.contributions(X), columns=X.columns).T.groupby(sources).sum().T
    strength = by_source.abs().mean().sort_values(ascending=False)
    return [(labels[source], float(value)) for source, value in strength.items()]


def drift_reference(learner, X: pd.DataFrame, scores: np.ndarray, builder: FeatureBuilder) -> dict:
    """What ScoringModel.drift compares a scored batch with: bins and shares of the final model's scores on the
    training data (not out-of-fold scores: a points model refitted per fold scores on other point values, which
    alone read as drift) and of the DRIFT_FEATURES features that move scores most (by source column)."""
    sample = X.iloc[:DRIFT_SAMPLE]
    strength = np.abs(learner.contributions(sample)).mean(axis=0)
    # Ages are left out: every batch scored later is younger than the training rows by construction.
    mains = [j for j, f in enumerate(builder.feature_info_) if f.kind not in ("missing_flag", "text_signal", "age_days")]
    top = sorted(mains, key=lambda j: -strength[j])[:DRIFT_FEATURES]
    features = {}
    for j in top:
        info = builder.feature_info_[j]
        features[info.source] = {"feature": info.name,
                                 **reference(X[info.name].to_numpy(), categorical=info.kind == "category")}
    return {"score": reference(scores), "features": features}


def train_model(frame: pd.DataFrame, schema: Schema | None, label: str, *, positive: str | None = None,
                id_column: str | None = None, keep=(), protected=(), segments=(), learner: str = "auto",
                tier_cuts: dict[str, float] | None = None, progress=lambda step: None) -> TrainingResult:
    """The one call for callers holding records in a DataFrame (e.g. built from CRM snapshots).

    `schema` types the columns (scoring.schema.schema_from_properties turns a CRM property list into one; None
    infers it from the values); `label` is the outcome column in any binary encoding (see labels.py), empty for
    records with no outcome yet: those are scored but not trained on. Raises TrainingError (one sentence) when
    the data cannot be trained on. The result's `.model` is a ScoringModel (score, drift, to_bytes)."""
    options = TrainingOptions(target=label, positive=positive, id_column=id_column, keep=tuple(keep),
                              protected=tuple(protected), segments=tuple(segments), learner=learner,
                              tier_cuts=tier_cuts)
    return train(frame, options, schema=schema, progress=progress)


def train(frame: pd.DataFrame, options: TrainingOptions, schema: Schema | None = None,
          progress=lambda step: None) -> TrainingResult:
    if frame.empty:
        raise TrainingError("the data has no rows")
    y_all = read_labels(frame, options)
    records = frame.drop(columns=[options.target])
    schema = (schema or infer_schema(records)).without([options.target])
    missing = [c for c in (*options.keep, *options.segments) if c not in frame]
    missing += [c for c in (options.id_column, options.converted_at, options.created) if c and c not in frame]
    if missing:
        raise no_such_column(missing[0], frame.columns)
    y_all, window, censored = censored_labels(frame, y_all, schema, options)
    if y_all.dropna().nunique() < 2:
        raise TrainingError("no records old enough to have had their chance to convert hold both outcomes")
    labelled = frame.loc[y_all.notna()].reset_index(drop=True)
    y = y_all.dropna().to_numpy()

    train_rows, hold_rows, split_how = split(labelled, y, schema, options)
    progress("guards")
    # Guards look at training rows only, so held-out rows stay unseen by every decision; a sample of a large
    # set decides as well as all of it.
    guard_rows = sample_rows(train_rows, y, GUARD_SAMPLE, options.random_state)
    excluded = guard_columns(labelled.iloc[guard_rows], y[guard_rows], schema, options)
    feature_schema = schema.without({e.column for e in excluded})
    suspects = late_filled_suspects(labelled.iloc[guard_rows], y[guard_rows], feature_schema)
    X_source = labelled.drop(columns=[options.target])
    builder = FeatureBuilder(feature_schema).fit(X_source.iloc[train_rows])
    if not builder.feature_names_:
        raise TrainingError("no usable feature column is left after excluding identifiers, protected and leaky columns")
    # Every record is turned into features once: the labelled ones train and are held out, all are scored.
    X_all = builder.transform(frame)
    X_labelled = X_all.loc[y_all.notna().to_numpy()].reset_index(drop=True)
    X_train, X_hold = X_labelled.iloc[train_rows], X_labelled.iloc[hold_rows]
    y_train, y_hold = y[train_rows], y[hold_rows]

    makers, reason = candidate_learners(len(y), int(y.sum()), options, builder)
    name, oof, candidates, fitted = compete(makers, X_train, y_train, X_hold, y_hold, options.random_state, progress)
    if reason is None:
        reason = "highest cross-validated ROC AUC on the training rows: " + ", ".join(
            f"{n} {c['cv_roc_auc']:.4f}" for n, c in sorted(candidates.items(), key=lambda i: -i[1]["cv_roc_auc"]))
    calibrator = Calibrator().fit(oof, y_train)
    progress(f"fitting {name}")
    learner = makers[name]().fit(X_train, y_train)
    fitted[name] = learner
    tuning = getattr(fitted.get("lightgbm"), "tuning_", None)
    marginaliser = Marginaliser.fit(learner, X_train, builder.feature_info_, options.random_state)
    # Scores rank a record among the training rows' out-of-fold probabilities, as new records are scored.
    train_probability = calibrator.transform(oof)
    model = ScoringModel(feature_schema, builder, learner, calibrator, {}, {}, marginaliser,  # cuts, metadata below
                         ScoreScale(train_probability))
    # Held-out rows are scored as any later record is: a blank training never saw is marginalised.
    p_hold = model.feature_probability(X_hold)
    held_out = evaluate(y_hold, p_hold)
    candidates[name]["holdout_roc_auc"] = held_out["roc_auc"]
    comparisons = {f"{n}_{key}": value for n, c in candidates.items() for key, value in c.items()}

    train_scores = model.to_score(train_probability)
    cuts = validate_cuts(options.tier_cuts) if options.tier_cuts else cuts_from_shares(train_scores)
    hold_scores = model.to_score(p_hold)
    hold_tiers = assign_tiers(hold_scores, cuts)
    for tier in TIERS:
        in_tier = hold_tiers == tier
        held_out[f"conversion_rate_{tier}"] = float(y_hold[in_tier].mean()) if in_tier.any() else float("nan")
        held_out[f"share_{tier}"] = float(in_tier.mean())
    held_out.update(comparisons)
    held_out["cv_roc_auc"] = candidates[name]["cv_roc_auc"]

    metadata = {
        "learner": name, "learner_reason": reason, "target": options.target, "positive": options.positive,
        "id_column": options.id_column, "features": builder.feature_names_,
        "feature_sources": sorted({f.source for f in builder.feature_info_}),
        "excluded": [e.as_dict() for e in excluded], "review": [e.as_dict() for e in suspects],
        "metrics": held_out, "tier_cuts": cuts,
        # Held-out rows and conversions at each score 0-100: any other cut points' shares and rates follow.
        "holdout_by_score": {"rows": np.bincount(hold_scores, minlength=101).tolist(),
                             "conversions": np.bincount(hold_scores, weights=y_hold, minlength=101).astype(int).tolist()},
        "calibration": calibrator.method_, "split": split_how, "rows": len(frame), "labelled_rows": len(y),
        "conversions": int(y.sum()), "unlabelled_rows": int(y_all.isna().sum()),
        "conversion_window_days": window, "censored_rows": censored, "lightgbm_tuning": tuning,
        "holdout_rows": [int(i) for i in np.flatnonzero(y_all.notna().to_numpy())[hold_rows]],
        "backtest": backtest(y_hold, p_hold, hold_tiers),
        "reference_time": builder.reference_time_.isoformat(), "fingerprint": fingerprint(frame),
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    # Checked, the winner is fitted once more on every labelled row, held-out ones too: the figures above are for
    # the same learner trained without them, a slightly conservative estimate of the model shipped.
    progress(f"refitting {name} on all {len(y)} labelled rows")
    # With the settings chosen on the training rows: a tuned LightGBM is not tuned again.
    learner = (learner.settled() if hasattr(learner, "settled") else makers[name]()).fit(X_labelled, y)
    model.learner = learner
    model.marginaliser = Marginaliser.fit(learner, X_labelled, builder.feature_info_, options.random_state)
    metadata["points_rules"] = getattr(learner, "rules_", None)
    model.tier_cuts, model.metadata = cuts, metadata
    progress("scoring all records")
    all_scores = model.to_score(model.feature_probability(X_all))
    # The reference describes every record scored, as the score's does: the training rows alone leave out the
    # unlabelled ones (young records, Salesforce Contacts), whose mix differs and would read as drift at once.
    metadata["drift_reference"] = drift_reference(learner, X_all, all_scores, builder)
    # Data quality is read on every labelled record (trained or held out), the count `train` reports.
    report = build_report(options, model, y_hold, p_hold, hold_tiers, labelled, labelled.iloc[hold_rows], X_hold,
                          all_scores, excluded)
    return TrainingResult(model, report, frame.index[y_all.notna().to_numpy()][hold_rows], excluded)


def build_report(options, model, y_hold, p_hold, hold_tiers, train_frame, hold_frame, X_hold, all_scores, excluded):
    try:
        from .report.data import ReportData
    except ImportError:  # E2's report package; the model is still usable without its report
        return None
    meta = model.metadata
    return ReportData(
        title=options.title, learner=meta["learner"], learner_reason=meta["learner_reason"],
        y_true=y_hold.astype(int), probability=p_hold, tiers=hold_tiers, tier_cuts=model.tier_cuts,
        metrics=meta["metrics"], top_factors=top_factors(model.learner, X_hold, model.builder),
        excluded=[e.as_dict() for e in excluded], review=list(meta.get("review", [])),
        segments={c: hold_frame[c].to_numpy() for c in options.segments},
        training_frame=train_frame, scores=all_scores, drift=model.drift(hold_frame).as_dict(),
        backtest=meta.get("backtest"))
