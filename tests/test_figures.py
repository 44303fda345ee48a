"""Every figure fits a page, has no empty panel, and labels its heatmap cells legibly: on a
synthetic study of the default config's shape (fast) and on the tiny study's real tables
(slow: they come from the tiny workflow run, or from a finished study's folder,
results/<study>/, named by the environment variable FF_TINY_RESULTS)."""

import itertools
import os
import re
import struct
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
import yaml
from conftest import ROOT, workflow_config

from ff import charts
from ff.charts import theme
from ff.charts.shown import comparison_point, comparison_rows
from ff.config import treatments
from ff.convergence import convergence
from ff.figure_table import figure_inputs, published_figures
from ff.hypotheses import VERDICTS
from ff.metrics import TIDY_COLUMNS, read_table, series_columns
from ff.stats import BASES, SERIES_KEYS, STRONG, TREATMENT_KEYS, mean_over_seeds

FIGURES = figure_inputs()
MAX_PNG_WIDTH, MAX_PNG_HEIGHT = 2400, 2000  # one screen or printed page
HEATMAPS = ["fig_layer_correlation", "fig_correlation_comparison"]
ANALYSIS = {
    "delay_figure_fraction": 0.9,
    "correlation_kind": "pearson",
}
SEEDS = 3


# --- A synthetic study of the default config's grid ------------------------------------------


