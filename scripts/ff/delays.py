"""H1, the depth delay: when each layer learns, and whether deeper layers learn later.

A layer's delay is the time at which its accuracy reaches a fraction of its final value, or of
its gain since the first evaluation, or the time of its steepest gain. Per run, Spearman's rho
between layer index and delay (0 for a run whose layers all tie); per seed, the mean over its
runs (the seed is the replicate); per series, the mean over seeds with a t interval. Page's
trend test and adjacent-layer Wilcoxon tests per treatment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ff.stats import (
    ALPHA,
    SERIES_KEYS,
    TREATMENT_KEYS,
    accuracy_curves,
    groups_of,
    holm,
    mean_over_seeds,
)


def time_to_fraction(
    epochs: np.ndarray, accuracy: np.ndarray, fraction: float, of_gain: bool = False
) -> float:
    """First time (linearly interpolated between evaluations) at which accuracy reaches
    `fraction` of its final value, or with `of_gain` that fraction of its gain from the first
    evaluation to the last (which discounts what a layer reads before training, as a linear
    probe of random features does)."""
    start = accuracy[0] if of_gain else 0.0
    target = start + fraction * (accuracy[-1] - start)
    reached = np.flatnonzero(accuracy >= target)
    first = reached[0]
    if first == 0:
        return float(epochs[0])
    e0, e1, a0, a1 = epochs[first - 1], epochs[first], accuracy[first - 1], accuracy[first]
    return float(e0 + (target - a0) / (a1 - a0) * (e1 - e0))


def steepest_gain_time(epochs: np.ndarray, accuracy: np.ndarray) -> float:
    """Midpoint of the interval with the largest accuracy gain per epoch."""
    slopes = np.diff(accuracy) / np.diff(epochs)
    best = int(np.argmax(slopes))
    return float((epochs[best] + epochs[best + 1]) / 2)


def delay_measure(fraction: float, of_gain: bool = False) -> str:
    """A delay measure's name in the tables: `time_to_0.9`, the time to 90% of the final
    accuracy, or with `of_gain` `gain_to_0.9`, to 90% of the gain since the first evaluation."""
    return f"{'gain' if of_gain else 'time'}_to_{fraction:g}"


def layer_delays(metrics: pd.DataFrame, fractions: list[float]) -> pd.DataFrame:
    """Per treatment, seed and layer: the time to each fraction q of final accuracy
    (`time_to_q`) and of the gain since the first evaluation (`gain_to_q`), and the time of
    steepest gain (long: measure, value; times in epochs)."""
    rows = []
    for run, curve in groups_of(accuracy_curves(metrics), [*TREATMENT_KEYS, "seed"]):
        curve = curve.sort_values("epoch")
        epochs = curve.epoch.to_numpy()
        for layer in range(1, run["depth"] + 1):
            accuracy = curve[str(layer)].to_numpy()
            base = run | {"layer": layer}
            for q in fractions:
                for of_gain in (False, True):
                    value = time_to_fraction(epochs, accuracy, q, of_gain)
                    rows.append(base | {"measure": delay_measure(q, of_gain), "value": value})
            rows.append(
                base | {"measure": "steepest_gain", "value": steepest_gain_time(epochs, accuracy)}
            )
    return pd.DataFrame(rows)


def rank_biserial(differences: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation: (W+ - W-) / (W+ + W-), in [-1, 1]."""
    d = differences[differences != 0]
    if len(d) == 0:
        return 0.0
    ranks = stats.rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def depth_delay_tests(delays: pd.DataFrame) -> pd.DataFrame:
    """Per dataset, treatment and measure: Page's trend test of "delay grows with layer"
    (seeds as blocks; depth >= 3), and one-sided Wilcoxon signed-rank tests of each layer
    against the one below. Holm-adjusted within each series and measure, separately for the
    Page tests (one per treatment) and for the adjacent-layer tests."""
    rows = []
    for treatment, group in groups_of(delays, [*TREATMENT_KEYS, "measure"]):
        table = group.pivot(index="seed", columns="layer", values="value").sort_index(axis=1)
        base = treatment | {"seeds": len(table)}
        layers = list(table.columns)
        if len(layers) >= 3 and len(table) >= 2:
            page = stats.page_trend_test(table.to_numpy())
            rows.append(
                base
                | {
                    "test": "page_trend",
                    "comparison": "delay increases with layer " + "<".join(map(str, layers)),
                    "statistic": page.statistic,
                    "p_value": page.pvalue,
                    "effect_size": trend_effect(table.to_numpy()),
                    "effect": "mean Spearman rho of delay with layer, per seed",
                    "mean_difference": np.nan,
                }
            )
        for lower, upper in zip(layers, layers[1:], strict=False):
            difference = (table[upper] - table[lower]).to_numpy()
            if np.all(difference == 0):
                p_value, statistic = 1.0, 0.0
            else:
                test = stats.wilcoxon(difference, alternative="greater", zero_method="zsplit")
                p_value, statistic = test.pvalue, test.statistic
            rows.append(
                base
                | {
                    "test": "wilcoxon",
                    "comparison": f"layer {upper} later than layer {lower}",
                    "statistic": statistic,
                    "p_value": p_value,
                    "effect_size": rank_biserial(difference),
                    "effect": "matched-pairs rank-biserial correlation",
                    "mean_difference": float(difference.mean()),
                }
            )
    result = pd.DataFrame(rows)
    result["p_adjusted"] = result.p_value
    for _, index in result.groupby([*SERIES_KEYS, "measure", "test"]).groups.items():
        result.loc[index, "p_adjusted"] = holm(result.loc[index, "p_value"].to_numpy())
    result["significant"] = result.p_adjusted < ALPHA
    return result


