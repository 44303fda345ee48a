"""The hypothesis registry: every claim the study tests, in one place.

An entry says what the claim is (its question and its short name), what it reads and on which
measures (`measures`: the paper's and the other defensible ones), how one seed's evidence for
it is computed (`per_seed`), the threshold that decides it on the 95% interval over seeds
(supported, contradicted or inconclusive), and how its effect is named and drawn. The answers
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

# A per-seed function takes the rows of one measure of what its claim reads (the layer delays
# of one delay measure, or the within-seed layer-model correlations of one basis and kind;
# ff.delays, ff.stats) and returns one value per series and seed: columns SERIES_KEYS, seed,
# value.
PerSeed = Callable[[pd.DataFrame], pd.DataFrame]

SUPPORTED, CONTRADICTED, INCONCLUSIVE = "supported", "contradicted", "inconclusive"
NOT_TESTABLE = "not testable"
VERDICTS = (SUPPORTED, CONTRADICTED, INCONCLUSIVE, NOT_TESTABLE)
# codes of the three verdicts, as `Hypothesis.judge` returns them (comparable in bulk)
VERDICT_OF_CODE = {1: SUPPORTED, -1: CONTRADICTED, 0: INCONCLUSIVE}


def measure_text(name: str) -> str:
    """A measure's name as text: `time to 0.9`."""
    return name.replace("_", " ")


@dataclass(frozen=True)
class Measure:
    """One defensible way to measure what a claim is about, as the tables name it."""

    name: str  # the `measure` of the delay tables, or the `basis` of the correlation tables
    paper: bool  # the paper's own measure

    @property
    def text(self) -> str:
        return measure_text(self.name)


def delay_measures(fraction: float) -> tuple[Measure, ...]:
    """H1's measures: the time to `fraction` of the final accuracy (the paper's), of the gain
    since the first evaluation (which does not favour a layer that starts high), and the time
    of the steepest gain."""
    return (
        Measure(ff_delays.delay_measure(fraction), paper=True),
        Measure(ff_delays.delay_measure(fraction, of_gain=True), paper=False),
        Measure("steepest_gain", paper=False),
    )


# H2's and H3's: the correlation over training (the paper's), and of its first differences,
# which removes the upward trend every learning curve shares. The across-seed bases give one
# coefficient per treatment, not one per seed, so they enter the per-treatment tables only.
CORRELATION_MEASURES = (Measure("levels", paper=True), Measure("differences", paper=False))


@dataclass(frozen=True)
class Hypothesis:
    id: str  # "H1"; the `hypothesis` column of answers.tsv
    claim: str  # the claim in a few words, as summary.md's table names it
    question: str  # the question fig_hypotheses asks of it
    reads: str  # "delays" (its measures: delay_measures) or "correlations" (CORRELATION_...)
    per_seed: PerSeed
    # The claim is that the effect lies above (`above`) or below `threshold` (on the shown
    # scale): supported when the 95% interval lies on the claim's side of it, contradicted
    # when on the other side, inconclusive when it contains it.
    threshold: float
    above: bool
    effect: str  # what its effect is, as answers.tsv names it
    axis_title: str  # the effect's axis in fig_hypotheses
    scale: str = "identity"  # "tanh": per-seed values are Fisher z, shown as r
    bounds: tuple[float, float] = (-np.inf, np.inf)  # the effect's range on the shown scale
    references: tuple[float, ...] = (0.0,)  # reference lines of its panel, on the shown scale
    digits: int = 2  # decimals of its effect in summary.md
    signed: bool = False  # its effect written with a sign (a slope)
    # for a per-seed function that gives one value per predictor (correlation_slopes): the
    # predictor of ff.stats.TREND_PREDICTORS this claim is decided on
    predictor: str = ""

    @property
    def rule_text(self) -> str:
        claim_side, other = ("above", "below") if self.above else ("below", "above")
        return (
            f"supported when the 95% interval lies {claim_side} {self.threshold:g}, "
            f"contradicted when it lies {other}"
        )

    def judge(self, low, high) -> np.ndarray:
        """The verdict's code (VERDICT_OF_CODE) for 95% intervals on the per-seed scale (a
        scalar or arrays): 1 on the claim's side of the threshold, -1 on the other, 0 across."""
        threshold = np.arctanh(self.threshold) if self.scale == "tanh" else self.threshold
        above = np.asarray(low, dtype=float) > threshold
        below = np.asarray(high, dtype=float) < threshold
        return (1 if self.above else -1) * (above.astype(int) - below.astype(int))

    def verdict(self, low, high) -> str:
        """The verdict in words for one interval on the per-seed scale (NaN: not testable)."""
        if np.isnan(low) or np.isnan(high):
            return NOT_TESTABLE
        return VERDICT_OF_CODE[int(self.judge(low, high))]

    def measures(self, fraction: float) -> tuple[Measure, ...]:
        return delay_measures(fraction) if self.reads == "delays" else CORRELATION_MEASURES

    def shown(self, values):
        """Per-seed-scale values on the shown scale, inside the effect's bounds."""
        values = np.tanh(values) if self.scale == "tanh" else np.asarray(values, dtype=float)
        return np.clip(values, *self.bounds)