def synthetic_study(config: dict, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Tables with the columns and the grid of a real study of `config` (every treatment it
    trains: standard Forward-Forward by both recipes on the whole grid, backprop and the
    variants on the variant grid), filled with random values: metrics, delays, correlations
    and answers, by the names the chart functions take them."""
    rng = np.random.default_rng(seed)
    grid = treatments(config)
    metrics, delays, correlations = [], [], []
    for treatment in grid:
        columns = {
            "dataset": treatment.dataset,
            "treatment": treatment.id,
            "depth": treatment.depth,
            "width": treatment.width,
            **series_columns(treatment),
        }
        layers = [str(layer) for layer in range(1, treatment.depth + 1)]
        ff = treatment.method == "ff"
        layer_metrics = ["accuracy", "separation", "goodness_pos", "goodness_neg"] if ff else []
        model_metrics = ["accuracy"] + ["readout_accuracy"] * (treatment.recipe == "paper")
        epochs = np.linspace(0, treatment.total_epochs, 7)
        for split, seed_, epoch in itertools.product(["validation", "test"], range(SEEDS), epochs):
            if split == "test" and epoch != epochs[-1]:
                continue
            for layer in [*layers, "model"]:
                names = model_metrics if layer == "model" else layer_metrics or ["accuracy"]
                for metric in names:
                    value = rng.uniform(0.5, 1.5) * treatment.width if "good" in metric else 0
                    metrics.append(
                        columns
                        | {"seed": seed_, "epoch": epoch, "split": split, "layer": layer}
                        | {"metric": metric, "value": value or rng.uniform(0.1, 1)}
                        | {"learning_rate": treatment.learning_rate}
                        | {"theta": treatment.width if ff else np.nan}
                    )
        definitions = ["label", "paper"] if treatment.recipe == "paper" else ["label"]
        for definition in definitions:
            keys = columns | {"definition": definition}
            for seed_, layer, measure in itertools.product(
                range(SEEDS), range(1, treatment.depth + 1), ["time_to_0.9", "gain_to_0.9"]
            ):
                value = layer * rng.uniform(0.1, 0.5)
                delays.append(
                    keys | {"seed": seed_, "layer": layer, "measure": measure, "value": value}
                )
            if treatment.depth < 2:
                continue  # a single layer is the model
            for layer, basis, kind in itertools.product(
                range(1, treatment.depth + 1), BASES, ["pearson", "spearman"]
            ):
                r = rng.uniform(-1, 1)
                correlations.append(
                    keys
                    | {"layer": layer, "basis": basis, "kind": kind, "r": r}
                    | {"ci_low": r - 0.1, "ci_high": r + 0.1, "p_value": 0.01, "n": SEEDS}
                    | {"epoch": np.nan, "p_adjusted": 0.02, "significant": True}
                )
    correlations = pd.DataFrame(correlations)
    correlations.loc[correlations.index[-1], "r"] = np.nan  # a coefficient that is undefined
    delays = pd.DataFrame(delays)
    metrics = pd.DataFrame(metrics)[TIDY_COLUMNS]
    return {
        "metrics": metrics,
        "convergence": synthetic_convergence(metrics, rng),
        "delays": delays,
        "correlations": correlations,
        "answers": synthetic_answers(delays, correlations, rng),
    }


def synthetic_convergence(metrics: pd.DataFrame, rng) -> pd.DataFrame:
    """A convergence table (ff.convergence) of the metrics' curves, each curve planted as
    levelled off or not at random."""
    table = convergence(metrics, window=0.2, tolerance=0.01)
    return table.assign(levelled=rng.random(len(table)) < 0.5)


# each hypothesis's measures (ff.hypotheses), the paper's first
MEASURES = {"H1": ["time_to_0.9", "gain_to_0.9", "steepest_gain"]} | {
    hypothesis: ["levels", "differences"] for hypothesis in ("H2", "H3 depth", "H3 width")
}


def synthetic_answers(delays, correlations, rng) -> pd.DataFrame:
    """An answers table (ff.answers): a row per hypothesis, measure and series, every verdict,
    settled and not, underpowered and not, one study without an interval."""
    study_keys = [key for key in TREATMENT_KEYS if key not in ("treatment", "depth", "width")]
    rows = []
    studies = delays[study_keys].drop_duplicates()
    several = correlations.groupby(study_keys).width.nunique().reset_index()
    trends = several[several.width > 1][study_keys]
    for hypothesis, table in [("H1", studies), ("H2", studies), ("H3 depth", trends),
                              ("H3 width", trends)]:  # fmt: skip
        for study, measure in itertools.product(table.to_dict("records"), MEASURES[hypothesis]):
            estimate = rng.uniform(-1, 1)
            seeds = [SEEDS, 30][len(rows) % 2]
            rows.append(
                study
                | {"hypothesis": hypothesis, "measure": measure}
                | {"paper_measure": measure == MEASURES[hypothesis][0]}
                | {"effect": f"the effect of {hypothesis}"}
                | {"estimate": estimate, "ci_low": estimate - 0.2, "ci_high": estimate + 0.2}
                | {"p_value": 0.01, "seeds": seeds, "underpowered": seeds < 10}
                | {"verdict": VERDICTS[len(rows) % len(VERDICTS)]}
                | {"stability": [0.95, 0.6][len(rows) % 3 == 0]}
                | {"half_1": "supported", "half_2": "inconclusive", "split_half_agrees": False}
            )
    answers = pd.DataFrame(rows)
    answers["settled"] = answers.stability >= 0.9
    untested = answers.verdict == "not testable"
    answers.loc[untested, ["ci_low", "ci_high", "stability"]] = np.nan
    answers.loc[untested, "settled"] = False
    series = answers.groupby(["hypothesis", *SERIES_KEYS]).verdict
    answers["robust"] = series.transform("nunique") == 1
    answers["robustness"] = np.where(answers.robust, "the same on every measure", "it varies")
    return answers


@pytest.fixture(scope="module")
def synthetic() -> dict[str, pd.DataFrame]:
    return synthetic_study(workflow_config())


@pytest.fixture(scope="module")
def tiny_tables(request) -> dict[str, pd.DataFrame]:
    folder = os.environ.get("FF_TINY_RESULTS")
    results = Path(folder) if folder else request.getfixturevalue("tiny_run") / "results/tiny"
    return {
        "metrics": read_table(results / "metrics/all.tsv"),
        "convergence": read_table(results / "stats/convergence.tsv"),
        "delays": pd.read_csv(results / "stats/depth_delay_per_seed.tsv", sep="\t"),
        "correlations": pd.read_csv(results / "stats/layer_correlation.tsv", sep="\t"),
        "answers": pd.read_csv(results / "stats/answers.tsv", sep="\t"),
    }


def chart_of(figure: str, tables: dict[str, pd.DataFrame]) -> alt.TopLevelMixin:
    """The figure's chart from the tables its figures.yaml entry names."""
    inputs = {name: tables[table_name(path)] for name, path in FIGURES[figure].items()}
    return charts.figure_function(figure)(**inputs, analysis=ANALYSIS)


def table_name(path: str) -> str:
    names = {"all.tsv": "metrics", "convergence.tsv": "convergence",
             "depth_delay_per_seed.tsv": "delays", "layer_correlation.tsv": "correlations",
             "answers.tsv": "answers"}  # fmt: skip
    return names[Path(path).name]


# --- The figure table and its chart functions ------------------------------------------------


def test_every_figure_has_a_chart_function_of_its_name():
    for figure in FIGURES:
        assert charts.figure_function(figure).__name__ == figure
    assert set(charts.FIGURE_FUNCTIONS) == set(FIGURES)  # and every chart function a figure


def test_an_unknown_figure_names_the_figure_table():
    with pytest.raises(ValueError, match="'fig_missing'.*workflow/figures.yaml"):
        charts.figure_function("fig_missing")


def test_the_figure_table_gives_each_figure_s_inputs_and_the_published_ones(tmp_path):
    assert list(FIGURES) == list(yaml.safe_load((ROOT / "workflow/figures.yaml").read_text()))
    assert FIGURES["fig_hypotheses"] == {"answers": "stats/answers.tsv"}
    assert published_figures() == ["fig_hypotheses", "fig_layer_curves"]
    table = tmp_path / "figures.yaml"
    table.write_text(
        "fig_b:\n  inputs: {metrics: m.tsv}\n  published: true\n"
        "fig_a:\n  inputs: {delays: d.tsv, answers: a.tsv}\n"
    )
    assert figure_inputs(table) == {
        "fig_b": {"metrics": "m.tsv"}, "fig_a": {"delays": "d.tsv", "answers": "a.tsv"}
    }  # fmt: skip
    assert list(figure_inputs(table)) == ["fig_b", "fig_a"]  # the file's order: the report's
    assert published_figures(table) == ["fig_b"]


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ("{metrics: m.tsv}", "fig_a has no `inputs`"),  # the table's former shape
        ("{inputs: {metrics: m.tsv}, shown: true}", r"fig_a has keys \['shown'\]"),
        ("{inputs: {metrics: m.tsv}, published: maybe}", "fig_a's `published` is not"),
    ],
)
def test_the_figure_table_refuses_a_wrong_entry(tmp_path, entry, error):
    table = tmp_path / "figures.yaml"
    table.write_text(f"fig_a: {entry}\n")
    with pytest.raises(ValueError, match=error):
        figure_inputs(table)


