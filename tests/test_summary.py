"""The verdict text of summary.md, from hand-built statistics tables with known answers.

The verdicts are the tables' own (ff.stats and ff.answers decide them); the text must state
them whole and with their numbers (a substring such as "supported**" would also match "not
supported**"), and must leave out the rows it does not summarise."""

import numpy as np
import pandas as pd
import pytest

from ff import summary
from ff.config import Treatment
from ff.hypotheses import HYPOTHESES
from ff.metrics import series_columns
from ff.summary import (
    QUESTIONS,
    answers_section,
    beyond_section,
    effect_text,
    h1_cell,
    h1_section,
    h2_section,
    h3_section,
    h3_text,
    split_half_text,
    summary_markdown,
)


def study_of(**changes) -> dict:
    """The study columns of a training: standard Forward-Forward with `changes`."""
    return series_columns(Treatment("mnist", 1, 1, **changes))


STANDARD = study_of()
GREEDY = study_of(schedule="greedy")
BACKPROP = study_of(method="backprop")
HARD = study_of(negatives="hard")
PAPER = study_of(recipe="paper")

# --- the constant text, stated once: it carries the decision rules ---------------------------

H1_HEAD = [
    "## H1: deeper layers learn later",
    "",
    "Delay of a layer: the first time (in epochs, interpolated between evaluations) at which its "
    "validation accuracy reaches a fraction q of its final value (`time to q`) or of its gain "
    "since the first evaluation (`gain to q`), or the time of its steepest gain. Per run with "
    "depth >= 2, Spearman's rho between layer index and delay (a run whose layers all have the "
    "same delay has no order and is left out); per seed, the mean over its runs (runs of one "
    "seed share their first layers, so the seed is the replicate); H1 is supported when the 95% "
    "t interval over seeds of that mean lies above 0. Per treatment (depth >= 3), Page's trend "
    "test with seeds as blocks, Holm-adjusted.",
    "",
]
H2_HEAD = [
    "## H2: shallow-layer accuracy correlates with model accuracy",
    "",
    "The first layer's accuracy against the model's, in treatments with depth >= 2. Bases: "
    "`levels` across evaluation points within a seed; `differences` first differences across "
    "evaluation points within a seed; `seeds_final` across seeds at the final evaluation point; "
    "`seeds_mid` across seeds at the evaluation point nearest mid-training. On the within-seed "
    "bases, per seed the mean Fisher z over its treatments, then a t interval over seeds, "
    "back-transformed; H2 is supported when that r is >= 0.7 and its 95% interval lies above 0. "
    "Per treatment (the across-seed bases too), how many treatments' first-layer r is "
    "significant (Benjamini-Hochberg over the whole table).",
    "",
]
H3_HEAD = [
    "## H3: the correlation weakens with depth and width",
    "",
    "Within each seed, Fisher z of every (treatment, layer) correlation with the model "
    "regressed on layer index and log2(width) together (ordinary least squares); each slope's "
    "mean over seeds with a t interval over seeds (a seed's points share layers, so the seed is "
    "the replicate). Weakening means a negative slope whose 95% interval lies below 0; H3 is "
    "supported when the correlation weakens with both, partly supported when with one of them. "
    "Within-seed bases only: the across-seed ones give one coefficient per treatment and layer, "
    "not one per seed.",
    "",
]
BEYOND_HEAD = [
    "## Beyond the paper: is the depth delay special to standard Forward-Forward training?",
    "",
    "The H1 test above for every training in this study, side by side per data set, on this "
    "project's label definition of accuracy (the one every training has). Backprop trains the "
    "same MLP end to end with cross-entropy; its layer accuracy is that of a linear (ridge) "
    "probe fitted on training images at every evaluation point. A probe already reads "
    "the random features of an untrained layer well (and shallow ones better than deep ones), so "
    "for backprop the time to a fraction of the *gain* is the fairer delay. Hard negatives: the "
    "wrong label the network finds most plausible. Greedy: one layer after another, so a deeper "
    "layer cannot learn before its turn and H1 holds there by construction.",
    "",
]
ANSWERS_HEAD = [
    "## Answers",
    "",
    "Does each claim of the paper reproduce with the paper's own recipe and definitions (a "
    "layer's accuracy: its share of positive and negative samples on the right side of the "
    "threshold; the model's: its linear read-out), and does it hold with this project's Adam "
    "recipe and label definitions (the label with the highest goodness)? H1 on time to 0.9; H2 "
    "and H3 on the Pearson correlation of each layer with the model over training (`levels`), "
    "as the paper measured it.",
    "",
    "Every effect is a mean over seeds of one value per seed, with a 95% t interval over seeds: "
    "runs that share a seed share data order, negatives and (through trunks) whole layers, so "
    "they are not independent replicates. Verdict rules: H1: supported when the 95% interval "
    "lies above 0; H2: supported when r >= 0.7 and its 95% interval lies above 0; H3 depth: "
    "supported when the 95% interval lies below 0; H3 width: supported when the 95% interval "
    "lies below 0. Stability: the share of 2000 bootstrap resamples of the seeds that give the "
    "same verdict; below 90% the verdict reads *unsettled*. Split-half: the verdict on each of "
    "two disjoint halves of the seeds (alternate seeds).",
    "",
]
MISSING = {
    "backprop": "- backprop, layers read by linear probes: not in this study; add `backprop` to "
    "`methods` (and give `variant_grid` depths and widths of the grid) in the config to answer "
    "it.",
    "hard": "- Forward-Forward, hard negatives: not in this study; add `hard` to `negatives` (and "
    "give `variant_grid` depths and widths of the grid) in the config to answer it.",
    "greedy": "- Forward-Forward, greedy layer-by-layer schedule: not in this study; add `greedy` "
    "to `schedules` (and give `variant_grid` depths and widths of the grid) in the config to "
    "answer it.",
}