# --- per-seed values --------------------------------------------------------------------------


def delay_trend(delays: pd.DataFrame) -> pd.DataFrame:
    trends = ff_delays.seed_delay_trends(delays)
    return trends.assign(value=trends.rho)


def first_layer_tracks_model(correlations: pd.DataFrame) -> pd.DataFrame:
    first = stats.seed_first_layer_correlations(correlations)
    return first.assign(value=first.z)


def correlation_slopes(correlations: pd.DataFrame) -> pd.DataFrame:
    """The per-seed slopes of the layer-model correlation on each of stats.TREND_PREDICTORS
    (a `predictor` column): one fit per seed serves both H3 claims."""
    slopes = stats.seed_trend_slopes(correlations)
    return slopes.assign(value=slopes.slope)


HYPOTHESES = {
    hypothesis.id: hypothesis
    for hypothesis in [
        Hypothesis(
            id="H1",
            claim="H1: deeper layers learn later",
            question="H1: deeper layers learn later",
            reads="delays",
            per_seed=delay_trend,
            threshold=0.0,
            above=True,
            effect="mean over seeds of rho(layer, delay)",
            axis_title="Spearman rho of delay with layer index",
            bounds=(-1.0, 1.0),
        ),
        Hypothesis(
            id="H2",
            claim="H2: the first layer tracks the model",
            question="H2: the first layer's accuracy is strongly correlated with the model's",
            reads="correlations",
            per_seed=first_layer_tracks_model,
            threshold=stats.STRONG,
            above=True,
            effect="first layer's r with the model (mean Fisher z over seeds)",
            axis_title="Layer 1's r with the model",
            scale="tanh",
            references=(0.0, stats.STRONG),
        ),
        Hypothesis(
            id="H3 depth",
            claim="H3: weakens with depth",
            question="H3: the layer-model correlation falls with the layer index",
            reads="correlations",
            per_seed=correlation_slopes,
            predictor="layer",
            threshold=0.0,
            above=False,
            effect="slope of Fisher z on layer index within a depth (mean over seeds)",
            axis_title="Slope of Fisher z per layer",
            digits=3,
            signed=True,
        ),
        Hypothesis(
            id="H3 width",
            claim="H3: weakens with width",
            question="H3: the layer-model correlation falls with the width",
            reads="correlations",
            per_seed=correlation_slopes,
            predictor="log2_width",
            threshold=0.0,
            above=False,
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
    delays: pd.DataFrame, per_seed: pd.DataFrame, delay_fraction: float, kind: str
) -> pd.DataFrame:
    """One value per hypothesis, measure, series and seed (long: hypothesis, measure,
    paper_measure, SERIES_KEYS, seed, value): H1 on each delay measure of `delay_fraction`, H2
    and H3 on each within-seed basis of correlation `kind`; NaN where a seed has none, so that
    such a series still has a row."""
    inputs = {"delays": delays, "correlations": per_seed[per_seed.kind == kind]}
    column = {"delays": "measure", "correlations": "basis"}
    computed = {}  # each per-seed function once per measure, however many claims read it
    parts = []
    for hypothesis in HYPOTHESES.values():
        table = inputs[hypothesis.reads]
        for measure in hypothesis.measures(delay_fraction):
            key = (hypothesis.per_seed, measure.name)
            if key not in computed:
                rows = table[table[column[hypothesis.reads]] == measure.name]
                computed[key] = hypothesis.per_seed(rows)
            values = computed[key]
            if hypothesis.predictor:
                values = values[values.predictor == hypothesis.predictor]
            if values.empty:  # a measure this study has no rows of
                continue
            parts.append(
                values.assign(
                    hypothesis=hypothesis.id, measure=measure.name, paper_measure=measure.paper
                )
            )
    columns = ["hypothesis", "measure", "paper_measure", *SERIES_KEYS, "seed", "value"]
    return pd.concat([part[columns] for part in parts]) if parts else pd.DataFrame(columns=columns)


# --- the statistics tables, judged by the claims ---------------------------------------------


def h1_table(delays: pd.DataFrame) -> pd.DataFrame:
    """ff.delays.overall_trend judged by H1 (a `verdict` column), its interval inside the
    bounds of rho."""
    h1 = HYPOTHESES["H1"]
    table = ff_delays.overall_trend(delays, h1.verdict)
    if len(table):
        table["ci_low"], table["ci_high"] = h1.shown(table.ci_low), h1.shown(table.ci_high)
    return table


def h2_table(per_seed: pd.DataFrame) -> pd.DataFrame:
    """ff.stats.first_layer_correlation judged by H2 (a `verdict` column)."""
    return stats.first_layer_correlation(per_seed, HYPOTHESES["H2"].verdict)


def h3_table(per_seed: pd.DataFrame) -> pd.DataFrame:
    """ff.stats.correlation_trends, each predictor's slope judged by its H3 claim (a
    `verdict` column)."""
    verdicts = {predictor: h.verdict for predictor, h in H3_BY_PREDICTOR.items()}
    return stats.correlation_trends(per_seed, verdicts)
