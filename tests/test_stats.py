"""The statistics of the three hypotheses, on small planted tables with known answers.

Expected values are computed here independently of ff.stats (scipy's tests and quantiles,
written-out formulas), so a wrong tail, quantile, transform, degree of freedom or family of a
multiplicity adjustment fails a test, not only a reversal of a verdict."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from ff import stats
from ff.config import Treatment
from ff.metrics import study_columns
from ff.summary import beyond_section, h1_section, summary_markdown


def study_of(**changes) -> dict:
    """The study columns of a training: standard Forward-Forward with `changes`."""
    return study_columns(Treatment("mnist", 1, 1, **changes))


STANDARD = study_of()
GREEDY = study_of(schedule="greedy")
HARD = study_of(negatives="hard")

EPOCHS = np.round(np.linspace(0, 3, 25), 4)  # 8 evaluations per epoch


def curve(delay: float, rate: float = 3.0, final: float = 0.95) -> np.ndarray:
    """A learning curve that starts at chance and rises after `delay` epochs."""
    return 0.1 + (final - 0.1) * (1 - np.exp(-rate * np.clip(EPOCHS - delay, 0, None)))


def metrics_table(
    curves: dict,
    depth: int,
    width: int = 100,
    dataset: str = "mnist",
    study: dict = STANDARD,
    epochs: np.ndarray = EPOCHS,
) -> pd.DataFrame:
    """Tidy rows from {(seed, layer): validation accuracy over `epochs`}, beside decoys that
    every statistic must leave out: the training split's accuracy and the validation loss."""
    rows = []
    treatment = f"{dataset}-d{depth}-w{width}-{study['variant']}"
    for (seed, layer), values in curves.items():
        for epoch, value in zip(epochs, values, strict=True):
            run = {"dataset": dataset, **study, "treatment": treatment, "depth": depth,
                   "width": width, "seed": seed, "epoch": epoch, "layer": str(layer)}  # fmt: skip
            rows.append(run | {"split": "validation", "metric": "accuracy", "value": value})
            rows.append(run | {"split": "train", "metric": "accuracy", "value": 1 - value})
            rows.append(run | {"split": "validation", "metric": "loss", "value": value**2})
    return pd.DataFrame(rows)


def planted_delay(depth=4, seeds=8, step=0.15, noise=0.01, rng_seed=0, reverse=False):
    """Layer l starts to learn step * (l - 1) epochs in, or with `reverse` step * (depth - l):
    deeper layers then learn earlier."""
    rng = np.random.default_rng(rng_seed)
    curves = {}
    for seed in range(seeds):
        for layer in range(1, depth + 1):
            delay = step * ((depth - layer) if reverse else (layer - 1)) + rng.normal(0, 0.02)
            curves[seed, layer] = np.clip(
                curve(max(delay, 0)) + rng.normal(0, noise, len(EPOCHS)), 0, 1
            )
        curves[seed, "model"] = curves[seed, 1]
    return metrics_table(curves, depth)


def delay_table(
    values, dataset="mnist", study=STANDARD, width=100, measure="time_to_0.9", definition="label"
):
    """A layer_delays-shaped table from a seeds x layers array of delays."""
    values = np.asarray(values, dtype=float)
    depth = values.shape[1]
    return pd.DataFrame(
        [
            {
                "definition": definition,
                "dataset": dataset,
                **study,
                "treatment": f"{dataset}-d{depth}-w{width}",
                "depth": depth,
                "width": width,
                "seed": seed,
                "layer": layer + 1,
                "measure": measure,
                "value": value,
            }  # fmt: skip
            for seed, row in enumerate(values)
            for layer, value in enumerate(row)
        ]
    )


def holm_reference(pvalues) -> np.ndarray:
    """Holm's step-down adjustment, written independently of ff.stats.holm."""
    p = np.asarray(pvalues, dtype=float)
    m, order = len(p), np.argsort(p, kind="stable")
    steps = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = steps
    return adjusted


def pooled_reference(rs) -> dict:
    """Fisher-z mean over seeds, t interval with n - 1 df, back-transformed; two-sided t p.
    (|r| = 1, as Spearman's rho of three points often is, counts as 0.999999.)"""
    z = np.arctanh(np.clip(np.asarray(rs, dtype=float), -0.999999, 0.999999))
    n = len(z)
    mean, se = z.mean(), z.std(ddof=1) / np.sqrt(n)
    half = scipy_stats.t.ppf(0.975, n - 1) * se
    return {"r": np.tanh(mean), "ci_low": np.tanh(mean - half), "ci_high": np.tanh(mean + half),
            "p_value": 2 * scipy_stats.t.sf(abs(mean) / se, n - 1), "n": n}  # fmt: skip


def across_reference(x, y, kind) -> dict:
    """One coefficient across seeds; Fisher-z interval with the normal quantile, 1/sqrt(n-3)."""
    test = {"pearson": scipy_stats.pearsonr, "spearman": scipy_stats.spearmanr}[kind](x, y)
    n = len(x)
    if n <= 3:  # no interval
        return {"r": test.statistic, "ci_low": np.nan, "ci_high": np.nan, "p_value": test.pvalue,
                "n": n}  # fmt: skip
    half = scipy_stats.norm.ppf(0.975) / np.sqrt(n - 3)
    z = np.arctanh(np.clip(test.statistic, -0.999999, 0.999999))
    return {"r": test.statistic, "ci_low": np.tanh(z - half), "ci_high": np.tanh(z + half),
            "p_value": test.pvalue, "n": n}  # fmt: skip


def assert_result(actual: dict, expected: dict):
    """Same keys, and values equal to 1e-10 relative, NaN where expected is NaN."""
    assert set(actual) == set(expected)
    for key, value in expected.items():
        if np.isnan(value):
            assert np.isnan(actual[key]), key
        else:
            assert actual[key] == pytest.approx(value, rel=1e-10, abs=1e-14), key


# --- H1: delays ------------------------------------------------------------------------------


def test_time_to_fraction_interpolates_between_evaluations():
    epochs, accuracy = np.array([0.0, 1.0, 2.0]), np.array([0.1, 0.5, 0.9])
    assert stats.time_to_fraction(epochs, accuracy, 0.5) == pytest.approx(0.875)  # 0.45 reached
    assert stats.time_to_fraction(epochs, accuracy, 1.0) == pytest.approx(2.0)
    # half the gain from 0.1 to 0.9 is 0.5, reached at epoch 1
    assert stats.time_to_fraction(epochs, accuracy, 0.5, of_gain=True) == pytest.approx(1.0)
    # a curve that starts high: 0.9 of final early, 0.9 of the gain only late
    high = np.array([0.8, 0.82, 0.9])
    assert stats.time_to_fraction(epochs, high, 0.9) == pytest.approx(0.5)
    assert stats.time_to_fraction(epochs, high, 0.9, of_gain=True) == pytest.approx(1.875)
    assert stats.steepest_gain_time(np.array([0, 1, 2, 3.0]), np.array([0.1, 0.2, 0.8, 0.9])) == 1.5


