"""The verdict text of summary.md, from hand-built statistics tables with known answers.

The verdicts are the tables' own (ff.hypotheses and ff.answers decide them); the text must
state them whole, with their numbers, how sure they are and whether they hold on every measure,
and must leave out the rows it does not summarise."""

import numpy as np
import pandas as pd
import pytest

from ff import summary
from ff.config import Treatment
from ff.hypotheses import H3_BY_PREDICTOR, HYPOTHESES
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
    measures_section,
    part_whole_section,
    results_page,
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
    "depth >= 2, Spearman's rho between layer index and delay; a run whose layers all have the "
    "same delay counts as rho = 0 (no order). Per seed, the mean over its runs (runs of one seed "
    "share their first layers, so the seed is the replicate). H1 is decided on the 95% t "
    "interval over seeds of that mean: supported when the 95% interval lies above 0, "
    "contradicted when it lies below, inconclusive when it contains 0. Per treatment (depth >= "
    "3), Page's trend test with seeds as blocks, Holm-adjusted.",
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
    "back-transformed. H2 claims a strong correlation, one whose 95% interval lies above 0.7: it "
    "is supported when the 95% interval lies above 0.7, contradicted when it lies below, "
    "inconclusive when it contains 0.7. Per treatment (the across-seed bases too), how many "
    "treatments' first-layer r is significant (Benjamini-Hochberg over the whole table).",
    "",
]
H3_HEAD = [
    "## H3: the correlation weakens with depth and width",
    "",
    "Within each seed, Fisher z of every (treatment, layer) correlation with the model "
    "regressed on layer index and log2(width) together, with one intercept per network depth "
    "(ordinary least squares): layer index and network depth move together, so the layer slope "
    "compares layers within networks of one depth. Each slope's mean over seeds with a t "
    "interval over seeds (a seed's points share layers, so the seed is the replicate). "
    "Weakening is a negative slope: H3 depth (`layer`): supported when the 95% interval lies "
    "below 0, contradicted when it lies above, inconclusive when it contains 0; H3 width "
    "(`log2_width`): supported when the 95% interval lies below 0, contradicted when it lies "
    "above, inconclusive when it contains 0. Within-seed bases only: the across-seed ones give "
    "one coefficient per treatment and layer, not one per seed.",
    "",
]
PART_WHOLE = [
    "### Part-whole correlation",
    "",
    "A layer that is part of the model is correlated with it in part by construction. Under the "
    "paper's definitions the model is a linear read-out of layers 2..depth "
    "(scripts/ff/paper_recipe.py), so layer 1 is not part of it: H2 is free of part-whole "
    "correlation. Every deeper layer is part of what it is correlated with, which favours deeper "
    "layers and so works against H3 with depth. Under the label definitions the Forward-Forward "
    "model sums every layer's goodness, so every layer, layer 1 included, is part of it. The "
    "check: layer 1's r with the recorded model without layer 1 (goodness summed over layers "
    "2..depth), beside its r with the whole model, as H2 computes it.",
    "",
]
NO_CHECK = (
    "- No part-whole check: it needs the label definition's `accuracy_skip_first` "
    "(Forward-Forward, depth >= 2)."
)
BEYOND_HEAD = [
    "## Beyond the paper: is the depth delay special to standard Forward-Forward training?",
    "",
    "The H1 test above for every training in this study, side by side per data set, on this "
    "project's label definition of accuracy (the one every training has). First on `gain to "
    "0.9`, the time to a fraction of the gain since the first evaluation, for every training, "
    "backprop included: a linear probe on an untrained layer already reads about 0.8 (on "
    "MNIST), so the time to a share of the final value favours a layer that starts high; the "
    "gain since the first evaluation does not. Then on `time to 0.9`, for reference. Backprop "
    "trains the same MLP end to end with cross-entropy; its layer accuracy is that of a linear "
    "(ridge) probe fitted on training images at every evaluation point. Hard negatives: the "
    "wrong label the network finds most plausible. Greedy: one layer after another, so a deeper "
    "layer cannot learn before its turn and H1 holds there by construction. A verdict on fewer "
    "than 10 seeds is marked underpowered.",
    "",
]
ANSWERS_HEAD = [
    "## Answers",
    "",
    "Does each claim of the paper reproduce with the paper's own recipe and definitions (a "
    "layer's accuracy: its share of positive and negative samples on the right side of the "
    "threshold; the model's: its linear read-out), and does it hold with this project's Adam "
    "recipe and label definitions (the label with the highest goodness)? Each claim is decided "
    "on the paper's measure, which this table shows, and on the other defensible ones: H1 on "
    "`time to 0.9` (as the paper measured it), with `gain to 0.9` (of the gain since the first "
    "evaluation) and `steepest gain` beside it; H2 and H3 on the Pearson correlation of each "
    "layer with the model over training, on `levels` (as the paper measured it) and on first "
    "`differences`, which remove the upward trend every learning curve shares.",
    "",
    "Every effect is a mean over seeds of one value per seed, with a 95% t interval over seeds: "
    "runs that share a seed share data order, negatives and (through trunks) whole layers, so "
    "they are not independent replicates. Verdicts: H1: supported when the 95% interval lies "
    "above 0, contradicted when it lies below; H2: supported when the 95% interval lies above "
    "0.7, contradicted when it lies below; H3 depth: supported when the 95% interval lies below "
    "0, contradicted when it lies above; H3 width: supported when the 95% interval lies below "
    "0, contradicted when it lies above; inconclusive when the interval contains the threshold; "
    "not testable with fewer than two seeds. Underpowered: fewer than 10 seeds. Stability: the "
    "share of 2000 bootstrap resamples of the seeds that give the same verdict; below 90% the "
    "verdict is *unsettled*. Split-half: the verdict on each of two disjoint halves of the seeds "
    "(alternate seeds), where each half has at least 10 seeds. On every measure: the claim's "
    "verdicts on all its measures, one word where they agree. Converged: the treatments of the "
    "series whose every validation curve (each layer's and the model's) has levelled off, the "
    "95% interval over seeds of its gain over the last 20% of training below 0.01; a verdict on "
    "curves still rising describes networks partway through learning.",
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
    verdict="supported", low=0.2, high=0.8, share=0.75, seeds=12, runs=20, tied=2, rho=0.5,
    measure="time_to_0.9", dataset="mnist", study=None, definition="label",
):  # fmt: skip
    """A row of ff.hypotheses.h1_table."""
    return {"definition": definition, "dataset": dataset, **(study or STANDARD),
            "measure": measure, "runs": runs, "tied_runs": tied, "mean_rho": rho, "ci_low": low,
            "ci_high": high, "p_value": 0.01, "seeds": seeds, "share_positive": share,
            "verdict": verdict}  # fmt: skip


