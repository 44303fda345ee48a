"""The headline answers: one verdict per hypothesis, measure and series, with how sure it is
and whether it survives the choice of measure.

Each hypothesis of the registry (ff.hypotheses) is decided on one value per seed, on each of
its measures, by where the 95% t interval of the mean over seeds lies against its threshold:
supported, contradicted or inconclusive. How sure: the share of bootstrap resamples of the
seeds that give the same verdict (stability), the verdicts of two disjoint halves of the seeds
where each half has enough seeds to decide (split-half), and whether the series has enough
seeds to be read at all (underpowered). Robustness: the same verdict on every measure, or
which measures disagree. Seeds, not runs, are resampled: seed s shares data order, negatives
and (by depth sharing) whole layers across a series' treatments, so one resample of seed ids
applies to all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ff import stats
from ff.hypotheses import (
    CONTRADICTED,
    HYPOTHESES,
    INCONCLUSIVE,
    NOT_TESTABLE,
    SUPPORTED,
    VERDICT_OF_CODE,
    Hypothesis,
    measure_text,
)
from ff.stats import SERIES_KEYS, groups_of

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20250415  # fixed, so the same results give the same stability
SETTLED = 0.9  # below this stability a verdict is marked unsettled
# Fewer seeds than this: the verdict is marked underpowered. With 10 seeds a t interval's
# half-width is 0.72 standard deviations of the per-seed values (5 seeds: 1.24).
MIN_SEEDS = 10
# Split-half only where each half has this many seeds: halves of 3 and 2 seeds (one degree
# of freedom) decide on noise.
MIN_HALF_SEEDS = 10
ANSWER_KEYS = ["hypothesis", "measure", "paper_measure", *SERIES_KEYS]


def decide(hypothesis: Hypothesis, values: np.ndarray) -> np.ndarray:
    """The verdict's code on each row of a (resamples x seeds) array."""
    _, low, high = stats.t_interval(values)
    return hypothesis.judge(low, high)


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


def answer(hypothesis: str, values: pd.Series, resamples: int = BOOTSTRAP_RESAMPLES) -> dict:
    """The verdict on one series' per-seed values (indexed by seed), its effect with a 95%
    interval (on the shown scale, inside the effect's bounds), its bootstrap stability, its
    split-half verdicts and whether it has too few seeds to be read."""
    claim = HYPOTHESES[hypothesis]
    values = values.dropna().sort_index()  # a seed without a value
    x = values.to_numpy(dtype=float)
    n = len(x)
    result = stats.mean_over_seeds(x)
    result |= {name: float(claim.shown(result[name])) for name in ("estimate", "ci_low", "ci_high")}
    result["underpowered"] = n < MIN_SEEDS
    if n < 2:
        return result | {"verdict": NOT_TESTABLE, "stability": np.nan, "settled": False,
                         "half_1": "", "half_2": "", "split_half_agrees": False}  # fmt: skip
    point = int(decide(claim, x[None, :])[0])
    boot = decide(claim, x[bootstrap_resamples(values.index, resamples)])
    stability = float(np.mean(boot == point))
    halves = ["", ""]
    if n >= 2 * MIN_HALF_SEEDS:
        halves = [VERDICT_OF_CODE[int(decide(claim, x[None, half])[0])] for half in split_halves(n)]
    return result | {
        "verdict": VERDICT_OF_CODE[point],
        "stability": stability,
        "settled": stability >= SETTLED,
        "half_1": halves[0],
        "half_2": halves[1],
        # halves that agree with each other but not with the whole are no replication
        "split_half_agrees": halves[0] == halves[1] == VERDICT_OF_CODE[point],
    }


def robustness_text(verdicts: dict[str, str]) -> str:
    """How a claim's verdict depends on the measure, from its verdict on each (measure text:
    verdict): "supported on every measure", or "supported on levels only (differences:
    inconclusive)", led by the strongest verdict any measure gives."""
    distinct = set(verdicts.values())
    if len(distinct) == 1:
        return f"{distinct.pop()} on every measure"
    lead = next(v for v in (SUPPORTED, CONTRADICTED, INCONCLUSIVE, NOT_TESTABLE) if v in distinct)
    on = [measure for measure, verdict in verdicts.items() if verdict == lead]
    others = "; ".join(f"{m}: {verdict}" for m, verdict in verdicts.items() if verdict != lead)
    return f"{lead} on {' and '.join(on)} only ({others})"


def with_robustness(table: pd.DataFrame) -> pd.DataFrame:
    """answers rows with each claim's and series' robustness: `robust` (the same verdict on
    every measure) and `robustness` in words, the same on each of its rows."""
    table = table.copy()
    table["robust"], table["robustness"] = False, ""
    series = ["hypothesis", *SERIES_KEYS]
    for _, group in table.groupby(series, sort=False):
        ordered = group.sort_values("paper_measure", ascending=False, kind="stable")
        verdicts = {measure_text(row.measure): row.verdict for row in ordered.itertuples()}
        table.loc[group.index, "robust"] = len(set(verdicts.values())) == 1
        table.loc[group.index, "robustness"] = robustness_text(verdicts)
    return table


def answers(values: pd.DataFrame, resamples: int = BOOTSTRAP_RESAMPLES) -> pd.DataFrame:
    """One row per hypothesis, measure and series of `seed_values`: verdict, effect,
    stability, split-half, and the claim's robustness across its measures."""
    rows = []
    for row, group in groups_of(values, ANSWER_KEYS, sort=False):
        per_seed = group.set_index("seed").value
        rows.append(
            row
            | {"effect": HYPOTHESES[row["hypothesis"]].effect}
            | answer(row["hypothesis"], per_seed, resamples)
        )
    return with_robustness(pd.DataFrame(rows))