def test_time_to_fraction_on_uneven_evaluations_plateaus_and_early_targets():
    epochs = np.array([0.5, 1.5, 3.5, 4.0])
    accuracy = np.array([0.25, 0.625, 0.625, 1.0])  # binary fractions: exact targets
    # 0.5 of final: between 0.25 at 0.5 and 0.625 at 1.5
    assert stats.time_to_fraction(epochs, accuracy, 0.5) == pytest.approx(0.5 + 0.25 / 0.375)
    # half the gain is 0.625: the first evaluation that reaches it, not the end of the plateau
    assert stats.time_to_fraction(epochs, accuracy, 0.5, of_gain=True) == 1.5
    # 0.9 of final (0.9): between 0.625 at 3.5 and 1.0 at 4.0
    expected = 3.5 + 0.275 / 0.375 * 0.5
    assert stats.time_to_fraction(epochs, accuracy, 0.9) == pytest.approx(expected)
    # reached at the first evaluation already: its epoch
    early = np.array([0.9, 0.5, 0.7, 1.0])
    assert stats.time_to_fraction(epochs, early, 0.5) == 0.5
    falling = np.array([0.9, 0.5, 0.7, 0.8])  # a layer that ends below its start
    assert stats.time_to_fraction(epochs, falling, 0.5, of_gain=True) == 0.5


def test_steepest_gain_is_per_epoch_not_per_evaluation():
    epochs = np.array([0.0, 1.0, 3.0, 4.0])
    # the largest rise (0.4) is over two epochs; the steepest (0.3 per epoch) is the first
    assert stats.steepest_gain_time(epochs, np.array([0.0, 0.3, 0.7, 0.8])) == 0.5
    assert stats.steepest_gain_time(epochs, np.array([0.0, 0.1, 0.2, 0.9])) == 3.5


HAND_EPOCHS = np.array([0.0, 1.0, 2.0, 4.0])
HAND_CURVES = {  # (seed, layer): accuracy at HAND_EPOCHS
    (0, 1): [0.1, 0.5, 0.8, 0.9],
    (0, 2): [0.2, 0.2, 0.6, 1.0],
    (0, "model"): [0.1, 0.4, 0.7, 0.95],
    (1, 1): [0.3, 0.6, 0.6, 0.6],
    (1, 2): [0.1, 0.1, 0.1, 0.5],
    (1, "model"): [0.2, 0.3, 0.5, 0.6],
}
HAND_DELAYS = {  # (seed, layer): {measure: epochs}, worked out by hand
    (0, 1): {
        "time_to_0.5": 0.875,
        "gain_to_0.5": 1.0,
        "time_to_0.9": 2.2,
        "gain_to_0.9": 2.4,
        "steepest_gain": 0.5,
    },  # fmt: skip
    (0, 2): {
        "time_to_0.5": 1.75,
        "gain_to_0.5": 2.0,
        "time_to_0.9": 3.5,
        "gain_to_0.9": 3.6,
        "steepest_gain": 1.5,
    },  # fmt: skip
    (1, 1): {
        "time_to_0.5": 0.0,
        "gain_to_0.5": 0.5,
        "time_to_0.9": 0.8,
        "gain_to_0.9": 0.9,
        "steepest_gain": 0.5,
    },  # fmt: skip
    (1, 2): {
        "time_to_0.5": 2.75,
        "gain_to_0.5": 3.0,
        "time_to_0.9": 3.75,
        "gain_to_0.9": 3.8,
        "steepest_gain": 3.0,
    },  # fmt: skip
}


def test_accuracy_curves_keep_validation_accuracy_only():
    table = metrics_table({k: np.array(v) for k, v in HAND_CURVES.items()}, 2, epochs=HAND_EPOCHS)
    curves = stats.accuracy_curves(table)
    assert list(curves.columns) == [*stats.TREATMENT_KEYS, "seed", "epoch", "1", "2", "model"]
    for (seed, layer), values in HAND_CURVES.items():
        run = curves[curves.seed == seed].sort_values("epoch")
        np.testing.assert_array_equal(run[str(layer)], values)
    assert stats.layer_columns(3) == ["1", "2", "3"]
    assert (curves.definition == "label").all()


def test_accuracy_curves_under_each_definition_the_metrics_allow():
    """paper: layers' separation and the model's read-out accuracy; label: accuracy of both. A
    treatment without both paper metrics is analysed under the label definition only."""
    seeds_epochs = [(seed, epoch) for seed in (0, 1) for epoch in (0.0, 1.0, 2.0)]
    rows = []

    def add(treatment, study, metrics):
        for metric, layers in metrics.items():
            for layer in layers:
                for seed, epoch in seeds_epochs:
                    value = {"accuracy": 0.5, "separation": 0.6, "readout_accuracy": 0.7,
                             "loss": 0.2}[metric]  # fmt: skip
                    value += 0.01 * seed + 0.1 * epoch + (0.02 if layer == "2" else 0.0)
                    run = {"dataset": "mnist", **study, "treatment": treatment, "depth": 2,
                           "width": 10, "seed": seed, "epoch": epoch, "layer": layer}  # fmt: skip
                    rows.append(run | {"split": "validation", "metric": metric, "value": value})
                    rows.append(run | {"split": "train", "metric": metric, "value": -value})

    layers, everything = ["1", "2"], ["1", "2", "model"]
    # the model's own separation is not its accuracy under the paper's definition
    add("ff", STANDARD, {"accuracy": everything, "separation": everything,
                         "readout_accuracy": ["model"], "loss": everything})  # fmt: skip
    add("bp", study_of(method="backprop"), {"accuracy": everything})
    add("no-readout", HARD, {"accuracy": everything, "separation": layers})
    curves = stats.accuracy_curves(pd.DataFrame(rows))
    assert list(curves.columns) == [*stats.TREATMENT_KEYS, "seed", "epoch", "1", "2", "model"]
    treatments = curves.groupby("definition").treatment.unique().map(sorted).to_dict()
    assert treatments == {"label": ["bp", "ff", "no-readout"], "paper": ["ff"]}
    assert len(curves) == 4 * len(seeds_epochs)
    base = {"label": (0.5, 0.5), "paper": (0.6, 0.7)}  # (layers, model)
    for _, row in curves.iterrows():
        layer, model = base[row.definition]
        shift = 0.01 * row.seed + 0.1 * row.epoch
        assert (row["1"], row["2"], row["model"]) == pytest.approx(
            (layer + shift, layer + shift + 0.02, model + shift)
        )


# function scope, not module: mutmut runs only the tests during which a function was called
@pytest.fixture
def hand_delays() -> pd.DataFrame:
    table = metrics_table({k: np.array(v) for k, v in HAND_CURVES.items()}, 2, epochs=HAND_EPOCHS)
    return stats.layer_delays(table, [0.5, 0.9])


