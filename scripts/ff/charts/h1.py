"""H1, do deeper layers learn later? fig_layer_curves (each layer's accuracy during training)
and fig_depth_delay (when each layer reaches a fraction of its final accuracy)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ff.charts.shown import accuracy_rows, main_series, series_rows, series_subtitle
from ff.charts.theme import (
    MAX_HEIGHT,
    MAX_WIDTH,
    clamp,
    datasets_in,
    facet_header,
    grid_over_time,
    layer_colour,
    layer_name,
    mean_band,
    ranked,
    titled,
    width_colour,
)
from ff.delays import delay_measure


def fig_layer_curves(metrics: pd.DataFrame, convergence: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main series' layer and model accuracy over training, over depth and width; a curve
    that has not levelled off (`convergence`, ff.convergence) is marked at its end."""
    rows = accuracy_rows(metrics, "validation")
    series = main_series(rows)
    rows = series_rows(rows, series)
    curve = ["dataset", "depth", "width", "layer"]
    band = mean_band(rows, [*curve, "epoch"])
    window, tolerance = convergence.window.iloc[0], convergence.tolerance.iloc[0]
    levelled = series_rows(convergence, series)
    levelled = levelled.assign(layer=levelled.layer.map(layer_name)).set_index(curve).levelled
    last = band.epoch == band.groupby(curve).epoch.transform("max")
    band["rising_end"] = last & ~band.set_index(curve).index.map(levelled).astype(bool)
    colour = layer_colour(band.depth)
    base = alt.Chart().encode(x=alt.X("epoch:Q", title="Training time (epochs)"))
    y = alt.Y("mean:Q", title="Validation accuracy", scale=alt.Scale(domain=[0, 1]))
    lines = base.mark_line(strokeWidth=1.6, clip=True).encode(
        y=y,
        color=colour,
        tooltip=["layer", "epoch", alt.Tooltip("mean:Q", format=".3f"), "seeds"],
    )
    bands = base.mark_area(opacity=0.2, clip=True).encode(y="low:Q", y2="high:Q", color=colour)
    rising = (
        base.mark_point(shape="triangle-up", filled=True, size=45, opacity=1)
        .encode(y=y, color=colour)
        .transform_filter("datum.rising_end")
    )
    return titled(
        grid_over_time([bands, lines, rising], band),
        "Do deeper layers learn later? Layer and model accuracy during training",
        [
            series_subtitle(series),
            "Mean over seeds with 95% confidence band; ▲ at a curve's end: not levelled off "
            f"(its gain over the last {window:.0%} of training not shown to be under "
            f"{tolerance:g}: 95% interval over seeds)",
        ],
    )


def fig_depth_delay(delays: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main series' delay per layer: a row per depth (as long as its layers), a column per
    data set, a colour per width."""
    fraction = analysis["delay_figure_fraction"]
    rows = delays[delays.measure == delay_measure(fraction)]
    series = main_series(rows)
    band = mean_band(series_rows(rows, series), ["dataset", "depth", "width", "layer"])
    datasets = datasets_in(band)
    band = ranked(band, "dataset", datasets)
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer (1 = next to the input)", axis=alt.Axis(labelAngle=0)),
        color=width_colour(),
        xOffset="width:N",
    )
    points = base.mark_point(filled=True, size=50).encode(
        y=alt.Y("mean:Q", title=f"Epochs to {fraction:g} of final"),
        tooltip=[
            "dataset",
            "depth",
            "width",
            "layer",
            alt.Tooltip("mean:Q", format=".3f"),
            "seeds",
        ],  # fmt: skip
    )
    bars = base.mark_rule(strokeWidth=1.5).encode(y="low:Q", y2="high:Q")
    depths = sorted(set(band.depth))
    step = clamp((MAX_WIDTH - 150) / (len(datasets) * max(depths)) - 10, 40, 110)
    height = clamp((MAX_HEIGHT - 200) / len(depths) - 50, 80, 150)
    # a chart per depth, so that each has its own layers: with one x scale per panel of a
    # facet, Vega-Lite misplaces the xOffset
    depth_rows = [
        alt.layer(bars, points, data=band[band.depth == depth])
        .properties(width=max(step * depth, 180), height=height)
        .facet(
            row=alt.Row(
                "depth:O",
                title=None,
                header=alt.Header(labelExpr="'depth ' + datum.value", labelAngle=0),
            ),
            column=alt.Column(
                "dataset_facet:N",
                title=None,
                header=facet_header(labels=depth == depths[0], labelFontSize=13),
            ),
        )
        for depth in depths
    ]
    return titled(
        alt.vconcat(*depth_rows, spacing=16).resolve_scale(
            y="shared", color="shared", xOffset="independent"
        ),
        "Depth delay: when each layer reaches its final accuracy",
        [series_subtitle(series), "Mean over seeds with 95% interval"],
    )
