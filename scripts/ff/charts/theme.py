"""What every figure shares: the Altair theme, the palette and page size, the encodings of
layers and widths, facets that keep their order, the mean-over-seeds band, the heatmap cells of
the correlation figures, and `save_chart`."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ff.config import schema
from ff.stats import BASES, mean_over_seeds

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LAYER_LABEL = "Layer"
FONT = "Helvetica, Arial, sans-serif"
PNG_SCALE = 2  # the PNG's pixels per CSS pixel
MAX_WIDTH, MAX_HEIGHT = 1150, 950  # a figure's size in CSS pixels: 2300 x 1900 px as PNG
DATASET_ORDER = schema()["properties"]["datasets"]["items"]["enum"]
BASIS_ORDER = list(BASES)


@alt.theme.register("ff", enable=True)
def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": "#bbbbbb"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridOpacity": 0.4},
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
            "concat": {"spacing": 24},
        }
    }


def mean_band(frame: pd.DataFrame, keys: list[str], value: str = "value") -> pd.DataFrame:
    """Mean over seeds with its 95% t interval (ff.stats.mean_over_seeds) per group of `keys`:
    columns mean, low, high, seeds. A single seed's interval is its value (a band of width 0)."""
    summary = frame.groupby(keys)[value].apply(lambda values: pd.Series(mean_over_seeds(values)))
    band = summary.unstack().reset_index()
    band = band.rename(columns={"estimate": "mean", "ci_low": "low", "ci_high": "high"})
    band["low"] = band["low"].fillna(band["mean"])
    band["high"] = band["high"].fillna(band["mean"])
    return band.drop(columns="p_value")


def clamp(value: float, low: float, high: float) -> int:
    return int(min(max(value, low), high))


def in_order(values, order: list[str]) -> list[str]:
    """The distinct values, those in `order` first and in its order, then the others sorted."""
    values = set(values)
    return [value for value in order if value in values] + sorted(values - set(order))


def datasets_in(frame: pd.DataFrame) -> list[str]:
    """The data sets of a table, in the config schema's order."""
    return in_order(frame.dataset, DATASET_ORDER)


def titled(chart: alt.TopLevelMixin, text: str, subtitle: str | list[str]) -> alt.TopLevelMixin:
    return chart.properties(title={"text": text, "subtitle": subtitle})


# --- Layers and widths ----------------------------------------------------------------------


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
        legend=alt.Legend(orient="top", symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3),
    )


def width_colour() -> alt.Color:
    return alt.Color(
        "width:O", scale=alt.Scale(range=OKABE_ITO), title="Width", legend=alt.Legend(orient="top")
    )


# --- Facets ---------------------------------------------------------------------------------


def ranked(frame: pd.DataFrame, field: str, order: list[str]) -> pd.DataFrame:
    """The table with a column `{field}_facet`: the field's values prefixed by their rank in
    `order` ('00 mnist'). Vega-Lite drops a facet's sort order where a scale is resolved
    independently; the prefix sorts the facets, and `facet_header` hides it."""
    rank = {value: f"{i:02d} {value}" for i, value in enumerate(order)}
    return frame.assign(**{f"{field}_facet": frame[field].map(rank)})


def facet_header(split: bool = False, **kwargs) -> alt.Header:
    """The header of a `ranked` facet: its value without the rank, broken into lines at ', '
    if `split` (a long label overruns its panel)."""
    label = "substring(datum.label, 3)"
    return alt.Header(labelExpr=f"split({label}, ', ')" if split else label, **kwargs)


def grid_over_time(layers: list[alt.Chart], band: pd.DataFrame) -> alt.HConcatChart:
    """Small multiples over training time of the layers drawn from `band`: a block per data
    set, side by side, each a row per depth and a column per width."""
    datasets = datasets_in(band)
    columns = len(datasets) * band.width.nunique()
    width = clamp((MAX_WIDTH - 110 * len(datasets)) / columns - 10, 80, 180)
    height = clamp((MAX_HEIGHT - 220) / band.depth.nunique() - 30, 60, 130)
    blocks = [
        alt.layer(*layers, data=band[band.dataset == dataset])
        .properties(width=width, height=height)
        .facet(
            row=alt.Row("depth:O", title="Depth"),
            column=alt.Column("width:O", title="Width (units per layer)"),
            spacing=8,
        )
        .properties(title=alt.TitleParams(dataset, anchor="middle", fontSize=13))
        for dataset in datasets
    ]
    return alt.hconcat(*blocks)


