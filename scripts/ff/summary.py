"""summary.md: for each hypothesis, data set and training, supported or not, with the numbers.

Written from the statistics tables alone, so it can never disagree with them. The decision
rules are stated in the text they produce.
"""

from __future__ import annotations

import pandas as pd

from ff.config import STANDARD_VARIANT
from ff.metrics import study_labels
from ff.stats import ALPHA, BASES

STRONG = 0.7  # |r| from which a correlation is called strong


# The paper's open questions, each answered by the trainings with a value of a column:
# (column, value): (question, how to add it to the config).
QUESTIONS = {
    ("method", "backprop"): (
        "backprop, layers read by linear probes",
        "add `backprop` to `methods`",
    ),
    ("negatives", "hard"): (
        "Forward-Forward, hard negatives",
        "add `hard` to `negatives` (and give `variant_grid` depths and widths of the grid)",
    ),
    ("schedule", "greedy"): (
        "Forward-Forward, greedy layer-by-layer schedule",
        "add `greedy` to `schedules` (and give `variant_grid` depths and widths of the grid)",
    ),
}


def h1_verdict(row: pd.Series) -> bool:
    return row.p_value < ALPHA and row.share_positive > 0.5


def verdict(supported: bool) -> str:
    return "**supported**" if supported else "**not supported**"


def h1_section(overall: pd.DataFrame, tests: pd.DataFrame) -> list[str]:
    lines = [
        "## H1: deeper layers learn later",
        "",
        "Delay of a layer: the first time (in epochs, interpolated between evaluations) at which "
        "its validation accuracy reaches a fraction q of its final value (`time to q`) or of its "
        "gain since the first evaluation (`gain to q`), or the time of its steepest gain. Per "
        "data set, a one-sided Wilcoxon signed-rank test over all (treatment, seed) runs with "
        "depth >= 2 asks whether Spearman's rho between layer index and delay is above 0 (a run "
        "whose layers all have the same delay has no order and is left out); H1 is supported "
        f"when p < {ALPHA} and most runs (> 50%) have rho > 0. Per treatment (depth >= 3), "
        "Page's trend test with seeds as blocks, Holm-adjusted.",
        "",
    ]
    for _, row in overall.assign(study=study_labels(overall)).iterrows():
        dataset, variant, measure = row.dataset, row.variant, row.measure
        name = f"{row.study}, {measure.replace('_', ' ')}"
        if row.blocks == 0:
            lines.append(f"- {name}: **not testable**: every run has the same delay in all layers.")
            continue
        page = tests[
            (tests.definition == row.definition)
            & (tests.dataset == dataset)
            & (tests.variant == variant)
            & (tests.measure == measure)
            & (tests.test == "page_trend")
        ]
        page_text = (
            f"; Page's test significant in {int(page.significant.sum())} of {len(page)} treatments"
            if len(page)
            else ""
        )
        lines.append(
            f"- {name}: {verdict(h1_verdict(row))}. Mean rho {row.mean_rho:.2f}, rho > 0 in "
            f"{row.share_positive:.0%} of {int(row.blocks)} runs, p = {row.p_value:.2g}{page_text}."
        )
    return lines + [""]


def h2_supported(group: pd.DataFrame) -> bool:
    """H2's rule over a study's first-layer correlations (one row per treatment)."""
    return group.r.median() >= STRONG and group.significant.mean() >= 0.5


def h3_text(slopes: pd.DataFrame) -> str:
    """H3's verdict from a study's slopes, indexed by predictor (layer, log2_width)."""
    weakens = [name for name, row in slopes.iterrows() if row.weakens]
    if len(weakens) == len(slopes):
        return verdict(True)
    if weakens:
        return f"**partly supported** (weakens with {' and '.join(weakens)} only)"
    return verdict(False)


def slopes_text(slopes: pd.DataFrame) -> str:
    return "; ".join(
        f"{name} slope {row.slope:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}]"
        for name, row in slopes.iterrows()
    )


