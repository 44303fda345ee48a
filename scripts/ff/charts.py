"""The study's figures as Altair charts, built from the tidy metrics and the stats tables.

One function per figure, named after it (the figure table in workflow/rules/common.smk): it
takes the figure's input tables by their names in that table, and the config's `analysis`
section.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from ff.config import METHOD_NAMES, METHODS, Treatment
from ff.metrics import study_labels

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LAYER_LABEL = "Layer"
FONT = "Helvetica, Arial, sans-serif"


def theme() -> dict:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": "#bbbbbb"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridOpacity": 0.4},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
        }
    }


alt.themes.register("ff", theme)
alt.themes.enable("ff")


def mean_band(frame: pd.DataFrame, keys: list[str], value: str = "value") -> pd.DataFrame:
    """Mean over seeds with a 95% t interval: columns mean, low, high, seeds."""

    def summarise(group: pd.Series) -> pd.Series:
        n = group.count()
        mean = group.mean()
        half = stats.t.ppf(0.975, n - 1) * group.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
        return pd.Series({"mean": mean, "low": mean - half, "high": mean + half, "seeds": n})

    return frame.groupby(keys)[value].apply(summarise).unstack().reset_index()


def layer_name(layer: str) -> str:
    return "model" if layer == "model" else f"layer {layer}"


def layer_order(depths, model: bool = True) -> list[str]:
    return [f"layer {i}" for i in range(1, max(depths) + 1)] + (["model"] if model else [])


def layer_colour(depths, model: bool = True) -> alt.Color:
    """Layers in Okabe-Ito colours from the input outwards, the model in black."""
    order = layer_order(depths, model)
    palette = [c for c in OKABE_ITO if c != "#000000"]
    colours = [palette[i % len(palette)] for i in range(max(depths))] + ["#000000"] * model
    return alt.Color(
        "layer:N",
        sort=order,
        scale=alt.Scale(domain=order, range=colours),
        title=LAYER_LABEL,
        legend=alt.Legend(symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3),
    )


def width_colour() -> alt.Color:
    return alt.Color("width:O", scale=alt.Scale(range=OKABE_ITO), title="Width")


def treatment_label(frame: pd.DataFrame) -> pd.Series:
    return "depth " + frame.depth.astype(str) + ", width " + frame.width.astype(str)


def panel(frame: pd.DataFrame) -> pd.Series:
    return study_labels(frame) + ", depth " + frame.depth.astype(str)


def titled(chart: alt.TopLevelMixin, text: str, subtitle: str) -> alt.TopLevelMixin:
    return chart.properties(title={"text": text, "subtitle": subtitle})


def by_panel_and_width(layers: alt.LayerChart) -> alt.FacetChart:
    """Small multiples over time: a row per data set and depth, a column per width; each
    panel's time axis spans its own training (a greedy schedule trains longer)."""
    return (
        layers.properties(width=170, height=130)
        .facet(
            # one line per part ("mnist (greedy)", "depth 3"): a long rotated label overruns its row
            row=alt.Row(
                "panel:N", title=None, header=alt.Header(labelExpr="split(datum.label, ', ')")
            ),
            column=alt.Column("width:O", title="Width (units per layer)"),
        )
        .resolve_scale(x="independent")
    )


def fig_layer_curves(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    rows = metrics[(metrics.split == "validation") & (metrics.metric == "accuracy")].copy()
    rows["layer"] = rows.layer.map(layer_name)
    band = mean_band(rows, ["dataset", "variant", "depth", "width", "layer", "epoch"])
    band["panel"] = panel(band)
    colour = layer_colour(band.depth)
    base = alt.Chart(band).encode(x=alt.X("epoch:Q", title="Training time (epochs)"))
    lines = base.mark_line(strokeWidth=1.6).encode(
        y=alt.Y("mean:Q", title="Validation accuracy", scale=alt.Scale(domain=[0, 1])),
        color=colour,
        tooltip=["layer", "epoch", alt.Tooltip("mean:Q", format=".3f"), "seeds"],
    )
    bands = base.mark_area(opacity=0.2).encode(y="low:Q", y2="high:Q", color=colour)
    return titled(
        by_panel_and_width(alt.layer(bands, lines, data=band)),
        "Layer and model accuracy during training",
        "Mean over seeds with 95% confidence band",
    )


def fig_depth_delay(delays: pd.DataFrame, analysis: dict) -> alt.Chart:
    """A row per study (data set and variant), a panel per depth it trains, one y scale per row:
    greedy delays span the whole schedule and would flatten the other rows."""
    measure = delay_measure(analysis)
    rows = delays[delays.measure == measure]
    band = mean_band(rows, ["definition", "dataset", "variant", "depth", "width", "layer"])
    band["study"] = study_labels(band)
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer (1 = next to the input)", axis=alt.Axis(labelAngle=0)),
        color=width_colour(),
        xOffset="width:N",
    )
    points = base.mark_point(filled=True, size=50).encode(
        y=alt.Y("mean:Q", title=f"Epochs to {measure.removeprefix('time_to_')} of final"),
        tooltip=[
            "dataset",
            "depth",
            "width",
            "layer",
            alt.Tooltip("mean:Q", format=".3f"),
            "seeds",
        ],
    )
    bars = base.mark_rule(strokeWidth=1.5).encode(y="low:Q", y2="high:Q")
    study_rows = [
        alt.layer(bars, points, data=frame)
        .properties(width=150, height=120)
        .facet(column=alt.Column("depth:O", title="Depth"))
        .properties(title=name)
        for name, frame in band.groupby("study", sort=True)
    ]
    return titled(
        alt.vconcat(*study_rows).resolve_scale(y="independent", color="shared"),
        "Depth delay: when each layer reaches its final accuracy",
        f"{measure.replace('_', ' ')}; mean over seeds with 95% interval; y scale per row",
    )