# --- Heatmaps of correlation coefficients (fig_layer_correlation and its comparison) --------

# The heatmaps' colours: ColorBrewer's RdBu (11 classes, reversed) at r = -1, -0.8, ..., 1,
# interpolated linearly in sRGB between the stops, as Vega does with interpolate "rgb".
HEAT_DOMAIN = [round(-1 + 0.2 * i, 1) for i in range(11)]
HEAT_RANGE = [
    "#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582",
    "#d6604d", "#b2182b", "#67001f",
]  # fmt: skip
MISSING_FILL = "#dddddd"  # a cell without a coefficient
HEATMAP_X_AXIS = alt.Axis(labelAngle=0, orient="top", grid=False, ticks=False)


def hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def heat_colour(r: float) -> str:
    """The fill of a heatmap cell of coefficient r, as the chart's colour scale draws it."""
    if np.isnan(r):
        return MISSING_FILL
    position = np.interp(r, HEAT_DOMAIN, np.arange(len(HEAT_DOMAIN)))
    low = min(int(position), len(HEAT_DOMAIN) - 2)
    share = position - low
    rgb = hex_rgb(HEAT_RANGE[low]) * (1 - share) + hex_rgb(HEAT_RANGE[low + 1]) * share
    return "#{:02x}{:02x}{:02x}".format(*np.round(rgb).astype(int))


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour '#rrggbb'."""
    channels = hex_rgb(colour) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    light, dark = sorted([relative_luminance(first), relative_luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with the fill: at least 4.58 (the square root
    of 21) for any fill, above WCAG's 4.5 for text."""
    return max(["#000000", "#ffffff"], key=lambda ink: contrast_ratio(ink, fill))


def heatmap_cells(rows: pd.DataFrame, kind: str) -> alt.LayerChart:
    """Cells coloured by r and labelled with it, the label black or white by `label_colour`,
    for a stats table of layer-model correlations (encode x and y on the result)."""
    rows = rows.assign(
        label=rows.r.map(lambda r: "n/a" if np.isnan(r) else f"{r:.2f}"),
        ink=rows.r.map(lambda r: label_colour(heat_colour(r))),
    )
    cells = (
        alt.Chart()
        .mark_rect()
        .encode(
            color=alt.Color(
                "r:Q",
                scale=alt.Scale(domain=HEAT_DOMAIN, range=HEAT_RANGE, interpolate="rgb"),
                title=f"{kind.title()} r",
                legend=alt.Legend(gradientLength=160),
            ),
            tooltip=[
                "treatment",
                "training",
                "layer",
                "basis",
                alt.Tooltip("r:Q", format=".3f"),
                alt.Tooltip("ci_low:Q", format=".2f"),
                alt.Tooltip("ci_high:Q", format=".2f"),
                alt.Tooltip("p_adjusted:Q", format=".2g"),
            ],  # fmt: skip
        )
    )
    missing = alt.Chart().mark_rect(color=MISSING_FILL).transform_filter("!isValid(datum.r)")
    text = (
        alt.Chart()
        .mark_text(fontSize=10)
        .encode(text="label:N", fill=alt.Fill("ink:N", scale=None))
    )
    return alt.layer(cells, missing, text, data=rows)


def save_chart(chart: alt.Chart, svg: str, png: str, html: str) -> None:
    """SVG and PNG through vl-convert (offline), and a self-contained interactive HTML."""
    chart.save(svg)
    save_png(chart, png)
    chart.save(html, inline=True)


def save_png(chart: alt.Chart, png: str) -> None:
    chart.save(png, scale_factor=PNG_SCALE)
