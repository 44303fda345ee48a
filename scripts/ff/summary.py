"""summary.md: for each hypothesis, data set and training, supported, contradicted or
inconclusive on each of its measures, with the numbers.

Written from the statistics tables alone, so it can never disagree with them. The decision
rules are stated in the text they produce.
"""

from __future__ import annotations

import math

import pandas as pd

from ff.answers import BOOTSTRAP_RESAMPLES, MIN_HALF_SEEDS, MIN_SEEDS, SETTLED
from ff.delays import delay_measure
from ff.hypotheses import (
    H3_BY_PREDICTOR,
    HYPOTHESES,
    NOT_TESTABLE,
    SUPPORTED,
    Hypothesis,
    measure_text,
)
from ff.metrics import series_labels
from ff.part_whole import part_whole_lines
from ff.stats import BASES
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


# --- cells -------------------------------------------------------------------------------------


def rule(hypothesis: Hypothesis) -> str:
    """A claim's decision rule in words, all three verdicts."""
    return f"{hypothesis.rule_text}, inconclusive when it contains {hypothesis.threshold:g}"


def verdict_text(verdict: str, seeds: int) -> str:
    """A verdict in bold, marked underpowered when it rests on fewer than MIN_SEEDS seeds."""
    if verdict == NOT_TESTABLE or seeds >= MIN_SEEDS:
        return f"**{verdict}**"
    return f"**{verdict}**, underpowered ({int(seeds)} seeds)"


def interval(row: pd.Series, estimate: str, digits: int = 2, sign: str = "") -> str:
    """An estimate with its 95% interval; n/a without an interval (fewer than two seeds)."""
    if pd.isna(row.ci_low):
        return "n/a"
    return (
        f"{row[estimate]:{sign}.{digits}f} [{row.ci_low:{sign}.{digits}f}, "
        f"{row.ci_high:{sign}.{digits}f}]"
    )


# --- H1, H2, H3 --------------------------------------------------------------------------------


def h1_cell(row: pd.Series) -> str:
    """A row of the H1 table (ff.hypotheses.h1_table) in words."""
    if row.verdict == NOT_TESTABLE:
        return "**not testable**: fewer than two seeds"
    return (
        f"{verdict_text(row.verdict, row.seeds)}: mean rho {interval(row, 'mean_rho')}, > 0 in "
        f"{row.share_positive:.0%} of {int(row.seeds)} seeds ({int(row.runs)} runs, "
        f"{int(row.tied_runs)} tied)"
    )