UNTESTABLE = {"verdict": "not testable", "low": np.nan, "high": np.nan, "share": np.nan,
              "seeds": 1, "runs": 2, "tied": 0, "rho": 0.4}  # fmt: skip
NOT_TESTABLE = "**not testable**: fewer than two seeds"


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


def test_h1_cell_states_the_tables_verdict_with_its_interval_and_tied_runs():
    assert h1_cell(pd.Series(overall_row())) == (
        "**supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% of 12 seeds (20 runs, 2 tied)"
    )
    # the verdict is the table's: an interval that touches 0 was inconclusive there
    row = overall_row("inconclusive", low=0.0, high=0.6, rho=0.3, share=0.5, seeds=10, tied=0)
    assert h1_cell(pd.Series(row)) == (
        "**inconclusive**: mean rho 0.30 [0.00, 0.60], > 0 in 50% of 10 seeds (20 runs, 0 tied)"
    )
    row = overall_row("contradicted", -0.8, -0.2, 0.0, seeds=3, runs=3, tied=1, rho=-0.5)
    assert h1_cell(pd.Series(row)) == (
        "**contradicted**, underpowered (3 seeds): mean rho -0.50 [-0.80, -0.20], > 0 in 0% of 3 "
        "seeds (3 runs, 1 tied)"
    )
    assert h1_cell(pd.Series(overall_row(**UNTESTABLE))) == NOT_TESTABLE


def test_h1_section_states_each_verdict_whole():
    overall = pd.DataFrame(
        [
            overall_row(),
            overall_row("inconclusive", low=-0.1, measure="gain_to_0.9"),
            overall_row(**UNTESTABLE, dataset="fashion"),  # Page's rows, but one seed
            overall_row(**UNTESTABLE, measure="steepest_gain"),
            # two seeds, the fewest with an interval: Page's tests are reported
            overall_row("contradicted", -1.0, -1.0, 0.0, seeds=2, runs=3, rho=-1.0, study=GREEDY),
            overall_row(share=0.6, definition="paper"),
        ]
    )
    assert h1_section(overall, delay_tests()) == [
        *H1_HEAD,
        "- mnist, time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% of 12 seeds "
        "(20 runs, 2 tied); Page's test significant in 1 of 2 treatments.",
        "- mnist, gain to 0.9: **inconclusive**: mean rho 0.50 [-0.10, 0.80], > 0 in 75% of 12 "
        "seeds (20 runs, 2 tied); Page's test significant in 4 of 4 treatments.",
        f"- fashion, time to 0.9: {NOT_TESTABLE}.",
        f"- mnist, steepest gain: {NOT_TESTABLE}.",
        "- mnist (greedy), time to 0.9: **contradicted**, underpowered (2 seeds): mean rho -1.00 "
        "[-1.00, -1.00], > 0 in 0% of 2 seeds (3 runs, 2 tied); Page's test significant in 0 of "
        "3 treatments.",
        "- mnist [paper definitions], time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80], > 0 "
        "in 60% of 12 seeds (20 runs, 2 tied); Page's test significant in 0 of 6 treatments.",
        "",
    ]


