"""Has it converged? Whether each layer's and the model's validation curve has levelled off by
the end of training, so that a verdict measured on curves that are still rising can say so.

A curve's late gain is its accuracy at the last evaluation minus its accuracy at the start of
the last `window` of training (linearly interpolated between evaluations), per seed; per
treatment and layer, the mean late gain over seeds with its 95% t interval. A curve has
levelled off when that interval lies below `tolerance` (we are 95% sure it gains less than
that over the window); otherwise it is still rising. A treatment has converged when every
layer's and the model's curve has levelled off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ff.stats import (
    SERIES_KEYS,
    TREATMENT_KEYS,
    accuracy_curves,
    groups_of,
    layer_columns,
    mean_over_seeds,
)


def late_gains(metrics: pd.DataFrame, window: float) -> pd.DataFrame:
    """Per treatment, seed and curve (layer 1..depth or `model`): `gain`, the accuracy gained
    over the last `window` (a fraction) of the epochs trained."""
    rows = []
    for run, curve in groups_of(accuracy_curves(metrics), [*TREATMENT_KEYS, "seed"]):
        curve = curve.sort_values("epoch")
        epochs = curve.epoch.to_numpy(dtype=float)
        start = epochs[-1] * (1 - window)
        for layer in [*layer_columns(run["depth"]), "model"]:
            accuracy = curve[layer].to_numpy(dtype=float)
            gain = accuracy[-1] - np.interp(start, epochs, accuracy)
            rows.append(run | {"layer": layer, "gain": float(gain)})
    return pd.DataFrame(rows)


def convergence(metrics: pd.DataFrame, window: float, tolerance: float) -> pd.DataFrame:
    """Per treatment and curve: the mean late gain over seeds (`estimate`, `ci_low`,
    `ci_high`, `seeds`), `levelled` (the interval below `tolerance`) and the window and
    tolerance it was judged by."""
    gains = late_gains(metrics, window)
    rows = [
        curve | mean_over_seeds(group.gain)
        for curve, group in groups_of(gains, [*TREATMENT_KEYS, "layer"], sort=False)
    ]
    table = pd.DataFrame(rows)
    # one seed has no interval: its curve cannot be shown to have levelled off
    table["levelled"] = table.ci_high < tolerance
    return table.assign(window=window, tolerance=tolerance)


def series_convergence(table: pd.DataFrame) -> pd.DataFrame:
    """Per series: how many of its treatments have converged (every curve levelled off), of
    how many."""
    converged = table.groupby([*SERIES_KEYS, "treatment"], sort=False).levelled.all()
    return (
        converged.groupby(SERIES_KEYS, sort=False)
        .agg(converged_treatments="sum", treatments="size")
        .reset_index()
    )


def with_convergence(answers: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """answers rows with their series' convergence: `converged_treatments` of `treatments`."""
    return answers.merge(series_convergence(table), on=SERIES_KEYS, how="left", validate="m:1")