def test_layer_delays_one_row_per_run_layer_and_measure(hand_delays):
    assert list(hand_delays.columns) == [
        *stats.TREATMENT_KEYS, "seed", "layer", "measure", "value"
    ]  # fmt: skip
    assert len(hand_delays) == 2 * 2 * 5
    assert set(hand_delays.measure) == set(HAND_DELAYS[0, 1])
    assert (hand_delays.treatment == "mnist-d2-w100-standard").all()
    assert (hand_delays.depth == 2).all() and (hand_delays.definition == "label").all()


@pytest.mark.parametrize(
    "measure", ["time_to_0.5", "time_to_0.9", "gain_to_0.5", "gain_to_0.9", "steepest_gain"]
)
def test_layer_delays_on_hand_computed_curves(hand_delays, measure):
    rows = hand_delays[hand_delays.measure == measure]
    found = {(row.seed, row.layer): row.value for row in rows.itertuples()}
    expected = {run: values[measure] for run, values in HAND_DELAYS.items()}
    assert found == pytest.approx(expected)


def test_holm_against_hand_computed_values():
    np.testing.assert_allclose(stats.holm(np.array([0.01, 0.04, 0.03])), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(stats.holm(np.array([0.5, 0.9])), [1.0, 1.0])
    p = np.array([0.002, 0.2, 0.011, 0.04, 0.012, 0.3])
    np.testing.assert_allclose(stats.holm(p), holm_reference(p))


def test_rank_biserial_against_hand_computed_value():
    # |d| ranks 2, 3, 4 are positive, rank 1 negative: (9 - 1) / 10
    assert stats.rank_biserial(np.array([1.0, 2.0, 3.0, -0.5])) == pytest.approx(0.8)
    # ranks 1 (0.5) and 3 positive, 2 negative; zeros are left out: (4 - 2) / 6
    assert stats.rank_biserial(np.array([0.5, 0.0, -2.0, 3.0])) == pytest.approx(1 / 3)
    assert stats.rank_biserial(np.array([0.0, 2.0, 0.0])) == 1.0
    assert stats.rank_biserial(np.array([0.0, 0.0])) == 0.0


def test_trend_effect_is_the_mean_rho_of_seeds_with_an_order():
    rising, partly, flat = [0.1, 0.2, 0.3], [0.1, 0.3, 0.2], [0.5, 0.5, 0.5]
    assert stats.trend_effect(np.array([rising, partly, flat])) == pytest.approx(0.75)
    assert stats.trend_effect(np.array([rising[::-1], partly])) == pytest.approx(-0.25)
    assert stats.trend_effect(np.array([flat, flat])) == 0.0


def expected_delay_tests(values: np.ndarray) -> dict:
    """(test, comparison) -> statistic, p_value, effect_size, mean_difference, by scipy."""
    seeds, depth = values.shape
    layers = range(1, depth + 1)
    expected = {}
    if depth >= 3 and seeds >= 2:
        page = scipy_stats.page_trend_test(values)
        rhos = [scipy_stats.spearmanr(layers, row).statistic for row in values if np.ptp(row)]
        comparison = "delay increases with layer " + "<".join(map(str, layers))
        expected["page_trend", comparison] = (page.statistic, page.pvalue, np.mean(rhos), np.nan)
    for lower in range(1, depth):
        d = values[:, lower] - values[:, lower - 1]
        if np.all(d == 0):
            statistic, p_value = 0.0, 1.0
        else:
            test = scipy_stats.wilcoxon(d, alternative="greater", zero_method="zsplit")
            statistic, p_value = test.statistic, test.pvalue
        nonzero = d[d != 0]
        ranks = scipy_stats.rankdata(np.abs(nonzero))
        effect = (
            (ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum() if len(ranks) else 0
        )
        comparison = f"layer {lower + 1} later than layer {lower}"
        expected["wilcoxon", comparison] = (statistic, p_value, effect, d.mean())
    return expected


DELAYS_D3 = np.array(  # six seeds; layer 3 - layer 2 has a zero, layer 2 - layer 1 has none
    [
        [1.0, 1.3, 1.5],
        [1.2, 1.1, 1.1],
        [0.9, 1.4, 1.8],
        [1.1, 1.0, 1.6],
        [1.0, 1.6, 2.1],
        [1.3, 1.5, 1.4],
    ]  # fmt: skip
)
DELAYS_D4 = np.array(  # five seeds; layers 2 and 3 learn together in every seed
    [
        [0.2, 0.5, 0.5, 0.9],
        [0.4, 0.3, 0.3, 0.8],
        [0.1, 0.6, 0.6, 0.5],
        [0.3, 0.2, 0.2, 0.7],
        [0.2, 0.9, 0.9, 1.0],
    ]  # fmt: skip
)


def test_depth_delay_tests_match_scipy_one_sided_tests_row_by_row():
    delays = pd.concat(
        [
            delay_table(DELAYS_D3),
            delay_table(DELAYS_D4, width=200),
            delay_table(DELAYS_D3[:, :2], width=400),  # depth 2: no trend test
        ]
    )
    tests = stats.depth_delay_tests(delays)
    expected_columns = [*stats.TREATMENT_KEYS, "measure", "seeds", "test", "comparison",
                        "statistic", "p_value", "effect_size", "effect", "mean_difference",
                        "p_adjusted", "significant"]  # fmt: skip
    assert list(tests.columns) == expected_columns
    for width, values in ((100, DELAYS_D3), (200, DELAYS_D4), (400, DELAYS_D3[:, :2])):
        rows = tests[tests.width == width].set_index(["test", "comparison"])
        expected = expected_delay_tests(values)
        assert set(rows.index) == set(expected)
        assert (rows.seeds == len(values)).all()
        for key, (statistic, p_value, effect_size, mean_difference) in expected.items():
            row = rows.loc[key]
            assert row.statistic == pytest.approx(statistic)
            assert row.p_value == pytest.approx(p_value, rel=1e-12)
            assert row.effect_size == pytest.approx(effect_size)
            assert row.mean_difference == pytest.approx(mean_difference, nan_ok=True)
            assert row.effect == (
                "mean Spearman rho of delay with layer, per seed"
                if key[0] == "page_trend"
                else "matched-pairs rank-biserial correlation"
            )
    # layers 2 and 3 of DELAYS_D4 learn together: no test, p = 1
    tied = tests[(tests.width == 200) & (tests.comparison == "layer 3 later than layer 2")]
    assert tied.p_value.tolist() == [1.0] and tied.statistic.tolist() == [0.0]
    assert pd.api.types.is_float_dtype(tests.p_adjusted)


def test_page_test_needs_three_layers_and_two_seeds():
    tests = stats.depth_delay_tests(
        pd.concat(
            [
                delay_table(DELAYS_D3[:2]),  # two seeds, three layers: tested
                delay_table(DELAYS_D3[:1], width=200),  # one seed: not
                delay_table(DELAYS_D3[:, :2], width=400),  # two layers: not
            ]
        )
    )
    page = tests[tests.test == "page_trend"]
    assert page.width.tolist() == [100] and page.seeds.tolist() == [2]
    assert page.comparison.tolist() == ["delay increases with layer 1<2<3"]
    assert np.isnan(page.mean_difference.iloc[0])
    assert tests[tests.test == "wilcoxon"].groupby("width").size().to_dict() == {
        100: 2, 200: 2, 400: 1
    }  # fmt: skip


def test_planted_delay_is_detected():
    delays = stats.layer_delays(planted_delay(), [0.9])
    tests = stats.depth_delay_tests(delays)
    page = tests[(tests.test == "page_trend") & (tests.measure == "time_to_0.9")].iloc[0]
    assert page.p_value < 1e-4 and page.effect_size > 0.9
    wilcoxon = tests[(tests.test == "wilcoxon") & (tests.measure == "time_to_0.9")]
    assert wilcoxon.significant.all() and (wilcoxon.mean_difference > 0.1).all()
    overall = stats.overall_trend(delays).set_index("measure").loc["time_to_0.9"]
    assert overall.p_value < 0.01 and overall.share_positive == 1.0


def test_no_delay_is_not_detected():
    delays = stats.layer_delays(planted_delay(step=0.0, noise=0.01, rng_seed=3), [0.9])
    tests = stats.depth_delay_tests(delays)
    assert not tests[tests.measure == "time_to_0.9"].significant.any()
    overall = stats.overall_trend(delays).set_index("measure").loc["time_to_0.9"]
    assert overall.p_value > 0.05


def test_reversed_delay_never_supports_h1():
    """Deeper layers learning earlier is a strong effect, but in the wrong direction: a
    two-sided test, or the other tail, would call it significant."""
    delays = stats.layer_delays(planted_delay(reverse=True), [0.9])
    time = delays[delays.measure == "time_to_0.9"]
    rhos = [
        scipy_stats.spearmanr(block.layer, block.value).statistic
        for _, block in time.groupby("seed")
    ]
    assert np.mean(rhos) < -0.9
    assert scipy_stats.wilcoxon(rhos).pvalue < 0.05  # two-sided: "significant"

    overall = stats.overall_trend(delays).set_index("measure").loc["time_to_0.9"]
    assert overall.share_positive == 0.0 and overall.mean_rho == pytest.approx(np.mean(rhos))
    assert overall.p_value == pytest.approx(
        scipy_stats.wilcoxon(rhos, alternative="greater").pvalue
    )
    assert overall.p_value > 0.5

    tests = stats.depth_delay_tests(delays)
    assert not tests.significant.any()
    one_sided = tests[(tests.measure == "time_to_0.9")]
    assert (one_sided.p_value > 0.5).all()
    page = one_sided[one_sided.test == "page_trend"].iloc[0]
    assert page.effect_size < -0.9
    for row in one_sided[one_sided.test == "wilcoxon"].itertuples():
        assert row.mean_difference < 0 and row.effect_size < 0

    overall_table = stats.overall_trend(delays)
    lines = h1_section(overall_table, tests)
    line = next(line for line in lines if line.startswith("- mnist, time to 0.9: "))
    assert line.startswith("- mnist, time to 0.9: **not supported**. Mean rho -")
    assert "; Page's test significant in 0 of 1 treatments." in line


def test_holm_is_within_each_study_measure_and_kind_of_test():
    rng = np.random.default_rng(7)
    parts = []
    for dataset in ("mnist", "fashion"):
        for study in (STANDARD, GREEDY):
            for width, step in ((100, 0.3), (200, 0.08), (400, 0.02)):
                for measure in ("time_to_0.9", "gain_to_0.9"):
                    values = 1 + step * np.arange(3) + rng.normal(0, 0.1, (6, 3))
                    parts.append(delay_table(values, dataset, study, width, measure))
    tests = stats.depth_delay_tests(pd.concat(parts))
    assert len(tests) == 2 * 2 * 3 * 2 * 3
    families = tests.groupby(["dataset", "variant", "measure", "test"])
    assert families.ngroups == 16
    for _, family in families:
        np.testing.assert_allclose(family.p_adjusted, holm_reference(family.p_value), rtol=1e-12)
        assert len(family) == (3 if family.test.iloc[0] == "page_trend" else 6)
    assert (tests.significant == (tests.p_adjusted < 0.05)).all()
    # the families matter: over the whole table, or per treatment, the adjustment differs
    assert not np.allclose(tests.p_adjusted, holm_reference(tests.p_value))
    per_treatment = tests.groupby(["dataset", "variant", "treatment", "measure", "test"])
    assert not np.allclose(tests.p_adjusted, per_treatment.p_value.transform(holm_reference))
    assert tests.significant.any() and not tests.significant.all()


def test_significance_is_strictly_below_alpha(monkeypatch):
    delays = delay_table(DELAYS_D3)
    monkeypatch.setattr(stats, "holm", lambda p: np.full(len(p), stats.ALPHA))
    assert not stats.depth_delay_tests(delays).significant.any()
    monkeypatch.setattr(stats, "holm", lambda p: np.full(len(p), 0.049))
    assert stats.depth_delay_tests(delays).significant.all()


def test_page_trend_matches_scipy_on_the_delay_table():
    delays = stats.layer_delays(planted_delay(seeds=5), [0.9])
    tests = stats.depth_delay_tests(delays)
    table = delays[delays.measure == "time_to_0.9"].pivot(
        index="seed", columns="layer", values="value"
    )
    expected = scipy_stats.page_trend_test(table.to_numpy())
    page = tests[(tests.test == "page_trend") & (tests.measure == "time_to_0.9")].iloc[0]
    assert page.statistic == expected.statistic and page.p_value == pytest.approx(expected.pvalue)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_overall_trend_counts_runs_with_an_order_and_tests_one_sided():
    blocks = {  # rho of each run: 1, 0.5, 0.5 (spread below one epoch), excluded (flat), 0
        "d3": [[1.0, 2.0, 3.0], [1.0, 3.0, 2.0], [0.1, 0.3, 0.2], [0.5, 0.5, 0.5], [1.0, 0.0, 1.0]],
        "d2": [[1.0, 0.8], [0.2, 0.4], [1.0, 1.0]],  # rho -1, 1, excluded
    }
    delays = pd.concat(
        [
            delay_table(blocks["d3"]),
            delay_table(blocks["d2"], width=200),
            delay_table([[0.3], [0.4]], width=300),  # depth 1: no order to test
            delay_table(blocks["d3"], measure="gain_to_0.9").assign(
                value=lambda t: -t.value
            ),  # fmt: skip
            delay_table([[0.2], [0.4]], dataset="fashion"),  # a study of depth 1 only
            delay_table([[0.5, 0.5, 0.5], [0.2, 0.2, 0.2]], study=GREEDY),  # all flat
            delay_table([[1.0, 0.0, 1.0], [2.0, 1.0, 2.0]], study=HARD),  # all rho 0
        ]
    )
    overall = stats.overall_trend(delays)
    assert list(overall.columns) == [*stats.STUDY_KEYS, "measure", "blocks", "mean_rho",
                                     "share_positive", "p_value"]  # fmt: skip
    found = overall.set_index(["dataset", "variant", "measure"])
    assert sorted(found.index) == [
        ("mnist", "greedy", "time_to_0.9"),
        ("mnist", "hard", "time_to_0.9"),
        ("mnist", "standard", "gain_to_0.9"),
        ("mnist", "standard", "time_to_0.9"),
    ]

    def spearman(runs):  # rho of each run with an order, as scipy computes it
        return np.array([scipy_stats.spearmanr(range(len(run)), run).statistic
                         for run in runs if np.ptp(run) > 0])  # fmt: skip

    rhos = np.concatenate([spearman(blocks["d3"]), spearman(blocks["d2"])])
    np.testing.assert_allclose(rhos, [1.0, 0.5, 0.5, 0.0, -1.0, 1.0], atol=1e-12)
    time = found.loc["mnist", "standard", "time_to_0.9"]
    assert time.blocks == 6
    assert time.mean_rho == pytest.approx(rhos.mean())
    assert time.share_positive == pytest.approx(4 / 6)
    assert time.p_value == pytest.approx(
        scipy_stats.wilcoxon(rhos, alternative="greater").pvalue, rel=1e-12
    )
    gain = found.loc["mnist", "standard", "gain_to_0.9"]
    reversed_rhos = -spearman(blocks["d3"])
    assert gain.blocks == 4 and gain.share_positive == 0.0
    assert gain.p_value == pytest.approx(
        scipy_stats.wilcoxon(reversed_rhos, alternative="greater").pvalue, rel=1e-12
    )
    flat = found.loc["mnist", "greedy", "time_to_0.9"]
    assert flat.blocks == 0 and np.isnan(flat.mean_rho) and np.isnan(flat.share_positive)
    assert flat.p_value == 1.0
    unordered = found.loc["mnist", "hard", "time_to_0.9"]
    assert unordered.blocks == 2 and unordered.mean_rho == 0.0
    assert unordered.share_positive == 0.0 and unordered.p_value == 1.0


# --- H2: correlations ------------------------------------------------------------------------


@pytest.mark.filterwarnings("error")
def test_correlation_is_undefined_for_short_or_constant_series():
    assert np.isnan(stats.correlation(np.array([1.0, 2.0]), np.array([2.0, 3.0]), "pearson"))
    constant, rising = np.full(4, 0.3), np.array([0.1, 0.2, 0.4, 0.3])
    for kind in ("pearson", "spearman"):
        assert np.isnan(stats.correlation(constant, rising, kind))
        assert np.isnan(stats.correlation(rising, constant, kind))
    x, y = np.array([0.0, 0.5, 1.0]), np.array([1.0, 3.0, 2.0])  # three points, range 1
    assert stats.correlation(x, y, "pearson") == pytest.approx(scipy_stats.pearsonr(x, y)[0])
    x, y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 8.0, 27.0, 30.0])
    assert stats.correlation(x, y, "spearman") == 1.0
    assert stats.correlation(x, y, "pearson") == pytest.approx(scipy_stats.pearsonr(x, y)[0])


