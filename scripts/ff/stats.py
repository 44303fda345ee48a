"""Statistics of the three hypotheses, on the tidy metrics table.

Seeds are the independent replicates throughout: per-seed quantities are computed first, then
tested or pooled across seeds, so the autocorrelation of a training curve never counts as
extra evidence.

H1 depth delay: deeper layers reach a fraction q of their final accuracy later.
H2 shallow correlation: a layer's accuracy follows the model's, measured three ways.
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
# A study: one definition, data set and training. Analyses across treatments stay within a
# study. `variant` names the training within its method and recipe; schedule, negatives and
# `training` (the display label) ride along so that tables can be filtered and shown without
# parsing labels.
STUDY_KEYS = [
    "definition", "dataset", "method", "recipe", "variant", "schedule", "negatives", "training",
]  # fmt: skip
TREATMENT_KEYS = [*STUDY_KEYS, "treatment", "depth", "width", "epochs"]


def accuracy_curves(metrics: pd.DataFrame) -> pd.DataFrame:
    """Validation accuracy under each definition, one row per definition, treatment, seed and
    epoch, one column per layer (1..depth) and `model`."""
    validation = metrics[metrics.split == "validation"]
    curves = []
    for definition, (layer_metric, model_metric) in DEFINITIONS.items():
        layers = validation[(validation.layer != "model") & (validation.metric == layer_metric)]
        model = validation[(validation.layer == "model") & (validation.metric == model_metric)]
        measured = set(layers.treatment) & set(model.treatment)
        rows = pd.concat([layers, model])
        curves.append(rows[rows.treatment.isin(measured)].assign(definition=definition))
    return (
        pd.concat(curves)
        .pivot_table(index=[*TREATMENT_KEYS, "seed", "epoch"], columns="layer", values="value")
        .reset_index()
    )


def layer_columns(depth: int) -> list[str]:
    return [str(layer) for layer in range(1, depth + 1)]


# --- H1 -----------------------------------------------------------------------------------


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


def layer_delays(metrics: pd.DataFrame, fractions: list[float]) -> pd.DataFrame:
    """Per treatment, seed and layer: the time to each fraction q of final accuracy
    (`time_to_q`) and of the gain since the first evaluation (`gain_to_q`), and the time of
    steepest gain (long: measure, value; times in epochs)."""
    rows = []
    for keys, curve in accuracy_curves(metrics).groupby([*TREATMENT_KEYS, "seed"]):
        curve = curve.sort_values("epoch")
        epochs = curve.epoch.to_numpy()
        run = dict(zip([*TREATMENT_KEYS, "seed"], keys, strict=True))
        for layer in range(1, run["depth"] + 1):
            accuracy = curve[str(layer)].to_numpy()
            base = run | {"layer": layer}
            for q in fractions:
                value = time_to_fraction(epochs, accuracy, q)
                rows.append(base | {"measure": f"time_to_{q:g}", "value": value})
                value = time_to_fraction(epochs, accuracy, q, of_gain=True)
                rows.append(base | {"measure": f"gain_to_{q:g}", "value": value})
            rows.append(
                base | {"measure": "steepest_gain", "value": steepest_gain_time(epochs, accuracy)}
            )
    return pd.DataFrame(rows)


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
    against the one below. Holm-adjusted within each study and measure, separately for the
    Page tests (one per treatment) and for the adjacent-layer tests."""
    rows = []
    for keys, group in delays.groupby([*TREATMENT_KEYS, "measure"]):
        table = group.pivot(index="seed", columns="layer", values="value").sort_index(axis=1)
        base = dict(zip([*TREATMENT_KEYS, "measure"], keys, strict=True)) | {"seeds": len(table)}
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
    for _, index in result.groupby([*STUDY_KEYS, "measure", "test"]).groups.items():
        result.loc[index, "p_adjusted"] = holm(result.loc[index, "p_value"].to_numpy())
    result["significant"] = result.p_adjusted < ALPHA
    return result


def run_trends(delays: pd.DataFrame) -> pd.DataFrame:
    """Per (treatment, seed) run with depth >= 2 and measure: Spearman's rho between layer index
    and delay; NaN for a run whose layers all have the same delay (no order)."""
    rows = []
    deep = delays[delays.depth > 1]
    for keys, block in deep.groupby([*STUDY_KEYS, "measure", "treatment", "seed"]):
        block = block.sort_values("layer")
        ordered = np.ptp(block.value) > 0
        rho = stats.spearmanr(block.layer, block.value).statistic if ordered else np.nan
        rows.append(dict(zip([*STUDY_KEYS, "measure", "treatment", "seed"], keys, strict=True))
                    | {"rho": rho})  # fmt: skip
    return pd.DataFrame(rows, columns=[*STUDY_KEYS, "measure", "treatment", "seed", "rho"])


def seed_delay_trends(delays: pd.DataFrame) -> pd.DataFrame:
    """H1 per seed: the mean over a seed's runs with an order of rho(layer, delay) (NaN when no
    run has one). Runs of one seed share their first layers (a derived depth is the first
    layers of the deepest run), so the seed, not the run, is the replicate."""
    return (
        run_trends(delays)
        .groupby([*STUDY_KEYS, "measure", "seed"])
        .agg(rho=("rho", "mean"), runs=("rho", "count"))
        .reset_index()
    )


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
    mean, se = float(values.mean()), float(values.std(ddof=1) / np.sqrt(n))
    if se == 0:
        return {"estimate": mean, "ci_low": mean, "ci_high": mean,
                "p_value": 0.0 if mean != 0 else 1.0, "seeds": n}  # fmt: skip
    half = stats.t.ppf(0.975, n - 1) * se
    return {
        "estimate": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "p_value": float(2 * stats.t.sf(abs(mean / se), n - 1)),
        "seeds": n,
    }