def layer_order_rho(layers, delays) -> float:
    """Spearman's rho of delay with layer index; 0 where every layer has the same delay (no
    order: leaving such runs out would count only those that order their layers, and bias the
    mean away from 0)."""
    return 0.0 if np.ptp(delays) == 0 else float(stats.spearmanr(layers, delays).statistic)


def run_trends(delays: pd.DataFrame) -> pd.DataFrame:
    """Per (treatment, seed) run with depth >= 2 and measure: Spearman's rho between layer index
    and delay (`layer_order_rho`: 0 for a run whose layers all have the same delay, which
    `tied` marks)."""
    rows = []
    deep = delays[delays.depth > 1]
    for run, block in groups_of(deep, [*SERIES_KEYS, "measure", "treatment", "seed"]):
        block = block.sort_values("layer")
        rho = layer_order_rho(block.layer, block.value)
        rows.append(run | {"rho": rho, "tied": np.ptp(block.value) == 0})
    columns = [*SERIES_KEYS, "measure", "treatment", "seed", "rho", "tied"]
    return pd.DataFrame(rows, columns=columns)


def seed_delay_trends(delays: pd.DataFrame) -> pd.DataFrame:
    """H1 per seed: the mean over a seed's runs of rho(layer, delay) (`run_trends`: a run whose
    layers tie counts as 0), with how many runs it has and how many of them tie. Runs of one
    seed share their first layers (a shallower depth is the trunk, the first layers, of the
    deepest run), so the seed, not the run, is the replicate."""
    return (
        run_trends(delays)
        .groupby([*SERIES_KEYS, "measure", "seed"])
        .agg(rho=("rho", "mean"), runs=("rho", "count"), tied=("tied", "sum"))
        .reset_index()
    )


def overall_trend(delays: pd.DataFrame, verdict) -> pd.DataFrame:
    """H1 per series and measure: the mean over seeds of each seed's mean rho(layer, delay)
    (`seed_delay_trends`), with a t interval over seeds, judged by H1's `verdict` (of the
    interval; ff.hypotheses)."""
    per_seed = seed_delay_trends(delays)
    rows = []
    for series, group in groups_of(per_seed, [*SERIES_KEYS, "measure"]):
        result = mean_over_seeds(group.rho.to_numpy())
        rows.append(
            series
            | {"runs": int(group.runs.sum()), "tied_runs": int(group.tied.sum())}
            | {"mean_rho": result.pop("estimate")}
            | result
            | {"share_positive": (group.rho.dropna() > 0).mean() if result["seeds"] else np.nan}
        )
    table = pd.DataFrame(rows)
    if len(table):
        table["verdict"] = [verdict(row.ci_low, row.ci_high) for row in table.itertuples()]
    return table


def trend_effect(table: np.ndarray) -> float:
    """Mean over seeds of Spearman's rho between layer index and delay: +1 when every seed's
    delays rise strictly with depth, 0 with no trend (a seed whose layers tie counts as 0)."""
    order = np.arange(table.shape[1])
    return float(np.mean([layer_order_rho(order, row) for row in table]))
