"""A part-whole check of H2: under the label definition the model's accuracy sums goodness over
every layer, layer 1 included, so layer 1's correlation with it is partly a correlation with
itself. The Forward-Forward evaluation also records the model without layer 1
(`accuracy_skip_first`); layer 1's r with that model is free of the overlap."""

from __future__ import annotations

import pandas as pd

from ff import stats
from ff.metrics import series_labels

SKIP_FIRST = "accuracy_skip_first"
LAYER_METRIC, WHOLE_METRIC = stats.DEFINITIONS["label"]
MODELS = ("with layer 1", "without layer 1")  # the whole model, the model without layer 1
DIFFERENCE = "with - without"
COLUMNS = [
    *stats.SERIES_KEYS, "basis", "kind", "model", "r", "ci_low", "ci_high", "z", "z_ci_low",
    "z_ci_high", "p_value", "seeds",
]  # fmt: skip


def without_first_layer(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per-seed correlations of every layer with the model without layer 1, as
    ff.stats.per_seed_correlations computes them with the whole model (label definition,
    depth >= 2)."""
    layers = metrics[(metrics.layer != "model") & (metrics.metric == LAYER_METRIC)]
    model = metrics[(metrics.layer == "model") & (metrics.metric == SKIP_FIRST)]
    # renamed so that accuracy_curves reads it as the label definition's model: the curves, and
    # so everything after them, are then exactly H2's, the model column aside
    curves = stats.accuracy_curves(pd.concat([layers, model.assign(metric=WHOLE_METRIC)]))
    return stats.per_seed_correlations(curves[(curves.definition == "label") & (curves.depth > 1)])


def seed_first_layer_z(per_seed: pd.DataFrame, kind: str) -> pd.Series:
    """Per series, basis and seed: the mean Fisher z over the seed's treatments of layer 1's
    r with the model, from per-seed correlations (ff.stats.per_seed_correlations)."""
    z = stats.seed_first_layer_correlations(per_seed)
    return z[z.kind == kind].set_index([*stats.SERIES_KEYS, "basis", "seed"]).z


def estimate_row(z: pd.Series, as_r: bool) -> dict:
    """Mean z over seeds with its t interval (and p of mean 0); with `as_r` also as r."""
    on_z = stats.mean_over_seeds(z.to_numpy())
    row = {"z": on_z["estimate"], "z_ci_low": on_z["ci_low"], "z_ci_high": on_z["ci_high"],
           "p_value": on_z["p_value"], "seeds": on_z["seeds"]}  # fmt: skip
    if as_r:  # a difference of z's has no r of its own
        on_r = stats.back_transformed(on_z)
        row |= {"r": on_r["estimate"], "ci_low": on_r["ci_low"], "ci_high": on_r["ci_high"]}
    return row


def part_whole_check(
    metrics: pd.DataFrame, per_seed: pd.DataFrame, kind: str = "pearson"
) -> pd.DataFrame:
    """Layer 1's r with the whole model and with the model without layer 1, per label-definition
    series whose treatments (depth >= 2) record `accuracy_skip_first`, as H2 computes it:
    validation curves after epoch 0, r per seed and treatment on `levels` and `differences`,
    the mean Fisher z over a seed's treatments, then a t interval over seeds. `per_seed`: H2's
    per-seed correlations (ff.stats.layer_correlation's second table), the whole model's.

    One row per series (SERIES_KEYS), basis and model, with `kind` (pearson or spearman):
    - model "with layer 1" / "without layer 1": r, ci_low, ci_high (back-transformed), and the
      same on Fisher's z (z, z_ci_low, z_ci_high);
    - model "with - without": the per-seed difference of the two mean z's (paired by seed) and
      its t interval in z, z_ci_low, z_ci_high; r, ci_low and ci_high are NaN.
    p_value: two-sided one-sample t-test over seeds of mean z = 0 (for the difference: the
    paired test of equal correlations). seeds: the seeds behind the row. Empty (with these
    columns) when no treatment records `accuracy_skip_first` (backprop, paper-only tables)."""
    recorded = metrics[(metrics.layer == "model") & (metrics.metric == SKIP_FIRST)]
    recorded = recorded[(recorded.split == "validation") & (recorded.depth > 1)]
    metrics = metrics[metrics.treatment.isin(recorded.treatment)]
    if metrics.empty:
        return pd.DataFrame(columns=COLUMNS)
    # with layer 1: H2's own per-seed correlations (per_seed), of the same treatments
    whole = per_seed[per_seed.treatment.isin(recorded.treatment) & (per_seed.definition == "label")]
    models = dict(zip(MODELS, (whole, without_first_layer(metrics)), strict=True))
    # treatments and seeds with an r for only one of the two models drop out of the pairs
    paired = pd.concat(
        {name: seed_first_layer_z(table, kind) for name, table in models.items()}, axis=1
    )
    rows = []
    for keys, group in stats.groups_of(paired, [*stats.SERIES_KEYS, "basis"]):  # index levels
        base = keys | {"kind": kind}
        for name in MODELS:
            rows.append(base | {"model": name} | estimate_row(group[name].dropna(), as_r=True))
        both = group.dropna()
        difference = both["with layer 1"] - both["without layer 1"]
        rows.append(base | {"model": DIFFERENCE} | estimate_row(difference, as_r=False))
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def interval(row: pd.Series, scale: str = "") -> str:
    """`0.95 [0.94, 0.96]`: a row's estimate on r (scale "") or on z (scale "z_")."""
    estimate = row["z"] if scale else row["r"]
    return f"{estimate:.2f} [{row[scale + 'ci_low']:.2f}, {row[scale + 'ci_high']:.2f}]"


def part_whole_lines(table: pd.DataFrame) -> list[str]:
    """Markdown bullets for summary.md: per series and basis, layer 1's r with the whole model
    and without layer 1, each with its 95% interval, and their difference in z."""
    if table.empty:
        return ["- No part-whole check: it needs the label definition's `accuracy_skip_first` "
                "(Forward-Forward, depth >= 2)."]  # fmt: skip
    table = table.assign(series=series_labels(table))
    lines = []
    for (series, basis), group in table.groupby(["series", "basis"], sort=False):
        row = group.set_index("model")
        lines.append(
            f"- {series}, {basis}: layer 1's r with the whole model "
            f"{interval(row.loc['with layer 1'])}, without layer 1 "
            f"{interval(row.loc['without layer 1'])}; difference in Fisher z "
            f"{interval(row.loc[DIFFERENCE], 'z_')} ({int(row.loc[DIFFERENCE, 'seeds'])} seeds)"
        )
    return lines
