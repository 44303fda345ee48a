"""The study's figures as Altair charts, built from the tidy metrics and the stats tables.

One function per figure, named after it (the figure table workflow/figures.yaml): it takes the
figure's input tables by their names in that table, and the config's `analysis` section.

Each figure answers one question and fits one page (MAX_WIDTH x MAX_HEIGHT before the PNG's
scale factor). The main figures show the study's own Forward-Forward training (`main_study`:
the paper recipe under the paper's definitions where the study trains it) over the grid of
depths and widths; the comparisons (recipes, variants, backprop) have figures of their own, at
the point of the grid where every training exists (`comparison_point`).
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from ff.config import METHOD_NAMES, METHODS, RECIPE_NAMES, STANDARD_VARIANT, Treatment, schema
from ff.stats import BASES, DEFINITIONS, STRONG

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LAYER_LABEL = "Layer"
FONT = "Helvetica, Arial, sans-serif"
PNG_SCALE = 2  # the PNG's pixels per CSS pixel
MAX_WIDTH, MAX_HEIGHT = 1150, 950  # a figure's size in CSS pixels: 2300 x 1900 px as PNG


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
    """Mean over seeds with a 95% t interval: columns mean, low, high, seeds."""

    def summarise(group: pd.Series) -> pd.Series:
        n = group.count()
        mean = group.mean()
        half = stats.t.ppf(0.975, n - 1) * group.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0
        return pd.Series({"mean": mean, "low": mean - half, "high": mean + half, "seeds": n})

    return frame.groupby(keys)[value].apply(summarise).unstack().reset_index()


def clamp(value: float, low: float, high: float) -> int:
    return int(min(max(value, low), high))


# --- Which trainings a figure shows --------------------------------------------------------


@dataclass(frozen=True)
class Study:
    """A training (method, recipe and variant) under one definition of accuracy."""

    method: str
    recipe: str
    variant: str
    definition: str


PAPER_VARIANT = Treatment("", 1, 1, recipe="paper").variant
BACKPROP_VARIANT = Treatment("", 1, 1, method="backprop").variant
# The main figures' training, the first of these a table has: the study's own experiment (the
# paper recipe, measured as the paper measured), else this project's Forward-Forward, else
# backprop. The first two are the headline rows of fig_hypotheses.
MAIN_STUDIES = (
    Study("ff", "paper", PAPER_VARIANT, "paper"),
    Study("ff", "adam", STANDARD_VARIANT, "label"),
    Study("ff", "paper", PAPER_VARIANT, "label"),
    Study("backprop", "adam", BACKPROP_VARIANT, "label"),
)
HEADLINE_STUDIES = MAIN_STUDIES[:2]
DEFINITION_TEXT = {
    "paper": "the paper's accuracy (a layer: positives told from negatives; the model: its "
    "linear read-out)",
    "label": "label accuracy (the label with the highest goodness, or a probe's for backprop)",
}
DATASET_ORDER = schema()["properties"]["datasets"]["items"]["enum"]
BASIS_ORDER = list(BASES)


def in_order(values, order: list[str]) -> list[str]:
    """The distinct values, those in `order` first and in its order, then the others sorted."""
    values = set(values)
    return [value for value in order if value in values] + sorted(values - set(order))


def datasets_in(frame: pd.DataFrame) -> list[str]:
    """The data sets of a table, in the config schema's order."""
    return in_order(frame.dataset, DATASET_ORDER)


def accuracy_rows(metrics: pd.DataFrame, split: str) -> pd.DataFrame:
    """The accuracy of every layer and of the model on one split under each definition of
    ff.stats.DEFINITIONS that a treatment measures (a `definition` column, metric
    `accuracy`), `layer` as 'layer k' or 'model'."""
    rows = metrics[metrics.split == split]
    parts = []
    for definition, (layer_metric, model_metric) in DEFINITIONS.items():
        layers = rows[(rows.layer != "model") & (rows.metric == layer_metric)]
        model = rows[(rows.layer == "model") & (rows.metric == model_metric)]
        measured = set(layers.treatment) & set(model.treatment)
        both = pd.concat([layers, model])
        parts.append(both[both.treatment.isin(measured)].assign(definition=definition))
    accuracy = pd.concat(parts).assign(metric="accuracy")
    return accuracy.assign(layer=accuracy.layer.map(layer_name))