def test_fisher_z_clips_perfect_correlations():
    z = stats.fisher_z(np.array([1.0, -1.0, 0.5, 0.0]))
    np.testing.assert_allclose(z, np.arctanh([0.999999, -0.999999, 0.5, 0.0]))


def test_pooling_over_seeds_uses_fisher_z_and_a_t_interval():
    rs = np.array([0.2, 0.4, 0.6])
    pooled = stats.pool_across_seeds(rs)
    z = np.arctanh(rs)
    half = scipy_stats.t.ppf(0.975, 2) * z.std(ddof=1) / np.sqrt(3)
    assert pooled["r"] == pytest.approx(np.tanh(z.mean()))
    assert pooled["ci_low"] == pytest.approx(np.tanh(z.mean() - half))
    assert pooled["p_value"] == pytest.approx(scipy_stats.ttest_1samp(z, 0).pvalue)


@pytest.mark.parametrize(
    "rs",
    [
        [0.2, np.nan, 0.5, 0.9, -0.1, 0.6],  # a seed without a coefficient is left out
        [-0.3, -0.5, -0.1, -0.6],
        [0.3, 0.5],
        [0.85, 0.9, 0.7, 0.95, 0.8, 0.75, 0.9, 0.6],
    ],
)
def test_pool_across_seeds_exact_interval_and_p(rs):
    pooled = stats.pool_across_seeds(np.array(rs))
    kept = [r for r in rs if not np.isnan(r)]
    assert_result(pooled, pooled_reference(kept))
    z = np.arctanh(kept)
    assert pooled["p_value"] == pytest.approx(scipy_stats.ttest_1samp(z, 0).pvalue, rel=1e-10)
    # a normal quantile instead of t, or no Fisher z, gives another interval
    assert pooled["ci_low"] < np.tanh(z.mean() - 1.96 * z.std(ddof=1) / np.sqrt(len(z)))


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_pool_across_seeds_degenerate_cases():
    nan = {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    assert_result(stats.pool_across_seeds(np.array([0.3, np.nan])), nan | {"n": 1})
    assert_result(stats.pool_across_seeds(np.array([np.nan, np.nan])), nan | {"n": 0})
    # every seed the same coefficient: no spread, a zero-width interval
    same = stats.pool_across_seeds(np.array([0.5, 0.5, 0.5]))
    assert_result(same, {"r": 0.5, "ci_low": 0.5, "ci_high": 0.5, "p_value": 0.0, "n": 3})
    zero = stats.pool_across_seeds(np.array([0.0, 0.0]))
    assert_result(zero, {"r": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p_value": 1.0, "n": 2})


@pytest.mark.parametrize("kind", ["pearson", "spearman"])
def test_across_seeds_exact_interval_and_p(kind):
    x = np.array([0.61, 0.72, 0.55, 0.8, 0.67, 0.7, 0.58])
    y = np.array([0.7, 0.79, 0.6, 0.93, 0.69, 0.81, 0.66]) ** 3  # monotone, not linear
    assert_result(stats.across_seeds(x, y, kind), across_reference(x, y, kind))
    assert_result(stats.across_seeds(x[:4], y[:4], kind), across_reference(x[:4], y[:4], kind))
    three = stats.across_seeds(x[:3], y[:3], kind)
    assert np.isnan(three["ci_low"]) and np.isnan(three["ci_high"])
    assert_result(three, across_reference(x[:3], y[:3], kind))
    flat = stats.across_seeds(x, np.full(7, 0.5), kind)
    assert_result(flat, {"r": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
                         "n": 7})  # fmt: skip


def test_fixed_points_are_the_final_evaluation_and_the_one_nearest_half_of_it():
    assert stats.fixed_points([3.0, 0.0, 6.0, 1.5, 0.5, 4.0, 2.0]) == {
        "seeds_final": 6.0,
        "seeds_mid": 3.0,
    }
    assert stats.fixed_points(np.array([5.0, 1.0, 0.0, 4.0, 2.0])) == {
        "seeds_final": 5.0,
        "seeds_mid": 2.0,
    }


def random_runs(rng, depth, epochs, seeds=5, dead_layer=None) -> dict:
    curves = {}
    for seed in range(seeds):
        for layer in [*range(1, depth + 1), "model"]:
            values = rng.uniform(0.1, 0.9, len(epochs))
            curves[seed, layer] = np.full(len(epochs), 0.1) if layer == dead_layer else values
    return curves


H2_EPOCHS = {  # a treatment's own evaluation points: (all, final, mid)
    "standard": (np.arange(5.0), 4.0, 2.0),
    "greedy": (np.arange(9.0), 8.0, 4.0),
    "fashion": (np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.0]), 3.0, 1.5),
}


def h2_metrics() -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(11)
    standard = random_runs(rng, 2, H2_EPOCHS["standard"][0])
    greedy = random_runs(rng, 2, H2_EPOCHS["greedy"][0])
    fashion = random_runs(rng, 3, H2_EPOCHS["fashion"][0], dead_layer=3)
    single = random_runs(rng, 1, H2_EPOCHS["standard"][0])
    metrics = pd.concat(
        [
            metrics_table(standard, 2, epochs=H2_EPOCHS["standard"][0]),
            metrics_table(greedy, 2, study=GREEDY, epochs=H2_EPOCHS["greedy"][0]),
            metrics_table(fashion, 3, dataset="fashion", epochs=H2_EPOCHS["fashion"][0]),
            metrics_table(single, 1, width=50, epochs=H2_EPOCHS["standard"][0]),
        ]
    )
    treatments = {
        "mnist-d2-w100-standard": ("standard", standard, 2),
        "mnist-d2-w100-greedy": ("greedy", greedy, 2),
        "fashion-d3-w100-standard": ("fashion", fashion, 3),
    }
    return metrics, treatments


@pytest.fixture  # function scope: see hand_delays
def h2_result():
    metrics, treatments = h2_metrics()
    table, per_seed = stats.layer_correlation(metrics)
    return treatments, table, per_seed


CORRELATE = {"pearson": scipy_stats.pearsonr, "spearman": scipy_stats.spearmanr}


def test_layer_correlation_one_row_per_treatment_layer_basis_and_kind(h2_result):
    treatments, table, per_seed = h2_result
    assert list(table.columns) == [
        *stats.TREATMENT_KEYS, "layer", "basis", "kind", "r", "ci_low", "ci_high", "p_value",
        "n", "epoch", "p_adjusted", "significant",
    ]  # fmt: skip
    assert list(per_seed.columns) == [*stats.TREATMENT_KEYS, "seed", "layer", "kind", "basis", "r"]
    assert set(table.treatment) == set(treatments)  # depth 1 is left out
    assert len(table) == (2 + 2 + 3) * 2 * 4
    assert set(table.basis) == set(stats.BASES)
    assert len(per_seed) == (2 + 2 + 3) * 2 * 2 * 5


@pytest.mark.parametrize("basis", ["levels", "differences"])
def test_layer_correlation_within_seeds_exact(h2_result, basis):
    """Per seed, r over the training evaluations (epoch > 0), of levels or of first
    differences; pooled over seeds through Fisher z with a t interval."""
    treatments, table, per_seed = h2_result
    found = table.set_index(["treatment", "layer", "basis", "kind"])
    seed_rs = per_seed.set_index(["treatment", "seed", "layer", "basis", "kind"]).r
    for treatment, (name, curves, depth) in treatments.items():
        trained = H2_EPOCHS[name][0] > 0
        for layer in range(1, depth + 1):
            for kind, correlation in CORRELATE.items():
                rs = []
                for seed in range(5):
                    x, y = curves[seed, layer][trained], curves[seed, "model"][trained]
                    if basis == "differences":
                        x, y = np.diff(x), np.diff(y)
                    rs.append(correlation(x, y).statistic if np.ptp(x) > 0 else np.nan)
                    key = (treatment, seed, layer, basis, kind)
                    assert seed_rs[key] == pytest.approx(rs[-1], nan_ok=True), key
                row = found.loc[treatment, layer, basis, kind]
                assert np.isnan(row.epoch)
                if np.isnan(rs).all():  # the dead layer
                    assert row.n == 0 and np.isnan(row.r) and np.isnan(row.p_value)
                    continue
                expected = pooled_reference(rs)
                assert_result({key: row[key] for key in expected}, expected)


@pytest.mark.parametrize("basis", ["seeds_final", "seeds_mid"])
def test_layer_correlation_across_seeds_exact(h2_result, basis):
    """Across seeds at a treatment's own final evaluation, or the one nearest half of it."""
    treatments, table, _ = h2_result
    found = table.set_index(["treatment", "layer", "basis", "kind"])
    for treatment, (name, curves, depth) in treatments.items():
        epochs, final, mid = H2_EPOCHS[name]
        epoch = final if basis == "seeds_final" else mid
        at = list(epochs).index(epoch)
        for layer in range(1, depth + 1):
            x = np.array([curves[seed, layer][at] for seed in range(5)])
            y = np.array([curves[seed, "model"][at] for seed in range(5)])
            for kind in CORRELATE:
                row = found.loc[treatment, layer, basis, kind]
                assert row.epoch == epoch
                if np.ptp(x) == 0:  # the dead layer
                    assert np.isnan(row.r) and np.isnan(row.p_value) and row.n == 5
                    continue
                expected = across_reference(x, y, kind)
                assert_result({key: row[key] for key in expected}, expected)


def test_layer_correlation_adjusts_p_over_the_whole_table_by_benjamini_hochberg(h2_result):
    table = h2_result[1]
    tested = table.p_value.notna()
    assert 0 < (~tested).sum() < len(table)  # the dead layer has no p-value
    expected = scipy_stats.false_discovery_control(table.p_value[tested], method="bh")
    np.testing.assert_allclose(table.p_adjusted[tested], expected, rtol=1e-12)
    assert table.p_adjusted[~tested].isna().all()
    assert pd.api.types.is_float_dtype(table.p_adjusted)
    assert (table.significant == (table.p_adjusted < stats.ALPHA)).all()
    # BH changes the p-values, and per treatment it would change them differently
    assert (table.p_adjusted[tested] > table.p_value[tested]).any()
    per_treatment = (
        table[tested]
        .groupby("treatment")
        .p_value.transform(lambda p: scipy_stats.false_discovery_control(p, method="bh"))
    )
    assert not np.allclose(table.p_adjusted[tested], per_treatment)


def test_layer_correlation_significance_is_strictly_below_alpha(monkeypatch):
    metrics = h2_metrics()[0]
    monkeypatch.setattr(
        stats.stats, "false_discovery_control", lambda p, method: np.full(len(p), stats.ALPHA)
    )
    table, _ = stats.layer_correlation(metrics)
    assert not table.significant.any()


def correlated_runs(seeds=8, coupling=1.0, rng_seed=0) -> pd.DataFrame:
    """Layer 1 drives the model with strength `coupling`; layer 2 is independent. All share a
    linear rise, which first differences remove exactly."""
    rng = np.random.default_rng(rng_seed)
    curves = {}
    for seed in range(seeds):
        base = 0.3 + 0.2 * EPOCHS
        wiggle_1 = rng.normal(0, 0.02, len(EPOCHS)).cumsum()
        wiggle_2 = rng.normal(0, 0.02, len(EPOCHS)).cumsum()
        wiggle_m = rng.normal(0, 0.02, len(EPOCHS)).cumsum()
        curves[seed, 1] = base + wiggle_1
        curves[seed, 2] = base + wiggle_2
        curves[seed, "model"] = base + coupling * wiggle_1 + (1 - coupling) * wiggle_m
    return metrics_table(curves, depth=2)


def test_planted_correlation_is_detected_and_differencing_removes_the_shared_trend():
    table, _ = stats.layer_correlation(correlated_runs(coupling=0.9))
    pearson = table[table.kind == "pearson"].set_index(["basis", "layer"])
    assert pearson.loc[("differences", 1)].r > 0.8 and pearson.loc[("differences", 1)].significant
    # the independent layer: levels look correlated through the shared rise, differences do not
    assert pearson.loc[("levels", 2)].r > 0.8
    assert (
        abs(pearson.loc[("differences", 2)].r) < 0.3
        and not pearson.loc[("differences", 2)].significant
    )


def test_no_correlation_is_not_detected():
    table, _ = stats.layer_correlation(correlated_runs(coupling=0.0, rng_seed=5))
    differences = table[(table.basis == "differences")]
    assert not differences.significant.any()


# --- H3: trends ------------------------------------------------------------------------------


def ols_reference(design, response) -> tuple[np.ndarray, np.ndarray, int]:
    """Normal equations, written out: coefficients, standard errors, residual df."""
    gram = np.linalg.inv(design.T @ design)
    coef = gram @ design.T @ response
    dof = len(response) - design.shape[1]
    residual = response - design @ coef
    return coef, np.sqrt(np.diag(gram) * (residual @ residual) / dof), dof


def test_ols_matches_scipy_linregress_for_one_predictor():
    rng = np.random.default_rng(0)
    x = rng.normal(size=30)
    y = 2 - 0.5 * x + rng.normal(0, 0.3, 30)
    coef, se, dof = stats.ols(np.column_stack([np.ones(30), x]), y)
    expected = scipy_stats.linregress(x, y)
    assert coef[1] == pytest.approx(expected.slope) and se[1] == pytest.approx(expected.stderr)
    assert dof == 28


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_ols_with_two_predictors_and_without_residual_df():
    rng = np.random.default_rng(1)
    for rows in (12, 4):  # 4 rows, 3 coefficients: one residual degree of freedom
        design = np.column_stack([np.ones(rows), rng.normal(size=rows), rng.normal(size=rows)])
        response = design @ [1.0, -0.3, 0.2] + rng.normal(0, 0.1, rows)
        coef, se, dof = stats.ols(design, response)
        expected_coef, expected_se, expected_dof = ols_reference(design, response)
        np.testing.assert_allclose(coef, expected_coef, rtol=1e-9)
        np.testing.assert_allclose(se, expected_se, rtol=1e-9)
        assert dof == expected_dof == rows - 3
    coef, se, dof = stats.ols(design[:3], response[:3])  # an exact fit: no error to estimate
    assert dof == 0 and np.isnan(se).all()


def trend_table(layer_effect: float, width_effect: float, rng_seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(rng_seed)
    rows = []
    for width in (100, 200, 400, 800):
        for depth in (2, 3, 4):
            for layer in range(1, depth + 1):
                z = 1.5 + layer_effect * layer + width_effect * np.log2(width) + rng.normal(0, 0.05)
                rows.append(
                    {"definition": "label", "dataset": "mnist", **STANDARD,
                     "treatment": f"mnist-d{depth}-w{width}", "depth": depth,
                     "width": width, "layer": layer, "basis": "levels", "kind": "pearson",
                     "r": np.tanh(z)}
                )  # fmt: skip
    return pd.DataFrame(rows)


def test_planted_weakening_is_detected_and_its_absence_is_not():
    trends = stats.correlation_trends(trend_table(-0.2, -0.1)).set_index("predictor")
    assert (
        trends.loc["layer"].slope == pytest.approx(-0.2, abs=0.05) and trends.loc["layer"].weakens
    )
    assert trends.loc["log2_width"].weakens
    null = stats.correlation_trends(trend_table(0.0, 0.0, rng_seed=1)).set_index("predictor")
    assert not null.weakens.any()


def h2_table(effects: dict, rng_seed=0) -> pd.DataFrame:
    """An H2-shaped table: {(study variant, basis, kind): (layer, log2 width effect, noise)}
    on z; within-seed bases have no `epoch` (NaN), and a dead layer has no r."""
    rng = np.random.default_rng(rng_seed)
    studies = {"standard": STANDARD, "greedy": GREEDY}
    rows = []
    for (variant, basis, kind), (layer_effect, width_effect, noise) in effects.items():
        for width in (100, 200, 400, 800):
            for depth in (2, 3):
                for layer in range(1, depth + 2):  # depth + 1: the dead layer, no r
                    z = 1.2 + layer_effect * layer + width_effect * np.log2(width)
                    r = np.tanh(z + rng.normal(0, noise)) if layer <= depth else np.nan
                    epoch = 10.0 if basis.startswith("seeds") else np.nan
                    rows.append(
                        {"definition": "label", "dataset": "mnist", **studies[variant],
                         "treatment": f"mnist-d{depth}-w{width}", "depth": depth,
                         "width": width, "layer": layer, "basis": basis, "kind": kind,
                         "epoch": epoch, "r": r, "p_value": np.nan if np.isnan(r) else 0.01}
                    )  # fmt: skip
    return pd.DataFrame(rows)


def test_correlation_trends_exact_slopes_intervals_and_p():
    effects = {
        ("standard", "levels", "pearson"): (-0.2, -0.1, 0.05),  # weakens with both
        ("standard", "differences", "spearman"): (-0.15, 0.0, 0.1),  # with layer only
        ("greedy", "levels", "pearson"): (0.0, 0.0, 0.3),  # with neither
        ("greedy", "seeds_final", "pearson"): (0.05, -0.2, 0.05),
    }
    table = h2_table(effects)
    trends = stats.correlation_trends(table)
    expected_columns = [*stats.STUDY_KEYS, "basis", "kind", "points", "predictor", "slope",
                        "ci_low", "ci_high", "p_value", "weakens"]  # fmt: skip
    assert list(trends.columns) == expected_columns
    assert len(trends) == 2 * len(effects)
    found = trends.set_index(["variant", "basis", "kind", "predictor"])
    for variant, basis, kind in effects:
        group = table[(table.variant == variant) & (table.basis == basis) & (table.kind == kind)]
        group = group[group.r.notna()]
        design = np.column_stack([np.ones(len(group)), group.layer, np.log2(group.width)])
        coef, se, dof = ols_reference(design, np.arctanh(group.r.to_numpy()))
        assert dof == len(group) - 3 == 20 - 3
        quantile = scipy_stats.t.ppf(0.975, dof)
        for index, predictor in ((1, "layer"), (2, "log2_width")):
            row = found.loc[variant, basis, kind, predictor]
            assert row.points == len(group)
            assert row.slope == pytest.approx(coef[index], rel=1e-9)
            assert row.ci_low == pytest.approx(coef[index] - quantile * se[index], rel=1e-9)
            assert row.ci_high == pytest.approx(coef[index] + quantile * se[index], rel=1e-9)
            p = 2 * scipy_stats.t.sf(abs(coef[index] / se[index]), dof)
            assert row.p_value == pytest.approx(p, rel=1e-9)
            assert row.weakens == (coef[index] + quantile * se[index] < 0)
    weakens = found.weakens.to_dict()
    assert weakens == {
        ("greedy", "levels", "pearson", "layer"): False,
        ("greedy", "levels", "pearson", "log2_width"): False,
        ("greedy", "seeds_final", "pearson", "layer"): False,
        ("greedy", "seeds_final", "pearson", "log2_width"): True,
        ("standard", "differences", "spearman", "layer"): True,
        ("standard", "differences", "spearman", "log2_width"): False,
        ("standard", "levels", "pearson", "layer"): True,
        ("standard", "levels", "pearson", "log2_width"): True,
    }
    # an interval that straddles 0 is not weakening, though its slope may be negative
    straddles = trends[(trends.ci_low < 0) & (trends.ci_high > 0)]
    assert len(straddles) and not straddles.weakens.any()


def test_correlation_trends_needs_two_layers_two_widths_and_residual_df():
    def rows(variant, basis, cells):
        study = {"standard": STANDARD, "greedy": GREEDY}[variant]
        return [
            {
                "definition": "label",
                "dataset": "mnist",
                **study,
                "basis": basis,
                "kind": "pearson",
                "layer": layer,
                "width": width,
                "r": r,
            }  # fmt: skip
            for layer, width, r in cells
        ]

    table = pd.DataFrame(
        # one width: the width slope is not identifiable
        rows("greedy", "levels", [(1, 100, 0.9), (2, 100, 0.8), (3, 100, 0.7), (4, 100, 0.6)])
        # one layer: the layer slope is not
        + rows(
            "greedy",
            "seeds_mid",
            [(1, w, r) for w, r in ((100, 0.9), (200, 0.8), (400, 0.7), (800, 0.6))],
        )  # fmt: skip
        # two layers, two widths, but three points for three coefficients
        + rows("standard", "differences", [(1, 100, 0.9), (2, 100, 0.7), (1, 200, 0.8)])
        # two layers, two widths, four points: one residual degree of freedom
        + rows(
            "standard", "levels", [(1, 100, 0.9), (2, 100, 0.7), (1, 200, 0.85), (2, 200, 0.6)]
        )  # fmt: skip
    )
    trends = stats.correlation_trends(table)
    assert trends[["variant", "basis", "predictor", "points"]].values.tolist() == [
        ["standard", "levels", "layer", 4],
        ["standard", "levels", "log2_width", 4],
    ]
    assert stats.correlation_trends(table[table.variant == "greedy"]).empty


def test_correlation_trends_at_the_edges_of_a_fit(monkeypatch):
    """An interval that ends exactly at 0 does not lie below it; a perfect fit (standard error
    0) makes a nonzero slope infinitely significant, without dividing by zero, and leaves a
    zero slope's p undefined."""
    table = h2_table({("standard", "levels", "pearson"): (-0.2, -0.1, 0.05)})
    quantile = scipy_stats.t.ppf(0.975, 20 - 3)

    def fit(coef, se):
        monkeypatch.setattr(stats, "ols", lambda design, z: (np.array(coef), np.array(se), 17))
        return stats.correlation_trends(table).set_index("predictor")

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        touching = fit([1.0, -(quantile * 0.5), -(quantile * 0.5) - 0.01], [0.1, 0.5, 0.5])
        perfect = fit([1.0, -0.1, 0.2], [0.0, 0.0, 0.0])
    assert touching.loc["layer"].ci_high == 0.0 and not touching.loc["layer"].weakens
    assert touching.loc["log2_width"].ci_high < 0 and touching.loc["log2_width"].weakens
    assert perfect.p_value.tolist() == [0.0, 0.0] and perfect.weakens.tolist() == [True, False]
    assert perfect.loc["layer"].ci_low == perfect.loc["layer"].ci_high == -0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0
        flat = fit([1.0, 0.0, 0.2], [0.0, 0.0, 0.0])
    assert np.isnan(flat.loc["layer"].p_value) and not flat.loc["layer"].weakens


# --- from the tables to the text -------------------------------------------------------------


def test_summary_states_each_verdict_from_the_tables():
    delays = stats.layer_delays(planted_delay(), [0.9])
    correlations, _ = stats.layer_correlation(correlated_runs(coupling=0.9))
    text = summary_markdown(
        stats.overall_trend(delays),
        stats.depth_delay_tests(delays),
        correlations,
        stats.correlation_trends(trend_table(-0.2, -0.1)),
    ).split("\n")
    assert any(line.startswith("- mnist, time to 0.9: **supported**. ") for line in text)
    assert any(line.startswith("- mnist, differences, pearson: **supported**. ") for line in text)
    assert any(line.startswith("- mnist, levels, pearson: **supported**. ") for line in text)
    for heading in ("## H1", "## H2", "## H3"):
        assert any(line.startswith(heading) for line in text)


def test_summary_compares_the_trainings_and_names_what_is_missing():
    delayed = planted_delay()
    flat = planted_delay(step=0.0, noise=0.01, rng_seed=3)
    backprop = flat.assign(**study_of(method="backprop"))
    greedy = delayed.assign(**study_of(schedule="greedy"), treatment=delayed.treatment + "-greedy")
    delays = stats.layer_delays(pd.concat([delayed, backprop, greedy]), [0.9])
    overall = stats.overall_trend(delays)
    assert set(overall.method) == {"ff", "backprop"}
    text = beyond_section(overall, "time_to_0.9")
    assert "| gain to 0.9 | mnist |" in text
    rows = {line.split(" | ")[0]: line for line in text[: text.index("| gain to 0.9 | mnist |")]}
    assert rows["| Forward-Forward, standard"].startswith(
        "| Forward-Forward, standard | **supported**: "
    )
    assert rows["| backprop (linear probes)"].startswith(
        "| backprop (linear probes) | **not supported**: "
    )
    assert rows["| Forward-Forward, greedy"].startswith(
        "| Forward-Forward, greedy | **supported**: "
    )
    assert any(
        line.startswith("- Forward-Forward, hard negatives: not in this study") for line in text
    )
    assert not any("greedy layer-by-layer schedule: not in this study" in line for line in text)
