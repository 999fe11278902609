"""LightGBM trees read off into lookup tables: one per feature (main effects) and one per interacting pair.

Every feature gets bins: the intervals between the split points any tree uses on it (or its category codes),
plus a last bin for missing. A tree that splits on features G is constant on each cell of G's bins, so summing
the trees of G over one representative value per cell gives G's table exactly, whatever LightGBM's rules
for missing values or unseen categories are (the representatives go through LightGBM's own predict).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Purifying a pair table (moving its row and column averages into the main effects) converges in a few sweeps.
PURIFY_SWEEPS = 30


@dataclass
class Bins:
    thresholds: np.ndarray   # numeric: sorted split points; categorical: empty
    codes: int               # categorical: codes 0..codes-1 have a bin each, the last one also takes unseen codes
    categorical: bool

    @property
    def size(self) -> int:
        return (self.codes if self.categorical else len(self.thresholds) + 1) + 1  # + the missing bin

    def index(self, column: np.ndarray) -> np.ndarray:
        nan = np.isnan(column)
        if self.categorical:
            # LightGBM truncates category values to int; codes it never split on share the "unseen" bin.
            index = np.clip(np.where(nan, 0, column), 0, self.codes - 1).astype(np.intp)
        else:
            # LightGBM sends x <= threshold left, so bin i is (t[i-1], t[i]]: searchsorted side="left".
            index = np.searchsorted(self.thresholds, np.where(nan, 0.0, column), side="left")
        index[nan] = self.size - 1
        return index

    def representatives(self) -> np.ndarray:
        """One value inside each bin, the missing bin last."""
        if self.categorical:
            inside = np.arange(self.codes, dtype="float64")
        elif len(self.thresholds):
            beyond = self.thresholds[-1] + max(1.0, abs(self.thresholds[-1]))
            inside = np.append(self.thresholds, beyond)
        else:
            inside = np.array([0.0])
        return np.append(inside, np.nan)


@dataclass
class AdditiveTables:
    bias: float
    bins: list[Bins]
    mains: list[np.ndarray]                          # per feature, one value per bin
    pairs: dict[tuple[int, int], np.ndarray]         # (i, j) -> values[bin_i, bin_j]

    def bin_matrix(self, matrix: np.ndarray) -> np.ndarray:
        # Column-major: every step below reads and writes one feature's column at a time.
        index = np.empty(matrix.shape, dtype=np.intp, order="F")
        for j, b in enumerate(self.bins):
            index[:, j] = b.index(matrix[:, j])
        return index

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per row and feature, in log-odds; a pair's share is split half and half between its two features."""
        index = self.bin_matrix(matrix)
        out = np.empty(matrix.shape, order="F")
        for j, table in enumerate(self.mains):
            out[:, j] = table[index[:, j]]
        for (i, j), table in self.pairs.items():
            half = 0.5 * table[index[:, i], index[:, j]]
            out[:, i] += half
            out[:, j] += half
        return out

    def centred(self, matrix: np.ndarray) -> "AdditiveTables":
        """Pure pair tables and main effects centred on the training rows, so that a contribution reads
        "compared with the average record" and each pair table holds only what the main effects cannot."""
        index = self.bin_matrix(matrix)
        mains = [t.copy() for t in self.mains]
        pairs = {}
        for (i, j), table in self.pairs.items():
            weight = np.zeros(table.shape)
            np.add.at(weight, (index[:, i], index[:, j]), 1.0)
            table = table.copy()
            rows, cols = weight.sum(axis=1), weight.sum(axis=0)
            for _ in range(PURIFY_SWEEPS):
                row_mean = np.divide((weight * table).sum(axis=1), rows, out=np.zeros(len(rows)), where=rows > 0)
                table -= row_mean[:, None]
                mains[i] += row_mean
                col_mean = np.divide((weight * table).sum(axis=0), cols, out=np.zeros(len(cols)), where=cols > 0)
                table -= col_mean[None, :]
                mains[j] += col_mean
            pairs[(i, j)] = table
        bias = self.bias
        for j, table in enumerate(mains):
            centre = table[index[:, j]].mean()
            mains[j] = table - centre
            bias += centre
        return AdditiveTables(float(bias), self.bins, mains, pairs)