def test_mean_band_is_the_mean_over_seeds_with_its_interval():
    frame = pd.DataFrame({"key": ["a", "a", "a", "b"], "value": [1.0, 2.0, 4.0, 5.0]})
    band = theme.mean_band(frame, ["key"]).set_index("key")[["mean", "low", "high", "seeds"]]
    pooled = mean_over_seeds(np.array([1.0, 2.0, 4.0]))
    expected = [pooled["estimate"], pooled["ci_low"], pooled["ci_high"], 3]
    assert band.loc["a"].tolist() == expected
    assert band.loc["b"].tolist() == [5.0, 5.0, 5.0, 1]  # one seed: a band of width 0


# --- Checks ---------------------------------------------------------------------------------


def png_size(chart: alt.TopLevelMixin, folder: Path) -> tuple[int, int]:
    """Width and height of the PNG that charts.save_chart writes, from its header."""
    path = folder / "chart.png"
    theme.save_png(chart, str(path))
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def panels(spec: dict, datasets: dict, data: list | None = None):
    """(where, rows) for every panel a Vega-Lite spec draws: each cell of a facet's grid
    (every combination of its row and column values, as Vega-Lite lays them out) and each
    unfaceted view, with the rows of the data it is drawn from."""
    if "data" in spec:
        data = datasets[spec["data"]["name"]]
    if "facet" in spec:
        facet = spec["facet"]
        fields = [facet[channel]["field"] for channel in ("row", "column") if channel in facet]
        fields = fields or [facet["field"]]
        values = [sorted({str(row.get(field)) for row in data}) for field in fields]
        for combination in itertools.product(*values):
            where = dict(zip(fields, combination, strict=True))
            yield (
                combination,
                [row for row in data if all(str(row.get(f)) == v for f, v in where.items())],
            )
        return
    parts = [spec[key] for key in ("hconcat", "vconcat", "concat") if key in spec]
    if parts:
        for part in parts[0]:
            yield from panels(part, datasets, data)
        return
    if "layer" in spec and data is None:  # each layer may bring its own data
        data = [row for layer in spec["layer"] for row in datasets.get(
            layer.get("data", {}).get("name"), []
        )]  # fmt: skip
    yield spec.get("title", spec.get("mark")), data or []