def study_rows(frame: pd.DataFrame, study: Study) -> pd.DataFrame:
    keep = (
        (frame.method == study.method)
        & (frame.recipe == study.recipe)
        & (frame.variant == study.variant)
    )
    if "definition" in frame:
        keep &= frame.definition == study.definition
    return frame[keep]


def main_study(frame: pd.DataFrame) -> Study:
    """The first of MAIN_STUDIES that the table has rows of."""
    for study in MAIN_STUDIES:
        if len(study_rows(frame, study)):
            return study
    raise ValueError(
        "the table has no standard training of Forward-Forward or backprop, which the main "
        "figures show: add `ff` or `backprop` to `methods` in the config"
    )


def training_label(frame: pd.DataFrame) -> pd.Series:
    """How each row's training reads in a figure: 'Forward-Forward, paper recipe [paper
    definitions]', 'Forward-Forward, Adam recipe, greedy', 'backprop (linear probes)'."""
    generic = {STANDARD_VARIANT, *RECIPE_NAMES.values(), *METHODS}

    def label(method: str, recipe: str, variant: str, definition: str) -> str:
        changes = [part for part in variant.split(", ") if part not in generic]
        recipe_name = [RECIPE_NAMES[recipe]] if method == "ff" else []
        text = ", ".join([METHOD_NAMES[method], *recipe_name, *changes])
        return text + (f" [{definition} definitions]" if definition != "label" else "")

    keys = ["method", "recipe", "variant", "definition"]
    definitions = frame.definition if "definition" in frame else "label"
    rows = frame.assign(definition=definitions)[keys]
    labels = {key: label(*key) for key in rows.drop_duplicates().itertuples(index=False)}
    return pd.Series([labels[key] for key in rows.itertuples(index=False)], index=frame.index)


def training_order(frame: pd.DataFrame) -> list[str]:
    """The `training_label`s of a table in the order the figures show them: the main studies
    first, then by method, recipe (the paper's first) and how much the variant changes."""
    keys = ["method", "recipe", "variant", "definition", "training_label"]
    trainings = frame[keys].drop_duplicates()

    def rank(row) -> tuple:
        study = Study(row.method, row.recipe, row.variant, row.definition)
        main = MAIN_STUDIES.index(study) if study in MAIN_STUDIES else len(MAIN_STUDIES)
        method = METHODS.index(row.method) if row.method in METHODS else len(METHODS)
        return (main, method, row.recipe != "paper", row.variant.count(","), row.training_label)

    return [row.training_label for row in sorted(trainings.itertuples(), key=rank)]


def comparison_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Every training under label definitions, and the main study (in a table with a
    `definition` column), with a `training_label` column."""
    if "definition" in frame:
        main = study_rows(frame, main_study(frame))
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


# --- Shared encodings -----------------------------------------------------------------------


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


def titled(chart: alt.TopLevelMixin, text: str, subtitle: str | list[str]) -> alt.TopLevelMixin:
    return chart.properties(title={"text": text, "subtitle": subtitle})


def training_name(study: Study) -> str:
    """The training's label, without the definition of accuracy."""
    return training_label(pd.DataFrame([study.__dict__]).assign(definition="label")).iloc[0]


def study_subtitle(study: Study) -> str:
    return f"{training_name(study)}; {DEFINITION_TEXT[study.definition]}"


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


# --- The headline ---------------------------------------------------------------------------

VERDICTS = ["supported", "not supported", "unsettled", "not testable"]
VERDICT_COLOURS = ["#0072B2", "#D55E00", "#E69F00", "#999999"]
VERDICT_SHAPES = ["circle", "square", "diamond", "triangle-up"]
# hypothesis: (question, when it is supported, the effect's axis title); ff.answers has the rules
HYPOTHESIS_TITLES = {
    "H1": (
        "H1: deeper layers reach their final accuracy later",
        "the interval lies above 0",
        "Spearman rho of delay with layer index",
    ),
    "H2": (
        "H2: the first layer's accuracy tracks the model's",
        f"r at least {STRONG} (dashed line), its interval above 0",
        "Layer 1's r with the model",
    ),
    "H3 depth": (
        "H3: the layer-model correlation falls with the layer index",
        "the interval lies below 0",
        "Slope of Fisher z per layer",
    ),
    "H3 width": (
        "H3: the layer-model correlation falls with the width",
        "the interval lies below 0",
        "Slope of Fisher z per doubling of width",
    ),
}


