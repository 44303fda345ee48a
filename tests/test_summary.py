"""The verdict text of summary.md, from hand-built statistics tables with known answers.

Every rule is checked on both sides of its boundary, and every verdict line is compared whole
(a substring such as "supported**" would also match "not supported**")."""

import numpy as np
import pandas as pd
import pytest

from ff import summary
from ff.config import Treatment
from ff.metrics import study_columns
from ff.summary import (
    QUESTIONS,
    answers_section,
    beyond_section,
    h1_cell,
    h1_section,
    h1_verdict,
    h2_section,
    h2_supported,
    h3_section,
    h3_text,
    summary_markdown,
)


def study_of(**changes) -> dict:
    """The study columns of a training: standard Forward-Forward with `changes`."""
    return study_columns(Treatment("mnist", 1, 1, **changes))


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
    "since the first evaluation (`gain to q`), or the time of its steepest gain. Per data set, a "
    "one-sided Wilcoxon signed-rank test over all (treatment, seed) runs with depth >= 2 asks "
    "whether Spearman's rho between layer index and delay is above 0 (a run whose layers all "
    "have the same delay has no order and is left out); H1 is supported when p < 0.05 and most "
    "runs (> 50%) have rho > 0. Per treatment (depth >= 3), Page's trend test with seeds as "
    "blocks, Holm-adjusted.",
    "",
]
H2_HEAD = [
    "## H2: shallow-layer accuracy correlates with model accuracy",
    "",
    "The first layer's accuracy against the model's (Forward-Forward: goodness summed over all "
    "layers; backprop: its read-out), in treatments with depth >= 2. Methods: `levels` across "
    "evaluation points within a seed; `differences` first differences across evaluation points "
    "within a seed; `seeds_final` across seeds at the final evaluation point; `seeds_mid` across "
    "seeds at the evaluation point nearest mid-training. Within-seed coefficients are pooled over "
    "seeds through Fisher's z (t interval over seeds); p-values are Benjamini-Hochberg adjusted "
    "over the whole table. H2 is supported when the median over treatments of r is >= 0.7 and r "
    "is significant in at least half of them.",
    "",
]
H3_HEAD = [
    "## H3: the correlation weakens with depth and width",
    "",
    "Fisher z of each layer's pooled correlation with the model, regressed on layer index and "
    "log2(width) together (ordinary least squares over treatments x layers). Weakening means a "
    "negative slope whose 95% interval lies below 0; H3 is supported when the correlation "
    "weakens with both, partly supported when with one of them.",
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
MISSING = {
    "backprop": "- backprop, layers read by linear probes: not in this study; add `backprop` to "
    "`methods` in the config to answer it.",
    "hard": "- Forward-Forward, hard negatives: not in this study; add `hard` to `negatives` (and "
    "give `variant_grid` depths and widths of the grid) in the config to answer it.",
    "greedy": "- Forward-Forward, greedy layer-by-layer schedule: not in this study; add `greedy` "
    "to `schedules` (and give `variant_grid` depths and widths of the grid) in the config to "
    "answer it.",
}


# --- tables ----------------------------------------------------------------------------------


def overall_row(
    p, share, blocks=8, rho=0.5, measure="time_to_0.9", dataset="mnist", study=None,
    definition="label",
):  # fmt: skip
    return {"definition": definition, "dataset": dataset, **(study or STANDARD),
            "measure": measure, "blocks": blocks, "mean_rho": rho, "share_positive": share,
            "p_value": p}  # fmt: skip


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


@pytest.mark.parametrize(
    ("p", "share", "supported"),
    [
        (0.01, 0.75, True),
        (0.049, 0.51, True),
        (0.05, 0.75, False),  # p must be below ALPHA, not at it
        (0.2, 1.0, False),  # most runs rise, but not significantly
        (0.001, 0.5, False),  # half the runs is not most
        (0.001, 0.0, False),  # a reversed delay: every run falls, significantly or not
    ],
)
def test_h1_verdict_needs_a_small_p_and_most_runs_rising(p, share, supported):
    assert h1_verdict(pd.Series(overall_row(p, share))) is supported


def test_h1_section_states_each_verdict_whole():
    overall = pd.DataFrame(
        [
            overall_row(0.01, 0.75),
            overall_row(0.05, 0.75, measure="gain_to_0.9"),
            overall_row(0.001, 0.5, dataset="fashion"),
            overall_row(np.nan, np.nan, blocks=0, rho=np.nan, measure="steepest_gain"),
            overall_row(0.001, 0.0, blocks=1, rho=-1.0, study=GREEDY),  # reversed
            overall_row(0.02, 0.6, definition="paper"),
        ]
    )
    assert h1_section(overall, delay_tests()) == [
        *H1_HEAD,
        "- mnist, time to 0.9: **supported**. Mean rho 0.50, rho > 0 in 75% of 8 runs, "
        "p = 0.01; Page's test significant in 1 of 2 treatments.",
        "- mnist, gain to 0.9: **not supported**. Mean rho 0.50, rho > 0 in 75% of 8 runs, "
        "p = 0.05; Page's test significant in 4 of 4 treatments.",
        "- fashion, time to 0.9: **not supported**. Mean rho 0.50, rho > 0 in 50% of 8 runs, "
        "p = 0.001; Page's test significant in 5 of 5 treatments.",
        "- mnist, steepest gain: **not testable**: every run has the same delay in all layers.",
        "- mnist (greedy), time to 0.9: **not supported**. Mean rho -1.00, rho > 0 in 0% of 1 "
        "runs, p = 0.001; Page's test significant in 0 of 3 treatments.",
        "- mnist [paper definitions], time to 0.9: **supported**. Mean rho 0.50, rho > 0 in 60% "
        "of 8 runs, p = 0.02; Page's test significant in 0 of 6 treatments.",
        "",
    ]


def test_h1_section_leaves_out_page_when_no_treatment_has_three_layers():
    overall = pd.DataFrame([overall_row(0.01, 0.75, study=BACKPROP)])
    lines = h1_section(overall, delay_tests())
    assert lines[len(H1_HEAD) :] == [
        "- mnist (backprop), time to 0.9: **supported**. Mean rho 0.50, rho > 0 in 75% of 8 "
        "runs, p = 0.01.",
        "",
    ]


def test_h1_cell_states_the_verdict_and_the_untestable():
    assert h1_cell(pd.Series(overall_row(0.01, 0.75))) == (
        "**supported**: rho 0.50, > 0 in 75% of 8 runs, p = 0.01"
    )
    assert h1_cell(pd.Series(overall_row(0.01, 0.5, blocks=1))) == (
        "**not supported**: rho 0.50, > 0 in 50% of 1 runs, p = 0.01"
    )
    assert h1_cell(pd.Series(overall_row(1.0, np.nan, blocks=0, rho=np.nan))) == (
        "**not testable**: the same delay in all layers"
    )


# --- H2 --------------------------------------------------------------------------------------


def correlation_rows(
    rs, significant, basis="levels", kind="pearson", layer=1, dataset="mnist", study=None,
    definition="label",
) -> list[dict]:  # fmt: skip
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


def test_h2_section_applies_both_thresholds_at_their_boundaries():
    rows = (
        # median exactly 0.7, significant in exactly half: supported
        correlation_rows([0.5, 0.7, 0.7, 0.9], [True, True, False, False])
        # median just below 0.7, all significant: not supported
        + correlation_rows([0.5, 0.69, 0.69, 0.9], [True] * 4, basis="differences")
        # strong, but significant in fewer than half: not supported
        + correlation_rows([0.9, 0.9, 0.95, 0.8], [True, False, False, False], kind="spearman")
        # strong and significant in most: supported
        + correlation_rows([0.8, 0.9, 0.95], [True, True, False], basis="seeds_final", study=GREEDY)
        # deeper layers, which would turn every verdict were they counted as the first
        + correlation_rows([0.1, 0.1, 0.1, 0.1], [False] * 4, layer=2)
        + correlation_rows([0.9, 0.9, 0.9, 0.9], [True] * 4, layer=2, basis="differences")
        + correlation_rows([0.9, 0.9, 0.9, 0.9], [True] * 4, layer=2, kind="spearman")
        # the paper's definitions: a study of its own
        + correlation_rows([0.75, 0.8], [True, False], definition="paper")
    )
    assert h2_section(pd.DataFrame(rows)) == [
        *H2_HEAD,
        "- mnist (greedy), seeds_final, pearson: **supported**. Median r 0.90 (range 0.80 to "
        "0.95), significant in 2 of 3 treatments.",
        "- mnist, differences, pearson: **not supported**. Median r 0.69 (range 0.50 to 0.90), "
        "significant in 4 of 4 treatments.",
        "- mnist, levels, pearson: **supported**. Median r 0.70 (range 0.50 to 0.90), "
        "significant in 2 of 4 treatments.",
        "- mnist, levels, spearman: **not supported**. Median r 0.90 (range 0.80 to 0.95), "
        "significant in 1 of 4 treatments.",
        "- mnist [paper definitions], levels, pearson: **supported**. Median r 0.78 (range 0.75 "
        "to 0.80), significant in 1 of 2 treatments.",
        "",
    ]


@pytest.mark.parametrize(
    ("rs", "significant", "supported"),
    [
        ([0.5, 0.7, 0.7, 0.9], [True, True, False, False], True),  # both at the boundary
        ([0.69, 0.69, 0.9], [True, True, True], False),
        ([0.9, 0.95, 0.8, 0.9], [True, False, False, False], False),
        ([0.8], [True], True),
    ],
)
def test_h2_supported_needs_a_strong_median_and_half_significant(rs, significant, supported):
    assert h2_supported(pd.DataFrame({"r": rs, "significant": significant})) == supported


# --- H3 --------------------------------------------------------------------------------------


def trend_rows(
    layer, width, basis="levels", kind="pearson", points=24, study=None, dataset="mnist",
    definition="label",
) -> list[dict]:  # fmt: skip
    """(slope, ci_low, ci_high) per predictor; weakens when the interval lies below 0."""
    rows = []
    for predictor, (slope, low, high) in (("layer", layer), ("log2_width", width)):
        rows.append(
            {
                "definition": definition,
                "dataset": dataset,
                **(study or STANDARD),
                "basis": basis,
                "kind": kind,
                "points": points,
                "predictor": predictor,
                "slope": slope,
                "ci_low": low,
                "ci_high": high,
                "p_value": 0.01,
                "weakens": high < 0,
            }  # fmt: skip
        )
    return rows


def test_h3_section_names_what_the_correlation_weakens_with():
    falls, flat = (-0.2, -0.3, -0.1), (-0.05, -0.2, 0.1)
    trends = pd.DataFrame(
        trend_rows(falls, falls)
        + trend_rows(falls, flat, kind="spearman")
        + trend_rows(flat, falls, basis="seeds_mid", points=12)
        + trend_rows(flat, (0.1, 0.05, 0.15), basis="differences", study=GREEDY)
    )
    assert h3_section(trends) == [
        *H3_HEAD,
        "- mnist (greedy), differences, pearson: **not supported**. layer slope -0.050 [-0.200, "
        "+0.100]; log2_width slope +0.100 [+0.050, +0.150] (24 points).",
        "- mnist, levels, pearson: **supported**. layer slope -0.200 [-0.300, -0.100]; "
        "log2_width slope -0.200 [-0.300, -0.100] (24 points).",
        "- mnist, levels, spearman: **partly supported** (weakens with layer only). layer slope "
        "-0.200 [-0.300, -0.100]; log2_width slope -0.050 [-0.200, +0.100] (24 points).",
        "- mnist, seeds_mid, pearson: **partly supported** (weakens with log2_width only). layer "
        "slope -0.050 [-0.200, +0.100]; log2_width slope -0.200 [-0.300, -0.100] (12 points).",
        "",
    ]


def test_h3_text_names_what_the_correlation_weakens_with():
    falls, flat = (-0.2, -0.3, -0.1), (-0.05, -0.2, 0.1)

    def text(layer, width):
        return h3_text(pd.DataFrame(trend_rows(layer, width)).set_index("predictor"))

    assert text(falls, falls) == "**supported**"
    assert text(falls, flat) == "**partly supported** (weakens with layer only)"
    assert text(flat, falls) == "**partly supported** (weakens with log2_width only)"
    assert text(flat, flat) == "**not supported**"


def test_h3_section_without_trends_is_not_testable():
    assert h3_section(pd.DataFrame()) == [
        *H3_HEAD,
        "- Not testable: the grid needs at least two layers and two widths.",
        "",
    ]


# --- beyond the paper ------------------------------------------------------------------------


def test_beyond_section_compares_the_trainings_side_by_side():
    overall = pd.DataFrame(
        [
            overall_row(0.2, 0.5, study=BACKPROP),
            overall_row(0.01, 0.75, study=BACKPROP, measure="gain_to_0.9"),
            overall_row(0.001, 1.0, rho=0.9),
            overall_row(0.01, 0.75, measure="gain_to_0.9"),
            overall_row(0.001, 1.0, rho=0.9, dataset="fashion"),
            overall_row(
                1.0, np.nan, blocks=0, rho=np.nan, dataset="fashion", measure="gain_to_0.9"
            ),  # fmt: skip
            overall_row(0.001, 1.0, rho=1.0, study=GREEDY),
            overall_row(0.001, 1.0, rho=1.0, study=GREEDY, measure="gain_to_0.9"),
            overall_row(0.5, 0.5, rho=0.0, measure="steepest_gain"),
            # the paper's definitions: not every training has them, so not compared here
            overall_row(0.3, 0.1, rho=-0.5, definition="paper"),
            overall_row(0.3, 0.1, rho=-0.5, definition="paper", study=HARD, dataset="kmnist"),
        ]
    )
    supported = "**supported**: rho {:.2f}, > 0 in {:.0%} of 8 runs, p = {:.2g}"
    not_supported = "**not supported**: rho 0.50, > 0 in 50% of 8 runs, p = 0.2"
    assert beyond_section(overall, "time_to_0.9") == [
        *BEYOND_HEAD,
        "| time to 0.9 | mnist | fashion |",
        "| --- | --- | --- |",
        "| Forward-Forward, standard | "
        + supported.format(0.9, 1.0, 0.001)
        + " | "
        + supported.format(0.9, 1.0, 0.001)
        + " |",
        f"| backprop (linear probes) | {not_supported} | not trained |",
        "| Forward-Forward, greedy | " + supported.format(1.0, 1.0, 0.001) + " | not trained |",
        "",
        "| gain to 0.9 | mnist | fashion |",
        "| --- | --- | --- |",
        "| Forward-Forward, standard | "
        + supported.format(0.5, 0.75, 0.01)
        + " | **not testable**: the same delay in all layers |",
        "| backprop (linear probes) | " + supported.format(0.5, 0.75, 0.01) + " | not trained |",
        "| Forward-Forward, greedy | " + supported.format(1.0, 1.0, 0.001) + " | not trained |",
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
    overall = pd.DataFrame([overall_row(0.01, 0.75, study=study) for study in studies])
    lines = beyond_section(overall, "time_to_0.5")
    assert lines[len(BEYOND_HEAD)] == "| time to 0.5 | mnist |"
    assert lines[len(BEYOND_HEAD) + len(studies) + 3] == "| gain to 0.5 | mnist |"
    questions = lines[len(BEYOND_HEAD) + 2 * (len(studies) + 3) :]
    assert questions == [MISSING[name] for name in missing] + [""]
    assert len(missing) == sum(value not in {s[column] for s in studies}
                               for column, value in QUESTIONS)  # fmt: skip


def test_beyond_section_puts_standard_forward_forward_first():
    overall = pd.DataFrame(
        [overall_row(0.01, 0.75, study=study) for study in (HARD, GREEDY, STANDARD, BACKPROP)]
    )
    rows = [line.split(" | ")[0] for line in beyond_section(overall, "time_to_0.9")]
    start = rows.index("| time to 0.9") + 2
    assert rows[start : start + 4] == [
        "| Forward-Forward, standard",
        "| backprop (linear probes)",
        "| Forward-Forward, greedy",
        "| Forward-Forward, hard",
    ]


# --- the answers ----------------------------------------------------------------------------

ANSWERS_COLUMNS = [
    "| recipe and definitions | H1: deeper layers learn later | H2: the first layer tracks the "
    "model | H3: weakens with depth and width |",
    "| --- | --- | --- | --- |",
]
PAPER_NAME = "| the paper's recipe and definitions | "
ADAM_NAME = "| this project's Adam recipe and label definitions | "
FALLS, FLAT = (-0.2, -0.3, -0.1), (-0.05, -0.2, 0.1)


def answers_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """mnist: both headline trainings, among decoys (other definitions, measures, bases,
    kinds, layers, trainings); fashion: the Adam one without correlations or trends; kmnist:
    backprop only."""
    overall = pd.DataFrame(
        [
            overall_row(0.01, 0.75, study=PAPER, definition="paper"),
            overall_row(0.3, 0.1, study=PAPER),  # the paper recipe, this project's definitions
            overall_row(0.2, 0.5),
            overall_row(0.001, 1.0, measure="gain_to_0.9"),
            overall_row(0.001, 1.0, definition="paper"),
            overall_row(0.001, 1.0, study=BACKPROP),
            overall_row(0.01, 1.0, dataset="fashion"),
            overall_row(0.001, 1.0, study=BACKPROP, dataset="kmnist"),
        ]
    )
    correlations = pd.DataFrame(
        correlation_rows([0.8, 0.9], [True, True], study=PAPER, definition="paper")
        + correlation_rows([0.5, 0.6, 0.9], [True, False, False])
        + correlation_rows([0.95] * 3, [True] * 3, layer=2)
        + correlation_rows([0.95] * 3, [True] * 3, basis="differences")
        + correlation_rows([0.95] * 3, [True] * 3, kind="spearman")
        + correlation_rows([0.95] * 3, [True] * 3, definition="paper")
        + correlation_rows([0.1] * 3, [False] * 3, study=PAPER)
        + correlation_rows([0.95] * 3, [True] * 3, study=BACKPROP)
    )
    trends = pd.DataFrame(
        trend_rows(FALLS, FALLS, study=PAPER, definition="paper")
        + trend_rows(FALLS, FLAT)
        + trend_rows(FLAT, FLAT, kind="spearman")
        + trend_rows(FLAT, FALLS, basis="differences")
        + trend_rows(FLAT, FLAT, definition="paper")
        + trend_rows(FLAT, FLAT, study=PAPER)
    )
    return overall, correlations, trends


def test_answers_section_puts_the_paper_recipe_beside_this_projects():
    overall, correlations, trends = answers_tables()
    falls = "layer slope -0.200 [-0.300, -0.100]; log2_width slope -0.200 [-0.300, -0.100]"
    partly = "layer slope -0.200 [-0.300, -0.100]; log2_width slope -0.050 [-0.200, +0.100]"
    assert answers_section(overall, correlations, trends, "time_to_0.9", "pearson") == [
        "## Answers",
        "",
        "Does each claim of the paper reproduce with the paper's own recipe and definitions (a "
        "layer's accuracy: its share of positive and negative samples on the right side of the "
        "threshold; the model's: its linear read-out), and does it hold with this project's Adam "
        "recipe and label definitions (the label with the highest goodness)? H1 on time to 0.9; "
        "H2 and H3 on the Pearson correlation of each layer with the model over training "
        "(`levels`), as the paper measured it. The sections below give every basis, measure and "
        "training.",
        "",
        "**mnist**",
        "",
        *ANSWERS_COLUMNS,
        PAPER_NAME + "**supported**: rho 0.50, > 0 in 75% of 8 runs, p = 0.01 | **supported**: "
        f"median r 0.85 over 2 treatments | **supported**: {falls} |",
        ADAM_NAME + "**not supported**: rho 0.50, > 0 in 50% of 8 runs, p = 0.2 | **not "
        "supported**: median r 0.60 over 3 treatments | **partly supported** (weakens with layer "
        f"only): {partly} |",
        "",
        "**fashion**",
        "",
        *ANSWERS_COLUMNS,
        ADAM_NAME + "**supported**: rho 0.50, > 0 in 100% of 8 runs, p = 0.01 | not testable: no "
        "treatment of depth >= 2 | not testable: needs two layers and two widths |",
        "",
    ]


def test_answers_section_on_another_measure_and_kind_without_trends():
    overall, correlations, _ = answers_tables()
    overall = overall.assign(measure=overall.measure.replace("time_to_0.9", "time_to_0.5"))
    lines = answers_section(overall, correlations, pd.DataFrame(), "time_to_0.5", "spearman")
    assert lines[2].endswith(
        "H1 on time to 0.5; H2 and H3 on the Spearman correlation of each layer with the model "
        "over training (`levels`), as the paper measured it. The sections below give every "
        "basis, measure and training."
    )
    assert lines[4:] == [
        "**mnist**",
        "",
        *ANSWERS_COLUMNS,
        PAPER_NAME + "**supported**: rho 0.50, > 0 in 75% of 8 runs, p = 0.01 | not testable: no "
        "treatment of depth >= 2 | not testable: needs two layers and two widths |",
        ADAM_NAME + "**not supported**: rho 0.50, > 0 in 50% of 8 runs, p = 0.2 | **supported**: "
        "median r 0.95 over 3 treatments | not testable: needs two layers and two widths |",
        "",
        "**fashion**",
        "",
        *ANSWERS_COLUMNS,
        ADAM_NAME + "**supported**: rho 0.50, > 0 in 100% of 8 runs, p = 0.01 | not testable: no "
        "treatment of depth >= 2 | not testable: needs two layers and two widths |",
        "",
    ]


# --- the whole summary -----------------------------------------------------------------------


def test_summary_markdown_joins_the_sections_under_a_title():
    overall, correlations, trends = answers_tables()
    tests = delay_tests()
    text = summary_markdown(overall, tests, correlations, trends)
    assert text == "\n".join(
        [
            "# Summary of the hypothesis tests",
            "",
            "Generated from results/stats/*.tsv; every number below is in those tables.",
            "",
            *answers_section(overall, correlations, trends, "time_to_0.9", "pearson"),
            *h1_section(overall, tests),
            *h2_section(correlations),
            *h3_section(trends),
            *beyond_section(overall, "time_to_0.9"),
        ]
    )
    assert "\n- mnist, time to 0.9: **not supported**. Mean rho 0.50" in text
    other = summary_markdown(
        overall, tests, correlations, trends, delay_measure="gain_to_0.9", kind="spearman"
    )
    assert other == "\n".join(
        [
            "# Summary of the hypothesis tests",
            "",
            "Generated from results/stats/*.tsv; every number below is in those tables.",
            "",
            *answers_section(overall, correlations, trends, "gain_to_0.9", "spearman"),
            *h1_section(overall, tests),
            *h2_section(correlations),
            *h3_section(trends),
            *beyond_section(overall, "gain_to_0.9"),
        ]
    )
    assert summary.STRONG == 0.7