# --- tables ----------------------------------------------------------------------------------


def overall_row(
    supported=True, low=0.2, high=0.8, share=0.75, seeds=8, runs=20, rho=0.5,
    measure="time_to_0.9", dataset="mnist", study=None, definition="label",
):  # fmt: skip
    """A row of ff.ff_delays.overall_trend."""
    return {"definition": definition, "dataset": dataset, **(study or STANDARD),
            "measure": measure, "runs": runs, "mean_rho": rho, "ci_low": low, "ci_high": high,
            "p_value": 0.01, "seeds": seeds, "share_positive": share,
            "supported": supported}  # fmt: skip


UNTESTABLE = {"supported": False, "low": np.nan, "high": np.nan, "share": np.nan, "seeds": 0,
              "runs": 0, "rho": np.nan}  # fmt: skip
NOT_TESTABLE = "**not testable**: fewer than two seeds whose layers differ in delay"


def page_rows(
    significant: list[bool], measure="time_to_0.9", dataset="mnist", study=None,
    test="page_trend", definition="label",
) -> list[dict]:  # fmt: skip
    return [
        {
            "definition": definition,
            "dataset": dataset,
            **(study or STANDARD),
            "measure": measure,
            "test": test,
            "treatment": f"t{i}",
            "significant": s,
        }  # fmt: skip
        for i, s in enumerate(significant)
    ]


def delay_tests() -> pd.DataFrame:
    """Page's test significant in 1 of 2 treatments of mnist, standard, time to 0.9; every
    other selection (definition, data set, variant, measure, test) counts differently."""
    return pd.DataFrame(
        page_rows([True, False])
        + page_rows([True, True, True], test="wilcoxon")
        + page_rows([True, True, True, True], measure="gain_to_0.9")
        + page_rows([False, False, False], study=GREEDY)
        + page_rows([True] * 5, dataset="fashion")
        + page_rows([False] * 6, definition="paper")
    )


# --- H1 --------------------------------------------------------------------------------------


def test_h1_cell_states_the_tables_verdict_with_its_interval():
    assert h1_cell(pd.Series(overall_row())) == (
        "**supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% of 8 seeds (20 runs)"
    )
    # the verdict is the table's: an interval that touches 0 was not supported there
    row = overall_row(False, low=0.0, high=0.6, rho=0.3, share=0.5, seeds=2, runs=3)
    assert h1_cell(pd.Series(row)) == (
        "**not supported**: mean rho 0.30 [0.00, 0.60], > 0 in 50% of 2 seeds (3 runs)"
    )
    assert h1_cell(pd.Series(overall_row(**UNTESTABLE))) == NOT_TESTABLE


