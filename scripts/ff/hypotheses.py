"""The hypothesis registry: every claim the study tests, in one place.

An entry says what the claim is (its question and its short name), how one seed's evidence
for it is computed from the statistics tables (`per_seed`), the rule that decides it on the
mean over seeds and its 95% interval, and how its effect is named and drawn. The answers
(ff.answers), the statistics tables' verdict columns, summary.md and fig_hypotheses all read
it. Adding a claim = one entry here + its per-seed function + a caption line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ff import delays as ff_delays
from ff import stats
from ff.stats import SERIES_KEYS

# A per-seed function takes the layer delays of one delay measure and the within-seed
# layer-model correlations of one basis and kind (ff.stats) and returns one value per series
# and seed: columns SERIES_KEYS, seed, value.
PerSeed = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]
# A rule takes the mean over seeds and its 95% interval (scalars or arrays, on the scale of
# the per-seed values) and says whether the claim is supported.
Rule = Callable[..., object]


@dataclass(frozen=True)
class Hypothesis:
    id: str  # "H1"; the `hypothesis` column of answers.tsv
    claim: str  # the claim in a few words, as summary.md's table names it
    question: str  # the question fig_hypotheses asks of it
    per_seed: PerSeed
    rule: Rule
    rule_text: str  # when it is supported, in words
    effect: str  # what its effect is, as answers.tsv names it
    axis_title: str  # the effect's axis in fig_hypotheses
    scale: str = "identity"  # "tanh": per-seed values are Fisher z, shown as r
    references: tuple[float, ...] = (0.0,)  # reference lines of its panel, on the shown scale
    digits: int = 2  # decimals of its effect in summary.md
    signed: bool = False  # its effect written with a sign (a slope)
    # for a per-seed function that gives one value per predictor (correlation_slopes): the
    # predictor of ff.stats.TREND_PREDICTORS this claim is decided on
    predictor: str = ""


# --- per-seed values --------------------------------------------------------------------------


def delay_trend(delays: pd.DataFrame, correlations: pd.DataFrame) -> pd.DataFrame:
    trends = ff_delays.seed_delay_trends(delays)
    return trends.assign(value=trends.rho)


def first_layer_tracks_model(delays: pd.DataFrame, correlations: pd.DataFrame) -> pd.DataFrame:
    first = stats.seed_first_layer_correlations(correlations)
    return first.assign(value=first.z)


def correlation_slopes(delays: pd.DataFrame, correlations: pd.DataFrame) -> pd.DataFrame:
    """The per-seed slopes of the layer-model correlation on each of stats.TREND_PREDICTORS
    (a `predictor` column): one fit per seed serves both H3 claims."""
    slopes = stats.seed_trend_slopes(correlations)
    return slopes.assign(value=slopes.slope)


# --- rules ------------------------------------------------------------------------------------


def interval_above_zero(estimate, low, high):
    return low > 0


def strong_and_above_zero(estimate, low, high):
    return (estimate >= np.arctanh(stats.STRONG)) & (low > 0)


def interval_below_zero(estimate, low, high):
    return high < 0


HYPOTHESES = {
    hypothesis.id: hypothesis
    for hypothesis in [
        Hypothesis(
            id="H1",
            claim="H1: deeper layers learn later",
            question="H1: deeper layers reach their final accuracy later",
            per_seed=delay_trend,
            rule=interval_above_zero,
            rule_text="the 95% interval lies above 0",
            effect="mean over seeds of rho(layer, delay)",
            axis_title="Spearman rho of delay with layer index",
        ),
        Hypothesis(
            id="H2",
            claim="H2: the first layer tracks the model",
            question="H2: the first layer's accuracy tracks the model's",
            per_seed=first_layer_tracks_model,
            rule=strong_and_above_zero,
            rule_text=f"r >= {stats.STRONG} and its 95% interval lies above 0",
            effect="first layer's r with the model (mean Fisher z over seeds)",
            axis_title="Layer 1's r with the model",
            scale="tanh",
            references=(0.0, stats.STRONG),
        ),
        Hypothesis(
            id="H3 depth",
            claim="H3: weakens with depth",
            question="H3: the layer-model correlation falls with the layer index",
            per_seed=correlation_slopes,
            predictor="layer",
            rule=interval_below_zero,
            rule_text="the 95% interval lies below 0",
            effect="slope of Fisher z on layer index (mean over seeds)",
            axis_title="Slope of Fisher z per layer",
            digits=3,
            signed=True,
        ),
        Hypothesis(
            id="H3 width",
            claim="H3: weakens with width",
            question="H3: the layer-model correlation falls with the width",
            per_seed=correlation_slopes,
            predictor="log2_width",
            rule=interval_below_zero,
            rule_text="the 95% interval lies below 0",
            effect="slope of Fisher z on log2(width) (mean over seeds)",
            axis_title="Slope of Fisher z per doubling of width",
            digits=3,
            signed=True,
        ),
    ]
}
# H3's claims by the predictor of ff.stats.seed_trend_slopes they are decided on
H3_BY_PREDICTOR = {h.predictor: h for h in HYPOTHESES.values() if h.predictor}


def seed_values(
    delays: pd.DataFrame, per_seed: pd.DataFrame, delay_measure: str, basis: str, kind: str
) -> pd.DataFrame:
    """One value per hypothesis, series and seed (long: hypothesis, SERIES_KEYS, seed, value),
    on one delay measure, one correlation basis and kind; NaN where a seed has none (H1: no
    run of the seed orders its layers), so that such a series still has a row."""
    delays = delays[delays.measure == delay_measure]
    correlations = per_seed[(per_seed.basis == basis) & (per_seed.kind == kind)]
    computed = {}  # each per-seed function once, however many claims read it
    parts = []
    for hypothesis in HYPOTHESES.values():
        if hypothesis.per_seed not in computed:
            computed[hypothesis.per_seed] = hypothesis.per_seed(delays, correlations)
        values = computed[hypothesis.per_seed]
        if hypothesis.predictor:
            values = values[values.predictor == hypothesis.predictor]
        parts.append(values.assign(hypothesis=hypothesis.id))
    return pd.concat([part[["hypothesis", *SERIES_KEYS, "seed", "value"]] for part in parts])


# --- the statistics tables, judged by the rules ------------------------------------------------


def h1_table(delays: pd.DataFrame) -> pd.DataFrame:
    """ff.delays.overall_trend, `supported` by H1's rule."""
    return ff_delays.overall_trend(delays, HYPOTHESES["H1"].rule)


def h2_table(per_seed: pd.DataFrame) -> pd.DataFrame:
    """ff.stats.first_layer_correlation, `supported` by H2's rule."""
    return stats.first_layer_correlation(per_seed, HYPOTHESES["H2"].rule)


def h3_table(per_seed: pd.DataFrame) -> pd.DataFrame:
    """ff.stats.correlation_trends, each predictor's `weakens` by its H3 claim's rule."""
    rules = {predictor: hypothesis.rule for predictor, hypothesis in H3_BY_PREDICTOR.items()}
    return stats.correlation_trends(per_seed, rules)
