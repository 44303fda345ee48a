"""Statistics of the hypotheses, on the tidy metrics table: what they share, and H2 and H3
(H1, the depth delay, is ff.delays).

Seeds are the independent replicates throughout: per-seed quantities are computed first, then
tested or pooled across seeds, so the autocorrelation of a training curve never counts as
extra evidence.

H2 shallow correlation: a layer's accuracy follows the model's, measured several ways.
H3 weakening: that correlation falls with layer index and with width.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

ALPHA = 0.05
STRONG = 0.7  # |r| from which a correlation is called strong (H2)
CORRELATIONS = {"pearson": stats.pearsonr, "spearman": stats.spearmanr}
BASES = {  # what a layer-model correlation is computed over
    "levels": "across evaluation points within a seed",
    "differences": "first differences across evaluation points within a seed",
    "seeds_final": "across seeds at the final evaluation point",
    "seeds_mid": "across seeds at the evaluation point nearest mid-training",
}
# What a layer's and the model's accuracy are, by definition: `paper`, as the study measured
# them (a layer: its share of positive and negative samples on the right side of theta; the
# model: its linear read-out, which the paper recipe trains), and `label`, this project's (the
# label with the highest goodness, of the layer and summed over layers; backprop: probes and
# read-out). A treatment is analysed under every definition its metrics allow.
DEFINITIONS = {
    "paper": ("separation", "readout_accuracy"),
    "label": ("accuracy", "accuracy"),
}
# A series: one definition, data set and training with its variant (README's glossary).
# Analyses across treatments stay within a series. `variant` names the variant within its
# method and recipe; schedule, negatives and `training` (the display label) ride along so that
# tables can be filtered and shown without parsing labels.
SERIES_KEYS = [
    "definition", "dataset", "method", "recipe", "variant", "schedule", "negatives", "training",
]  # fmt: skip
TREATMENT_KEYS = [*SERIES_KEYS, "treatment", "depth", "width", "epochs"]


def groups_of(frame: pd.DataFrame, names: list[str], sort: bool = True):
    """(keys, group) for each group of `frame` by the columns (or index levels) `names`, the
    keys as a dict by name (groups in key order, or in order of appearance with sort=False)."""
    for keys, group in frame.groupby(names, sort=sort):
        yield dict(zip(names, keys, strict=True)), group


def accuracy_by_definition(metrics: pd.DataFrame) -> pd.DataFrame:
    """The tidy rows of every layer's and the model's accuracy under each definition that a
    treatment measures both of (long, with a `definition` column; `metric` as measured)."""
    parts = []
    for definition, (layer_metric, model_metric) in DEFINITIONS.items():
        layers = metrics[(metrics.layer != "model") & (metrics.metric == layer_metric)]
        model = metrics[(metrics.layer == "model") & (metrics.metric == model_metric)]
        measured = set(layers.treatment) & set(model.treatment)
        rows = pd.concat([layers, model])
        parts.append(rows[rows.treatment.isin(measured)].assign(definition=definition))
    return pd.concat(parts)


def accuracy_curves(metrics: pd.DataFrame) -> pd.DataFrame:
    """Validation accuracy under each definition, one row per definition, treatment, seed and
    epoch, one column per layer (1..depth) and `model`."""
    return (
        accuracy_by_definition(metrics[metrics.split == "validation"])
        .pivot_table(index=[*TREATMENT_KEYS, "seed", "epoch"], columns="layer", values="value")
        .reset_index()
    )


def layer_columns(depth: int) -> list[str]:
    return [str(layer) for layer in range(1, depth + 1)]


# --- shared by the hypotheses ---------------------------------------------------------------


def holm(pvalues: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment (family-wise error rate)."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    adjusted = np.empty_like(p)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, (len(p) - rank) * p[index])
        adjusted[index] = min(1.0, running)
    return adjusted


def t_interval(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean over the last axis (seeds, at least two) and its 95% t interval: one for each
    row of a (resamples x seeds) array, or one for a vector."""
    n = values.shape[-1]
    mean = values.mean(axis=-1)
    half = stats.t.ppf(0.975, n - 1) * (values.std(axis=-1, ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half


def mean_over_seeds(values: np.ndarray) -> dict:
    """The mean of per-seed values, its 95% t interval over seeds, and the two-sided p of a
    one-sample t-test of mean 0 (NaN values left out)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if n < 2:
        mean = float(values.mean()) if n else np.nan
        return {"estimate": mean, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                "seeds": n}  # fmt: skip
    mean, low, high = map(float, t_interval(values))
    se = float(values.std(ddof=1) / np.sqrt(n))
    p_value = float(2 * stats.t.sf(abs(mean / se), n - 1)) if se else float(mean == 0)
    return {"estimate": mean, "ci_low": low, "ci_high": high, "p_value": p_value, "seeds": n}


# --- H2 -----------------------------------------------------------------------------------


def correlation(x: np.ndarray, y: np.ndarray, kind: str) -> float:
    """Pearson or Spearman r; NaN when either series is constant (r is undefined)."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.nan
    return float(CORRELATIONS[kind](x, y).statistic)


def fisher_z(r: np.ndarray) -> np.ndarray:
    return np.arctanh(np.clip(r, -0.999999, 0.999999))


def back_transformed(result: dict) -> dict:
    """A `mean_over_seeds` result on Fisher's z with its estimate and interval as r."""
    return result | {
        name: float(np.tanh(result[name])) for name in ("estimate", "ci_low", "ci_high")
    }


def pool_across_seeds(rs: np.ndarray) -> dict:
    """Per-seed coefficients pooled through Fisher's z: mean z, a t interval over seeds (the
    seeds are the independent replicates), back-transformed; p from a one-sample t-test."""
    result = back_transformed(mean_over_seeds(fisher_z(rs)))
    n = result["seeds"]
    r = result["estimate"] if n >= 2 else np.nan
    return {"r": r, "ci_low": result["ci_low"], "ci_high": result["ci_high"],
            "p_value": result["p_value"], "n": n}  # fmt: skip


def across_seeds(x: np.ndarray, y: np.ndarray, kind: str) -> dict:
    """One coefficient across seeds, with a Fisher-z interval (n - 3 degrees of freedom)."""
    r, n = correlation(x, y, kind), len(x)
    if np.isnan(r):
        return {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n": n}
    p_value = float(CORRELATIONS[kind](x, y).pvalue)
    if n <= 3:
        return {"r": r, "ci_low": np.nan, "ci_high": np.nan, "p_value": p_value, "n": n}
    half = stats.norm.ppf(0.975) / np.sqrt(n - 3)
    z = fisher_z(np.array(r))
    return {"r": r, "ci_low": float(np.tanh(z - half)), "ci_high": float(np.tanh(z + half)),
            "p_value": p_value, "n": n}  # fmt: skip


def per_seed_correlations(curves: pd.DataFrame) -> pd.DataFrame:
    """Per treatment, seed, layer and kind: r of layer with model accuracy, on levels and on
    first differences across the evaluation points (training points only: epoch > 0)."""
    rows = []
    for run, curve in groups_of(curves[curves.epoch > 0], [*TREATMENT_KEYS, "seed"]):
        curve = curve.sort_values("epoch")
        model = curve["model"].to_numpy()
        for layer in layer_columns(run["depth"]):
            values = curve[layer].to_numpy()
            for kind in CORRELATIONS:
                base = run | {"layer": int(layer), "kind": kind}
                rows.append(base | {"basis": "levels", "r": correlation(values, model, kind)})
                rows.append(
                    base
                    | {
                        "basis": "differences",
                        "r": correlation(np.diff(values), np.diff(model), kind),
                    }
                )
    return pd.DataFrame(rows)


def fixed_points(epochs) -> dict[str, float]:
    """The final evaluation point and the one nearest half of it (a treatment's own: a greedy
    schedule trains longer)."""
    epochs = np.sort(np.asarray(epochs))
    return {
        "seeds_final": float(epochs[-1]),
        "seeds_mid": float(epochs[np.argmin(np.abs(epochs - epochs[-1] / 2))]),
    }


def layer_correlation(metrics: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """H2 table (one row per dataset, treatment, layer, basis, kind) and the per-seed
    coefficients behind its within-seed bases."""
    curves = accuracy_curves(metrics)
    curves = curves[curves.depth > 1]  # with one layer, the model is that layer
    per_seed = per_seed_correlations(curves)
    rows = []
    for base, group in groups_of(per_seed, [*TREATMENT_KEYS, "layer", "basis", "kind"]):
        rows.append(base | pool_across_seeds(group.r.to_numpy()))
    for treatment, curve in groups_of(curves, TREATMENT_KEYS):
        for basis, epoch in fixed_points(curve.epoch.unique()).items():
            at = curve[np.isclose(curve.epoch, epoch)]
            for layer in layer_columns(treatment["depth"]):
                for kind in CORRELATIONS:
                    base = treatment | {"layer": int(layer), "basis": basis, "kind": kind}
                    base |= {"epoch": epoch}
                    rows.append(
                        base | across_seeds(at[layer].to_numpy(), at["model"].to_numpy(), kind)
                    )
    table = pd.DataFrame(rows)
    table["p_adjusted"] = np.nan
    tested = table.p_value.notna()
    table.loc[tested, "p_adjusted"] = stats.false_discovery_control(
        table.loc[tested, "p_value"], method="bh"
    )
    table["significant"] = table.p_adjusted < ALPHA
    return table, per_seed


def seed_first_layer_correlations(per_seed: pd.DataFrame) -> pd.DataFrame:
    """H2 per seed: the mean Fisher z over a seed's treatments (depth >= 2) of the first
    layer's correlation with the model, per series, basis and kind (from the within-seed
    coefficients of `per_seed_correlations`)."""
    first = per_seed[(per_seed.layer == 1) & (per_seed.depth > 1)].dropna(subset=["r"])
    return (
        first.assign(z=fisher_z(first.r.to_numpy()))
        .groupby([*SERIES_KEYS, "basis", "kind", "seed"])
        .agg(z=("z", "mean"), treatments=("z", "size"))
        .reset_index()
    )


def first_layer_correlation(per_seed: pd.DataFrame, verdict) -> pd.DataFrame:
    """H2 per series, basis and kind: the seeds' mean first-layer z (`seed_first_layer_
    correlations`) with a t interval over seeds, back-transformed to r, judged by H2's
    `verdict` of the interval on z (ff.hypotheses)."""
    rows = []
    groups = [*SERIES_KEYS, "basis", "kind"]
    for series, group in groups_of(seed_first_layer_correlations(per_seed), groups):
        on_z = mean_over_seeds(group.z.to_numpy())
        rows.append(
            series
            | {"treatments": int(group.treatments.max())}
            | back_transformed(on_z)
            | {"verdict": verdict(on_z["ci_low"], on_z["ci_high"])}
        )
    columns = [*groups, "treatments", "r", "ci_low", "ci_high", "p_value", "seeds", "verdict"]
    return pd.DataFrame(rows).rename(columns={"estimate": "r"}).reindex(columns=columns)


# --- H3 -----------------------------------------------------------------------------------


def ols(design: np.ndarray, response: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Least-squares coefficients, their standard errors, and residual degrees of freedom."""
    coef, *_ = np.linalg.lstsq(design, response, rcond=None)
    dof = len(response) - design.shape[1]
    residual = response - design @ coef
    sigma2 = residual @ residual / dof if dof > 0 else np.nan
    covariance = sigma2 * np.linalg.pinv(design.T @ design)
    return coef, np.sqrt(np.diag(covariance)), dof


TREND_PREDICTORS = ("layer", "log2_width")


def seed_trend_slopes(per_seed: pd.DataFrame) -> pd.DataFrame:
    """H3 per seed: within one seed, Fisher z of every (treatment, layer) correlation with the
    model regressed on layer index and log2(width) together, with one intercept per network
    depth (ordinary least squares); one slope per predictor (long: predictor, slope). The
    depth intercepts make the layer slope a comparison of layers within networks of one
    depth: across depths, a deeper layer also sits in a deeper network, whose model differs.
    Series whose seeds do not vary both are left out."""
    rows = []
    groups = [*SERIES_KEYS, "basis", "kind", "seed"]
    for seed, group in groups_of(per_seed[per_seed.depth > 1].dropna(subset=["r"]), groups):
        depths = (group.depth.to_numpy()[:, None] == np.unique(group.depth)).astype(float)
        design = np.column_stack([depths, group.layer, np.log2(group.width)])
        if np.linalg.matrix_rank(design) < design.shape[1]:  # one layer or one width, say
            continue
        coef, _, _ = ols(design, fisher_z(group.r.to_numpy()))
        base = seed | {"points": len(group)}
        for index, predictor in enumerate(TREND_PREDICTORS, start=depths.shape[1]):
            rows.append(base | {"predictor": predictor, "slope": float(coef[index])})
    return pd.DataFrame(rows, columns=[*groups, "points", "predictor", "slope"])


def correlation_trends(per_seed: pd.DataFrame, verdicts: dict) -> pd.DataFrame:
    """H3 per series, basis and kind: each predictor's slope (`seed_trend_slopes`) averaged over
    seeds with a t interval over seeds. A seed's (treatment, layer) points share layers (a
    shallower depth is the deepest run's trunk), so they are not independent replicates;
    the seeds are. Each predictor's slope judged by its claim's `verdict` of the interval
    (`verdicts`, by predictor; ff.hypotheses)."""
    rows = []
    groups = [*SERIES_KEYS, "basis", "kind", "predictor"]
    for series, group in groups_of(seed_trend_slopes(per_seed), groups, sort=False):
        result = mean_over_seeds(group.slope.to_numpy())
        rows.append(
            series | {"points": int(group.points.max()), "slope": result.pop("estimate")} | result
        )
    # a study with one width or one depth per series has no trend: the table's columns still
    columns = [*groups, "points", "slope", "ci_low", "ci_high", "p_value", "seeds"]
    table = pd.DataFrame(rows, columns=columns)
    table["verdict"] = [
        verdicts[row.predictor](row.ci_low, row.ci_high) for row in table.itertuples()
    ]
    return table