def test_h1_section_states_each_verdict_whole():
    overall = pd.DataFrame(
        [
            overall_row(),
            overall_row(False, low=-0.1, measure="gain_to_0.9"),
            overall_row(**UNTESTABLE, dataset="fashion"),  # Page's rows, but no seeds
            overall_row(**UNTESTABLE, measure="steepest_gain"),
            overall_row(False, -1.0, -1.0, 0.0, seeds=3, runs=3, rho=-1.0, study=GREEDY),
            overall_row(share=0.6, definition="paper"),
        ]
    )
    assert h1_section(overall, delay_tests()) == [
        *H1_HEAD,
        "- mnist, time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% of 8 seeds "
        "(20 runs); Page's test significant in 1 of 2 treatments.",
        "- mnist, gain to 0.9: **not supported**: mean rho 0.50 [-0.10, 0.80], > 0 in 75% of 8 "
        "seeds (20 runs); Page's test significant in 4 of 4 treatments.",
        f"- fashion, time to 0.9: {NOT_TESTABLE}.",
        f"- mnist, steepest gain: {NOT_TESTABLE}.",
        "- mnist (greedy), time to 0.9: **not supported**: mean rho -1.00 [-1.00, -1.00], > 0 in "
        "0% of 3 seeds (3 runs); Page's test significant in 0 of 3 treatments.",
        "- mnist [paper definitions], time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80], > 0 "
        "in 60% of 8 seeds (20 runs); Page's test significant in 0 of 6 treatments.",
        "",
    ]


def test_h1_section_leaves_out_page_when_no_treatment_has_three_layers():
    overall = pd.DataFrame([overall_row(study=BACKPROP)])
    lines = h1_section(overall, delay_tests())
    assert lines[len(H1_HEAD) :] == [
        "- mnist (backprop), time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% "
        "of 8 seeds (20 runs).",
        "",
    ]


# --- H2 --------------------------------------------------------------------------------------


def correlation_rows(
    rs, significant, basis="levels", kind="pearson", layer=1, dataset="mnist", study=None,
    definition="label",
) -> list[dict]:  # fmt: skip
    """Rows of ff.stats.layer_correlation's table: one per treatment."""
    return [
        {
            "definition": definition,
            "dataset": dataset,
            **(study or STANDARD),
            "treatment": f"t{i}",
            "layer": layer,
            "basis": basis,
            "kind": kind,
            "r": r,
            "significant": s,
        }  # fmt: skip
        for i, (r, s) in enumerate(zip(rs, significant, strict=True))
    ]


def first_layer_row(
    supported, r=0.85, low=0.7, high=0.93, seeds=8, basis="levels", kind="pearson",
    dataset="mnist", study=None, definition="label",
) -> dict:  # fmt: skip
    """A row of ff.stats.first_layer_correlation."""
    return {"definition": definition, "dataset": dataset, **(study or STANDARD), "basis": basis,
            "kind": kind, "treatments": 4, "r": r, "ci_low": low, "ci_high": high,
            "p_value": 0.01, "seeds": seeds, "supported": supported}  # fmt: skip