def overall_trend(delays: pd.DataFrame) -> pd.DataFrame:
    """H1 per study and measure: the mean over seeds of each seed's mean rho(layer, delay)
    (`seed_delay_trends`), with a t interval over seeds; supported when it lies above 0."""
    per_seed = seed_delay_trends(delays)
    rows = []
    for keys, group in per_seed.groupby([*STUDY_KEYS, "measure"]):
        result = mean_over_seeds(group.rho.to_numpy())
        rows.append(
            dict(zip([*STUDY_KEYS, "measure"], keys, strict=True))
            | {"runs": int(group.runs.sum()), "mean_rho": result.pop("estimate")}
            | result
            | {"share_positive": (group.rho.dropna() > 0).mean() if result["seeds"] else np.nan}
        )
    table = pd.DataFrame(rows)
    if len(table):
        table["supported"] = table.ci_low > 0
    return table


def trend_effect(table: np.ndarray) -> float:
    """Mean over seeds of Spearman's rho between layer index and delay: +1 when every seed's
    delays rise strictly with depth, 0 with no trend."""
    order = np.arange(table.shape[1])
    rhos = [stats.spearmanr(order, row).statistic for row in table if np.ptp(row) > 0]
    return float(np.mean(rhos)) if rhos else 0.0


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
    for keys, curve in curves[curves.epoch > 0].groupby([*TREATMENT_KEYS, "seed"]):
        curve = curve.sort_values("epoch")
        model = curve["model"].to_numpy()
        run = dict(zip([*TREATMENT_KEYS, "seed"], keys, strict=True))
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
    for keys, group in per_seed.groupby([*TREATMENT_KEYS, "layer", "basis", "kind"]):
        base = dict(zip([*TREATMENT_KEYS, "layer", "basis", "kind"], keys, strict=True))
        rows.append(base | pool_across_seeds(group.r.to_numpy()))
    for keys, curve in curves.groupby(TREATMENT_KEYS):
        treatment = dict(zip(TREATMENT_KEYS, keys, strict=True))
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
    layer's correlation with the model, per study, basis and kind (from the within-seed
    coefficients of `per_seed_correlations`)."""
    first = per_seed[(per_seed.layer == 1) & (per_seed.depth > 1)].dropna(subset=["r"])
    return (
        first.assign(z=fisher_z(first.r.to_numpy()))
        .groupby([*STUDY_KEYS, "basis", "kind", "seed"])
        .agg(z=("z", "mean"), treatments=("z", "size"))
        .reset_index()
    )


def first_layer_correlation(per_seed: pd.DataFrame) -> pd.DataFrame:
    """H2 per study, basis and kind: the seeds' mean first-layer z (`seed_first_layer_
    correlations`) with a t interval over seeds, back-transformed to r; supported when r is
    strong (>= STRONG) and its interval lies above 0."""
    rows = []
    groups = [*STUDY_KEYS, "basis", "kind"]
    for keys, group in seed_first_layer_correlations(per_seed).groupby(groups):
        rows.append(
            dict(zip(groups, keys, strict=True))
            | {"treatments": int(group.treatments.max())}
            | back_transformed(mean_over_seeds(group.z.to_numpy()))
        )
    columns = [*groups, "treatments", "r", "ci_low", "ci_high", "p_value", "seeds"]
    table = pd.DataFrame(rows).rename(columns={"estimate": "r"}).reindex(columns=columns)
    table["supported"] = (table.r >= STRONG) & (table.ci_low > 0)
    return table


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
    model regressed on layer index and log2(width) together (ordinary least squares); one
    slope per predictor (long: predictor, slope). Studies whose seeds do not vary both are
    left out."""
    rows = []
    groups = [*STUDY_KEYS, "basis", "kind", "seed"]
    for keys, group in per_seed[per_seed.depth > 1].dropna(subset=["r"]).groupby(groups):
        design = np.column_stack([np.ones(len(group)), group.layer, np.log2(group.width)])
        identifiable = group.layer.nunique() > 1 and group.width.nunique() > 1
        if not identifiable or np.linalg.matrix_rank(design) < design.shape[1]:
            continue
        coef, _, _ = ols(design, fisher_z(group.r.to_numpy()))
        base = dict(zip(groups, keys, strict=True)) | {"points": len(group)}
        for index, predictor in enumerate(TREND_PREDICTORS, start=1):
            rows.append(base | {"predictor": predictor, "slope": float(coef[index])})
    return pd.DataFrame(rows, columns=[*groups, "points", "predictor", "slope"])


def correlation_trends(per_seed: pd.DataFrame) -> pd.DataFrame:
    """H3 per study, basis and kind: each predictor's slope (`seed_trend_slopes`) averaged over
    seeds with a t interval over seeds. A seed's (treatment, layer) points share layers (a
    derived depth is the deepest run's first layers), so they are not independent replicates;
    the seeds are. Weakening: a negative slope whose 95% interval lies below 0."""
    rows = []
    groups = [*STUDY_KEYS, "basis", "kind", "predictor"]
    for keys, group in seed_trend_slopes(per_seed).groupby(groups, sort=False):
        result = mean_over_seeds(group.slope.to_numpy())
        rows.append(
            dict(zip(groups, keys, strict=True))
            | {"points": int(group.points.max()), "slope": result.pop("estimate")}
            | result
        )
    table = pd.DataFrame(rows)
    if len(table):
        table["weakens"] = table.ci_high < 0
    return table