def test_h1_section_leaves_out_page_when_no_treatment_has_three_layers():
    overall = pd.DataFrame([overall_row(study=BACKPROP)])
    lines = h1_section(overall, delay_tests())
    assert lines[len(H1_HEAD) :] == [
        "- mnist (backprop), time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% "
        "of 12 seeds (20 runs, 2 tied).",
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
    verdict, r=0.85, low=0.75, high=0.93, seeds=12, basis="levels", kind="pearson",
    dataset="mnist", study=None, definition="label",
) -> dict:  # fmt: skip
    """A row of ff.hypotheses.h2_table."""
    return {"definition": definition, "dataset": dataset, **(study or STANDARD), "basis": basis,
            "kind": kind, "treatments": 4, "r": r, "ci_low": low, "ci_high": high,
            "p_value": 0.01, "seeds": seeds, "verdict": verdict}  # fmt: skip


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
        + correlation_rows([0.9, 0.8], [True, True], dataset="kmnist")
    )
    overall = pd.DataFrame(
        [
            first_layer_row("contradicted", r=0.6, low=0.5, high=0.65, study=GREEDY),
            first_layer_row("supported"),
            first_layer_row(
                "inconclusive", r=0.7, low=-0.2, high=0.95, seeds=3, basis="differences"
            ),
            first_layer_row("supported", r=0.78, low=0.72, high=0.83, definition="paper"),
            first_layer_row(
                "not testable", r=np.nan, low=np.nan, high=np.nan, seeds=1, dataset="kmnist"
            ),
            # no treatment rows for these: nothing to state
            first_layer_row("supported", kind="spearman"),
            first_layer_row("supported", dataset="fashion"),
        ]
    )
    assert h2_section(overall, correlations) == [
        *H2_HEAD,
        "- mnist, levels, pearson: **supported**. r 0.85 [0.75, 0.93] over 12 seeds; median r "
        "over treatments 0.70, significant in 2 of 4.",
        "- mnist, differences, pearson: **inconclusive**, underpowered (3 seeds). r 0.70 [-0.20, "
        "0.95] over 3 seeds; median r over treatments 0.69, significant in 4 of 4.",
        "- mnist, seeds_final, pearson: median r over treatments 0.90, significant in 2 of 3.",
        "- mnist (greedy), levels, pearson: **contradicted**. r 0.60 [0.50, 0.65] over 12 seeds; "
        "median r over treatments 0.90, significant in 1 of 4.",
        "- mnist [paper definitions], levels, pearson: **supported**. r 0.78 [0.72, 0.83] over 12 "
        "seeds; median r over treatments 0.78, significant in 1 of 2.",
        "- kmnist, levels, pearson: **not testable**. r n/a over 1 seeds; median r over "
        "treatments 0.85, significant in 2 of 2.",
        "",
    ]


# --- H3 --------------------------------------------------------------------------------------


def trend_rows(
    layer, width, basis="levels", kind="pearson", points=24, seeds=12, study=None,
    dataset="mnist", definition="label",
) -> list[dict]:  # fmt: skip
    """Rows of ff.hypotheses.h3_table: (slope, ci_low, ci_high) per predictor, each judged by
    its claim."""
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
                "verdict": H3_BY_PREDICTOR[predictor].verdict(low, high),
            }  # fmt: skip
        )
    return rows


FALLS, FLAT, RISES = (-0.2, -0.3, -0.1), (-0.05, -0.2, 0.1), (0.1, 0.05, 0.15)


def test_h3_section_gives_each_predictors_verdict_and_slope():
    trends = pd.DataFrame(
        trend_rows(FALLS, FALLS)
        + trend_rows(FALLS, FLAT, kind="spearman")
        + trend_rows(FLAT, FALLS, basis="differences", points=12, seeds=3)
        + trend_rows(FLAT, RISES, basis="differences", study=GREEDY)
    ).iloc[::-1]  # width before layer: the section still names the layer first
    assert h3_section(trends) == [
        *H3_HEAD,
        "- mnist (greedy), differences, pearson: layer: **inconclusive**, slope -0.050 [-0.200, "
        "+0.100]; log2_width: **contradicted**, slope +0.100 [+0.050, +0.150] (12 seeds, 24 "
        "points each).",
        "- mnist, differences, pearson: layer: **inconclusive**, underpowered (3 seeds), slope "
        "-0.050 [-0.200, +0.100]; log2_width: **supported**, underpowered (3 seeds), slope -0.200 "
        "[-0.300, -0.100] (3 seeds, 12 points each).",
        "- mnist, levels, pearson: layer: **supported**, slope -0.200 [-0.300, -0.100]; "
        "log2_width: **supported**, slope -0.200 [-0.300, -0.100] (12 seeds, 24 points each).",
        "- mnist, levels, spearman: layer: **supported**, slope -0.200 [-0.300, -0.100]; "
        "log2_width: **inconclusive**, slope -0.050 [-0.200, +0.100] (12 seeds, 24 points each).",
        "",
    ]