def test_h2_section_states_the_seed_level_verdict_beside_the_treatments():
    correlations = pd.DataFrame(
        correlation_rows([0.5, 0.7, 0.7, 0.9], [True, True, False, False])
        + correlation_rows([0.5, 0.69, 0.69, 0.9], [True] * 4, basis="differences")
        + correlation_rows([0.8, 0.9, 0.95], [True, True, False], basis="seeds_final")
        + correlation_rows([0.9, 0.9, 0.95, 0.8], [True, False, False, False], study=GREEDY)
        # deeper layers, which would change every count were they counted as the first
        + correlation_rows([0.1, 0.1, 0.1, 0.1], [False] * 4, layer=2)
        + correlation_rows([0.9, 0.9, 0.9, 0.9], [True] * 4, layer=2, basis="differences")
        # the paper's definitions: a study of its own
        + correlation_rows([0.75, 0.8], [True, False], definition="paper")
    )
    overall = pd.DataFrame(
        [
            first_layer_row(False, r=0.69, low=0.5, high=0.8, study=GREEDY),
            first_layer_row(True),
            first_layer_row(False, r=0.7, low=-0.2, high=0.95, seeds=3, basis="differences"),
            first_layer_row(True, r=0.78, low=0.72, high=0.83, definition="paper"),
            # no treatment rows for these: nothing to state
            first_layer_row(True, kind="spearman"),
            first_layer_row(True, dataset="fashion"),
        ]
    )
    assert h2_section(overall, correlations) == [
        *H2_HEAD,
        "- mnist, levels, pearson: **supported**. r 0.85 [0.70, 0.93] over 8 seeds; median r "
        "over treatments 0.70, significant in 2 of 4.",
        "- mnist, differences, pearson: **not supported**. r 0.70 [-0.20, 0.95] over 3 seeds; "
        "median r over treatments 0.69, significant in 4 of 4.",
        "- mnist, seeds_final, pearson: median r over treatments 0.90, significant in 2 of 3.",
        "- mnist (greedy), levels, pearson: **not supported**. r 0.69 [0.50, 0.80] over 8 seeds; "
        "median r over treatments 0.90, significant in 1 of 4.",
        "- mnist [paper definitions], levels, pearson: **supported**. r 0.78 [0.72, 0.83] over 8 "
        "seeds; median r over treatments 0.78, significant in 1 of 2.",
        "",
    ]


# --- H3 --------------------------------------------------------------------------------------


def trend_rows(
    layer, width, basis="levels", kind="pearson", points=24, seeds=8, study=None,
    dataset="mnist", definition="label",
) -> list[dict]:  # fmt: skip
    """Rows of ff.stats.correlation_trends: (slope, ci_low, ci_high) per predictor; weakens
    when the interval lies below 0."""
    rows = []
    for predictor, (slope, low, high) in (("layer", layer), ("log2_width", width)):
        rows.append(
            {
                "definition": definition,
                "dataset": dataset,
                **(study or STANDARD),
                "basis": basis,
                "kind": kind,
                "predictor": predictor,
                "points": points,
                "slope": slope,
                "ci_low": low,
                "ci_high": high,
                "p_value": 0.01,
                "seeds": seeds,
                "weakens": high < 0,
            }  # fmt: skip
        )
    return rows


FALLS, FLAT = (-0.2, -0.3, -0.1), (-0.05, -0.2, 0.1)


def test_h3_section_names_what_the_correlation_weakens_with():
    trends = pd.DataFrame(
        trend_rows(FALLS, FALLS)
        + trend_rows(FALLS, FLAT, kind="spearman")
        + trend_rows(FLAT, FALLS, basis="differences", points=12, seeds=3)
        + trend_rows(FLAT, (0.1, 0.05, 0.15), basis="differences", study=GREEDY)
    )
    assert h3_section(trends) == [
        *H3_HEAD,
        "- mnist (greedy), differences, pearson: **not supported**. layer slope -0.050 [-0.200, "
        "+0.100]; log2_width slope +0.100 [+0.050, +0.150] (8 seeds, 24 points each).",
        "- mnist, differences, pearson: **partly supported** (weakens with log2_width only). "
        "layer slope -0.050 [-0.200, +0.100]; log2_width slope -0.200 [-0.300, -0.100] (3 seeds, "
        "12 points each).",
        "- mnist, levels, pearson: **supported**. layer slope -0.200 [-0.300, -0.100]; "
        "log2_width slope -0.200 [-0.300, -0.100] (8 seeds, 24 points each).",
        "- mnist, levels, spearman: **partly supported** (weakens with layer only). layer slope "
        "-0.200 [-0.300, -0.100]; log2_width slope -0.050 [-0.200, +0.100] (8 seeds, 24 points "
        "each).",
        "",
    ]


def test_h3_text_names_what_the_correlation_weakens_with():
    def text(layer, width):
        return h3_text(pd.DataFrame(trend_rows(layer, width)).set_index("predictor"))

    assert text(FALLS, FALLS) == "**supported**"
    assert text(FALLS, FLAT) == "**partly supported** (weakens with layer only)"
    assert text(FLAT, FALLS) == "**partly supported** (weakens with log2_width only)"
    assert text(FLAT, FLAT) == "**not supported**"
    assert text(FALLS, (-0.1, -0.2, 0.0)) == "**partly supported** (weakens with layer only)"


