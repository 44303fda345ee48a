"""How well each training learns: fig_final_accuracy (each layer's and the model's final test
accuracy) and fig_goodness (the goodness of positive and negative samples during training)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.charts.shown import (
    accuracy_rows,
    main_series,
    series_rows,
    series_subtitle,
    training_name,
)
from ff.charts.theme import (
    MAX_WIDTH,
    clamp,
    datasets_in,
    facet_header,
    grid_over_time,
    layer_colour,
    layer_name,
    layer_order,
    mean_band,
    ranked,
    titled,
)


def accuracy_by_width(
    band: pd.DataFrame,
    series: str,
    order: list[str],
    colour: alt.Color,
    title: str,
    tooltip: list[str],
    max_panel_width: int,
) -> alt.FacetChart:
    """Mean final accuracy with its 95% interval against width, one point per `series` value
    side by side; rows data set, columns depth."""
    base = alt.Chart().encode(
        x=alt.X("width:O", title="Width (units per layer)", axis=alt.Axis(labelAngle=0)),
        color=colour,
        xOffset=alt.XOffset(f"{series}:N", sort=order),
    )
    points = base.mark_point(filled=True, size=40).encode(
        y=alt.Y("mean:Q", title=title, scale=alt.Scale(zero=False)),
        tooltip=[*tooltip, alt.Tooltip("mean:Q", format=".4f"), "seeds"],
    )
    bars = base.mark_rule().encode(y="low:Q", y2="high:Q")
    width = clamp((MAX_WIDTH - 150) / band.depth.nunique() - 20, 120, max_panel_width)
    return (
        alt.layer(bars, points, data=band)
        .properties(width=width, height=170)
        .facet(
            row=alt.Row("dataset_facet:N", title=None, header=facet_header()),
            column=alt.Column("depth:O", title="Depth"),
        )
    )


def fig_final_accuracy(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main series' final test accuracy of each layer and of the model."""
    rows = accuracy_rows(metrics, "test")
    series = main_series(rows)
    band = mean_band(series_rows(rows, series), ["dataset", "depth", "width", "layer"])
    band = ranked(band, "dataset", datasets_in(band))
    order = layer_order(band.depth)
    tooltip = ["dataset", "depth", "width", "layer"]
    return titled(
        accuracy_by_width(
            band, "layer", order, layer_colour(band.depth), "Test accuracy", tooltip, 260
        ).resolve_scale(y="independent", xOffset="independent"),
        "Final test accuracy of each layer and of the model",
        [series_subtitle(series), "Mean over seeds with 95% interval"],
    )


def fig_goodness(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main Forward-Forward series' goodness, relative to each treatment's threshold theta
    (comparable across widths)."""
    goodness = metrics.metric.isin(["goodness_pos", "goodness_neg"])
    rows = metrics[(metrics.split == "validation") & goodness & (metrics.epoch > 0)]
    if not (rows.method == "ff").any():
        raise ValueError("fig_goodness shows Forward-Forward's goodness: add `ff` to `methods`")
    series = main_series(rows[rows.method == "ff"])
    rows = series_rows(rows, series).copy()
    rows["value"] = rows.value / rows.theta
    rows["layer"] = rows.layer.map(layer_name)
    rows["sample"] = rows.metric.map({"goodness_pos": "positive", "goodness_neg": "negative"})
    band = mean_band(rows, ["dataset", "depth", "width", "layer", "sample", "epoch"])
    colour = layer_colour(band.depth, model=False)
    dash = alt.StrokeDash(
        "sample:N", title="Sample", sort=["positive", "negative"], legend=alt.Legend(orient="top")
    )
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("epoch:Q", title="Training time (epochs)"),
            y=alt.Y("mean:Q", title="Goodness / theta", scale=alt.Scale(zero=False)),
            color=colour,
            strokeDash=dash,
            tooltip=["layer", "sample", "epoch", alt.Tooltip("mean:Q", format=".3f")],
        )
    )
    threshold = alt.Chart().mark_rule(color="#666666", strokeDash=[2, 2]).encode(y=alt.datum(1))
    return titled(
        grid_over_time([lines, threshold], band),
        "Goodness of positive and negative samples during training",
        [
            training_name(series),
            "Validation set, mean over seeds; dotted line: the threshold",
        ],
    )