def test_h3_section_without_trends_is_not_testable():
    assert h3_section(pd.DataFrame()) == [
        *H3_HEAD,
        "- Not testable: the grid needs at least two layers and two widths.",
        "",
    ]


def test_part_whole_section_states_how_each_definition_enters_and_the_check():
    assert part_whole_section(pd.DataFrame()) == [*PART_WHOLE, NO_CHECK, ""]
    check = pd.DataFrame(
        [
            {"definition": "label", "dataset": "mnist", **STANDARD, "basis": "levels",
             "kind": "pearson", "model": model, "r": r, "ci_low": r - 0.01, "ci_high": r + 0.01,
             "z": z, "z_ci_low": z - 0.1, "z_ci_high": z + 0.1, "p_value": 0.01, "seeds": 30}
            for model, r, z in (("with layer 1", 0.95, 1.83), ("without layer 1", 0.9, 1.47),
                                ("with - without", np.nan, 0.36))
        ]
    )  # fmt: skip
    assert part_whole_section(check) == [
        *PART_WHOLE,
        "- mnist, levels: layer 1's r with the whole model 0.95 [0.94, 0.96], without layer 1 "
        "0.90 [0.89, 0.91]; difference in Fisher z 0.36 [0.26, 0.46] (30 seeds)",
        "",
    ]


# --- beyond the paper ------------------------------------------------------------------------


