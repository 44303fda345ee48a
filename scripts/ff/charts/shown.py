"""Which trainings a figure shows, and how it names them.

A *series* is a training (method, recipe and variant) read under one definition of accuracy,
over the data sets and the depth x width grid. The main figures show the main series
(`main_series`: the first headline training of ff.trainings that the table has, under its own
definitions) over the grid; the comparisons show every training (`comparison_rows`) at the point
of the grid where every training exists (`comparison_point`). Trainings are named by the
tables' `training` label, never parsed back into fields.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from ff.charts.theme import OKABE_ITO, layer_name
from ff.config import STANDARD
from ff.stats import accuracy_by_definition
from ff.trainings import HEADLINES, TRAININGS, Training


@dataclass(frozen=True)
class Series:
    """A training (method, recipe and variant) under one definition of accuracy."""

    method: str
    recipe: str
    variant: str
    definition: str


def standard_series(training: Training, definition: str) -> Series:
    """A training with nothing changed, under `definition`."""
    return Series(training.method, training.recipe, training.variant([]), definition)


# The main figures' series, the first of these a table has: the headline trainings under their
# own definitions (the study's own experiment first), then every training under the label
# definition. The headline ones are the bold rows of fig_hypotheses.
HEADLINE_SERIES = tuple(standard_series(training, training.definition) for training in HEADLINES)
MAIN_SERIES = tuple(
    dict.fromkeys(
        [*HEADLINE_SERIES]
        + [standard_series(training, "label") for training in [*HEADLINES, *TRAININGS.values()]]
    )
)
# trainings in the order the comparisons show them: the headline ones first
TRAINING_ORDER = list(dict.fromkeys([*HEADLINES, *TRAININGS.values()]))
DEFINITION_TEXT = {
    "paper": "the paper's accuracy (a layer: positives told from negatives; the model: its "
    "linear read-out)",
    "label": "label accuracy (the label with the highest goodness, or a probe's for backprop)",
}


def accuracy_rows(metrics: pd.DataFrame, split: str) -> pd.DataFrame:
    """The accuracy of every layer and of the model on one split under each definition that a
    treatment measures (ff.stats.accuracy_by_definition: a `definition` column), metric
    `accuracy`, `layer` as 'layer k' or 'model'."""
    accuracy = accuracy_by_definition(metrics[metrics.split == split]).assign(metric="accuracy")
    return accuracy.assign(layer=accuracy.layer.map(layer_name))


# --- The main series ------------------------------------------------------------------------


def series_rows(frame: pd.DataFrame, series: Series) -> pd.DataFrame:
    keep = (
        (frame.method == series.method)
        & (frame.recipe == series.recipe)
        & (frame.variant == series.variant)
    )
    if "definition" in frame:
        keep &= frame.definition == series.definition
    return frame[keep]


def main_series(frame: pd.DataFrame) -> Series:
    """The first of MAIN_SERIES that the table has rows of."""
    for series in MAIN_SERIES:
        if len(series_rows(frame, series)):
            return series
    raise ValueError(
        "the table has no standard training of Forward-Forward or backprop, which the main "
        "figures show: add `ff` or `backprop` to `methods` in the config"
    )


def training_name(series: Series) -> str:
    """The series' training as the tables name it, without the definition of accuracy."""
    return TRAININGS[series.method, series.recipe].training([])


def series_subtitle(series: Series) -> str:
    return f"{training_name(series)}; {DEFINITION_TEXT[series.definition]}"


# --- Every training side by side ------------------------------------------------------------


def training_label(frame: pd.DataFrame) -> pd.Series:
    """How each row's training reads in a figure: its `training` label, and the definition of
    accuracy where it is not `label` ('Forward-Forward, paper recipe [paper definitions]',
    'Forward-Forward, greedy', 'backprop (linear probes)')."""
    if "definition" not in frame:
        return frame.training
    marked = " [" + frame.definition + " definitions]"
    return frame.training + marked.where(frame.definition != "label", "")


def training_order(frame: pd.DataFrame) -> list[str]:
    """The `training_label`s of a table in the order the figures show them: the main series
    first, then by training (TRAINING_ORDER) and how many of schedule and negatives the
    variant changes."""
    keys = ["method", "recipe", "variant", "definition", "schedule", "negatives"]
    trainings = frame.assign(definition=frame.get("definition", "label"))[
        [*keys, "training_label"]
    ].drop_duplicates()
    rank_of = {(t.method, t.recipe): rank for rank, t in enumerate(TRAINING_ORDER)}
    standard = {field: STANDARD[field] for field in ("schedule", "negatives")}

    def rank(row) -> tuple:
        series = Series(row.method, row.recipe, row.variant, row.definition)
        main = MAIN_SERIES.index(series) if series in MAIN_SERIES else len(MAIN_SERIES)
        changes = sum(getattr(row, key) != value for key, value in standard.items())
        training = rank_of.get((row.method, row.recipe), len(rank_of))
        return (main, training, changes, row.training_label)

    return [row.training_label for row in sorted(trainings.itertuples(), key=rank)]


def comparison_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Every training under label definitions, and the main series (in a table with a
    `definition` column), with a `training_label` column."""
    if "definition" in frame:
        main = series_rows(frame, main_series(frame))
        frame = pd.concat([main, frame[frame.definition == "label"]]).drop_duplicates()
    return frame.assign(training_label=training_label(frame))


def comparison_point(frame: pd.DataFrame) -> tuple[int, int]:
    """The depth and width at which the most trainings of a table exist (the variants and
    backprop may train at only one point of the grid): the deepest such, at the middle of its
    widths."""
    counts = frame.groupby(["depth", "width"]).training_label.nunique().reset_index()
    best = counts[counts.training_label == counts.training_label.max()]
    depth = best.depth.max()
    widths = sorted(best[best.depth == depth].width)
    return int(depth), int(widths[(len(widths) - 1) // 2])


def at_point(frame: pd.DataFrame, point: tuple[int, int]) -> pd.DataFrame:
    return frame[(frame.depth == point[0]) & (frame.width == point[1])]


def training_colour(order: list[str], title: str = "Training") -> alt.Color:
    """A colour per training, in Okabe-Ito's palette without its yellow (faint on white)."""
    palette = [colour for colour in OKABE_ITO if colour != "#F0E442"]
    return alt.Color(
        "training_label:N",
        sort=order,
        scale=alt.Scale(domain=order, range=[palette[i % len(palette)] for i in range(len(order))]),
        title=title,
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=400),
    )