def fig_hypotheses(answers: pd.DataFrame, analysis: dict) -> alt.Chart:
    """Each hypothesis's effect with its 95% interval and verdict, per data set and training:
    the headline trainings bold, the others light."""
    rows = answers[answers.hypothesis.isin(HYPOTHESIS_TITLES)].copy()
    rows["training_label"] = training_label(rows)
    rows["headline"] = [
        Study(*key) in HEADLINE_STUDIES
        for key in rows[["method", "recipe", "variant", "definition"]].itertuples(index=False)
    ]
    order = training_order(rows)
    headline = sorted(set(rows.training_label[rows.headline]))
    bold = " || ".join(f"datum.value === {label!r}" for label in headline) or "false"
    datasets = datasets_in(rows)
    verdict = {
        "scale": alt.Scale(domain=VERDICTS, range=VERDICT_COLOURS),
        "title": "Verdict",
        "legend": alt.Legend(orient="top"),
    }
    panels = []
    for hypothesis, (title, rule, effect) in HYPOTHESIS_TITLES.items():
        part = rows[rows.hypothesis == hypothesis]
        if part.empty:
            continue
        trainings = [label for label in order if label in set(part.training_label)]
        base = alt.Chart().encode(
            y=alt.Y(
                "training_label:N",
                sort=trainings,
                scale=alt.Scale(domain=trainings),
                title=None,
                axis=alt.Axis(
                    labelLimit=330,
                    labelFontWeight=alt.ExprRef(f"({bold}) ? 'bold' : 'normal'"),
                    grid=False,
                ),
            ),
            opacity=alt.condition("datum.headline", alt.value(1.0), alt.value(0.45)),
        )
        intervals = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("ci_low:Q", title=effect),
            x2="ci_high:Q",
            color=alt.Color("verdict:N", **verdict),
        )
        points = base.mark_point(filled=True, size=70).encode(
            x="estimate:Q",
            color=alt.Color("verdict:N", **verdict),
            shape=alt.Shape(
                "verdict:N",
                scale=alt.Scale(domain=VERDICTS, range=VERDICT_SHAPES),
                title="Verdict",
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                "hypothesis:N",
                "dataset:N",
                "training_label:N",
                "effect:N",
                alt.Tooltip("estimate:Q", format=".3f"),
                alt.Tooltip("ci_low:Q", format=".3f"),
                alt.Tooltip("ci_high:Q", format=".3f"),
                alt.Tooltip("p_value:Q", format=".2g"),
                "seeds:Q",
                "verdict:N",
                alt.Tooltip("stability:Q", format=".0%"),
                alt.Tooltip("half_1:N", title="first half of the seeds"),
                alt.Tooltip("half_2:N", title="second half"),
            ],  # fmt: skip
        )
        references = [alt.Chart().mark_rule(color="#444444").encode(x=alt.datum(0))]
        if hypothesis == "H2":
            references.append(
                alt.Chart()
                .mark_rule(color="#444444", strokeDash=[4, 3])
                .encode(x=alt.datum(STRONG))
            )
        panels.append(
            alt.layer(*references, intervals, points, data=part)
            .properties(width=260, height=alt.Step(17))
            .facet(
                column=alt.Column(
                    "dataset:N", sort=datasets, title=None, header=alt.Header(labelFontSize=13)
                )
            )
            .properties(title={"text": title, "subtitle": f"Supported: {rule}", "fontSize": 13})
        )
    return titled(
        alt.vconcat(*panels).resolve_scale(x="independent", y="independent"),
        "The three hypotheses: effect sizes with 95% intervals over seeds",
        [
            "Bold: the study's Forward-Forward (paper recipe, paper's accuracy) and this "
            "project's (Adam recipe); light: the other trainings.",
            "Verdicts hold in at least 90% of bootstrap resamples of the seeds, else "
            "'unsettled'; 'not testable': too few seeds.",
        ],
    )