def _walk(node: dict):
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        if "split_feature" in node:
            stack.extend((node["left_child"], node["right_child"]))


def compile_boosters(parts: list[tuple["lightgbm.Booster", list[int]]], n_features: int,
                     categorical: set[int]) -> AdditiveTables:
    """Tables with raw_score(x) == bias + sum_j main_j(x_j) + sum_(i,j) pair_ij(x_i, x_j), summed over the
    boosters. Each part is a booster whose trees split on one feature or one pair each, and the columns of the
    full matrix it was trained on (its feature k is column columns[k])."""
    dumps = [(b.dump_model()["tree_info"], columns) for b, columns in parts]
    thresholds = [set() for _ in range(n_features)]
    codes = [set() for _ in range(n_features)]
    for dump, columns in dumps:
        for tree in dump:
            for node in _walk(tree["tree_structure"]):
                if "split_feature" in node:
                    j = columns[node["split_feature"]]
                    if node["decision_type"] == "==":
                        codes[j].update(int(c) for c in str(node["threshold"]).split("||"))
                    else:
                        thresholds[j].add(float(node["threshold"]))
    bins = [Bins(np.array([]), max(codes[j], default=-1) + 2, True) if j in categorical
            else Bins(np.array(sorted(thresholds[j])), 0, False) for j in range(n_features)]
    mains = [np.zeros(b.size) for b in bins]
    pairs: dict[tuple[int, int], np.ndarray] = {}
    bias = 0.0
    for (booster, _), (dump, columns) in zip(parts, dumps):
        groups: dict[tuple[int, ...], list[int]] = {}
        for t, tree in enumerate(dump):
            used = tuple(sorted({columns[n["split_feature"]] for n in _walk(tree["tree_structure"])
                                 if "split_feature" in n}))
            if len(used) > 2:
                raise ValueError(f"tree {t} splits on {len(used)} features; only mains and pairs can be tabled")
            groups.setdefault(used, []).append(t)
        leaf_values = [_leaf_values(tree["tree_structure"]) for tree in dump]
        for t in groups.pop((), []):
            bias += float(leaf_values[t][0])
        grids, blocks, start = [], {}, 0
        for group in groups:
            grid = _grid(group, bins, n_features)
            blocks[group] = slice(start, start + len(grid))
            grids.append(grid)
            start += len(grid)
        if not grids:
            continue
        leaves = booster.predict(np.vstack(grids)[:, columns], pred_leaf=True).reshape(start, -1)
        for group, trees in groups.items():
            rows = leaves[blocks[group]]
            total = sum(leaf_values[t][rows[:, t]] for t in trees)
            if len(group) == 1:
                mains[group[0]] += total
            else:
                shape = (bins[group[0]].size, bins[group[1]].size)
                pairs[group] = pairs.get(group, np.zeros(shape)) + total.reshape(shape)
    return AdditiveTables(bias, bins, mains, pairs)


def _leaf_values(root: dict) -> np.ndarray:
    if "leaf_index" not in root and "split_feature" not in root:  # a tree with no split
        return np.array([float(root["leaf_value"])])
    leaves = {n["leaf_index"]: n["leaf_value"] for n in _walk(root) if "leaf_index" in n}
    return np.array([leaves[i] for i in range(len(leaves))], dtype="float64")


def _grid(group: tuple[int, ...], bins: list[Bins], n_features: int) -> np.ndarray:
    """Rows holding every cell of the group's bins (other features missing; the group's trees ignore them)."""
    axes = np.meshgrid(*[bins[j].representatives() for j in group], indexing="ij")
    grid = np.full((axes[0].size, n_features), np.nan)
    for j, axis in zip(group, axes):
        grid[:, j] = axis.reshape(-1)
    return grid