def h2_section(correlations: pd.DataFrame) -> list[str]:
    lines = [
        "## H2: shallow-layer accuracy correlates with model accuracy",
        "",
        "The first layer's accuracy against the model's (Forward-Forward: goodness summed over "
        "all layers; backprop: its read-out), in treatments with depth >= 2. Methods: "
        + "; ".join(f"`{name}` {text}" for name, text in BASES.items())
        + ". Within-seed coefficients are pooled over seeds through Fisher's z (t interval "
        "over seeds); p-values are Benjamini-Hochberg adjusted over the whole table. "
        f"H2 is supported when the median over treatments of r is >= {STRONG} and r is "
        "significant in at least half of them.",
        "",
    ]
    first = correlations[correlations.layer == 1]
    first = first.assign(study=study_labels(first))
    for (_, _, study, basis, kind), group in first.groupby(
        ["dataset", "variant", "study", "basis", "kind"]
    ):
        median = group.r.median()
        lines.append(
            f"- {study}, {basis}, {kind}: {verdict(h2_supported(group))}. "
            f"Median r {median:.2f} "
            f"(range {group.r.min():.2f} to {group.r.max():.2f}), significant in "
            f"{int(group.significant.sum())} of {len(group)} treatments."
        )
    return lines + [""]


def h3_section(trends: pd.DataFrame) -> list[str]:
    lines = [
        "## H3: the correlation weakens with depth and width",
        "",
        "Fisher z of each layer's pooled correlation with the model, regressed on layer index "
        "and log2(width) together (ordinary least squares over treatments x layers). "
        "Weakening means a negative slope whose 95% interval lies below 0; H3 is supported when "
        "the correlation weakens with both, partly supported when with one of them.",
        "",
    ]
    if trends.empty:
        return lines + ["- Not testable: the grid needs at least two layers and two widths.", ""]
    trends = trends.assign(study=study_labels(trends))
    for (_, _, study, basis, kind), group in trends.groupby(
        ["dataset", "variant", "study", "basis", "kind"]
    ):
        slopes = group.set_index("predictor")
        lines.append(
            f"- {study}, {basis}, {kind}: {h3_text(slopes)}. {slopes_text(slopes)} "
            f"({int(group.points.iloc[0])} points)."
        )
    return lines + [""]


def h1_cell(row: pd.Series) -> str:
    if row.blocks == 0:
        return "**not testable**: the same delay in all layers"
    return (
        f"{verdict(h1_verdict(row))}: rho {row.mean_rho:.2f}, > 0 in {row.share_positive:.0%} "
        f"of {int(row.blocks)} runs, p = {row.p_value:.2g}"
    )


def beyond_section(overall: pd.DataFrame, fraction_measure: str) -> list[str]:
    """H1 under each training that departs from the standard Forward-Forward one, beside it,
    on the time to a fraction of final accuracy and of the gain."""
    gain_measure = fraction_measure.replace("time_to_", "gain_to_")
    overall = overall[overall.definition == "label"]  # the one every training has
    lines = [
        "## Beyond the paper: is the depth delay special to standard Forward-Forward training?",
        "",
        "The H1 test above for every training in this study, side by side per data set, on "
        "this project's label definition of accuracy (the one every training has). "
        "Backprop trains the same MLP end to end with cross-entropy; its layer accuracy is "
        "that of a linear (ridge) probe fitted on training images at every evaluation point. "
        "A probe already reads the random features of an untrained layer well (and shallow "
        "ones better than deep ones), so for backprop the time to a fraction of the *gain* is "
        "the fairer delay. Hard negatives: the wrong label the network finds most plausible. "
        "Greedy: one layer after another, so a deeper layer cannot learn before its turn and "
        "H1 holds there by construction.",
        "",
    ]
    # standard Forward-Forward first, then the other trainings by variant label
    trainings = overall.drop_duplicates("variant").assign(
        later=lambda frame: frame.variant != STANDARD_VARIANT
    )
    trainings = trainings.sort_values(["later", "variant"])[["variant", "training"]]
    datasets = list(dict.fromkeys(overall.dataset))
    for measure in (fraction_measure, gain_measure):
        rows = overall[overall.measure == measure]
        lines += [
            f"| {measure.replace('_', ' ')} | " + " | ".join(datasets) + " |",
            "| --- |" + " --- |" * len(datasets),
        ]
        for variant, training in trainings.itertuples(index=False):
            cells = []
            for dataset in datasets:
                match = rows[(rows.dataset == dataset) & (rows.variant == variant)]
                cells.append(h1_cell(match.iloc[0]) if len(match) else "not trained")
            lines.append(f"| {training} | " + " | ".join(cells) + " |")
        lines.append("")
    for (column, value), (question, how) in QUESTIONS.items():
        if value not in set(overall[column]):
            lines.append(f"- {question}: not in this study; {how} in the config to answer it.")
    return lines + [""]