# --- H1 -------------------------------------------------------------------------------------


def fig_layer_curves(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main study's layer and model accuracy over training, over depth and width."""
    rows = accuracy_rows(metrics, "validation")
    study = main_study(rows)
    rows = study_rows(rows, study)
    band = mean_band(rows, ["dataset", "depth", "width", "layer", "epoch"])
    colour = layer_colour(band.depth)
    base = alt.Chart().encode(x=alt.X("epoch:Q", title="Training time (epochs)"))
    lines = base.mark_line(strokeWidth=1.6, clip=True).encode(
        y=alt.Y("mean:Q", title="Validation accuracy", scale=alt.Scale(domain=[0, 1])),
        color=colour,
        tooltip=["layer", "epoch", alt.Tooltip("mean:Q", format=".3f"), "seeds"],
    )
    bands = base.mark_area(opacity=0.2, clip=True).encode(y="low:Q", y2="high:Q", color=colour)
    return titled(
        grid_over_time([bands, lines], band),
        "Do deeper layers learn later? Layer and model accuracy during training",
        [study_subtitle(study), "Mean over seeds with 95% confidence band"],
    )


def delay_measure(analysis: dict) -> str:
    """The delay measure the figures show: time to `delay_figure_fraction` of final accuracy."""
    return f"time_to_{analysis['delay_figure_fraction']:g}"


def fig_depth_delay(delays: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main study's delay per layer: a row per depth (as long as its layers), a column per
    data set, a colour per width."""
    measure = delay_measure(analysis)
    rows = delays[delays.measure == measure]
    study = main_study(rows)
    band = mean_band(study_rows(rows, study), ["dataset", "depth", "width", "layer"])
    datasets = datasets_in(band)
    band = ranked(band, "dataset", datasets)
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer (1 = next to the input)", axis=alt.Axis(labelAngle=0)),
        color=width_colour(),
        xOffset="width:N",
    )
    fraction = measure.removeprefix("time_to_")
    points = base.mark_point(filled=True, size=50).encode(
        y=alt.Y("mean:Q", title=f"Epochs to {fraction} of final"),
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
        [study_subtitle(study), "Mean over seeds with 95% interval"],
    )


# --- H2 -------------------------------------------------------------------------------------

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


def fig_layer_correlation(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main study's layer-model correlation per layer (x) and width (y): a column per data
    set and depth (only the layers that depth has), a row per basis."""
    kind = analysis["correlation_kind"]
    rows = correlations[correlations.kind == kind]
    study = main_study(rows)
    rows = study_rows(rows, study).copy()
    datasets = datasets_in(rows)
    rows["panel"] = rows.dataset + ", layers of depth " + rows.depth.astype(str)
    panels = [
        f"{dataset}, layers of depth {depth}"
        for dataset in datasets
        for depth in sorted(set(rows.depth))
    ]
    rows = ranked(rows, "panel", panels)
    rows = ranked(rows, "basis", in_order(rows.basis, BASIS_ORDER))
    chart = (
        heatmap_cells(rows, kind)
        .encode(
            x=alt.X("layer:O", title=None, axis=HEATMAP_X_AXIS),
            y=alt.Y(
                "width:O",
                title=None,
                axis=alt.Axis(grid=False, labelExpr="'width ' + datum.label"),
            ),
        )
        .properties(width=alt.Step(38), height=alt.Step(22))
        .facet(
            column=alt.Column("panel_facet:N", title=None, header=facet_header(split=True)),
            row=alt.Row(
                "basis_facet:N",
                title="Correlated over",
                header=facet_header(labelAngle=0, labelAlign="left"),
            ),
            align="each",
            spacing={"column": 12, "row": 10},
        )
        .resolve_scale(x="independent")
    )
    return titled(
        chart,
        "How closely each layer's accuracy follows the model's",
        [
            study_subtitle(study),
            f"{kind.title()} r pooled over seeds (Fisher z); H2 asks whether layer 1's r "
            f"reaches {STRONG}",
        ],
    )


# --- H3 -------------------------------------------------------------------------------------


def fig_correlation_trends(correlations: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main study's layer-model correlation against the layer index, by width and depth."""
    kind = analysis["correlation_kind"]
    rows = correlations[(correlations.kind == kind) & correlations.r.notna()]
    study = main_study(rows)
    rows = study_rows(rows, study)
    rows = ranked(rows, "basis", in_order(rows.basis, BASIS_ORDER))
    rows = ranked(rows, "dataset", datasets_in(rows))
    bases = set(rows.basis)
    base = alt.Chart().encode(
        x=alt.X("layer:O", title="Layer", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("r:Q", title=f"{kind.title()} r, layer vs model", scale=alt.Scale(zero=False)),
        color=width_colour(),
        detail="treatment:N",
    )
    dash = alt.StrokeDash(
        "depth:O",
        title="Depth",
        legend=alt.Legend(
            orient="top", symbolType="stroke", symbolStrokeColor="#333333", symbolStrokeWidth=2
        ),
    )
    lines = base.mark_line().encode(strokeDash=dash)
    points = base.mark_point(filled=True, size=25).encode(
        tooltip=[
            "treatment",
            "layer",
            alt.Tooltip("r:Q", format=".3f"),
            alt.Tooltip("ci_low:Q", format=".2f"),
            alt.Tooltip("ci_high:Q", format=".2f"),
        ],  # fmt: skip
    )
    width = clamp((MAX_WIDTH - 120) / len(bases) - 20, 120, 200)
    return titled(
        alt.layer(lines, points, data=rows)
        .properties(width=width, height=160)
        .facet(
            column=alt.Column("basis_facet:N", title="Correlated over", header=facet_header()),
            row=alt.Row("dataset_facet:N", title=None, header=facet_header()),
        )
        .resolve_scale(y="independent"),
        "Does the layer-model correlation fall with the layer index and the width?",
        [study_subtitle(study), f"{kind.title()} r pooled over seeds; a line per treatment"],
    )


# --- Accuracy and goodness ------------------------------------------------------------------


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
    """The main study's final test accuracy of each layer and of the model."""
    rows = accuracy_rows(metrics, "test")
    study = main_study(rows)
    band = mean_band(study_rows(rows, study), ["dataset", "depth", "width", "layer"])
    band = ranked(band, "dataset", datasets_in(band))
    order = layer_order(band.depth)
    tooltip = ["dataset", "depth", "width", "layer"]
    return titled(
        accuracy_by_width(
            band, "layer", order, layer_colour(band.depth), "Test accuracy", tooltip, 260
        ).resolve_scale(y="independent", xOffset="independent"),
        "Final test accuracy of each layer and of the model",
        [study_subtitle(study), "Mean over seeds with 95% interval"],
    )


def fig_goodness(metrics: pd.DataFrame, analysis: dict) -> alt.Chart:
    """The main Forward-Forward study's goodness, relative to each treatment's threshold theta
    (comparable across widths)."""
    goodness = metrics.metric.isin(["goodness_pos", "goodness_neg"])
    rows = metrics[(metrics.split == "validation") & goodness & (metrics.epoch > 0)]
    if not (rows.method == "ff").any():
        raise ValueError("fig_goodness shows Forward-Forward's goodness: add `ff` to `methods`")
    study = main_study(rows[rows.method == "ff"])
    rows = study_rows(rows, study).copy()
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
            training_name(study),
            "Validation set, mean over seeds; dotted line: the threshold",
        ],
    )


# --- Comparisons ----------------------------------------------------------------------------


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
    measure = delay_measure(analysis)
    gain = measure.replace("time_to_", "gain_to_")
    fraction = measure.removeprefix("time_to_")
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
            title=f"Time to {fraction} ...",
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


def save_chart(chart: alt.Chart, svg: str, png: str, html: str) -> None:
    """SVG and PNG through vl-convert (offline), and a self-contained interactive HTML."""
    chart.save(svg)
    chart.save(png, scale_factor=PNG_SCALE)
    chart.save(html, inline=True)