def facet_specs(spec: dict):
    """Every facet spec inside a Vega-Lite spec."""
    if isinstance(spec, dict):
        if "facet" in spec:
            yield spec
        for value in spec.values():
            yield from facet_specs(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from facet_specs(item)


def heatmap_rows(chart: alt.TopLevelMixin) -> pd.DataFrame:
    spec = chart.to_dict()
    return pd.DataFrame(spec["datasets"][spec["data"]["name"]])


def check_fits_a_page(chart, tmp_path):
    width, height = png_size(chart, tmp_path)
    assert width <= MAX_PNG_WIDTH and height <= MAX_PNG_HEIGHT, f"{width} x {height} px"


def check_no_empty_panel(chart):
    spec = chart.to_dict()
    found = list(panels(spec, spec.get("datasets", {})))
    assert found
    for where, rows in found:
        assert rows, f"panel {where} has no data"
        assert "None" not in where and "nan" not in where, f"panel {where} has no name"


def check_heatmap_labels_contrast(chart):
    rows = heatmap_rows(chart)
    assert len(rows) and rows.ink.isin(["#000000", "#ffffff"]).all()
    for r, ink in zip(rows.r, rows.ink, strict=True):
        fill = theme.heat_colour(float("nan") if r is None else r)
        assert theme.contrast_ratio(fill, ink) >= 4.5, f"r {r}: {ink} on {fill}"
    spec = chart.to_dict()["spec"]
    cells, _, text = spec["layer"]
    assert cells["encoding"]["color"]["scale"] == {
        "domain": theme.HEAT_DOMAIN,
        "range": theme.HEAT_RANGE,
        "interpolate": "rgb",
    }  # fmt: skip: the scale that heat_colour models
    assert text["encoding"]["fill"] == {"field": "ink", "scale": None, "type": "nominal"}


def check_heatmap_layers(chart, depth_of_panel):
    """Each panel shows exactly its depth's layers, its cells a fixed size (never stretched)."""
    rows = heatmap_rows(chart)
    spec = chart.to_dict()
    assert spec["spec"]["width"] == {"step": 38} and spec["spec"]["height"] == {"step": 22}
    for panel, group in rows.groupby(spec["facet"]["column"]["field"]):
        depth = depth_of_panel(group)
        assert set(group.layer) == set(range(1, depth + 1)), panel
    if rows.depth.nunique() > 1:
        assert spec["resolve"]["scale"]["x"] == "independent"


# --- On the synthetic study ------------------------------------------------------------------


@pytest.mark.parametrize("figure", FIGURES)
def test_every_figure_fits_a_page(synthetic, figure, tmp_path):
    check_fits_a_page(chart_of(figure, synthetic), tmp_path)


@pytest.mark.parametrize("figure", FIGURES)
def test_no_figure_has_an_empty_panel(synthetic, figure):
    check_no_empty_panel(chart_of(figure, synthetic))


def test_the_size_check_sees_an_oversized_chart(tmp_path):
    tall = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    assert png_size(tall.properties(width=200, height=1100), tmp_path)[1] > MAX_PNG_HEIGHT


def test_the_panel_check_sees_an_empty_panel():
    rows = pd.DataFrame({"a": ["p", "q"], "b": ["u", "v"], "x": [1, 2]})
    chart = alt.Chart(rows).mark_point().encode(x="x:Q").facet(row="a:N", column="b:N")
    with pytest.raises(AssertionError, match="no data"):
        check_no_empty_panel(chart)  # (p, v) and (q, u) are empty cells of the grid


@pytest.mark.parametrize("figure", HEATMAPS)
def test_heatmap_labels_contrast_with_their_cells(synthetic, figure):
    check_heatmap_labels_contrast(chart_of(figure, synthetic))


def test_a_label_contrasts_with_every_colour_of_the_scale():
    fills = [theme.heat_colour(r) for r in np.linspace(-1, 1, 801)] + [theme.MISSING_FILL]
    for fill in fills:
        assert theme.contrast_ratio(fill, theme.label_colour(fill)) >= 4.5, fill
    assert theme.label_colour(theme.heat_colour(1)) == "#ffffff"  # light text on dark cells
    assert theme.label_colour(theme.heat_colour(0)) == "#000000"  # dark text on light ones


def test_contrast_ratio_matches_wcag():
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)