def h1_section(overall: pd.DataFrame, tests: pd.DataFrame) -> list[str]:
    lines = [
        "## H1: deeper layers learn later",
        "",
        "Delay of a layer: the first time (in epochs, interpolated between evaluations) at which "
        "its validation accuracy reaches a fraction q of its final value (`time to q`) or of its "
        "gain since the first evaluation (`gain to q`), or the time of its steepest gain. Per "
        "run with depth >= 2, Spearman's rho between layer index and delay; a run whose layers "
        "all have the same delay counts as rho = 0 (no order). Per seed, the mean over its runs "
        "(runs of one seed share their first layers, so the seed is the replicate). H1 is "
        "decided on the 95% t interval over seeds of that mean: "
        f"{rule(HYPOTHESES['H1'])}. Per treatment (depth >= 3), Page's trend test with seeds "
        "as blocks, Holm-adjusted.",
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


def h2_section(overall: pd.DataFrame, correlations: pd.DataFrame) -> list[str]:
    h2 = HYPOTHESES["H2"]
    lines = [
        "## H2: shallow-layer accuracy correlates with model accuracy",
        "",
        "The first layer's accuracy against the model's, in treatments with depth >= 2. "
        "Bases: " + "; ".join(f"`{name}` {text}" for name, text in BASES.items()) + ". "
        "On the within-seed bases, per seed the mean Fisher z over its treatments, then a t "
        "interval over seeds, back-transformed. H2 claims a strong correlation, one whose 95% "
        f"interval lies above {h2.threshold:g}: it is {rule(h2)}. Per treatment (the "
        "across-seed bases too), how many treatments' first-layer r is significant "
        "(Benjamini-Hochberg over the whole table).",
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
                f"- {series}, {basis}, {kind}: {verdict_text(row.verdict, row.seeds)}. r "
                f"{interval(row, 'r')} over {int(row.seeds)} seeds; {per_treatment}."
            )
        else:
            lines.append(f"- {series}, {basis}, {kind}: {per_treatment}.")
    return lines + [""]


def slopes_text(slopes: pd.DataFrame) -> str:
    """Each predictor's verdict and slope, from a series' H3 rows indexed by predictor."""
    return "; ".join(
        f"{predictor}: {verdict_text(row.verdict, row.seeds)}, slope "
        f"{interval(row, 'slope', 3, '+')}"
        for predictor, row in slopes.iterrows()
    )


def h3_section(trends: pd.DataFrame) -> list[str]:
    rules = "; ".join(f"{h.id} (`{p}`): {rule(h)}" for p, h in H3_BY_PREDICTOR.items())
    lines = [
        "## H3: the correlation weakens with depth and width",
        "",
        "Within each seed, Fisher z of every (treatment, layer) correlation with the model "
        "regressed on layer index and log2(width) together, with one intercept per network "
        "depth (ordinary least squares): layer index and network depth move together, so the "
        "layer slope compares layers within networks of one depth. Each slope's mean over seeds "
        "with a t interval over seeds (a seed's points share layers, so the seed is the "
        f"replicate). Weakening is a negative slope: {rules}. Within-seed bases only: the "
        "across-seed ones give one coefficient per treatment and layer, not one per seed.",
        "",
    ]
    if trends.empty:
        return lines + ["- Not testable: the grid needs at least two layers and two widths.", ""]
    trends = trends.assign(series=series_labels(trends))
    for (_, _, series, basis, kind), group in trends.groupby(
        ["dataset", "variant", "series", "basis", "kind"]
    ):
        slopes = group.set_index("predictor").reindex(list(H3_BY_PREDICTOR)).dropna(how="all")
        lines.append(
            f"- {series}, {basis}, {kind}: {slopes_text(slopes)} "
            f"({int(group.seeds.iloc[0])} seeds, {int(group.points.iloc[0])} points each)."
        )
    return lines + [""]


def part_whole_section(check: pd.DataFrame) -> list[str]:
    """How part-whole correlation enters each definition of the model's accuracy, and the
    check on the recorded model without layer 1 (ff.part_whole)."""
    return [
        "### Part-whole correlation",
        "",
        "A layer that is part of the model is correlated with it in part by construction. "
        "Under the paper's definitions the model is a linear read-out of layers 2..depth "
        "(scripts/ff/paper_recipe.py), so layer 1 is not part of it: H2 is free of part-whole "
        "correlation. "
        "Every deeper layer is part of what it is correlated with, which favours deeper layers "
        "and so works against H3 with depth. Under the label definitions the Forward-Forward "
        "model sums every layer's goodness, so every layer, layer 1 included, is part of it. "
        "The check: layer 1's r with the recorded model without layer 1 (goodness summed over "
        "layers 2..depth), beside its r with the whole model, as H2 computes it.",
        "",
        *part_whole_lines(check),
        "",
    ]


# --- beyond the paper ----------------------------------------------------------------------


def delay_table(overall: pd.DataFrame, measure: str, trainings: pd.DataFrame) -> list[str]:
    """H1 on one delay measure: a row per training, a column per data set."""
    rows = overall[overall.measure == measure]
    datasets = list(dict.fromkeys(overall.dataset))
    lines = [
        f"| {measure_text(measure)} | " + " | ".join(datasets) + " |",
        "| --- |" + " --- |" * len(datasets),
    ]
    for variant, training in trainings.itertuples(index=False):
        cells = []
        for dataset in datasets:
            match = rows[(rows.dataset == dataset) & (rows.variant == variant)]
            cells.append(h1_cell(match.iloc[0]) if len(match) else "not trained")
        lines.append(f"| {training} | " + " | ".join(cells) + " |")
    return lines + [""]


def beyond_section(overall: pd.DataFrame, delay_fraction: float) -> list[str]:
    """H1 under each training that departs from the standard Forward-Forward one, beside it,
    on the time to a fraction of the gain (first) and of final accuracy (for reference)."""
    overall = overall[overall.definition == "label"]  # the one every training has
    gain, time = (delay_measure(delay_fraction, of_gain=of_gain) for of_gain in (True, False))
    lines = [
        "## Beyond the paper: is the depth delay special to standard Forward-Forward training?",
        "",
        "The H1 test above for every training in this study, side by side per data set, on "
        "this project's label definition of accuracy (the one every training has). First on "
        f"`{measure_text(gain)}`, the time to a fraction of the gain since the first "
        "evaluation, for every training, backprop included: a linear probe on an untrained "
        "layer already reads about 0.8 (on MNIST), so the time to a share of the final value "
        "favours a layer that starts high; the gain since the first evaluation does not. Then "
        f"on `{measure_text(time)}`, for reference. Backprop trains the same MLP end to end "
        "with cross-entropy; its layer accuracy is that of a linear (ridge) probe fitted on "
        "training images at every evaluation point. Hard negatives: the wrong label the "
        "network finds most plausible. Greedy: one layer after another, so a deeper layer "
        "cannot learn before its turn and H1 holds there by construction. A verdict on fewer "
        f"than {MIN_SEEDS} seeds is marked underpowered.",
        "",
    ]
    # standard Forward-Forward first, then the other trainings by variant label
    trainings = overall.drop_duplicates("variant").assign(
        later=lambda frame: frame.variant != STANDARD_VARIANT
    )
    trainings = trainings.sort_values(["later", "variant"])[["variant", "training"]]
    lines += delay_table(overall, gain, trainings) + delay_table(overall, time, trainings)
    for (column, value), (question, how) in QUESTIONS.items():
        if value not in set(overall[column]):
            lines.append(f"- {question}: not in this study; {how} in the config to answer it.")
    return lines + [""]


# --- the answers -------------------------------------------------------------------------------


def headline_rows(table: pd.DataFrame, training: Training) -> pd.DataFrame:
    """A table's rows of a headline training (ff.trainings.HEADLINES) with nothing changed,
    under the definition of its headline."""
    return table[
        (table.method == training.method)
        & (table.recipe == training.recipe)
        & (table.variant == training.variant([]))
        & (table.definition == training.definition)
    ]


def headline_answers(answers: pd.DataFrame, delay_fraction: float) -> pd.DataFrame:
    """The answers of the headline trainings, named (`name`), by claim, data set, headline
    training and measure (the paper's first)."""
    parts = [
        headline_rows(answers, training).assign(name=training.headline_text, order=index)
        for index, training in enumerate(HEADLINES)
    ]
    table = pd.concat(parts)  # HEADLINES is never empty (ff.trainings)
    claims = {hypothesis: index for index, hypothesis in enumerate(HYPOTHESES)}
    measures = {
        measure.name: index
        for hypothesis in HYPOTHESES.values()
        for index, measure in enumerate(hypothesis.measures(delay_fraction))
    }
    return table.assign(
        claim_order=table.hypothesis.map(claims), measure_order=table.measure.map(measures)
    ).sort_values(["claim_order", "dataset", "order", "measure_order"])


def effect_text(row: pd.Series) -> str:
    hypothesis = HYPOTHESES[row.hypothesis]
    return interval(row, "estimate", hypothesis.digits, "+" if hypothesis.signed else "")


def stability_text(stability: float) -> str:
    """A whole percentage rounded down, so that 89.5% (unsettled) never reads as 90%."""
    return f"{math.floor(round(stability * 100, 6))}%"


def stability_cell(row: pd.Series) -> str:
    if pd.isna(row.stability):
        return "n/a"
    return stability_text(row.stability) + ("" if row.settled else " (unsettled)")


def split_half_text(row: pd.Series) -> str:
    if any(pd.isna(half) or not half for half in (row.half_1, row.half_2)):
        return "too few seeds"  # empty in answers.tsv, NaN once read back
    if row.split_half_agrees:
        return "agrees"
    return f"disagrees: {row.half_1} / {row.half_2}"


def paper_only_text(paper: pd.DataFrame) -> str:
    """Which claims, on the paper's measure, are supported there but not on every measure."""
    rows = paper[(paper.verdict == SUPPORTED) & ~paper.robust.astype(bool)]
    if rows.empty:
        return (
            "No claim holds only on the paper's measure: each one supported there is supported "
            "on every measure."
        )
    return (
        "Claims that hold only on the paper's measure, supported there but not on every "
        "measure: "
        + "; ".join(
            f"{HYPOTHESES[row.hypothesis].claim} ({row.dataset}, {row['name']}): {row.robustness}"
            for _, row in rows.iterrows()
        )
        + "."
    )


def convergence_cell(row: pd.Series) -> str:
    """How many of the series' treatments converged: "yes (9 of 9)", or "**no**: 7 of 9 still
    rising"; "not measured" for answers made before convergence was."""
    if "treatments" not in row or pd.isna(row.treatments):
        return "not measured"
    treatments, converged = int(row.treatments), int(row.converged_treatments)
    if converged == treatments:
        return f"yes ({treatments} of {treatments})"
    return f"**no**: {treatments - converged} of {treatments} still rising"


def answers_intro(delay_fraction: float, kind: str, window: float, tolerance: float) -> list[str]:
    time, gain, steepest = (m.text for m in HYPOTHESES["H1"].measures(delay_fraction))
    levels, differences = (m.text for m in HYPOTHESES["H2"].measures(delay_fraction))
    rules = "; ".join(f"{h.id}: {h.rule_text}" for h in HYPOTHESES.values())
    return [
        "Does each claim of the paper reproduce with the paper's own recipe and definitions "
        "(a layer's accuracy: its share of positive and negative samples on the right side of "
        "the threshold; the model's: its linear read-out), and does it hold with this "
        "project's Adam recipe and label definitions (the label with the highest goodness)? "
        "Each claim is decided on the paper's measure, which this table shows, and on the "
        f"other defensible ones: H1 on `{time}` (as the paper measured it), with `{gain}` (of "
        f"the gain since the first evaluation) and `{steepest}` beside it; H2 and H3 on the "
        f"{kind.title()} correlation of each layer with the model over training, on `{levels}` "
        f"(as the paper measured it) and on first `{differences}`, which remove the upward "
        "trend every learning curve shares.",
        "",
        "Every effect is a mean over seeds of one value per seed, with a 95% t interval over "
        "seeds: runs that share a seed share data order, negatives and (through trunks) whole "
        f"layers, so they are not independent replicates. Verdicts: {rules}; inconclusive when "
        "the interval contains the threshold; not testable with fewer than two seeds. "
        f"Underpowered: fewer than {MIN_SEEDS} seeds. Stability: the share of "
        f"{BOOTSTRAP_RESAMPLES} bootstrap resamples of the seeds that give the same verdict; "
        f"below {SETTLED:.0%} the verdict is *unsettled*. Split-half: the verdict on each of two "
        "disjoint halves of the seeds (alternate seeds), where each half has at least "
        f"{MIN_HALF_SEEDS} seeds. On every measure: the claim's verdicts on all its measures, "
        "one word where they agree. Converged: the treatments of the series whose every "
        "validation curve (each layer's and the model's) has levelled off, the 95% interval "
        f"over seeds of its gain over the last {window:.0%} of training below {tolerance:g}; "
        "a verdict on curves still rising describes networks partway through learning.",
        "",
    ]


def answers_section(
    answers: pd.DataFrame,
    delay_fraction: float,
    kind: str,
    window: float = 0.2,
    tolerance: float = 0.01,
) -> list[str]:
    """One table: each claim per data set on the paper's measure, under the paper's recipe
    and definitions first, then under this project's, with its effect, how sure it is and
    whether it holds on every measure; then the claims that hold on the paper's measure only."""
    lines = ["## Answers", "", *answers_intro(delay_fraction, kind, window, tolerance)]
    table = headline_answers(answers, delay_fraction)
    paper = table[table.paper_measure.astype(bool)]
    if paper.empty:
        return lines + ["No standard Forward-Forward training in this study.", ""]
    lines += [
        "| claim | data set | recipe and definitions | verdict | effect [95% CI] "
        "| stability | split-half | on every measure | converged |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, row in paper.iterrows():
        lines.append(
            f"| {HYPOTHESES[row.hypothesis].claim} | {row.dataset} | {row['name']} "
            f"| {verdict_text(row.verdict, row.seeds)} | {effect_text(row)} "
            f"| {stability_cell(row)} | {split_half_text(row)} | {row.robustness} "
            f"| {convergence_cell(row)} |"
        )
    return lines + ["", paper_only_text(paper), ""]


def measures_section(answers: pd.DataFrame, delay_fraction: float) -> list[str]:
    """Each headline claim on each of its measures, the paper's first."""
    table = headline_answers(answers, delay_fraction)
    if table.empty:
        return []
    lines = [
        "## Every measure",
        "",
        "Each claim of the table above on each of its measures, the paper's first.",
        "",
        "| claim | data set | recipe and definitions | measure | verdict | effect [95% CI] "
        "| stability | seeds |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, row in table.iterrows():
        measure = measure_text(row.measure) + (" (the paper's)" if row.paper_measure else "")
        lines.append(
            f"| {HYPOTHESES[row.hypothesis].claim} | {row.dataset} | {row['name']} | {measure} "
            f"| **{row.verdict}** | {effect_text(row)} | {stability_cell(row)} "
            f"| {int(row.seeds)} |"
        )
    return lines + [""]


# --- the documents -------------------------------------------------------------------------


def summary_markdown(
    answers: pd.DataFrame,
    overall: pd.DataFrame,
    tests: pd.DataFrame,
    correlation_overall: pd.DataFrame,
    correlations: pd.DataFrame,
    trends: pd.DataFrame,
    part_whole: pd.DataFrame,
    delay_fraction: float,
    kind: str,
    window: float,
    tolerance: float,
) -> str:
    lines = [
        "# Summary of the hypothesis tests",
        "",
        "Generated from the study's stats/*.tsv; every number below is in those tables.",
        "",
    ]
    lines += answers_section(answers, delay_fraction, kind, window, tolerance)
    lines += measures_section(answers, delay_fraction)
    lines += h1_section(overall, tests)
    lines += h2_section(correlation_overall, correlations)
    lines += h3_section(trends)
    lines += part_whole_section(part_whole)
    lines += beyond_section(overall, delay_fraction)
    return "\n".join(lines)


def results_page(
    answers: pd.DataFrame,
    study: str,
    figures: list[str],
    delay_fraction: float,
    kind: str,
    commit: str | None,
    uncommitted: bool = False,
    window: float = 0.2,
    tolerance: float = 0.01,
    stats: str = "results/default/stats",
) -> str:
    """docs/results.md (or docs/<study>/results.md): the study's answers and its headline
    figures, as README shows them; written by the workflow from the same table as summary.md,
    so the two cannot drift. `commit`: the workflow's commit the run was made from (None: not
    a git checkout), and whether its code had `uncommitted` changes; `stats`: the folder of
    the study's tables."""
    if commit is None:
        source = " (not a git checkout)"
    else:
        source = f" at commit {commit}" + (", with uncommitted changes," if uncommitted else "")
    lines = [
        "# Results",
        "",
        f"Written by rule `results_page`{source} from `{stats}/answers.tsv` of "
        f"{study}. The detail, every basis, measure and training, is in "
        f"`{stats}/summary.md`; every "
        "figure with its caption in the report (`snakemake --report report.html`).",
        "",
    ]
    lines += [f"![{figure}](figures/{figure}.png)\n" for figure in figures]
    section = answers_section(answers, delay_fraction, kind, window, tolerance)
    return "\n".join(lines + section[1:])
