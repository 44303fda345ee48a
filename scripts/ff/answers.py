"""The headline answers: one verdict per hypothesis and series, with how sure it is.

Each hypothesis of the registry (ff.hypotheses) is decided on one value per seed, by its rule
on the mean over seeds and its 95% t interval. How sure: the share of bootstrap resamples
of the seeds in which the rule gives the same verdict (stability), and the verdicts of two
disjoint halves of the seeds (split-half). Seeds, not runs, are resampled: seed s shares data
order, negatives and (by depth sharing) whole layers across a series' treatments, so one
resample of seed ids applies to all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ff import stats
from ff.hypotheses import HYPOTHESES
from ff.stats import SERIES_KEYS

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20250415  # fixed, so the same results give the same stability
HEADLINE_BASIS = "levels"  # how the paper correlated layer and model: over training
SETTLED = 0.9  # below this stability a verdict reads "unsettled"
SUPPORTED, NOT_SUPPORTED, UNSETTLED = "supported", "not supported", "unsettled"


def decide(rule, values: np.ndarray) -> np.ndarray:
    """The rule's verdict (True: supported) on each row of a (resamples x seeds) array."""
    return np.asarray(rule(*stats.t_interval(values)))


def bootstrap_resamples(seeds, resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """(resamples x n) positions into the sorted seeds, drawn with replacement. The same seeds
    give the same resamples, so every series trained on them is resampled alike."""
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
    """The verdict on one series' per-seed values (indexed by seed), its effect with a 95%
    interval, its bootstrap stability and its split-half verdicts."""
    rule = HYPOTHESES[hypothesis].rule
    values = values.dropna().sort_index()  # a seed without a value (e.g. no layer order)
    x = values.to_numpy(dtype=float)
    n = len(x)
    result = stats.mean_over_seeds(x)
    if HYPOTHESES[hypothesis].scale == "tanh":
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
    """One row per hypothesis and series of `seed_values`: verdict, effect, stability."""
    rows = []
    groups = ["hypothesis", *SERIES_KEYS]
    for keys, group in values.groupby(groups, sort=False):
        row = dict(zip(groups, keys, strict=True))
        per_seed = group.set_index("seed").value
        rows.append(
            row
            | {"effect": HYPOTHESES[row["hypothesis"]].effect}
            | answer(row["hypothesis"], per_seed, resamples)
        )
    return pd.DataFrame(rows)
