"""summary.md: for each hypothesis, data set and method, supported or not, with the numbers.

Written from the statistics tables alone, so it can never disagree with them. The decision
rules are stated in the text they produce.
"""

from __future__ import annotations

import pandas as pd

from ff.stats import ALPHA, METHODS

STRONG = 0.7  # |r| from which a correlation is called strong


def study(dataset: str, variant: str) -> str:
    """A data set, and the treatment variant when it is not the standard one."""
    return dataset if variant == "standard" else f"{dataset} ({variant})"


def verdict(supported: bool) -> str:
    return "**supported**" if supported else "**not supported**"


def h1_section(overall: pd.DataFrame, tests: pd.DataFrame) -> list[str]:
    lines = [
        "## H1: deeper layers learn later",
        "",
        "Delay of a layer: the first time (in epochs, interpolated between evaluations) at which "
        "its validation accuracy reaches a fraction q of its final value, or the time of its "
        "steepest gain. Per data set, a one-sided Wilcoxon signed-rank test over all "
        "(treatment, seed) runs with depth >= 2 asks whether Spearman's rho between layer index "
        f"and delay is above 0; H1 is supported when p < {ALPHA} and most runs (> 50%) have "
        "rho > 0. Per treatment (depth >= 3), Page's trend test with seeds as blocks, "
        "Holm-adjusted.",
        "",
    ]
    for (dataset, variant, measure), row in overall.set_index(
        ["dataset", "variant", "measure"]
    ).iterrows():
        supported = row.p_value < ALPHA and row.share_positive > 0.5
        page = tests[
            (tests.dataset == dataset)
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
            f"- {study(dataset, variant)}, {measure.replace('_', ' ')}: {verdict(supported)}. "
            f"Mean rho {row.mean_rho:.2f}, rho > 0 in {row.share_positive:.0%} of "
            f"{int(row.blocks)} runs, p = {row.p_value:.2g}{page_text}."
        )
    return lines + [""]


def h2_section(correlations: pd.DataFrame) -> list[str]:
    lines = [
        "## H2: shallow-layer accuracy correlates with model accuracy",
        "",
        "The first layer's accuracy against the model's (goodness summed over all layers), "
        "in treatments with depth >= 2. Methods: "
        + "; ".join(f"`{name}` {text}" for name, text in METHODS.items())
        + ". Within-seed coefficients are pooled over seeds through Fisher's z (t interval "
        "over seeds); p-values are Benjamini-Hochberg adjusted over the whole table. "
        f"H2 is supported when the median over treatments of r is >= {STRONG} and r is "
        "significant in at least half of them.",
        "",
    ]
    first = correlations[correlations.layer == 1]
    for (dataset, variant, method, kind), group in first.groupby(
        ["dataset", "variant", "method", "kind"]
    ):
        median = group.r.median()
        share = group.significant.mean()
        supported = median >= STRONG and share >= 0.5
        lines.append(
            f"- {study(dataset, variant)}, {method}, {kind}: {verdict(supported)}. "
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
    for (dataset, variant, method, kind), group in trends.groupby(
        ["dataset", "variant", "method", "kind"]
    ):
        slopes = group.set_index("predictor")
        parts = [
            f"{name} slope {row.slope:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}]"
            for name, row in slopes.iterrows()
        ]
        weakens = [name for name, row in slopes.iterrows() if row.weakens]
        if len(weakens) == len(slopes):
            text = verdict(True)
        elif weakens:
            text = f"**partly supported** (weakens with {' and '.join(weakens)} only)"
        else:
            text = verdict(False)
        lines.append(
            f"- {study(dataset, variant)}, {method}, {kind}: {text}. "
            + "; ".join(parts)
            + f" ({int(group.points.iloc[0])} points)."
        )
    return lines + [""]


def summary_markdown(
    overall: pd.DataFrame, tests: pd.DataFrame, correlations: pd.DataFrame, trends: pd.DataFrame
) -> str:
    lines = [
        "# Summary of the hypothesis tests",
        "",
        "Generated from results/stats/*.tsv; every number below is in those tables.",
        "",
    ]
    lines += h1_section(overall, tests)
    lines += h2_section(correlations)
    lines += h3_section(trends)
    return "\n".join(lines)
