"""FeatureBuilder: a scikit-learn style transformer from raw records to the float64 feature matrix.

Every transform step is a vectorised pandas/numpy operation: scoring at tens of thousands of records per
second must not be held up here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import ENUMERATION_MAX_VALUES, Schema, clean_text, to_boolean, to_number
from .dates import age_days, reference_time
from .info import FeatureInfo
from .text import SIGNALS, looks_like_short_text, text_signals

OTHER = "Other"


class FeatureBuilder:
    """Fit on training records; transform any records with the same columns (missing ones become NaN)."""

    def __init__(self, schema: Schema, max_categories: int = 30, min_category_share: float = 0.005,
                 min_category_count: int = 10):
        self.schema = schema
        self.max_categories = max_categories
        self.min_category_share = min_category_share
        self.min_category_count = min_category_count

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
        columns: dict[str, np.ndarray] = {}
        for source, how, categories in self.plan_:
            values = frame[source] if source in frame else pd.Series(np.nan, index=frame.index, dtype=object)
            main = self._encode(how, values, categories)
            columns[source] = main
            if how == "text":
                for suffix, signal in text_signals(clean_text(values)).items():
                    columns[f"{source}__{suffix}"] = signal
            flag = f"{source}__missing"
            if flag in self.flag_names_:
                columns[flag] = np.isnan(main).astype("float64")
        return pd.DataFrame({name: columns[name] for name in self.feature_names_}, index=frame.index)

    def _raw(self, how: str, values: pd.Series) -> np.ndarray:
        if how == "number":
            return to_number(values).to_numpy()
        if how == "boolean":
            return to_boolean(values).to_numpy()
        if how == "age_days":
            return age_days(values, self.reference_time_)
        return clean_text(values).isna().map({True: np.nan, False: 0.0}).to_numpy(dtype="float64")

    def _encode(self, how: str, values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
        if how in ("number", "boolean", "age_days"):
            return self._raw(how, values)
        text = clean_text(values)
        codes = pd.Categorical(text.astype(object), categories=list(categories[:-1])).codes.astype("float64")
        # Unknown values (unseen or rare at fit) go to "Other"; missing stays NaN so it keeps its own meaning.
        codes[codes < 0] = len(categories) - 1
        codes[text.isna().to_numpy()] = np.nan
        return codes

    def fit_transform(self, frame: pd.DataFrame, y=None) -> pd.DataFrame:
        return self.fit(frame, y).transform(frame)


def unusable_values(builder: FeatureBuilder, frame: pd.DataFrame) -> np.ndarray:
    """Per row, how many filled-in values could not be read (e.g. "abc" in a number column).

    Such rows are still scored on what is usable; callers count and report them.
    """
    bad = np.zeros(len(frame), dtype=int)
    for source, how, _ in builder.plan_:
        if how in ("number", "boolean", "age_days") and source in frame:
            filled = clean_text(frame[source]).notna().to_numpy()
            bad += filled & np.isnan(builder._raw(how, frame[source]))
    return bad