def test_heat_colour_is_the_colour_vega_draws():
    r = np.round(np.linspace(-1, 1, 37), 3)
    cells = (
        alt.Chart(pd.DataFrame({"i": range(len(r)), "r": r}))
        .mark_rect()
        .encode(
            x="i:O",
            color=alt.Color(
                "r:Q",
                scale=alt.Scale(
                    domain=theme.HEAT_DOMAIN, range=theme.HEAT_RANGE, interpolate="rgb"
                ),
            ),
        )
    )
    svg = vlc.vegalite_to_svg(cells.to_dict())
    drawn = re.findall(r'<path[^>]*fill="rgb\((\d+), (\d+), (\d+)\)"', svg)
    assert len(drawn) == len(r)
    for value, rgb in zip(r, drawn, strict=True):
        expected = theme.hex_rgb(theme.heat_colour(value))
        assert np.abs(np.array(rgb, dtype=float) - expected).max() <= 1, value


def test_heatmap_panels_hold_only_their_layers(synthetic):
    chart = chart_of("fig_layer_correlation", synthetic)
    check_heatmap_layers(chart, lambda group: group.depth.iloc[0])
    comparison = chart_of("fig_correlation_comparison", synthetic)
    check_heatmap_layers(comparison, lambda group: group.depth.iloc[0])


def test_facet_headers_keep_their_order_in_the_drawing(synthetic):
    """Vega-Lite drops a facet's sort order where a scale is resolved independently and then
    labels the rows in another order than it draws them: the charts sort by value instead."""
    chart = chart_of("fig_layer_correlation", synthetic)
    for figure in FIGURES:
        for facet in facet_specs(chart_of(figure, synthetic).to_dict()):
            independent = "independent" in facet.get("resolve", {}).get("scale", {}).values()
            sorted_by_list = [ch for ch in facet["facet"].values() if "sort" in ch]
            assert not (independent and sorted_by_list), figure
    svg = vlc.vegalite_to_svg(chart.to_dict())
    headers = [text for text in re.findall(r">([a-z_]+)</text>", svg) if text in BASES]
    assert headers == list(BASES)
    first_cells = heatmap_rows(chart).query("basis == 'levels'")
    assert (first_cells.basis_facet.str[:2] == "00").all()


def test_the_comparisons_are_drawn_where_every_training_ran(synthetic):
    config = workflow_config()
    point = (config["variant_grid"]["depths"][0], config["variant_grid"]["widths"][0])
    for figure in ["fig_method_comparison", "fig_delay_comparison", "fig_correlation_comparison"]:
        rows = heatmap_rows(chart_of(figure, synthetic))
        trainings = set(rows.training_label)
        assert len(trainings) == 7, figure  # 6 trainings, the paper recipe by both definitions
        assert "backprop (linear probes)" in trainings
        assert {"Forward-Forward, paper recipe [paper definitions]",
                "Forward-Forward, Adam recipe, greedy, hard"} <= trainings  # fmt: skip
        subtitle = chart_of(figure, synthetic).to_dict()["title"]["subtitle"][0]
        assert subtitle.startswith(f"Depth {point[0]}, width {point[1]},"), subtitle
    assert comparison_point(
        comparison_rows(synthetic["correlations"])
    ) == point  # fmt: skip


def test_the_main_figures_show_the_study_s_own_training(synthetic):
    for figure in ["fig_layer_curves", "fig_depth_delay", "fig_layer_correlation"]:
        subtitle = chart_of(figure, synthetic).to_dict()["title"]["subtitle"][0]
        assert subtitle.startswith("Forward-Forward, paper recipe; the paper's accuracy"), figure
    adam_only = {
        name: table[table.recipe == "adam"] if "recipe" in table else table
        for name, table in synthetic.items()
    }
    subtitle = chart_of("fig_layer_curves", adam_only).to_dict()["title"]["subtitle"][0]
    assert subtitle.startswith("Forward-Forward, Adam recipe; label accuracy")


def test_the_layer_curves_mark_the_end_of_each_curve_not_levelled_off(synthetic):
    spec = chart_of("fig_layer_curves", synthetic).to_dict()
    rows = pd.concat([pd.DataFrame(data) for data in spec["datasets"].values()])
    rows = rows.reset_index(drop=True)
    curve = ["dataset", "depth", "width", "layer"]
    marked = rows[rows.rising_end]
    assert (marked.epoch == rows.groupby(curve).epoch.transform("max")[marked.index]).all()
    table = synthetic["convergence"]
    table = table[(table.recipe == "paper") & (table.definition == "paper")]
    rising = table[~table.levelled].assign(layer=lambda t: t.layer.map(theme.layer_name))
    expected = set(rising[curve].itertuples(index=False, name=None))
    assert set(marked[curve].itertuples(index=False, name=None)) == expected
    assert 0 < len(expected) < len(table)
    assert "last 20% of training" in spec["title"]["subtitle"][1]