def fig_layer_correlation(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    kind = analysis["correlation_kind"]
    rows = correlations[correlations.kind == kind].copy()
    rows["layer_name"] = "layer " + rows.layer.astype(str)
    rows["label"] = rows.r.map(lambda r: "" if np.isnan(r) else f"{r:.2f}")
    rows["setting"] = treatment_label(rows)
    rows["study"] = study_labels(rows)
    settings = rows.sort_values(["depth", "width"]).setting.unique().tolist()
    base = alt.Chart().encode(
        x=alt.X("layer_name:O", title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("setting:N", sort=settings, title=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "r:Q",
            scale=alt.Scale(scheme="blueorange", domain=[-1, 1], reverse=True),
            title=f"{kind.title()} r",
        ),
        tooltip=[
            "treatment",
            "layer",
            "basis",
            alt.Tooltip("r:Q", format=".3f"),
            alt.Tooltip("ci_low:Q", format=".2f"),
            alt.Tooltip("ci_high:Q", format=".2f"),
            alt.Tooltip("p_adjusted:Q", format=".2g"),
        ],  # fmt: skip
    )
    text = base.mark_text(fontSize=9).encode(text="label:N")
    return titled(
        alt.layer(cells, text, data=rows)
        .properties(
            width=38 * rows.layer.nunique(),
            height=16 * len(settings),
        )
        .facet(column=alt.Column("basis:N", title="Basis"), row=alt.Row("study:N", title=None))
        .resolve_scale(y="independent"),
        "How closely each layer's accuracy follows the model's",
        f"{kind.title()} correlation, pooled over seeds (Fisher z)",
    )


def fig_correlation_trends(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    kind = analysis["correlation_kind"]
    rows = correlations[(correlations.kind == kind) & correlations.r.notna()].copy()
    rows["study"] = study_labels(rows)
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer", axis=alt.Axis(labelAngle=0)),
        color=width_colour(),
        detail="treatment:N",
        strokeDash=alt.StrokeDash("depth:O", title="Depth"),
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=25)).encode(
        y=alt.Y("r:Q", title=f"{kind.title()} r, layer vs model", scale=alt.Scale(domain=[-1, 1])),
        tooltip=[
            "treatment",
            "layer",
            alt.Tooltip("r:Q", format=".3f"),
            alt.Tooltip("ci_low:Q", format=".2f"),
            alt.Tooltip("ci_high:Q", format=".2f"),
        ],  # fmt: skip
    )
    return titled(
        alt.layer(lines, data=rows)
        .properties(width=170, height=150)
        .facet(column=alt.Column("basis:N", title="Basis"), row=alt.Row("study:N", title=None)),
        "Layer-model correlation against layer index, width and depth",
        f"{kind.title()} r pooled over seeds; one line per treatment",
    )


def fig_final_accuracy(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    rows = metrics[(metrics.split == "test") & (metrics.metric == "accuracy")].copy()
    rows["layer"] = rows.layer.map(layer_name)
    band = mean_band(rows, ["dataset", "variant", "depth", "width", "layer"])
    band["study"] = study_labels(band)
    order = layer_order(band.depth)
    base = alt.Chart().encode(
        x=alt.X("width:O", title="Width (units per layer)", axis=alt.Axis(labelAngle=0)),
        color=layer_colour(band.depth),
        xOffset=alt.XOffset("layer:N", sort=order),
    )
    points = base.mark_point(filled=True, size=40).encode(
        y=alt.Y("mean:Q", title="Test accuracy", scale=alt.Scale(zero=False)),
        tooltip=[
            "dataset",
            "depth",
            "width",
            "layer",
            alt.Tooltip("mean:Q", format=".4f"),
            "seeds",
        ],
    )
    bars = base.mark_rule().encode(y="low:Q", y2="high:Q")
    return titled(
        alt.layer(bars, points, data=band)
        .properties(width=180, height=170)
        .facet(row=alt.Row("study:N", title=None), column=alt.Column("depth:O", title="Depth"))
        .resolve_scale(y="independent"),
        "Final test accuracy of each layer and of the model",
        "Mean over seeds with 95% interval",
    )


def fig_goodness(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Goodness relative to each treatment's threshold theta, comparable across widths."""
    goodness = metrics.metric.isin(["goodness_pos", "goodness_neg"])
    rows = metrics[(metrics.split == "validation") & goodness & (metrics.epoch > 0)].copy()
    rows["value"] = rows.value / rows.theta
    rows["layer"] = rows.layer.map(layer_name)
    rows["sample"] = rows.metric.map({"goodness_pos": "positive", "goodness_neg": "negative"})
    band = mean_band(rows, ["dataset", "variant", "depth", "width", "layer", "sample", "epoch"])
    band["panel"] = panel(band)
    colour = layer_colour(band.depth, model=False)
    dash = alt.StrokeDash("sample:N", title="Sample", sort=["positive", "negative"])
    chart = (
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
        by_panel_and_width(alt.layer(chart, threshold, data=band)),
        "Goodness of positive and negative samples during training",
        "Validation set, mean over seeds; dotted line: the threshold",
    )


# The variant label of each method's standard training (nothing changed but data set, depth
# and width).
STANDARD_VARIANTS = {method: Treatment("", 1, 1, method=method).variant for method in METHODS}


def standard_training(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the standard training of each method, `training` the method's name."""
    standard = frame.variant == frame.method.map(STANDARD_VARIANTS)
    return frame[standard].assign(training=lambda rows: rows.method.map(METHOD_NAMES))


def delay_measure(analysis: dict) -> str:
    """The delay measure the figures show: time to `delay_figure_fraction` of final accuracy."""
    return f"time_to_{analysis['delay_figure_fraction']:g}"


def fig_method_comparison(metrics: pd.DataFrame, delays: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Forward-Forward beside backprop, deepest networks: layer curves at the middle width, and
    layer delays to a fraction of final accuracy and of the gain (mean over widths and seeds)."""
    measure = delay_measure(analysis)
    curves = standard_training(
        metrics[(metrics.split == "validation") & (metrics.metric == "accuracy")]
    )
    widths = sorted(curves.width.unique())
    curves = curves[
        (curves.depth == curves.depth.max()) & (curves.width == widths[len(widths) // 2])
    ]
    curves["layer"] = curves.layer.map(layer_name)
    band = mean_band(curves, ["dataset", "training", "depth", "width", "layer", "epoch"])
    methods = [name for name in METHOD_NAMES.values() if name in set(band.training)]
    colour = layer_colour(band.depth)
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=1.6)
        .encode(
            x=alt.X("epoch:Q", title="Training time (epochs)"),
            y=alt.Y("mean:Q", title="Validation accuracy", scale=alt.Scale(domain=[0, 1])),
            color=colour,
            tooltip=["training", "layer", "epoch", alt.Tooltip("mean:Q", format=".3f"), "seeds"],
        )
    )
    setting = f"depth {band.depth.iloc[0]}, width {band.width.iloc[0]}"
    curve_panels = (
        alt.layer(lines, data=band)
        .properties(width=220, height=150)
        .facet(
            row=alt.Row("dataset:N", title=None),
            column=alt.Column("training:N", sort=methods, title=None),
        )
        .properties(title=f"Layer curves, {setting}")
    )
    gain = measure.replace("time_to_", "gain_to_")
    rows = standard_training(delays[delays.measure.isin([measure, gain])])
    depth = rows.depth.max()
    rows = rows[rows.depth == depth]
    rows["measure"] = rows.measure.map(
        {measure: "of final accuracy", gain: "of the gain since the start"}
    )
    delay = mean_band(rows, ["dataset", "training", "measure", "layer"])
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer", axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "training:N", sort=methods, scale=alt.Scale(range=OKABE_ITO[:2]), title="Training"
        ),
        xOffset=alt.XOffset("training:N", sort=methods),
    )
    fraction = measure.removeprefix("time_to_")
    points = base.mark_point(filled=True, size=45).encode(
        y=alt.Y("mean:Q", title=f"Epochs to reach {fraction}"),
        tooltip=["training", "measure", "layer", alt.Tooltip("mean:Q", format=".3f"), "seeds"],
    )
    bars = base.mark_rule(strokeWidth=1.5).encode(y="low:Q", y2="high:Q")
    delay_panels = (
        alt.layer(bars, points, data=delay)
        .properties(width=150, height=150)
        .facet(
            row=alt.Row("dataset:N", title=None),
            column=alt.Column("measure:N", title=f"Time to {fraction} ..."),
        )
        .properties(title=f"Layer delay, depth {depth}, pooled over widths")
    )
    return titled(
        alt.hconcat(curve_panels, delay_panels).resolve_scale(color="independent"),
        "Forward-Forward beside backprop",
        "Mean over seeds with 95% intervals",
    )


def save_chart(chart: alt.Chart, svg: str, png: str, html: str) -> None:
    """SVG and PNG through vl-convert (offline), and a self-contained interactive HTML."""
    chart.save(svg)
    chart.save(png, scale_factor=2)
    chart.save(html, inline=True)