def test_h3_section_without_trends_is_not_testable():
    assert h3_section(pd.DataFrame()) == [
        *H3_HEAD,
        "- Not testable: the grid needs at least two layers and two widths.",
        "",
    ]


# --- beyond the paper ------------------------------------------------------------------------


def test_beyond_section_compares_the_trainings_side_by_side():
    falls = {"supported": False, "low": -0.3, "high": 0.4, "rho": 0.05, "share": 0.5}
    rises = {"low": 0.8, "high": 1.0, "rho": 0.9, "share": 1.0}
    overall = pd.DataFrame(
        [
            overall_row(**falls, study=BACKPROP),
            overall_row(study=BACKPROP, measure="gain_to_0.9"),
            overall_row(**rises),
            overall_row(measure="gain_to_0.9"),
            overall_row(**rises, dataset="fashion"),
            overall_row(**UNTESTABLE, dataset="fashion", measure="gain_to_0.9"),
            overall_row(**rises, study=GREEDY),
            overall_row(**rises, study=GREEDY, measure="gain_to_0.9"),
            overall_row(**falls, measure="steepest_gain"),
            # the paper's definitions: not every training has them, so not compared here
            overall_row(**falls, definition="paper"),
            overall_row(**falls, definition="paper", study=HARD, dataset="kmnist"),
        ]
    )
    rising = "**supported**: mean rho 0.90 [0.80, 1.00], > 0 in 100% of 8 seeds (20 runs)"
    supported = "**supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% of 8 seeds (20 runs)"
    not_supported = (
        "**not supported**: mean rho 0.05 [-0.30, 0.40], > 0 in 50% of 8 seeds (20 runs)"
    )
    assert beyond_section(overall, 0.9) == [
        *BEYOND_HEAD,
        "| time to 0.9 | mnist | fashion |",
        "| --- | --- | --- |",
        f"| Forward-Forward, Adam recipe | {rising} | {rising} |",
        f"| backprop (linear probes) | {not_supported} | not trained |",
        f"| Forward-Forward, Adam recipe, greedy | {rising} | not trained |",
        "",
        "| gain to 0.9 | mnist | fashion |",
        "| --- | --- | --- |",
        f"| Forward-Forward, Adam recipe | {supported} | {NOT_TESTABLE} |",
        f"| backprop (linear probes) | {supported} | not trained |",
        f"| Forward-Forward, Adam recipe, greedy | {rising} | not trained |",
        "",
        MISSING["hard"],
        "",
    ]


@pytest.mark.parametrize(
    ("studies", "missing"),
    [
        ([STANDARD], ["backprop", "hard", "greedy"]),
        ([STANDARD, GREEDY], ["backprop", "hard"]),
        ([STANDARD, HARD], ["backprop", "greedy"]),
        ([STANDARD, BACKPROP], ["hard", "greedy"]),
        ([STANDARD, BACKPROP, HARD, GREEDY], []),
    ],
)
def test_beyond_section_names_each_question_the_study_leaves_open(studies, missing):
    overall = pd.DataFrame([overall_row(study=study) for study in studies])
    lines = beyond_section(overall, 0.5)
    assert lines[len(BEYOND_HEAD)] == "| time to 0.5 | mnist |"
    assert lines[len(BEYOND_HEAD) + len(studies) + 3] == "| gain to 0.5 | mnist |"
    questions = lines[len(BEYOND_HEAD) + 2 * (len(studies) + 3) :]
    assert questions == [MISSING[name] for name in missing] + [""]
    assert len(missing) == sum(value not in {s[column] for s in studies}
                               for column, value in QUESTIONS)  # fmt: skip


def test_beyond_section_puts_standard_forward_forward_first():
    overall = pd.DataFrame(
        [overall_row(study=study) for study in (HARD, GREEDY, STANDARD, BACKPROP)]
    )
    rows = [line.split(" | ")[0] for line in beyond_section(overall, 0.9)]
    start = rows.index("| time to 0.9") + 2
    assert rows[start : start + 4] == [
        "| Forward-Forward, Adam recipe",
        "| backprop (linear probes)",
        "| Forward-Forward, Adam recipe, greedy",
        "| Forward-Forward, Adam recipe, hard",
    ]


