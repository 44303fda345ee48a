"""A treatment's training history as a tidy long table: one row per observation."""

from __future__ import annotations

import pandas as pd

from ff.config import Treatment
from ff.trainings import STANDARD_VARIANT

METRIC_COLUMNS = [
    "accuracy", "accuracy_skip_first", "readout_accuracy", "loss", "goodness_pos",
    "goodness_neg", "separation",
]  # fmt: skip
TIDY_COLUMNS = [
    "dataset", "treatment", "depth", "width", "seed", "epoch", "split", "layer", "metric", "value",
    "method", "variant", "schedule", "learning_rate", "theta", "negatives", "training", "recipe",
    "epochs",
]  # fmt: skip


def read_table(path) -> pd.DataFrame:
    """A history or tidy metrics table; `layer` stays text (1..depth or `model`)."""
    return pd.read_csv(path, sep="\t", dtype={"layer": str})


def series_columns(treatment: Treatment) -> dict:
    """How a treatment trains, as fields and as the labels `variant` and `training`: with the
    data set and the definition, its series (ff.stats.SERIES_KEYS), and its epochs."""
    return {
        "epochs": treatment.epochs,
        "method": treatment.method,
        "recipe": treatment.recipe,
        "variant": treatment.variant,
        "schedule": treatment.schedule,
        "negatives": treatment.negatives,
        "training": treatment.training,
    }


def tidy_metrics(history: pd.DataFrame, treatment: Treatment, goodness: str) -> pd.DataFrame:
    """history.tsv (one row per seed, evaluation, split and layer; a column per metric) ->
    dataset, treatment, depth, width, seed, epoch, split, layer, metric, value, and the
    treatment's method (ff or backprop), variant (the label of what it changes besides data
    set, depth and width: `standard` if nothing), schedule, learning rate, goodness threshold
    theta (empty for backprop), negatives, training (the label of method and variant), recipe
    (paper or adam) and epochs."""
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
        learning_rate=treatment.learning_rate,
        theta=treatment.theta_for(goodness) if treatment.method == "ff" else float("nan"),
        **series_columns(treatment),
    )
    return long[TIDY_COLUMNS].sort_values(["seed", "split", "epoch", "layer", "metric"])


def write_table(table: pd.DataFrame, path) -> None:
    table.to_csv(path, sep="\t", index=False, float_format="%.6g")


def series_labels(frame: pd.DataFrame) -> pd.Series:
    """A series' label from a table's dataset, variant and (if it has one) definition columns:
    the data set, the variant where it is not standard Forward-Forward, and the paper's
    definitions of accuracy where they are used (`mnist`, `mnist (greedy)`, `mnist (paper
    recipe) [paper definitions]`)."""
    variant = (" (" + frame.variant + ")").where(frame.variant != STANDARD_VARIANT, "")
    labels = frame.dataset + variant
    if "definition" in frame:
        labels += (" [" + frame.definition + " definitions]").where(frame.definition != "label", "")
    return labels
