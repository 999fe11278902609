"""FeatureBuilder: a scikit-learn style transformer from raw records to the float64 feature matrix.

Every transform step is a vectorised pandas/numpy operation: scoring at tens of thousands of records per
second must not be held up here.
"""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from ..schema import ENUMERATION_MAX_VALUES, Schema, clean_text, factorized, spread, to_boolean, to_number
from .dates import age_days, naive_utc, reference_time
from .info import FeatureInfo
from .related import near_duplicate_groups
from .text import SIGNALS, looks_like_short_text, text_signals

OTHER = "Other"
# Columns parsed into numbers; a filled-in value that does not parse is "unreadable".
PARSED = ("number", "boolean", "age_days")


class FeatureBuilder:
    """Fit on training records; transform any records with the same columns (missing ones become NaN)."""

    def __init__(self, schema: Schema, max_categories: int = 30, min_category_share: float = 0.005,
                 min_category_count: int = 10):
        self.schema = schema
        self.max_categories = max_categories
        self.min_category_share = min_category_share
        self.min_category_count = min_category_count

    def at(self, moment) -> "FeatureBuilder":
        """This builder measuring ages up to `moment` (now, when scoring live CRM records) rather than the
        newest date seen in training, so a lead's age keeps growing after the model was trained."""
        moved = copy.copy(self)
        moved.reference_time_ = max(self.reference_time_, naive_utc(moment))
        return moved

    # --- fit -------------------------------------------------------------------------------------------
    def fit(self, frame: pd.DataFrame, y=None) -> "FeatureBuilder":
        self.reference_time_ = reference_time(
            [frame[c.name] for c in self.schema.columns if c.type == "datetime" and c.name in frame])
        self.plan_ = []          # (source, how, categories) in feature order
        infos: list[FeatureInfo] = []
        for column in self.schema.columns:
            if column.name not in frame:
                continue
            values = frame[column.name]
            how, categories = self._plan_column(column.type, values)
            self.plan_.append((column.name, how, categories))
            infos.extend(self._infos(column.name, column.label, how, categories, values))
        self.feature_info_ = infos
        self.feature_names_ = [f.name for f in infos]
        self.categorical_features_ = [f.name for f in infos if f.kind == "category"]
        self.flag_names_ = {f.name for f in infos if f.kind == "missing_flag"}
        compared = {source: ("text", clean_text(frame[source])) if how in ("category", "text") else
                    ("number", pd.Series(self._raw(how, frame[source]))) for source, how, _ in self.plan_
                    if how != "boolean"}
        self.related_sources_ = near_duplicate_groups(compared)
        return self

    def _plan_column(self, type_: str, values: pd.Series):
        if type_ == "number":
            return "number", ()
        if type_ == "boolean":
            return "boolean", ()
        if type_ == "datetime":
            return "age_days", ()
        text = clean_text(values)
        if type_ == "string" and text.nunique() > ENUMERATION_MAX_VALUES and looks_like_short_text(text):
            return "text", self._fit_categories(text)
        return "category", self._fit_categories(text)

    def _fit_categories(self, text: pd.Series) -> tuple[str, ...]:
        # Rare values are lumped into "Other" so a value seen a handful of times cannot become a rule of its own.
        counts = text.dropna().astype(str).value_counts()
        floor = max(self.min_category_count, self.min_category_share * len(text))
        kept = counts[counts >= floor].index[: self.max_categories]
        return tuple(sorted(kept)) + (OTHER,)

    def _infos(self, source, label, how, categories, values) -> list[FeatureInfo]:
        infos = []
        if how == "text":
            infos.append(FeatureInfo(source, source, label, "category", categories))
            infos += [FeatureInfo(f"{source}__{suffix}", source, label, "text_signal", (), f"{label.lower()} {what}")
                      for suffix, what, _ in SIGNALS]
        else:
            kind = {"number": "number", "boolean": "boolean", "age_days": "age_days"}.get(how, "category")
            infos.append(FeatureInfo(source, source, label, kind, categories if kind == "category" else ()))
        missing = self._raw(how, values)
        if 0 < np.isnan(missing).mean() < 1:
            infos.append(FeatureInfo(f"{source}__missing", source, label, "missing_flag"))
        return infos

    # --- transform ---------------------------------------------------------------------------------------
    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.transform_counting_unreadable(frame)[0]

    def transform_counting_unreadable(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        """The feature matrix, and per row how many filled-in values could not be read (e.g. "abc" in a number
        column). Such values count as missing, so the row is still scored on what is usable."""
        columns: dict[str, np.ndarray] = {}
        unreadable = np.zeros(len(frame), dtype=int)
        for source, how, categories in self.plan_:
            values = frame[source] if source in frame else pd.Series(np.nan, index=frame.index, dtype=object)
            if how == "number" and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                main = values.to_numpy(dtype="float64")  # already numbers: nothing to parse, nothing unreadable
            else:
                # One factorize per column: every parse below runs over the distinct values only.
                codes, uniques = factorized(values)
                text = clean_text(uniques)
                per_value = self._encode_uniques(how, uniques, text, categories)
                main = spread(per_value, codes)
                if how in PARSED:
                    unreadable += spread((text.notna().to_numpy() & np.isnan(per_value)).astype("float64"),
                                         codes, 0.0).astype(int)
                if how == "text":
                    for suffix, signal in text_signals(text).items():
                        columns[f"{source}__{suffix}"] = spread(signal, codes)
            main = np.asarray(main, dtype="float64")
            columns[source] = main
            flag = f"{source}__missing"
            if flag in self.flag_names_:
                columns[flag] = np.isnan(main).astype("float64")
        return pd.DataFrame({name: columns[name] for name in self.feature_names_}, index=frame.index), unreadable

    def _raw(self, how: str, values: pd.Series) -> np.ndarray:
        if how == "number":
            return to_number(values).to_numpy()
        if how == "boolean":
            return to_boolean(values).to_numpy()
        if how == "age_days":
            return age_days(values, self.reference_time_)
        return clean_text(values).isna().map({True: np.nan, False: 0.0}).to_numpy(dtype="float64")

    def _encode_uniques(self, how: str, uniques: pd.Series, text: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
        if how in PARSED:
            return self._raw(how, uniques)
        codes = pd.Categorical(text, categories=list(categories[:-1])).codes.astype("float64")
        # Unknown values (unseen or rare at fit) go to "Other"; missing stays NaN so it keeps its own meaning.
        codes[codes < 0] = len(categories) - 1
        codes[text.isna().to_numpy()] = np.nan
        return codes

    def fit_transform(self, frame: pd.DataFrame, y=None) -> pd.DataFrame:
        return self.fit(frame, y).transform(frame)


def unusable_values(builder: FeatureBuilder, frame: pd.DataFrame) -> np.ndarray:
    """Per row, how many filled-in values could not be read (see transform_counting_unreadable)."""
    return builder.transform_counting_unreadable(frame)[1]