def test_beyond_section_leads_with_the_gain_based_delay():
    flat = {"verdict": "inconclusive", "low": -0.3, "high": 0.4, "rho": 0.05, "share": 0.5}
    rises = {"low": 0.8, "high": 1.0, "rho": 0.9, "share": 1.0}
    overall = pd.DataFrame(
        [
            overall_row(**flat, study=BACKPROP),
            overall_row(study=BACKPROP, measure="gain_to_0.9", seeds=5),
            overall_row(**rises),
            overall_row(measure="gain_to_0.9"),
            overall_row(**rises, dataset="fashion"),
            overall_row(**UNTESTABLE, dataset="fashion", measure="gain_to_0.9"),
            overall_row(**rises, study=GREEDY),
            overall_row(**rises, study=GREEDY, measure="gain_to_0.9"),
            overall_row(**flat, measure="steepest_gain"),
            # the paper's definitions: not every training has them, so not compared here
            overall_row(**flat, definition="paper"),
            overall_row(**flat, definition="paper", study=HARD, dataset="kmnist"),
        ]
    )
    rising = "**supported**: mean rho 0.90 [0.80, 1.00], > 0 in 100% of 12 seeds (20 runs, 2 tied)"
    supported = (
        "**supported**: mean rho 0.50 [0.20, 0.80], > 0 in 75% of 12 seeds (20 runs, 2 tied)"
    )
    underpowered = (
        "**supported**, underpowered (5 seeds): mean rho 0.50 [0.20, 0.80], > 0 in 75% of 5 seeds "
        "(20 runs, 2 tied)"
    )
    inconclusive = (
        "**inconclusive**: mean rho 0.05 [-0.30, 0.40], > 0 in 50% of 12 seeds (20 runs, 2 tied)"
    )
    assert beyond_section(overall, 0.9) == [
        *BEYOND_HEAD,
        "| gain to 0.9 | mnist | fashion |",
        "| --- | --- | --- |",
        f"| Forward-Forward, Adam recipe | {supported} | {NOT_TESTABLE} |",
        f"| backprop (linear probes) | {underpowered} | not trained |",
        f"| Forward-Forward, Adam recipe, greedy | {rising} | not trained |",
        "",
        "| time to 0.9 | mnist | fashion |",
        "| --- | --- | --- |",
        f"| Forward-Forward, Adam recipe | {rising} | {rising} |",
        f"| backprop (linear probes) | {inconclusive} | not trained |",
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
    assert lines[len(BEYOND_HEAD)] == "| gain to 0.5 | mnist |"
    assert lines[len(BEYOND_HEAD) + len(studies) + 3] == "| time to 0.5 | mnist |"
    questions = lines[len(BEYOND_HEAD) + 2 * (len(studies) + 3) :]
    assert questions == [MISSING[name] for name in missing] + [""]
    assert len(missing) == sum(value not in {s[column] for s in studies}
                               for column, value in QUESTIONS)  # fmt: skip


def test_beyond_section_puts_standard_forward_forward_first():
    overall = pd.DataFrame(
        [
            overall_row(study=study, measure=measure)
            for study in (HARD, GREEDY, STANDARD, BACKPROP)
            for measure in ("time_to_0.9", "gain_to_0.9")
        ]
    )
    rows = [line.split(" | ")[0] for line in beyond_section(overall, 0.9)]
    for measure in ("| gain to 0.9", "| time to 0.9"):
        start = rows.index(measure) + 2
        assert rows[start : start + 4] == [
            "| Forward-Forward, Adam recipe",
            "| backprop (linear probes)",
            "| Forward-Forward, Adam recipe, greedy",
            "| Forward-Forward, Adam recipe, hard",
        ]


# --- the answers ----------------------------------------------------------------------------


def answer_row(
    hypothesis, verdict="supported", estimate=0.5, low=0.2, high=0.8, seeds=30, stability=0.97,
    halves=None, robustness=None, measure=None, dataset="mnist", study=None, definition="label",
    converged=4,
) -> dict:  # fmt: skip
    """A row of ff.answers.answers, on the claim's paper measure unless `measure` is given; its
    halves agree with the whole, and its verdict is the same on every measure, unless given."""
    paper = HYPOTHESES[hypothesis].measures(0.9)[0].name
    half_1, half_2 = halves or (verdict, verdict)
    robustness = robustness or f"{verdict} on every measure"
    return {"hypothesis": hypothesis, "measure": measure or paper,
            "paper_measure": (measure or paper) == paper, "definition": definition,
            "dataset": dataset, **(study or STANDARD), "effect": HYPOTHESES[hypothesis].effect,
            "estimate": estimate, "ci_low": low, "ci_high": high, "p_value": 0.01,
            "seeds": seeds, "underpowered": seeds < 10, "verdict": verdict,
            "stability": stability, "settled": stability >= 0.9, "half_1": half_1,
            "half_2": half_2, "split_half_agrees": half_1 == half_2 == verdict,
            "robust": robustness.endswith(" on every measure"),
            "robustness": robustness, "converged_treatments": converged,
            "treatments": 4}  # fmt: skip


PAPER_NAME = "the paper's recipe and definitions"
ADAM_NAME = "this project's Adam recipe and label definitions"
ANSWERS_COLUMNS = [
    "| claim | data set | recipe and definitions | verdict | effect [95% CI] | stability "
    "| split-half | on every measure | converged |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
]
MEASURES_HEAD = [
    "## Every measure",
    "",
    "Each claim of the table above on each of its measures, the paper's first.",
    "",
    "| claim | data set | recipe and definitions | measure | verdict | effect [95% CI] "
    "| stability | seeds |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
]
H1_ONLY_TIME = (
    "supported on time to 0.9 only (gain to 0.9: inconclusive; steepest gain: inconclusive)"
)
H2_ONLY_LEVELS = "supported on levels only (differences: inconclusive)"
H3_ONLY_DIFFERENCES = "supported on differences only (levels: inconclusive)"


def answers_table() -> pd.DataFrame:
    """The headline trainings of mnist and fashion, in no order, among decoys: the paper recipe
    under this project's definitions, the Adam recipe under the paper's, other trainings."""
    paper = {"study": PAPER, "definition": "paper"}
    one_seed = {"low": np.nan, "high": np.nan, "seeds": 1, "stability": np.nan, "halves": ("", "")}
    h1_paper = {"seeds": 5, "halves": ("", ""), "robustness": H1_ONLY_TIME, **paper}
    h2_paper = {"robustness": H2_ONLY_LEVELS, **paper}
    width = {"robustness": H3_ONLY_DIFFERENCES}
    return pd.DataFrame(
        [
            answer_row("H3 width", "inconclusive", -0.01, -0.05, 0.03, stability=0.9, **width),
            answer_row("H2", estimate=0.85, low=0.75, high=0.91, **h2_paper),
            answer_row("H1", stability=0.85, halves=("supported", "inconclusive")),
            answer_row("H2", "inconclusive", 0.6, 0.3, 0.8, measure="differences", **h2_paper),
            answer_row("H1", dataset="fashion", stability=1.0),
            answer_row("H3 depth", "not testable", 0.2, **one_seed),
            answer_row("H3 width", "supported", -0.1, -0.2, -0.05, measure="differences", **width),
            answer_row("H1", estimate=0.7, low=0.6, high=0.8, **h1_paper),
            answer_row("H1", "inconclusive", 0.4, -0.1, 0.7, measure="steepest_gain", **h1_paper),
            answer_row("H1", "inconclusive", 0.1, -0.2, 0.4, measure="gain_to_0.9", **h1_paper),
            answer_row("H3 depth", "supported", -0.15, -0.2, -0.1, **paper),
            answer_row("H2", "contradicted", 0.6, 0.4, 0.65, stability=0.999, converged=1),
            # decoys
            answer_row("H1", "contradicted", study=PAPER),
            answer_row("H1", "contradicted", definition="paper"),
            answer_row("H1", "contradicted", study=GREEDY),
            answer_row("H2", "contradicted", study=BACKPROP, dataset="kmnist"),
        ]
    )


ANSWERS_ROWS = [
    f"| H1: deeper layers learn later | fashion | {ADAM_NAME} | **supported** "
    "| 0.50 [0.20, 0.80] | 100% | agrees | supported on every measure | yes (4 of 4) |",
    f"| H1: deeper layers learn later | mnist | {PAPER_NAME} | **supported**, underpowered (5 "
    f"seeds) | 0.70 [0.60, 0.80] | 97% | too few seeds | {H1_ONLY_TIME} | yes (4 of 4) |",
    f"| H1: deeper layers learn later | mnist | {ADAM_NAME} | **supported** "
    "| 0.50 [0.20, 0.80] | 85% (unsettled) | disagrees: supported / inconclusive "
    "| supported on every measure | yes (4 of 4) |",
    f"| H2: the first layer tracks the model | mnist | {PAPER_NAME} | **supported** "
    f"| 0.85 [0.75, 0.91] | 97% | agrees | {H2_ONLY_LEVELS} | yes (4 of 4) |",
    f"| H2: the first layer tracks the model | mnist | {ADAM_NAME} | **contradicted** "
    "| 0.60 [0.40, 0.65] | 99% | agrees | contradicted on every measure "
    "| **no**: 3 of 4 still rising |",
    f"| H3: weakens with depth | mnist | {PAPER_NAME} | **supported** "
    "| -0.150 [-0.200, -0.100] | 97% | agrees | supported on every measure | yes (4 of 4) |",
    f"| H3: weakens with depth | mnist | {ADAM_NAME} | **not testable** | n/a | n/a "
    "| too few seeds | not testable on every measure | yes (4 of 4) |",
    f"| H3: weakens with width | mnist | {ADAM_NAME} | **inconclusive** "
    f"| -0.010 [-0.050, +0.030] | 90% | agrees | {H3_ONLY_DIFFERENCES} | yes (4 of 4) |",
]
PAPER_ONLY = (
    "Claims that hold only on the paper's measure, supported there but not on every measure: "
    f"H1: deeper layers learn later (mnist, {PAPER_NAME}): {H1_ONLY_TIME}; H2: the first layer "
    f"tracks the model (mnist, {PAPER_NAME}): {H2_ONLY_LEVELS}."
)


def test_answers_section_orders_claims_then_data_sets_paper_recipe_first():
    assert answers_section(answers_table(), 0.9, "pearson") == [
        *ANSWERS_HEAD,
        *ANSWERS_COLUMNS,
        *ANSWERS_ROWS,
        "",
        PAPER_ONLY,
        "",
    ]


def test_a_claim_supported_on_levels_only_is_named_in_words():
    """Supported on the paper's measure (levels), inconclusive on differences: the first table
    says so, and so does the sentence after it; a claim inconclusive on the paper's measure and
    supported on another is not named there."""
    lines = answers_section(answers_table(), 0.9, "pearson")
    start = f"| H2: the first layer tracks the model | mnist | {PAPER_NAME} |"
    row = next(line for line in lines if line.startswith(start))
    assert row.endswith("| supported on levels only (differences: inconclusive) | yes (4 of 4) |")
    sentence = lines[-2]
    assert sentence.startswith("Claims that hold only on the paper's measure")
    assert (
        f"H2: the first layer tracks the model (mnist, {PAPER_NAME}): supported on levels only "
        "(differences: inconclusive)" in sentence
    )
    assert "H3: weakens with width" not in sentence


def test_answers_section_says_when_no_claim_holds_only_on_the_papers_measure():
    table = answers_table()
    robust = table[~table.robustness.isin([H1_ONLY_TIME, H2_ONLY_LEVELS])]
    assert answers_section(robust, 0.9, "pearson")[-2] == (
        "No claim holds only on the paper's measure: each one supported there is supported on "
        "every measure."
    )


def test_underpowered_and_unsettled_verdicts_say_so():
    row = pd.Series(answer_row("H1", seeds=5, stability=0.72))
    assert summary.verdict_text(row.verdict, row.seeds) == "**supported**, underpowered (5 seeds)"
    assert summary.stability_cell(row) == "72% (unsettled)"
    row = pd.Series(answer_row("H1", seeds=10, stability=0.9))
    assert summary.verdict_text(row.verdict, row.seeds) == "**supported**"
    assert summary.stability_cell(row) == "90%"
    assert summary.verdict_text("not testable", 1) == "**not testable**"
    lines = answers_section(
        pd.DataFrame([answer_row("H2", seeds=5, stability=0.72)]), 0.9, "pearson"
    )
    assert lines[len(ANSWERS_HEAD) + 2] == (
        f"| H2: the first layer tracks the model | mnist | {ADAM_NAME} | **supported**, "
        "underpowered (5 seeds) | 0.50 [0.20, 0.80] | 72% (unsettled) | agrees "
        "| supported on every measure | yes (4 of 4) |"
    )


def test_answers_made_before_convergence_was_measured_say_so():
    row = pd.Series(answer_row("H1")).drop(["converged_treatments", "treatments"])
    assert summary.convergence_cell(row) == "not measured"


def test_answers_section_after_a_round_trip_through_answers_tsv(tmp_path):
    """stats_summary.py reads answers.tsv with pd.read_csv: empty halves read back as NaN,
    the flags as booleans."""
    path = tmp_path / "answers.tsv"
    answers_table().to_csv(path, sep="\t", index=False)
    read = pd.read_csv(path, sep="\t")
    assert answers_section(read, 0.9, "pearson") == answers_section(answers_table(), 0.9, "pearson")
    assert measures_section(read, 0.9) == measures_section(answers_table(), 0.9)


def test_measures_section_gives_every_measure_of_each_headline_claim():
    assert measures_section(answers_table(), 0.9) == [
        *MEASURES_HEAD,
        f"| H1: deeper layers learn later | fashion | {ADAM_NAME} | time to 0.9 (the paper's) "
        "| **supported** | 0.50 [0.20, 0.80] | 100% | 30 |",
        f"| H1: deeper layers learn later | mnist | {PAPER_NAME} | time to 0.9 (the paper's) "
        "| **supported** | 0.70 [0.60, 0.80] | 97% | 5 |",
        f"| H1: deeper layers learn later | mnist | {PAPER_NAME} | gain to 0.9 "
        "| **inconclusive** | 0.10 [-0.20, 0.40] | 97% | 5 |",
        f"| H1: deeper layers learn later | mnist | {PAPER_NAME} | steepest gain "
        "| **inconclusive** | 0.40 [-0.10, 0.70] | 97% | 5 |",
        f"| H1: deeper layers learn later | mnist | {ADAM_NAME} | time to 0.9 (the paper's) "
        "| **supported** | 0.50 [0.20, 0.80] | 85% (unsettled) | 30 |",
        f"| H2: the first layer tracks the model | mnist | {PAPER_NAME} | levels (the paper's) "
        "| **supported** | 0.85 [0.75, 0.91] | 97% | 30 |",
        f"| H2: the first layer tracks the model | mnist | {PAPER_NAME} | differences "
        "| **inconclusive** | 0.60 [0.30, 0.80] | 97% | 30 |",
        f"| H2: the first layer tracks the model | mnist | {ADAM_NAME} | levels (the paper's) "
        "| **contradicted** | 0.60 [0.40, 0.65] | 99% | 30 |",
        f"| H3: weakens with depth | mnist | {PAPER_NAME} | levels (the paper's) "
        "| **supported** | -0.150 [-0.200, -0.100] | 97% | 30 |",
        f"| H3: weakens with depth | mnist | {ADAM_NAME} | levels (the paper's) "
        "| **not testable** | n/a | n/a | 1 |",
        f"| H3: weakens with width | mnist | {ADAM_NAME} | levels (the paper's) "
        "| **inconclusive** | -0.010 [-0.050, +0.030] | 90% | 30 |",
        f"| H3: weakens with width | mnist | {ADAM_NAME} | differences "
        "| **supported** | -0.100 [-0.200, -0.050] | 97% | 30 |",
        "",
    ]


def test_answers_section_on_another_measure_and_kind_and_without_a_headline_training():
    lines = answers_section(answers_table().iloc[-4:], 0.5, "spearman")
    assert lines[2] == ANSWERS_HEAD[2].replace("0.9", "0.5").replace("Pearson", "Spearman")
    assert lines[3:] == [
        *ANSWERS_HEAD[3:],
        "No standard Forward-Forward training in this study.",
        "",
    ]
    assert measures_section(answers_table().iloc[-4:], 0.5) == []


def test_effect_and_split_half_texts():
    row = pd.Series(answer_row("H3 width", estimate=0.0123, low=-0.0456, high=0.0789))
    assert effect_text(row) == "+0.012 [-0.046, +0.079]"
    assert effect_text(pd.Series(answer_row("H2", estimate=0.71, seeds=2))) == "0.71 [0.20, 0.80]"
    assert effect_text(pd.Series(answer_row("H1", low=np.nan, high=np.nan, seeds=1))) == "n/a"
    assert split_half_text(pd.Series(answer_row("H1"))) == "agrees"
    # halves that agree with each other but not with the whole
    disagree = answer_row("H1", halves=("inconclusive", "inconclusive"))
    assert split_half_text(pd.Series(disagree)) == "disagrees: inconclusive / inconclusive"
    assert split_half_text(pd.Series(answer_row("H1", halves=("supported", "")))) == (
        "too few seeds"
    )


def test_split_half_text_after_a_round_trip_through_answers_tsv(tmp_path):
    """stats_summary.py reads answers.tsv with pd.read_csv, which reads the empty halves of a
    study with too few seeds as NaN."""
    path = tmp_path / "answers.tsv"
    pd.DataFrame([answer_row("H1", seeds=3, halves=("", ""))]).to_csv(path, sep="\t", index=False)
    row = pd.read_csv(path, sep="\t").iloc[0]
    assert split_half_text(row) == "too few seeds"


# --- the whole summary -----------------------------------------------------------------------


def test_summary_markdown_joins_the_sections_under_a_title():
    answers = answers_table()
    overall = pd.DataFrame([overall_row(), overall_row(measure="gain_to_0.9", study=GREEDY)])
    tests = delay_tests()
    correlation_overall = pd.DataFrame([first_layer_row("supported")])
    correlations = pd.DataFrame(correlation_rows([0.8, 0.9], [True, False]))
    trends = pd.DataFrame(trend_rows(FALLS, FLAT))
    check = pd.DataFrame()
    for fraction, kind, window, tolerance in (
        (0.9, "pearson", 0.2, 0.01),
        (0.5, "spearman", 0.3, 0.05),
    ):
        text = summary_markdown(
            answers, overall, tests, correlation_overall, correlations, trends, check,
            delay_fraction=fraction, kind=kind, window=window, tolerance=tolerance,
        )  # fmt: skip
        assert text == "\n".join(
            [
                "# Summary of the hypothesis tests",
                "",
                "Generated from the study's stats/*.tsv; every number below is in those tables.",
                "",
                *answers_section(answers, fraction, kind, window, tolerance),
                *measures_section(answers, fraction),
                *h1_section(overall, tests),
                *h2_section(correlation_overall, correlations),
                *h3_section(trends),
                *part_whole_section(check),
                *beyond_section(overall, fraction),
            ]
        )
    text = summary_markdown(
        answers, overall, tests, correlation_overall, correlations, trends, check, 0.9,
        "pearson", 0.2, 0.01,
    )  # fmt: skip
    assert "\n- mnist, time to 0.9: **supported**: mean rho 0.50 [0.20, 0.80]" in text
    assert f"\n{PAPER_ONLY}\n\n## Every measure\n" in text


@pytest.mark.parametrize(
    ("commit", "uncommitted", "source"),
    [
        ("abc1234", False, " at commit abc1234"),
        ("abc1234", True, " at commit abc1234, with uncommitted changes,"),
        (None, False, " (not a git checkout)"),
    ],
)
def test_results_page_is_the_answers_section_under_the_figures(commit, uncommitted, source):
    page = results_page(
        answers_table(), "the default study", ["fig_a"], 0.9, "pearson", commit, uncommitted
    )
    assert page.split("\n") == [
        "# Results",
        "",
        f"Written by rule `results_page`{source} from `results/default/stats/answers.tsv` of "
        "the default study. The detail, every basis, measure and training, is in "
        "`results/default/stats/summary.md`; every figure with its caption in the report "
        "(`snakemake --report report.html`).",
        "",
        "![fig_a](figures/fig_a.png)",
        "",
        *ANSWERS_HEAD[1:],
        *ANSWERS_COLUMNS,
        *ANSWERS_ROWS,
        "",
        PAPER_ONLY,
        "",
    ]
    other = results_page(
        answers_table(), "the default study", [], 0.9, "pearson", commit, uncommitted, 0.3, 0.05
    )
    assert "over seeds of its gain over the last 30% of training below 0.05; " in other


def test_a_results_page_is_committed_unless_told_otherwise():
    page = results_page(answers_table(), "the default study", [], 0.9, "pearson", "abc1234")
    assert "Written by rule `results_page` at commit abc1234 from" in page


def test_stability_is_rounded_down_so_unsettled_never_reads_as_ninety():
    assert summary.stability_text(0.8995) == "89%"
    assert summary.stability_text(0.9) == "90%"
    assert summary.stability_text(0.29) == "29%"
    assert summary.stability_text(1.0) == "100%"