# The headline questions: does the claim reproduce with the paper's recipe and definitions,
# and does it hold with this project's? (recipe, variant label, definition, how it is named)
HEADLINES = [
    ("paper", "paper recipe", "paper", "the paper's recipe and definitions"),
    ("adam", STANDARD_VARIANT, "label", "this project's Adam recipe and label definitions"),
]
HEADLINE_BASIS = "levels"  # how the paper correlated layer and model: over training


def headline_rows(
    table: pd.DataFrame, dataset: str, recipe: str, variant: str, definition: str
) -> pd.DataFrame:
    """A table's rows of one data set's standard Forward-Forward training by `recipe`, under
    `definition`."""
    return table[
        (table.dataset == dataset)
        & (table.method == "ff")
        & (table.recipe == recipe)
        & (table.variant == variant)
        & (table.definition == definition)
    ]


def answers_section(
    overall: pd.DataFrame,
    correlations: pd.DataFrame,
    trends: pd.DataFrame,
    delay_measure: str,
    kind: str,
) -> list[str]:
    """One table per data set: each claim under the paper's recipe and definitions first,
    then under this project's; the sections below give the numbers and the rules."""
    lines = [
        "## Answers",
        "",
        "Does each claim of the paper reproduce with the paper's own recipe and definitions "
        "(a layer's accuracy: its share of positive and negative samples on the right side of "
        "the threshold; the model's: its linear read-out), and does it hold with this "
        "project's Adam recipe and label definitions (the label with the highest goodness)? "
        f"H1 on {delay_measure.replace('_', ' ')}; H2 and H3 on the {kind.title()} correlation "
        f"of each layer with the model over training (`{HEADLINE_BASIS}`), as the paper "
        "measured it. The sections below give every basis, measure and training.",
        "",
    ]
    first = correlations[
        (correlations.layer == 1)
        & (correlations.basis == HEADLINE_BASIS)
        & (correlations.kind == kind)
    ]
    if len(trends):
        trends = trends[(trends.basis == HEADLINE_BASIS) & (trends.kind == kind)]
    for dataset in dict.fromkeys(overall.dataset):
        rows = []
        for recipe, variant, definition, name in HEADLINES:
            h1 = headline_rows(overall, dataset, recipe, variant, definition)
            h1 = h1[h1.measure == delay_measure]
            if h1.empty:
                continue
            h2 = headline_rows(first, dataset, recipe, variant, definition)
            h2_cell = "not testable: no treatment of depth >= 2"
            if len(h2):
                h2_cell = (
                    f"{verdict(h2_supported(h2))}: median r {h2.r.median():.2f} over "
                    f"{len(h2)} treatments"
                )
            h3_cell = "not testable: needs two layers and two widths"
            if len(trends):
                h3 = headline_rows(trends, dataset, recipe, variant, definition)
                slopes = h3.set_index("predictor")
                h3_cell = f"{h3_text(slopes)}: {slopes_text(slopes)}" if len(h3) else h3_cell
            rows.append(f"| {name} | {h1_cell(h1.iloc[0])} | {h2_cell} | {h3_cell} |")
        if rows:
            lines += [
                f"**{dataset}**",
                "",
                "| recipe and definitions | H1: deeper layers learn later "
                "| H2: the first layer tracks the model | H3: weakens with depth and width |",
                "| --- | --- | --- | --- |",
                *rows,
                "",
            ]
    return lines


def summary_markdown(
    overall: pd.DataFrame,
    tests: pd.DataFrame,
    correlations: pd.DataFrame,
    trends: pd.DataFrame,
    delay_measure: str = "time_to_0.9",
    kind: str = "pearson",
) -> str:
    lines = [
        "# Summary of the hypothesis tests",
        "",
        "Generated from results/stats/*.tsv; every number below is in those tables.",
        "",
    ]
    lines += answers_section(overall, correlations, trends, delay_measure, kind)
    lines += h1_section(overall, tests)
    lines += h2_section(correlations)
    lines += h3_section(trends)
    lines += beyond_section(overall, delay_measure)
    return "\n".join(lines)
