"""A treatment's training history as a tidy long table: one row per observation."""

from __future__ import annotations

import pandas as pd

from ff.config import Treatment

METRIC_COLUMNS = [
    "accuracy", "accuracy_skip_first", "loss", "goodness_pos", "goodness_neg", "separation",
]  # fmt: skip
TIDY_COLUMNS = [
    "dataset", "treatment", "depth", "width", "seed", "epoch", "split", "layer", "metric", "value",
    "method", "variant", "schedule", "learning_rate", "theta",
]  # fmt: skip


def read_history(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"layer": str})


def tidy_metrics(history: pd.DataFrame, treatment: Treatment, goodness: str) -> pd.DataFrame:
    """history.tsv (one row per seed, evaluation, split and layer; a column per metric) ->
    dataset, treatment, depth, width, seed, epoch, split, layer, metric, value, and the
    treatment's method (ff or backprop), variant (what it changes besides data set, depth and
    width: `standard` if nothing), schedule, learning rate and goodness threshold theta (empty
    for backprop)."""
    long = history.melt(
        id_vars=["seed", "epoch", "split", "layer"],
        value_vars=[c for c in METRIC_COLUMNS if c in history],
        var_name="metric",
    ).dropna(subset=["value"])
    long = long.assign(
        dataset=treatment.dataset,
        treatment=treatment.id,
        depth=treatment.depth,
        width=treatment.width,
        method=treatment.method,
        variant=treatment.variant,
        schedule=treatment.schedule,
        learning_rate=treatment.learning_rate,
        theta=treatment.theta_for(goodness) if treatment.method == "ff" else float("nan"),
    )
    return long[TIDY_COLUMNS].sort_values(["seed", "split", "epoch", "layer", "metric"])


def read_metrics(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"layer": str})


def write_table(table: pd.DataFrame, path) -> None:
    table.to_csv(path, sep="\t", index=False, float_format="%.6g")