# --- the answers ----------------------------------------------------------------------------


def answer_row(
    hypothesis, verdict="supported", estimate=0.5, low=0.2, high=0.8, seeds=30, stability=0.97,
    halves=None, dataset="mnist", study=None, definition="label",
) -> dict:  # fmt: skip
    """A row of ff.answers.answers; the halves agree with the point verdict unless given."""
    point = "supported" if verdict == "unsettled" else verdict
    half_1, half_2 = halves or (point, point)
    return {"hypothesis": hypothesis, "definition": definition, "dataset": dataset,
            **(study or STANDARD), "effect": HYPOTHESES[hypothesis].effect, "estimate": estimate,
            "ci_low": low, "ci_high": high, "p_value": 0.01, "seeds": seeds,
            "point_verdict": point, "stability": stability, "verdict": verdict,
            "half_1": half_1, "half_2": half_2,
            "split_half_agrees": half_1 == half_2 == point}  # fmt: skip


PAPER_NAME = "the paper's recipe and definitions"
ADAM_NAME = "this project's Adam recipe and label definitions"
ANSWERS_COLUMNS = [
    "| claim | data set | recipe and definitions | verdict | effect [95% CI] | stability "
    "| split-half |",
    "| --- | --- | --- | --- | --- | --- | --- |",
]


def answers_table() -> pd.DataFrame:
    """The headline trainings of mnist and fashion, in no order, among decoys: the paper recipe
    under this project's definitions, the Adam recipe under the paper's, other trainings."""
    paper = {"study": PAPER, "definition": "paper"}
    one_seed = {"low": np.nan, "high": np.nan, "seeds": 1, "stability": np.nan, "halves": ("", "")}
    return pd.DataFrame(
        [
            answer_row("H3 width", "not supported", -0.01, -0.05, 0.03, stability=0.9),
            answer_row("H2", estimate=0.85, low=0.75, high=0.91, **paper),
            answer_row("H1", "unsettled", stability=0.85, halves=("supported", "not supported")),
            answer_row("H1", dataset="fashion", stability=1.0),
            answer_row("H3 depth", "not testable", 0.2, **one_seed),
            answer_row("H1", estimate=0.7, low=0.6, high=0.8, seeds=3, halves=("", ""), **paper),
            answer_row("H3 depth", "supported", -0.15, -0.2, -0.1, **paper),
            answer_row("H2", "not supported", 0.6, 0.4, 0.75, stability=0.999),
            # decoys
            answer_row("H1", "not supported", study=PAPER),
            answer_row("H1", "not supported", definition="paper"),
            answer_row("H1", "not supported", study=GREEDY),
            answer_row("H2", "not supported", study=BACKPROP, dataset="kmnist"),
        ]
    )


def test_answers_section_orders_claims_then_data_sets_paper_recipe_first():
    assert answers_section(answers_table(), 0.9, "pearson") == [
        *ANSWERS_HEAD,
        *ANSWERS_COLUMNS,
        f"| H1: deeper layers learn later | fashion | {ADAM_NAME} | **supported** "
        "| 0.50 [0.20, 0.80] | 100% | agrees |",
        f"| H1: deeper layers learn later | mnist | {PAPER_NAME} | **supported** "
        "| 0.70 [0.60, 0.80] | 97% | too few seeds |",
        f"| H1: deeper layers learn later | mnist | {ADAM_NAME} | **unsettled** "
        "| 0.50 [0.20, 0.80] | 85% | supported / not supported |",
        f"| H2: the first layer tracks the model | mnist | {PAPER_NAME} | **supported** "
        "| 0.85 [0.75, 0.91] | 97% | agrees |",
        f"| H2: the first layer tracks the model | mnist | {ADAM_NAME} | **not supported** "
        "| 0.60 [0.40, 0.75] | 99% | agrees |",
        f"| H3: weakens with depth | mnist | {PAPER_NAME} | **supported** "
        "| -0.150 [-0.200, -0.100] | 97% | agrees |",
        f"| H3: weakens with depth | mnist | {ADAM_NAME} | **not testable** | n/a | n/a "
        "| too few seeds |",
        f"| H3: weakens with width | mnist | {ADAM_NAME} | **not supported** "
        "| -0.010 [-0.050, +0.030] | 90% | agrees |",
        "",
    ]