def test_the_hypotheses_figure_marks_verdicts_measures_and_references(synthetic):
    chart = chart_of("fig_hypotheses", synthetic)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 4  # H1, H2, H3 by depth, H3 by width
    assert spec["resolve"]["scale"]["yOffset"] == "independent"
    for panel in spec["vconcat"]:
        rows = pd.DataFrame(spec["datasets"][panel["data"]["name"]])
        hypothesis = rows.hypothesis.iloc[0]
        references = [layer["encoding"]["x"]["datum"] for layer in panel["spec"]["layer"][:-2]]
        assert references == ([0, STRONG] if hypothesis == "H2" else [0]), hypothesis
        assert panel["title"]["subtitle"].startswith("Supported when the 95% interval lies")
        intervals, points = (layer["encoding"] for layer in panel["spec"]["layer"][-2:])
        for encoding in (intervals, points):
            assert encoding["color"]["field"] == "verdict"
            assert encoding["color"]["scale"]["domain"] == list(VERDICTS)
            # one point and interval per measure within the training's row, the paper's first
            offset = encoding["yOffset"]
            assert offset["field"] == "measure_text"
            paper = rows[rows.paper_measure].measure_text.unique()
            assert len(paper) == 1 and offset["sort"][0] == paper[0] == offset["scale"]["domain"][0]
            assert set(offset["sort"]) == set(rows.measure_text)
            assert len(offset["sort"]) == len(MEASURES[hypothesis])
        assert points["shape"]["field"] == "measure_text"
        assert points["fill"]["field"] == "fill"  # the verdict's colour, unsettled hollow
        assert points["fill"]["scale"]["domain"] == [*VERDICTS, "unsettled"]
        assert points["fill"]["scale"]["range"][-1] == "white"
        assert intervals["strokeDash"]["condition"]["test"] == "datum.underpowered"
        tooltips = {tooltip["field"] for tooltip in points["tooltip"]}
        assert {"measure_text", "robustness", "stability", "seeds", "half_1"} <= tooltips
        headline = rows[rows.headline]
        assert set(headline.training_label) <= {
            "Forward-Forward, paper recipe [paper definitions]", "Forward-Forward, Adam recipe",
        }  # fmt: skip
        assert len(headline) and not rows.headline.all()
    shapes = spec["vconcat"][0]["spec"]["layer"][-1]["encoding"]["shape"]["scale"]
    assert shapes["domain"][:3] == ["time to 0.9 (paper's)", "gain to 0.9", "steepest gain"]
    assert shapes["range"][0] == "circle" and shapes["domain"][3] == "levels (paper's)"
    assert shapes["range"][3] == "circle"  # each hypothesis's paper measure the same shape
    answers = synthetic["answers"]
    drawn = sum(len(spec["datasets"][panel["data"]["name"]]) for panel in spec["vconcat"])
    assert drawn == len(answers)


def test_the_hypotheses_figure_draws_every_measure(synthetic):
    """The SVG holds a point per drawn row, hollow where the verdict is unsettled."""
    answers = synthetic["answers"]
    svg = vlc.vegalite_to_svg(chart_of("fig_hypotheses", synthetic).to_dict())
    points = re.findall(r'<path[^>]*aria-roledescription="point"[^>]*>', svg)
    assert len(points) == answers.estimate.notna().sum()
    hollow = [point for point in points if 'fill="white"' in point]
    unsettled = ~answers.settled & (answers.verdict != "not testable")
    assert len(hollow) == (unsettled & answers.estimate.notna()).sum() > 0


# --- On the tiny study's real tables --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("figure", FIGURES)
def test_tiny_study_figures_fit_a_page_without_empty_panels(tiny_tables, figure, tmp_path):
    chart = chart_of(figure, tiny_tables)
    check_fits_a_page(chart, tmp_path)
    check_no_empty_panel(chart)


@pytest.mark.slow
@pytest.mark.parametrize("figure", HEATMAPS)
def test_tiny_study_heatmaps_are_legible(tiny_tables, figure):
    chart = chart_of(figure, tiny_tables)
    check_heatmap_labels_contrast(chart)
    check_heatmap_layers(chart, lambda group: group.depth.iloc[0])
