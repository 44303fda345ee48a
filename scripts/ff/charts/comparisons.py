"""Every training side by side (the recipes, the variants and backprop), at the point of the
grid where all of them train: their layer curves, depth delays, layer-model correlations, and
the model's final accuracy wherever each trains."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ff.charts.accuracy import accuracy_by_width
from ff.charts.shown import (
    accuracy_rows,
    at_point,
    comparison_point,
    comparison_rows,
    training_colour,
    training_order,
)
from ff.charts.theme import (
    BASIS_ORDER,
    HEATMAP_X_AXIS,
    MAX_WIDTH,
    OKABE_ITO,
    clamp,
    datasets_in,
    facet_header,
    heatmap_cells,
    in_order,
    layer_colour,
    mean_band,
    ranked,
    titled,
)
from ff.delays import delay_measure


def fig_method_comparison(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Every training's layer curves at the comparison point: a column per training, a row
    per data set; each panel's time axis spans its own training (greedy trains longer)."""
    rows = comparison_rows(accuracy_rows(metrics, "validation"))
    point = comparison_point(rows)
    rows = at_point(rows, point)
    order = training_order(rows)
    band = mean_band(rows, ["dataset", "training_label", "layer", "epoch"])
    band = ranked(ranked(band, "training_label", order), "dataset", datasets_in(band))
    colour = layer_colour([point[0]])
    base = alt.Chart().encode(x=alt.X("epoch:Q", title="Training time (epochs)"))
    lines = base.mark_line(strokeWidth=1.6, clip=True).encode(
        y=alt.Y("mean:Q", title="Validation accuracy", scale=alt.Scale(domain=[0, 1])),
        color=colour,
        tooltip=["training_label", "layer", "epoch", alt.Tooltip("mean:Q", format=".3f")],
    )
    bands = base.mark_area(opacity=0.2, clip=True).encode(y="low:Q", y2="high:Q", color=colour)
    width = clamp((MAX_WIDTH - 130) / len(order) - 12, 90, 200)
    return titled(
        alt.layer(bands, lines, data=band)
        .properties(width=width, height=140)
        .facet(
            column=alt.Column("training_label_facet:N", title=None, header=facet_header(True)),
            row=alt.Row("dataset_facet:N", title=None, header=facet_header()),
            spacing=10,
        )
        .resolve_scale(x="independent"),
        "Every training's layer curves",
        [
            f"Depth {point[0]}, width {point[1]}, where every training ran; label accuracy "
            "unless marked [paper definitions]",
            "Mean over seeds with 95% band",
        ],
    )


def total_epochs(frame: pd.DataFrame) -> pd.Series:
    """A treatment's training time in epochs: the greedy schedule trains layer after layer."""
    return frame.epochs * np.where(frame.schedule == "greedy", frame.depth, 1)


def fig_delay_comparison(delays: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Every training's layer delays at the comparison point, as shares of its training time,
    to a fraction of the final accuracy and of the gain since the start."""
    fraction = analysis["delay_figure_fraction"]
    measure, gain = delay_measure(fraction), delay_measure(fraction, of_gain=True)
    rows = comparison_rows(delays[delays.measure.isin([measure, gain])])
    point = comparison_point(rows)
    rows = at_point(rows, point)
    rows = rows.assign(
        share=rows.value / total_epochs(rows),
        measure=rows.measure.map({measure: "of final accuracy", gain: "of the gain"}),
    )
    order = training_order(rows)
    band = mean_band(rows, ["dataset", "training_label", "measure", "layer"], value="share")
    band = ranked(ranked(band, "training_label", order), "dataset", datasets_in(band))
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer", axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "measure:N",
            scale=alt.Scale(range=OKABE_ITO[:2]),
            title=f"Time to {fraction:g} ...",
            legend=alt.Legend(orient="top"),
        ),
        xOffset="measure:N",
    )
    points = base.mark_point(filled=True, size=40).encode(
        y=alt.Y("mean:Q", title="Share of training time"),
        tooltip=[
            "training_label",
            "measure",
            "layer",
            alt.Tooltip("mean:Q", format=".3f"),
            "seeds",
        ],  # fmt: skip
    )
    bars = base.mark_rule(strokeWidth=1.5).encode(y="low:Q", y2="high:Q")
    width = clamp((MAX_WIDTH - 130) / len(order) - 12, 80, 200)
    return titled(
        alt.layer(bars, points, data=band)
        .properties(width=width, height=150)
        .facet(
            column=alt.Column("training_label_facet:N", title=None, header=facet_header(True)),
            row=alt.Row("dataset_facet:N", title=None, header=facet_header()),
            spacing=10,
        ),
        "Depth delay in every training",
        [
            f"Depth {point[0]}, width {point[1]}, where every training ran; label accuracy "
            "unless marked [paper definitions]",
            "Time as a share of the training's epochs (greedy: all layers' epochs); mean over "
            "seeds with 95% interval",
        ],
    )


def fig_correlation_comparison(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Every training's layer-model correlation at the comparison point: a row per training,
    a column per layer, a panel per data set and basis."""
    kind = analysis["correlation_kind"]
    rows = comparison_rows(correlations[correlations.kind == kind])
    point = comparison_point(rows)
    rows = at_point(rows, point)
    order = training_order(rows)
    rows = ranked(rows, "basis", in_order(rows.basis, BASIS_ORDER))
    rows = ranked(rows, "dataset", datasets_in(rows))
    chart = (
        heatmap_cells(rows, kind)
        .encode(
            x=alt.X("layer:O", title="Layer", axis=HEATMAP_X_AXIS),
            y=alt.Y(
                "training_label:N",
                sort=order,
                title=None,
                axis=alt.Axis(grid=False, labelLimit=330),
            ),
        )
        .properties(width=alt.Step(38), height=alt.Step(22))
        .facet(
            column=alt.Column("basis_facet:N", title="Correlated over", header=facet_header()),
            row=alt.Row("dataset_facet:N", title=None, header=facet_header()),
            spacing={"column": 12, "row": 12},
        )
    )
    return titled(
        chart,
        "How closely each layer's accuracy follows the model's, in every training",
        [
            f"Depth {point[0]}, width {point[1]}, where every training ran; label accuracy "
            "unless marked [paper definitions]",
            f"{kind.title()} r pooled over seeds (Fisher z)",
        ],
    )


def fig_accuracy_comparison(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Every training's final test accuracy of the model, wherever in the grid it trains."""
    rows = comparison_rows(accuracy_rows(metrics, "test"))
    rows = rows[rows.layer == "model"]
    band = mean_band(
        rows,
        [
            "dataset",
            "method",
            "recipe",
            "variant",
            "schedule",
            "negatives",
            "definition",
            "training_label",
            "depth",
            "width",
        ],
    )
    order = training_order(band)
    band = ranked(band, "dataset", datasets_in(band))
    colour = training_colour(order)
    tooltip = ["dataset", "training_label", "depth", "width"]
    return titled(
        accuracy_by_width(
            band, "training_label", order, colour, "Model test accuracy", tooltip, 280
        ).resolve_scale(y="independent"),
        "Final test accuracy of the model in every training",
        [
            "Label accuracy; [paper definitions]: the paper recipe's linear read-out. The "
            "variants and backprop train where the config's variant grid allows",
            "Mean over seeds with 95% interval",
        ],
    )
