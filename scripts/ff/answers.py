"""The headline answers: one verdict per hypothesis and study, with how sure it is.

Each hypothesis is decided on one value per seed (ff.stats: H1 a seed's mean rho of delay with
layer, H2 its mean first-layer Fisher z, H3 its slopes of z on layer and on log2(width)), by a
rule on the mean over seeds and its 95% t interval. How sure: the share of bootstrap resamples
of the seeds in which the rule gives the same verdict (stability), and the verdicts of two
disjoint halves of the seeds (split-half). Seeds, not runs, are resampled: seed s shares data
order, negatives and (by depth sharing) whole layers across a study's treatments, so one
resample of seed ids applies to all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from ff import stats
from ff.stats import STUDY_KEYS

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20250415  # fixed, so the same results give the same stability
HEADLINE_BASIS = "levels"  # how the paper correlated layer and model: over training
SETTLED = 0.9  # below this stability a verdict reads "unsettled"
SUPPORTED, NOT_SUPPORTED, UNSETTLED = "supported", "not supported", "unsettled"


def h1_rule(estimate, low, high):
    return low > 0


def h2_rule(estimate, low, high):
    return (estimate >= np.arctanh(stats.STRONG)) & (low > 0)


def h3_rule(estimate, low, high):
    return high < 0


# hypothesis: (rule on the seeds' mean and interval, what the effect is, how it is shown)
HYPOTHESES = {
    "H1": (h1_rule, "mean over seeds of rho(layer, delay)", "identity"),
    "H2": (h2_rule, "first layer's r with the model (mean Fisher z over seeds)", "tanh"),
    "H3 depth": (h3_rule, "slope of Fisher z on layer index (mean over seeds)", "identity"),
    "H3 width": (h3_rule, "slope of Fisher z on log2(width) (mean over seeds)", "identity"),
}
RULES_TEXT = {
    "H1": "the 95% interval lies above 0",
    "H2": f"r >= {stats.STRONG} and its 95% interval lies above 0",
    "H3 depth": "the 95% interval lies below 0",
    "H3 width": "the 95% interval lies below 0",
}


def seed_values(
    delays: pd.DataFrame, per_seed: pd.DataFrame, delay_measure: str, basis: str, kind: str
) -> pd.DataFrame:
    """One value per hypothesis, study and seed (long: hypothesis, STUDY_KEYS, seed, value),
    on one delay measure, one correlation basis and kind; NaN where a seed has none (H1: no
    run of the seed orders its layers), so that such a study still has a row."""
    h1 = stats.seed_delay_trends(delays[delays.measure == delay_measure])
    correlations = per_seed[(per_seed.basis == basis) & (per_seed.kind == kind)]
    h2 = stats.seed_first_layer_correlations(correlations)
    h3 = stats.seed_trend_slopes(correlations)
    parts = [
        h1.assign(hypothesis="H1", value=h1.rho),
        h2.assign(hypothesis="H2", value=h2.z),
        h3[h3.predictor == "layer"].assign(hypothesis="H3 depth", value=lambda t: t.slope),
        h3[h3.predictor == "log2_width"].assign(hypothesis="H3 width", value=lambda t: t.slope),
    ]
    columns = ["hypothesis", *STUDY_KEYS, "seed", "value"]
    return pd.concat([part[columns] for part in parts])


def t_intervals(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95% t interval of each row of a (resamples x seeds) array."""
    n = values.shape[-1]
    mean = values.mean(axis=-1)
    half = scipy_stats.t.ppf(0.975, n - 1) * values.std(axis=-1, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def decide(rule, values: np.ndarray) -> np.ndarray:
    """The rule's verdict (True: supported) on each row of a (resamples x seeds) array."""
    return np.asarray(rule(*t_intervals(values)))


def bootstrap_resamples(seeds, resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """(resamples x n) positions into the sorted seeds, drawn with replacement. The same seeds
    give the same resamples, so every study trained on them is resampled alike."""
    seeds = sorted(int(seed) for seed in seeds)
    rng = np.random.default_rng([BOOTSTRAP_SEED, *seeds])
    return rng.integers(0, len(seeds), size=(resamples, len(seeds)))


def split_halves(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint halves of n sorted seeds: alternate positions, so neither half is the
    early or the late seeds."""
    positions = np.arange(n)
    return positions[0::2], positions[1::2]


def verdict_text(supported: bool) -> str:
    return SUPPORTED if supported else NOT_SUPPORTED


def answer(hypothesis: str, values: pd.Series, resamples: int = BOOTSTRAP_RESAMPLES) -> dict:
    """The verdict on one study's per-seed values (indexed by seed), its effect with a 95%
    interval, its bootstrap stability and its split-half verdicts."""
    rule, _, scale = HYPOTHESES[hypothesis]
    values = values.dropna().sort_index()  # a seed without a value (e.g. no layer order)
    x = values.to_numpy(dtype=float)
    n = len(x)
    result = stats.mean_over_seeds(x)
    if scale == "tanh":
        result = stats.back_transformed(result)
    if n < 2:
        return result | {"point_verdict": "not testable", "stability": np.nan,
                         "verdict": "not testable", "half_1": "", "half_2": "",
                         "split_half_agrees": False}  # fmt: skip
    point = bool(decide(rule, x[None, :])[0])
    boot = decide(rule, x[bootstrap_resamples(values.index, resamples)])
    stability = float(np.mean(boot == point))
    halves = []
    for half in split_halves(n):
        halves.append(verdict_text(bool(decide(rule, x[None, half])[0])) if len(half) >= 2 else "")
    return result | {
        "point_verdict": verdict_text(point),
        "stability": stability,
        "verdict": verdict_text(point) if stability >= SETTLED else UNSETTLED,
        "half_1": halves[0],
        "half_2": halves[1],
        "split_half_agrees": halves[0] == halves[1] == verdict_text(point),
    }


def answers(values: pd.DataFrame, resamples: int = BOOTSTRAP_RESAMPLES) -> pd.DataFrame:
    """One row per hypothesis and study of `seed_values`: verdict, effect, stability."""
    rows = []
    groups = ["hypothesis", *STUDY_KEYS]
    for keys, group in values.groupby(groups, sort=False):
        row = dict(zip(groups, keys, strict=True))
        per_seed = group.set_index("seed").value
        rows.append(
            row
            | {"effect": HYPOTHESES[row["hypothesis"]][1]}
            | answer(row["hypothesis"], per_seed, resamples)
        )
    return pd.DataFrame(rows)