def test_answers_section_on_another_measure_and_kind_and_without_a_headline_training():
    lines = answers_section(answers_table().iloc[-4:], 0.5, "spearman")
    assert lines[2].endswith(
        "H1 on time to 0.5; H2 and H3 on the Spearman correlation of each layer with the model "
        "over training (`levels`), as the paper measured it."
    )
    assert lines[3:] == [
        *ANSWERS_HEAD[3:],
        "No standard Forward-Forward training in this study.",
        "",
    ]


def test_effect_and_split_half_texts():
    row = pd.Series(answer_row("H3 width", estimate=0.0123, low=-0.0456, high=0.0789))
    assert effect_text(row) == "+0.012 [-0.046, +0.079]"
    assert effect_text(pd.Series(answer_row("H2", estimate=0.71, seeds=2))) == "0.71 [0.20, 0.80]"
    assert effect_text(pd.Series(answer_row("H1", seeds=1))) == "n/a"
    assert split_half_text(pd.Series(answer_row("H1"))) == "agrees"
    # halves that agree with each other but not with the whole
    disagree = answer_row("H1", halves=("not supported", "not supported"))
    assert split_half_text(pd.Series(disagree)) == "not supported / not supported"
    assert split_half_text(pd.Series(answer_row("H1", halves=("supported", "")))) == (
        "too few seeds"
    )


def test_split_half_text_after_a_round_trip_through_answers_tsv(tmp_path):
    """stats_summary.py reads answers.tsv with pd.read_csv, which reads the empty halves of a
    study with fewer than four seeds as NaN."""
    path = tmp_path / "answers.tsv"
    pd.DataFrame([answer_row("H1", seeds=3, halves=("", ""))]).to_csv(path, sep="\t", index=False)
    row = pd.read_csv(path, sep="\t").iloc[0]
    assert split_half_text(row) == "too few seeds"


# --- the whole summary -----------------------------------------------------------------------


def test_summary_markdown_joins_the_sections_under_a_title():
    answers = answers_table()
    overall = pd.DataFrame([overall_row(), overall_row(measure="gain_to_0.9", study=GREEDY)])
    tests = delay_tests()
    correlation_overall = pd.DataFrame([first_layer_row(True)])
    correlations = pd.DataFrame(correlation_rows([0.8, 0.9], [True, False]))
    trends = pd.DataFrame(trend_rows(FALLS, FLAT))
    text = summary_markdown(answers, overall, tests, correlation_overall, correlations, trends)
    assert text == "\n".join(
        [
            "# Summary of the hypothesis tests",
            "",
            "Generated from results/stats/*.tsv; every number below is in those tables.",
            "",
            *answers_section(answers, 0.9, "pearson"),
            *h1_section(overall, tests),
            *h2_section(correlation_overall, correlations),
            *h3_section(trends),
            *beyond_section(overall, 0.9),
        ]
    )
    assert "\n- mnist, time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80]" in text
    other = summary_markdown(
        answers, overall, tests, correlation_overall, correlations, trends,
        delay_fraction=0.5, kind="spearman",
    )  # fmt: skip
    assert other == "\n".join(
        [
            "# Summary of the hypothesis tests",
            "",
            "Generated from results/stats/*.tsv; every number below is in those tables.",
            "",
            *answers_section(answers, 0.5, "spearman"),
            *h1_section(overall, tests),
            *h2_section(correlation_overall, correlations),
            *h3_section(trends),
            *beyond_section(overall, 0.5),
        ]
    )
    assert summary.STRONG == 0.7


def test_stability_is_rounded_down_so_unsettled_never_reads_as_ninety():
    assert summary.stability_text(0.8995) == "89%"
    assert summary.stability_text(0.9) == "90%"
    assert summary.stability_text(0.29) == "29%"
    assert summary.stability_text(1.0) == "100%"
