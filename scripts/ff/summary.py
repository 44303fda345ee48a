"""summary.md: for each hypothesis, data set and training, supported or not, with the numbers.

Written from the statistics tables alone, so it can never disagree with them. The decision
rules are stated in the text they produce.
"""

from __future__ import annotations

import math

import pandas as pd

from ff.answers import BOOTSTRAP_RESAMPLES, HEADLINE_BASIS, SETTLED
from ff.delays import delay_measure
from ff.hypotheses import HYPOTHESES
from ff.metrics import series_labels
from ff.stats import BASES, STRONG
from ff.trainings import HEADLINES, STANDARD_VARIANT, Training

# The paper's open questions, each answered by the trainings with a value of a column:
# (column, value): (question, how to add it to the config).
QUESTIONS = {
    ("method", "backprop"): (
        "backprop, layers read by linear probes",
        "add `backprop` to `methods` (and give `variant_grid` depths and widths of the grid)",
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


def verdict(supported: bool) -> str:
    return "**supported**" if supported else "**not supported**"


def interval(row: pd.Series, estimate: str, digits: int = 2, sign: str = "") -> str:
    return (
        f"{row[estimate]:{sign}.{digits}f} [{row.ci_low:{sign}.{digits}f}, "
        f"{row.ci_high:{sign}.{digits}f}]"
    )


def h1_cell(row: pd.Series) -> str:
    if row.seeds < 2:
        return "**not testable**: fewer than two seeds whose layers differ in delay"
    return (
        f"{verdict(row.supported)}: mean rho {interval(row, 'mean_rho')}, > 0 in "
        f"{row.share_positive:.0%} of {int(row.seeds)} seeds ({int(row.runs)} runs)"
    )


def h1_section(overall: pd.DataFrame, tests: pd.DataFrame) -> list[str]:
    lines = [
        "## H1: deeper layers learn later",
        "",
        "Delay of a layer: the first time (in epochs, interpolated between evaluations) at which "
        "its validation accuracy reaches a fraction q of its final value (`time to q`) or of its "
        "gain since the first evaluation (`gain to q`), or the time of its steepest gain. Per "
        "run with depth >= 2, Spearman's rho between layer index and delay (a run whose layers "
        "all have the same delay has no order and is left out); per seed, the mean over its "
        "runs (runs of one seed share their first layers, so the seed is the replicate); H1 is "
        "supported when the 95% t interval over seeds of that mean lies above 0. Per treatment "
        "(depth >= 3), Page's trend test with seeds as blocks, Holm-adjusted.",
        "",
    ]
    for _, row in overall.assign(series=series_labels(overall)).iterrows():
        name = f"{row.series}, {measure_text(row.measure)}"
        page = tests[
            (tests.definition == row.definition)
            & (tests.dataset == row.dataset)
            & (tests.variant == row.variant)
            & (tests.measure == row.measure)
            & (tests.test == "page_trend")
        ]
        page_text = (
            f"; Page's test significant in {int(page.significant.sum())} of {len(page)} treatments"
            if len(page) and row.seeds >= 2
            else ""
        )
        lines.append(f"- {name}: {h1_cell(row)}{page_text}.")
    return lines + [""]


def h3_text(slopes: pd.DataFrame) -> str:
    """H3's verdict from a series' slopes, indexed by predictor (layer, log2_width)."""
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


def h2_section(overall: pd.DataFrame, correlations: pd.DataFrame) -> list[str]:
    lines = [
        "## H2: shallow-layer accuracy correlates with model accuracy",
        "",
        "The first layer's accuracy against the model's, in treatments with depth >= 2. "
        "Bases: " + "; ".join(f"`{name}` {text}" for name, text in BASES.items()) + ". "
        "On the within-seed bases, per seed the mean Fisher z over its treatments, then a t "
        "interval over seeds, back-transformed; H2 is supported when that r is >= "
        f"{STRONG} and its 95% interval lies above 0. Per treatment (the across-seed bases "
        "too), how many treatments' first-layer r is significant (Benjamini-Hochberg over the "
        "whole table).",
        "",
    ]
    keys_of_row = ["definition", "dataset", "method", "recipe", "variant", "basis", "kind"]
    seed_level = {tuple(row[keys_of_row]): row for _, row in overall.iterrows()}
    first = correlations[correlations.layer == 1]
    first = first.assign(series=series_labels(first))
    for keys, group in first.groupby(keys_of_row, sort=False):
        series, basis, kind = group.series.iloc[0], keys[-2], keys[-1]
        per_treatment = (
            f"median r over treatments {group.r.median():.2f}, significant in "
            f"{int(group.significant.sum())} of {len(group)}"
        )
        if keys in seed_level:
            row = seed_level[keys]
            lines.append(
                f"- {series}, {basis}, {kind}: {verdict(row.supported)}. r "
                f"{interval(row, 'r')} over {int(row.seeds)} seeds; {per_treatment}."
            )
        else:
            lines.append(f"- {series}, {basis}, {kind}: {per_treatment}.")
    return lines + [""]


def h3_section(trends: pd.DataFrame) -> list[str]:
    lines = [
        "## H3: the correlation weakens with depth and width",
        "",
        "Within each seed, Fisher z of every (treatment, layer) correlation with the model "
        "regressed on layer index and log2(width) together (ordinary least squares); each "
        "slope's mean over seeds with a t interval over seeds (a seed's points share layers, so "
        "the seed is the replicate). Weakening means a negative slope whose 95% interval lies "
        "below 0; H3 is supported when the correlation weakens with both, partly supported "
        "when with one of them. Within-seed bases only: the across-seed ones give one "
        "coefficient per treatment and layer, not one per seed.",
        "",
    ]
    if trends.empty:
        return lines + ["- Not testable: the grid needs at least two layers and two widths.", ""]
    trends = trends.assign(series=series_labels(trends))
    for (_, _, series, basis, kind), group in trends.groupby(
        ["dataset", "variant", "series", "basis", "kind"]
    ):
        slopes = group.set_index("predictor")
        lines.append(
            f"- {series}, {basis}, {kind}: {h3_text(slopes)}. {slopes_text(slopes)} "
            f"({int(group.seeds.iloc[0])} seeds, {int(group.points.iloc[0])} points each)."
        )
    return lines + [""]


def measure_text(measure: str) -> str:
    """A delay measure's name as text: `time to 0.9`."""
    return measure.replace("_", " ")


def beyond_section(overall: pd.DataFrame, delay_fraction: float) -> list[str]:
    """H1 under each training that departs from the standard Forward-Forward one, beside it,
    on the time to a fraction of final accuracy and of the gain."""
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
    for measure in (delay_measure(delay_fraction), delay_measure(delay_fraction, of_gain=True)):
        rows = overall[overall.measure == measure]
        lines += [
            f"| {measure_text(measure)} | " + " | ".join(datasets) + " |",
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


def headline_rows(table: pd.DataFrame, training: Training) -> pd.DataFrame:
    """A table's rows of a headline training (ff.trainings.HEADLINES) with nothing changed,
    under the definition of its headline."""
    return table[
        (table.method == training.method)
        & (table.recipe == training.recipe)
        & (table.variant == training.variant([]))
        & (table.definition == training.definition)
    ]


def effect_text(row: pd.Series) -> str:
    if row.seeds < 2:
        return "n/a"
    hypothesis = HYPOTHESES[row.hypothesis]
    digits, sign = hypothesis.digits, "+" if hypothesis.signed else ""
    return interval(row, "estimate", digits, sign)


def stability_text(stability: float) -> str:
    """A whole percentage rounded down, so that 89.5% (unsettled) never reads as 90%."""
    return f"{math.floor(round(stability * 100, 6))}%"


def split_half_text(row: pd.Series) -> str:
    if any(pd.isna(half) or not half for half in (row.half_1, row.half_2)):
        return "too few seeds"  # empty in answers.tsv, NaN once read back
    if row.split_half_agrees:
        return "agrees"
    return f"{row.half_1} / {row.half_2}"


def answers_section(answers: pd.DataFrame, delay_fraction: float, kind: str) -> list[str]:
    """One table: each claim per data set, under the paper's recipe and definitions first,
    then under this project's, with its effect, stability and split-half replication."""
    lines = [
        "## Answers",
        "",
        "Does each claim of the paper reproduce with the paper's own recipe and definitions "
        "(a layer's accuracy: its share of positive and negative samples on the right side of "
        "the threshold; the model's: its linear read-out), and does it hold with this "
        "project's Adam recipe and label definitions (the label with the highest goodness)? "
        f"H1 on {measure_text(delay_measure(delay_fraction))}; H2 and H3 on the "
        f"{kind.title()} correlation of each layer with the model over training "
        f"(`{HEADLINE_BASIS}`), as the paper measured it.",
        "",
        "Every effect is a mean over seeds of one value per seed, with a 95% t interval over "
        "seeds: runs that share a seed share data order, negatives and (through trunks) whole "
        "layers, so they are not independent replicates. Verdict rules: "
        + "; ".join(f"{h.id}: supported when {h.rule_text}" for h in HYPOTHESES.values())
        + f". Stability: the share of {BOOTSTRAP_RESAMPLES} bootstrap resamples of the seeds "
        f"that give the same verdict; below {SETTLED:.0%} the verdict reads *unsettled*. "
        "Split-half: the verdict on each of two disjoint halves of the seeds (alternate seeds).",
        "",
    ]
    rows = []
    for training in HEADLINES:
        rows.append(headline_rows(answers, training).assign(name=training.headline_text))
    table = pd.concat(rows) if rows else answers.iloc[:0]
    if table.empty:
        return lines + ["No standard Forward-Forward training in this study.", ""]
    order = {hypothesis: index for index, hypothesis in enumerate(HYPOTHESES)}
    table = table.assign(order=table.hypothesis.map(order)).sort_values(
        ["order", "dataset"], kind="stable"
    )
    lines += [
        "| claim | data set | recipe and definitions | verdict | effect [95% CI] "
        "| stability | split-half |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, row in table.iterrows():
        stability = "n/a" if pd.isna(row.stability) else stability_text(row.stability)
        claim = HYPOTHESES[row.hypothesis].claim
        lines.append(
            f"| {claim} | {row.dataset} | {row['name']} | **{row.verdict}** "
            f"| {effect_text(row)} | {stability} | {split_half_text(row)} |"
        )
    return lines + [""]


def summary_markdown(
    answers: pd.DataFrame,
    overall: pd.DataFrame,
    tests: pd.DataFrame,
    correlation_overall: pd.DataFrame,
    correlations: pd.DataFrame,
    trends: pd.DataFrame,
    delay_fraction: float = 0.9,
    kind: str = "pearson",
) -> str:
    lines = [
        "# Summary of the hypothesis tests",
        "",
        "Generated from results/stats/*.tsv; every number below is in those tables.",
        "",
    ]
    lines += answers_section(answers, delay_fraction, kind)
    lines += h1_section(overall, tests)
    lines += h2_section(correlation_overall, correlations)
    lines += h3_section(trends)
    lines += beyond_section(overall, delay_fraction)
    return "\n".join(lines)


def results_page(
    answers: pd.DataFrame, study: str, figures: list[str], delay_fraction: float, kind: str
) -> str:
    """docs/results.md: the study's answers and its headline figures, as README shows them;
    written by the workflow from the same table as summary.md, so the two cannot drift."""
    lines = [
        "# Results",
        "",
        f"Written by rule `results_page` from `results/stats/answers.tsv` of {study}. The "
        "detail, every basis, measure and training, is in `results/stats/summary.md`; every "
        "figure with its caption in the report (`snakemake --report report.html`).",
        "",
    ]
    lines += [f"![{figure}](figures/{figure}.png)\n" for figure in figures]
    return "\n".join(lines + answers_section(answers, delay_fraction, kind)[1:])
