"""The statistics of the three hypotheses, on small planted tables with known answers.

Expected values are computed here independently of ff.stats (scipy's tests and quantiles,
written-out formulas), so a wrong tail, quantile, transform, degree of freedom, family of a
multiplicity adjustment, or a mean over runs where the seeds are the replicates fails a test,
not only a reversal of a verdict."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from ff import delays as ff_delays
from ff import hypotheses, stats
from ff.answers import answers
from ff.config import Treatment
from ff.convergence import convergence, late_gains, series_convergence, with_convergence
from ff.hypotheses import seed_values
from ff.metrics import series_columns
from ff.part_whole import part_whole_check
from ff.summary import beyond_section, h1_section, summary_markdown


def study_of(**changes) -> dict:
    """The study columns of a training: standard Forward-Forward with `changes`."""
    return series_columns(Treatment("mnist", 1, 1, **changes))


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
    assert ff_delays.time_to_fraction(epochs, accuracy, 0.5) == pytest.approx(0.875)  # 0.45 reached
    assert ff_delays.time_to_fraction(epochs, accuracy, 1.0) == pytest.approx(2.0)
    # half the gain from 0.1 to 0.9 is 0.5, reached at epoch 1
    assert ff_delays.time_to_fraction(epochs, accuracy, 0.5, of_gain=True) == pytest.approx(1.0)
    # a curve that starts high: 0.9 of final early, 0.9 of the gain only late
    high = np.array([0.8, 0.82, 0.9])
    assert ff_delays.time_to_fraction(epochs, high, 0.9) == pytest.approx(0.5)
    assert ff_delays.time_to_fraction(epochs, high, 0.9, of_gain=True) == pytest.approx(1.875)
    assert (
        ff_delays.steepest_gain_time(np.array([0, 1, 2, 3.0]), np.array([0.1, 0.2, 0.8, 0.9]))
        == 1.5
    )


def test_time_to_fraction_on_uneven_evaluations_plateaus_and_early_targets():
    epochs = np.array([0.5, 1.5, 3.5, 4.0])
    accuracy = np.array([0.25, 0.625, 0.625, 1.0])  # binary fractions: exact targets
    # 0.5 of final: between 0.25 at 0.5 and 0.625 at 1.5
    assert ff_delays.time_to_fraction(epochs, accuracy, 0.5) == pytest.approx(0.5 + 0.25 / 0.375)
    # half the gain is 0.625: the first evaluation that reaches it, not the end of the plateau
    assert ff_delays.time_to_fraction(epochs, accuracy, 0.5, of_gain=True) == 1.5
    # 0.9 of final (0.9): between 0.625 at 3.5 and 1.0 at 4.0
    expected = 3.5 + 0.275 / 0.375 * 0.5
    assert ff_delays.time_to_fraction(epochs, accuracy, 0.9) == pytest.approx(expected)
    # reached at the first evaluation already: its epoch
    early = np.array([0.9, 0.5, 0.7, 1.0])
    assert ff_delays.time_to_fraction(epochs, early, 0.5) == 0.5
    falling = np.array([0.9, 0.5, 0.7, 0.8])  # a layer that ends below its start
    assert ff_delays.time_to_fraction(epochs, falling, 0.5, of_gain=True) == 0.5


def test_steepest_gain_is_per_epoch_not_per_evaluation():
    epochs = np.array([0.0, 1.0, 3.0, 4.0])
    # the largest rise (0.4) is over two epochs; the steepest (0.3 per epoch) is the first
    assert ff_delays.steepest_gain_time(epochs, np.array([0.0, 0.3, 0.7, 0.8])) == 0.5
    assert ff_delays.steepest_gain_time(epochs, np.array([0.0, 0.1, 0.2, 0.9])) == 3.5


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
    return ff_delays.layer_delays(table, [0.5, 0.9])


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
    assert ff_delays.rank_biserial(np.array([1.0, 2.0, 3.0, -0.5])) == pytest.approx(0.8)
    # ranks 1 (0.5) and 3 positive, 2 negative; zeros are left out: (4 - 2) / 6
    assert ff_delays.rank_biserial(np.array([0.5, 0.0, -2.0, 3.0])) == pytest.approx(1 / 3)
    assert ff_delays.rank_biserial(np.array([0.0, 2.0, 0.0])) == 1.0
    assert ff_delays.rank_biserial(np.array([0.0, 0.0])) == 0.0


def test_trend_effect_is_the_mean_rho_of_every_seed_a_tie_counting_as_no_order():
    rising, partly, flat = [0.1, 0.2, 0.3], [0.1, 0.3, 0.2], [0.5, 0.5, 0.5]
    assert ff_delays.trend_effect(np.array([rising, partly, flat])) == pytest.approx(0.5)
    assert ff_delays.trend_effect(np.array([rising[::-1], partly])) == pytest.approx(-0.25)
    assert ff_delays.trend_effect(np.array([flat, flat])) == 0.0


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
    tests = ff_delays.depth_delay_tests(delays)
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
    tests = ff_delays.depth_delay_tests(
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
    delays = ff_delays.layer_delays(planted_delay(), [0.9])
    tests = ff_delays.depth_delay_tests(delays)
    page = tests[(tests.test == "page_trend") & (tests.measure == "time_to_0.9")].iloc[0]
    assert page.p_value < 1e-4 and page.effect_size > 0.9
    wilcoxon = tests[(tests.test == "wilcoxon") & (tests.measure == "time_to_0.9")]
    assert wilcoxon.significant.all() and (wilcoxon.mean_difference > 0.1).all()
    overall = hypotheses.h1_table(delays).set_index("measure").loc["time_to_0.9"]
    assert overall.verdict == "supported" and overall.ci_low > 0.5
    assert overall.share_positive == 1.0 and overall.ci_high <= 1.0
    assert overall.seeds == overall.runs == 8


def test_no_delay_is_not_detected():
    delays = ff_delays.layer_delays(planted_delay(step=0.0, noise=0.01, rng_seed=3), [0.9])
    tests = ff_delays.depth_delay_tests(delays)
    assert not tests[tests.measure == "time_to_0.9"].significant.any()
    overall = hypotheses.h1_table(delays).set_index("measure").loc["time_to_0.9"]
    assert overall.p_value > 0.05 and overall.verdict == "inconclusive"


def test_reversed_delay_contradicts_h1():
    """Deeper layers learning earlier is a strong effect in the wrong direction: an interval
    below 0 contradicts H1, with its bounds inside [-1, 1]."""
    delays = ff_delays.layer_delays(planted_delay(reverse=True), [0.9])
    time = delays[delays.measure == "time_to_0.9"]
    rhos = [
        scipy_stats.spearmanr(block.layer, block.value).statistic
        for _, block in time.groupby("seed")
    ]
    assert np.mean(rhos) < -0.9

    overall = hypotheses.h1_table(delays).set_index("measure").loc["time_to_0.9"]
    assert overall.share_positive == 0.0 and overall.mean_rho == pytest.approx(np.mean(rhos))
    assert overall.p_value < 0.05  # two-sided: "significant"
    assert overall.ci_high < 0 and overall.verdict == "contradicted" and overall.ci_low >= -1

    tests = ff_delays.depth_delay_tests(delays)
    assert not tests.significant.any()
    one_sided = tests[(tests.measure == "time_to_0.9")]
    assert (one_sided.p_value > 0.5).all()
    page = one_sided[one_sided.test == "page_trend"].iloc[0]
    assert page.effect_size < -0.9
    for row in one_sided[one_sided.test == "wilcoxon"].itertuples():
        assert row.mean_difference < 0 and row.effect_size < 0

    overall_table = hypotheses.h1_table(delays)
    lines = h1_section(overall_table, tests)
    line = next(line for line in lines if line.startswith("- mnist, time to 0.9: "))
    assert line.startswith("- mnist, time to 0.9: **contradicted**")
    assert line.endswith("; Page's test significant in 0 of 1 treatments.")


def test_holm_is_within_each_study_measure_and_kind_of_test():
    rng = np.random.default_rng(7)
    parts = []
    for dataset in ("mnist", "fashion"):
        for study in (STANDARD, GREEDY):
            for width, step in ((100, 0.3), (200, 0.08), (400, 0.02)):
                for measure in ("time_to_0.9", "gain_to_0.9"):
                    values = 1 + step * np.arange(3) + rng.normal(0, 0.1, (6, 3))
                    parts.append(delay_table(values, dataset, study, width, measure))
    tests = ff_delays.depth_delay_tests(pd.concat(parts))
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
    monkeypatch.setattr(ff_delays, "holm", lambda p: np.full(len(p), stats.ALPHA))
    assert not ff_delays.depth_delay_tests(delays).significant.any()
    monkeypatch.setattr(ff_delays, "holm", lambda p: np.full(len(p), 0.049))
    assert ff_delays.depth_delay_tests(delays).significant.all()


def test_page_trend_matches_scipy_on_the_delay_table():
    delays = ff_delays.layer_delays(planted_delay(seeds=5), [0.9])
    tests = ff_delays.depth_delay_tests(delays)
    table = delays[delays.measure == "time_to_0.9"].pivot(
        index="seed", columns="layer", values="value"
    )
    expected = scipy_stats.page_trend_test(table.to_numpy())
    page = tests[(tests.test == "page_trend") & (tests.measure == "time_to_0.9")].iloc[0]
    assert page.statistic == expected.statistic and page.p_value == pytest.approx(expected.pvalue)


def t_reference(values) -> dict:
    """Mean over seeds (NaN left out), its 95% t interval and two-sided p, by scipy's one-sample
    t-test."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    test = scipy_stats.ttest_1samp(values, 0.0)
    low, high = test.confidence_interval(0.95)
    return {"estimate": values.mean(), "ci_low": low, "ci_high": high, "p_value": test.pvalue,
            "seeds": len(values)}  # fmt: skip


# per-seed values (or coefficients) for the pooling tests; NaN: a seed without one, left out
PER_SEED_VALUES = [
    [0.2, np.nan, 0.5, 0.9, -0.1, 0.6],
    [-0.3, -0.5, -0.1, -0.6],
    [0.3, 0.5],
    [0.85, 0.9, 0.7, 0.95, 0.8, 0.75, 0.9, 0.6],
]


def result_of(row, estimate: str) -> dict:
    """A table row's mean-over-seeds columns, under mean_over_seeds' names."""
    names = ("ci_low", "ci_high", "p_value", "seeds")
    return {"estimate": row[estimate]} | {name: row[name] for name in names}


@pytest.mark.parametrize(
    "values",
    PER_SEED_VALUES,
)
def test_mean_over_seeds_exact_t_interval_and_two_sided_p(values):
    result = stats.mean_over_seeds(np.array(values))
    assert_result(result, t_reference(values))
    # a normal quantile instead of t (or n df instead of n - 1) gives a narrower interval
    kept = np.array([v for v in values if not np.isnan(v)])
    normal = 1.96 * kept.std(ddof=1) / np.sqrt(len(kept))
    assert result["ci_high"] - result["ci_low"] > 2 * normal


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_mean_over_seeds_degenerate_cases():
    nan = {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    assert_result(stats.mean_over_seeds(np.array([])), nan | {"estimate": np.nan, "seeds": 0})
    assert_result(stats.mean_over_seeds([np.nan, np.nan]), nan | {"estimate": np.nan, "seeds": 0})
    assert_result(stats.mean_over_seeds([0.3, np.nan]), nan | {"estimate": 0.3, "seeds": 1})
    # every seed the same value: no spread, the interval collapses to the mean
    same = {"estimate": 0.5, "ci_low": 0.5, "ci_high": 0.5, "p_value": 0.0, "seeds": 3}
    assert_result(stats.mean_over_seeds([0.5, 0.5, 0.5]), same)
    negative = {"estimate": -0.25, "ci_low": -0.25, "ci_high": -0.25, "p_value": 0.0, "seeds": 2}
    assert_result(stats.mean_over_seeds([-0.25, -0.25]), negative)
    zero = {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p_value": 1.0, "seeds": 2}
    assert_result(stats.mean_over_seeds([0.0, 0.0]), zero)


OVERALL_COLUMNS = [*stats.SERIES_KEYS, "measure", "runs", "tied_runs", "mean_rho", "ci_low",
                   "ci_high", "p_value", "seeds", "share_positive", "verdict"]  # fmt: skip


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_overall_trend_averages_each_seeds_runs_then_tests_over_seeds():
    """Two treatments share seeds 0-2: a seed's value is the mean rho of its runs, a run whose
    layers all tie counting as 0 (no order), and the test is over seeds, not over runs."""
    runs = {  # rho of each run: 0.5, 1, 0.5 (spread below one epoch), 0 (flat), 0
        "d3": [[1.0, 3.0, 2.0], [1.0, 2.0, 3.0], [0.1, 0.3, 0.2], [0.5, 0.5, 0.5], [1.0, 0.0, 1.0]],
        "d2": [[1.0, 0.8], [0.2, 0.4], [1.0, 1.0]],  # rho -1, 1, 0 (flat)
    }
    delays = pd.concat(
        [
            delay_table(runs["d3"]),
            delay_table(runs["d2"], width=200),
            delay_table([[0.3], [0.4]], width=300),  # depth 1: no order to test
            delay_table(runs["d3"], measure="gain_to_0.9").assign(
                value=lambda t: -t.value
            ),  # fmt: skip
            delay_table([[0.2], [0.4]], dataset="fashion"),  # a study of depth 1 only
            delay_table([[0.5, 0.5, 0.5], [0.2, 0.2, 0.2]], study=GREEDY),  # all flat
            delay_table([[1.0, 0.0, 1.0], [2.0, 1.0, 2.0]], study=HARD),  # all rho 0
        ]
    )

    def spearman(run):  # as scipy computes it; 0 without an order
        return scipy_stats.spearmanr(range(len(run)), run).statistic if np.ptp(run) else 0.0

    rho = {name: [spearman(run) for run in block] for name, block in runs.items()}
    np.testing.assert_allclose(rho["d3"], [0.5, 1.0, 0.5, 0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(rho["d2"], [-1.0, 1.0, 0.0], atol=1e-12)
    d3, d2 = rho["d3"], rho["d2"]
    seed_rho = [(d3[0] + d2[0]) / 2, (d3[1] + d2[1]) / 2, (d3[2] + d2[2]) / 2, d3[3], d3[4]]

    run_rho = ff_delays.run_trends(delays)
    columns = [*stats.SERIES_KEYS, "measure", "treatment", "seed", "rho", "tied"]
    assert list(run_rho.columns) == columns
    time_runs = run_rho[(run_rho.variant == "standard") & (run_rho.measure == "time_to_0.9")]
    assert len(time_runs) == 8 and time_runs.tied.sum() == 2  # depth 1 is left out
    per_seed = ff_delays.seed_delay_trends(delays)
    columns = [*stats.SERIES_KEYS, "measure", "seed", "rho", "runs", "tied"]
    assert list(per_seed.columns) == columns
    time_seeds = per_seed[(per_seed.variant == "standard") & (per_seed.measure == "time_to_0.9")]
    np.testing.assert_allclose(time_seeds.rho, seed_rho, atol=1e-12)
    assert time_seeds.runs.tolist() == [2, 2, 2, 1, 1]
    assert time_seeds.tied.tolist() == [0, 0, 1, 1, 0]

    overall = hypotheses.h1_table(delays)
    assert list(overall.columns) == OVERALL_COLUMNS
    found = overall.set_index(["dataset", "variant", "measure"])
    assert sorted(found.index) == [
        ("mnist", "greedy", "time_to_0.9"),
        ("mnist", "hard", "time_to_0.9"),
        ("mnist", "standard", "gain_to_0.9"),
        ("mnist", "standard", "time_to_0.9"),
    ]
    time = found.loc["mnist", "standard", "time_to_0.9"]
    assert_result(result_of(time, "mean_rho"), t_reference(seed_rho))
    assert time.runs == 8 and time.tied_runs == 2 and time.share_positive == 2 / 5
    assert time.verdict == "inconclusive"
    # the mean over runs would be another number
    assert time.mean_rho != pytest.approx(np.mean(rho["d3"] + rho["d2"]))
    gain = found.loc["mnist", "standard", "gain_to_0.9"]
    assert_result(result_of(gain, "mean_rho"), t_reference(-np.array(rho["d3"])))
    assert gain.runs == 5 and gain.tied_runs == 1 and gain.share_positive == 0.0
    no_order = {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p_value": 1.0, "seeds": 2}
    flat = found.loc["mnist", "greedy", "time_to_0.9"]  # every run ties: no order, rho 0
    assert_result(result_of(flat, "mean_rho"), no_order)
    assert flat.runs == flat.tied_runs == 2 and flat.share_positive == 0.0
    assert flat.verdict == "inconclusive"
    unordered = found.loc["mnist", "hard", "time_to_0.9"]  # an interval that is the point 0
    assert_result(result_of(unordered, "mean_rho"), no_order)
    assert unordered.runs == 2 and unordered.tied_runs == 0 and unordered.share_positive == 0.0
    assert unordered.verdict == "inconclusive"


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (0.0, 1.0, "inconclusive"),
        (5e-324, 1.0, "supported"),
        (-0.1, 1.0, "inconclusive"),
        (-1.0, 0.0, "inconclusive"),
        (-1.0, -5e-324, "contradicted"),
    ],
)
def test_overall_trend_is_decided_by_where_the_interval_lies_against_zero(
    monkeypatch, low, high, verdict
):
    result = {"estimate": 0.5, "ci_low": low, "ci_high": high, "p_value": 0.01, "seeds": 5}
    monkeypatch.setattr(ff_delays, "mean_over_seeds", lambda values: dict(result))
    overall = hypotheses.h1_table(delay_table(DELAYS_D3))
    assert overall.verdict.tolist() == [verdict]


def test_overall_trend_interval_stays_inside_the_bounds_of_rho(monkeypatch):
    result = {"estimate": 0.98, "ci_low": 0.94, "ci_high": 1.03, "p_value": 0.01, "seeds": 5}
    monkeypatch.setattr(ff_delays, "mean_over_seeds", lambda values: dict(result))
    overall = hypotheses.h1_table(delay_table(DELAYS_D3)).iloc[0]
    assert (overall.ci_low, overall.ci_high) == (0.94, 1.0)


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
    PER_SEED_VALUES,
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


def seed_correlations(rs: dict, basis="levels", kind="pearson", study=STANDARD) -> pd.DataFrame:
    """A per-seed correlation table (layer_correlation's second) from {(seed, depth, width,
    layer): r}."""
    return pd.DataFrame(
        [
            {"definition": "label", "dataset": "mnist", **study,
             "treatment": f"mnist-d{depth}-w{width}", "depth": depth, "width": width,
             "seed": seed, "layer": layer, "kind": kind, "basis": basis, "r": r}
            for (seed, depth, width, layer), r in rs.items()
        ]
    )  # fmt: skip


FIRST_LAYER = {  # seed: the first layer's r in treatments (depth 2, width 100), (3, 200)
    0: (0.9, 0.8),
    1: (0.7, 0.95),
    2: (0.6, np.nan),  # a dead first layer: this seed has one treatment
    3: (0.85, 0.5),
}


def first_layer_rows(first: dict, scale=1.0, **columns) -> pd.DataFrame:
    """FIRST_LAYER-shaped values beside decoys H2 must leave out: deeper layers and a
    treatment of depth 1 (its only layer is the model)."""
    rs = {}
    for seed, (d2, d3) in first.items():
        rs |= {(seed, 2, 100, 1): scale * d2, (seed, 3, 200, 1): scale * d3}
        rs |= {(seed, 2, 100, 2): -0.9, (seed, 3, 200, 2): -0.9, (seed, 3, 200, 3): -0.9}
        rs |= {(seed, 1, 50, 1): -0.99}
    return seed_correlations(rs, **columns)


def test_first_layer_correlation_averages_z_per_seed_then_tests_over_seeds():
    table = pd.concat(
        [
            first_layer_rows(FIRST_LAYER),
            first_layer_rows(FIRST_LAYER, scale=0.5, basis="differences"),
            first_layer_rows(FIRST_LAYER, scale=-1.0, kind="spearman"),
            first_layer_rows({seed: (1.0, 1.0) for seed in range(3)}, study=GREEDY),  # clipped
        ]
    )
    per_seed = stats.seed_first_layer_correlations(table)
    groups = [*stats.SERIES_KEYS, "basis", "kind"]
    assert list(per_seed.columns) == [*groups, "seed", "z", "treatments"]
    overall = hypotheses.h2_table(table)
    assert list(overall.columns) == [*groups, "treatments", "r", "ci_low", "ci_high",
                                     "p_value", "seeds", "verdict"]  # fmt: skip
    assert list(hypotheses.h2_table(table.iloc[:0]).columns) == list(overall.columns)
    found = overall.set_index(["variant", "basis", "kind"])
    assert len(found) == 4
    for basis, kind, scale in (("levels", "pearson", 1.0), ("differences", "pearson", 0.5),
                               ("levels", "spearman", -1.0)):  # fmt: skip
        z = [np.nanmean(np.arctanh(scale * np.array(rs))) for rs in FIRST_LAYER.values()]
        seeds = per_seed[
            (per_seed.variant == "standard") & (per_seed.basis == basis) & (per_seed.kind == kind)
        ]
        np.testing.assert_allclose(seeds.z, z, rtol=1e-12)
        assert seeds.treatments.tolist() == [2, 2, 1, 2]
        row = found.loc["standard", basis, kind]
        expected = t_reference(z)
        for name in ("estimate", "ci_low", "ci_high"):
            expected[name] = np.tanh(expected[name])
        assert_result(result_of(row, "r"), expected)
        assert row.treatments == 2
        strong = "supported" if row.ci_low > 0.7 else "inconclusive"
        assert row.verdict == ("contradicted" if row.ci_high < 0.7 else strong)
    # the mean over treatments (not seeds) would be another number
    levels = found.loc["standard", "levels", "pearson"]
    pooled = np.nanmean(np.arctanh(np.array(list(FIRST_LAYER.values()))))
    assert levels.r != pytest.approx(np.tanh(pooled))
    assert levels.verdict == "inconclusive"  # r 0.79, but its interval reaches below 0.7
    assert found.loc["standard", "differences", "pearson"].verdict == "contradicted"  # r 0.4
    assert found.loc["standard", "levels", "spearman"].verdict == "contradicted"
    perfect = found.loc["greedy", "levels", "pearson"]  # |r| = 1 counts as 0.999999
    assert perfect.r == perfect.ci_low == perfect.ci_high == pytest.approx(0.999999, rel=1e-12)
    assert perfect.p_value == 0.0 and perfect.seeds == 3 and perfect.verdict == "supported"


@pytest.mark.parametrize(
    ("first", "verdict"),
    [
        ({0: (0.71, 0.71), 1: (0.71, 0.71)}, "supported"),  # without spread, just above 0.7
        ({0: (0.7, 0.7), 1: (0.7, 0.7)}, "inconclusive"),  # exactly 0.7: not above it
        ({0: (0.69, 0.69), 1: (0.69, 0.69)}, "contradicted"),  # just below: not strong
        ({0: (0.99, 0.99), 1: (-0.5, -0.5)}, "inconclusive"),  # strong on average, wide
        # r 0.85, its interval above 0 but not above 0.7: strong only on the point estimate
        ({s: (0.95, 0.95) if s % 2 else (0.6, 0.6) for s in range(6)}, "inconclusive"),
        ({0: (0.8, 0.8)}, "not testable"),  # one seed: no interval
    ],
)
def test_first_layer_correlation_is_strong_only_when_its_interval_lies_above_0_7(first, verdict):
    row = hypotheses.h2_table(first_layer_rows(first)).iloc[0]
    assert row.verdict == verdict
    if len(first) == 2 and first[0] == first[1]:
        assert row.r == row.ci_low == row.ci_high == pytest.approx(first[0][0], rel=1e-12)
    if len(first) == 6:
        assert row.r > 0.8 and 0 < row.ci_low < 0.7


@pytest.mark.parametrize(
    ("low", "high", "verdict"),
    [
        (np.arctanh(0.7), 3.0, "inconclusive"),
        (np.nextafter(np.arctanh(0.7), 1), 3.0, "supported"),
        (-1.0, np.arctanh(0.7), "inconclusive"),
        (-1.0, np.nextafter(np.arctanh(0.7), 0), "contradicted"),
    ],
)
def test_first_layer_correlation_interval_touching_0_7_is_inconclusive(
    monkeypatch, low, high, verdict
):
    result = {"estimate": 1.0, "ci_low": low, "ci_high": high, "p_value": 0.01, "seeds": 5}
    monkeypatch.setattr(stats, "mean_over_seeds", lambda values: dict(result))
    row = hypotheses.h2_table(first_layer_rows(FIRST_LAYER)).iloc[0]
    assert row.ci_low == np.tanh(low) and row.verdict == verdict


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


def per_seed_table(effects: dict, seeds=4, rng_seed=0) -> pd.DataFrame:
    """Per-seed correlations with z = 1.2 + layer effect * layer + width effect * log2(width) +
    noise, per {(variant, basis, kind): (layer effect, width effect, noise)}; widths 100-800,
    depths 2 and 3, and decoys H3 must leave out: a treatment of depth 1 and a layer without
    r. 19 points per seed."""
    rng = np.random.default_rng(rng_seed)
    studies = {"standard": STANDARD, "greedy": GREEDY}
    parts = []
    for (variant, basis, kind), (layer_effect, width_effect, noise) in effects.items():
        rs = {}
        for seed in range(seeds):
            for width in (100, 200, 400, 800):
                for depth in (1, 2, 3):
                    for layer in range(1, depth + 1):
                        z = 1.2 + layer_effect * layer + width_effect * np.log2(width)
                        r = np.tanh(z + rng.normal(0, noise)) if depth > 1 else -0.9
                        rs[seed, depth, width, layer] = r
            rs[seed, 3, 800, 3] = np.nan  # a dead layer
        parts.append(seed_correlations(rs, basis, kind, studies[variant]))
    return pd.concat(parts, ignore_index=True)


def trend_table(layer_effect: float, width_effect: float, rng_seed=0) -> pd.DataFrame:
    effects = {("standard", "levels", "pearson"): (layer_effect, width_effect, 0.05)}
    return per_seed_table(effects, seeds=5, rng_seed=rng_seed)


def test_planted_weakening_is_detected_and_its_absence_is_not():
    trends = hypotheses.h3_table(trend_table(-0.2, -0.1)).set_index("predictor")
    assert trends.loc["layer"].slope == pytest.approx(-0.2, abs=0.05)
    assert trends.loc["log2_width"].slope == pytest.approx(-0.1, abs=0.05)
    assert (trends.verdict == "supported").all() and (trends.seeds == 5).all()
    null = hypotheses.h3_table(trend_table(0.0, 0.0, rng_seed=1)).set_index("predictor")
    assert (null.verdict == "inconclusive").all()
    rising = hypotheses.h3_table(trend_table(0.2, 0.1, rng_seed=2))
    assert (rising.verdict == "contradicted").all()


TREND_COLUMNS = [*stats.SERIES_KEYS, "basis", "kind", "predictor", "points", "slope", "ci_low",
                 "ci_high", "p_value", "seeds", "verdict"]  # fmt: skip


def test_correlation_trends_fit_each_seed_then_test_the_slopes_over_seeds():
    effects = {
        ("standard", "levels", "pearson"): (-0.2, -0.1, 0.05),  # weakens with both
        ("standard", "differences", "spearman"): (-0.15, 0.0, 0.1),  # with layer only
        ("greedy", "levels", "pearson"): (0.0, 0.0, 0.3),  # with neither
        ("greedy", "differences", "pearson"): (0.05, -0.2, 0.05),  # with width only
    }
    table = per_seed_table(effects)
    slopes = stats.seed_trend_slopes(table)
    groups = [*stats.SERIES_KEYS, "basis", "kind"]
    assert list(slopes.columns) == [*groups, "seed", "points", "predictor", "slope"]
    assert len(slopes) == 4 * 4 * 2
    trends = hypotheses.h3_table(table)
    assert list(trends.columns) == TREND_COLUMNS
    assert len(trends) == 2 * len(effects)
    found = trends.set_index(["variant", "basis", "kind", "predictor"])
    for variant, basis, kind in effects:
        study = table[(table.variant == variant) & (table.basis == basis) & (table.kind == kind)]
        study = study[(study.depth > 1) & study.r.notna()]
        seed_slopes = []
        for _, points in study.groupby("seed"):
            assert len(points) == 19
            depth_2, depth_3 = (points.depth == 2) * 1.0, (points.depth == 3) * 1.0
            design = np.column_stack([depth_2, depth_3, points.layer, np.log2(points.width)])
            seed_slopes.append(ols_reference(design, np.arctanh(points.r.to_numpy()))[0][2:])
        seed_slopes = np.array(seed_slopes)
        for index, predictor in enumerate(("layer", "log2_width")):
            mine = slopes[(slopes.variant == variant) & (slopes.basis == basis)
                          & (slopes.kind == kind) & (slopes.predictor == predictor)]  # fmt: skip
            np.testing.assert_allclose(mine.slope, seed_slopes[:, index], rtol=1e-9)
            row = found.loc[variant, basis, kind, predictor]
            expected = t_reference(seed_slopes[:, index])
            assert_result(result_of(row, "slope"), expected)
            weakens = "supported" if expected["ci_high"] < 0 else "inconclusive"
            assert row.verdict == ("contradicted" if expected["ci_low"] > 0 else weakens)
            assert row.points == 19
    assert found.verdict.to_dict() == {
        ("standard", "levels", "pearson", "layer"): "supported",
        ("standard", "levels", "pearson", "log2_width"): "supported",
        ("standard", "differences", "spearman", "layer"): "supported",
        ("standard", "differences", "spearman", "log2_width"): "inconclusive",
        ("greedy", "levels", "pearson", "layer"): "inconclusive",
        ("greedy", "levels", "pearson", "log2_width"): "inconclusive",
        ("greedy", "differences", "pearson", "layer"): "contradicted",
        ("greedy", "differences", "pearson", "log2_width"): "supported",
    }
    # an interval that straddles 0 is inconclusive, though its slope may be negative
    straddles = trends[(trends.ci_low < 0) & (trends.ci_high > 0)]
    assert len(straddles) and (straddles.verdict == "inconclusive").all()


def test_correlation_trends_need_two_layers_two_widths_and_a_full_rank_fit_per_seed():
    def rows(study, basis, cells, seeds=(0, 1)):
        """cells: (depth, width, layer, r), each seed's r shifted by 0.01 * seed."""
        rs = {(seed, d, w, layer): r + 0.01 * seed for seed in seeds for d, w, layer, r in cells}
        return seed_correlations(rs, basis, "pearson", study)

    exact = [(2, 100, 1, 0.9), (2, 100, 2, 0.7), (2, 200, 1, 0.8), (1, 400, 1, 0.1)]
    together = [(2, 100, 1, 0.9), (2, 200, 2, 0.7), (3, 100, 1, 0.85), (3, 200, 2, 0.65)]
    table = pd.concat(
        [
            # one width: the width slope is not identifiable
            rows(GREEDY, "levels", [(4, 100, 1, 0.9), (4, 100, 2, 0.8), (4, 100, 3, 0.7)]),
            # one layer: the layer slope is not
            rows(GREEDY, "differences", [(2, w, 1, 0.9 - w / 1000) for w in (100, 200, 400)]),
            # layer and width vary, but only together: the design has rank 2
            rows(STANDARD, "differences", together),
            # three points for three coefficients, an exact fit; the depth-1 run is left out
            rows(STANDARD, "levels", exact),
            # one seed fits, the other has one width: one seed, no interval
            rows(HARD, "levels", exact, seeds=(0,)),
            rows(HARD, "levels", [(2, 100, 1, 0.9), (2, 100, 2, 0.7)], seeds=(1,)),
        ]
    )
    trends = hypotheses.h3_table(table)
    assert trends[["variant", "basis", "predictor", "points", "seeds"]].values.tolist() == [
        ["hard", "levels", "layer", 3, 1],
        ["hard", "levels", "log2_width", 3, 1],
        ["standard", "levels", "layer", 3, 2],
        ["standard", "levels", "log2_width", 3, 2],
    ]  # fmt: skip
    found = trends.set_index(["variant", "predictor"])

    def z(r):
        return np.arctanh(r)

    layer = [z(0.7 + 0.01 * s) - z(0.9 + 0.01 * s) for s in (0, 1)]  # one layer up
    width = [z(0.8 + 0.01 * s) - z(0.9 + 0.01 * s) for s in (0, 1)]  # twice as wide
    assert_result(result_of(found.loc["standard", "layer"], "slope"), t_reference(layer))
    assert_result(result_of(found.loc["standard", "log2_width"], "slope"), t_reference(width))
    one = found.loc["hard", "layer"]
    assert one.slope == pytest.approx(layer[0], rel=1e-9) and one.verdict == "not testable"
    assert np.isnan([one.ci_low, one.ci_high, one.p_value]).all()
    untestable = hypotheses.h3_table(table[table.variant == "greedy"])
    assert untestable.empty and list(untestable.columns) == list(trends.columns)


def test_correlation_trends_weaken_only_below_zero(monkeypatch):
    """Every seed the same slope: the interval is that slope, which weakens when negative and
    is inconclusive at 0; an interval that ends exactly at 0 does not lie below it."""
    table = trend_table(-0.2, -0.1)

    def fit(design, z):  # one intercept per depth, then the layer and width slopes
        coef = np.r_[np.ones(design.shape[1] - 2), -0.1, 0.0]
        return coef, np.zeros(len(coef)), len(z) - len(coef)

    monkeypatch.setattr(stats, "ols", fit)
    same = hypotheses.h3_table(table).set_index("predictor")
    assert same.slope.tolist() == same.ci_low.tolist() == same.ci_high.tolist() == [-0.1, 0.0]
    assert same.p_value.tolist() == [0.0, 1.0]
    assert same.verdict.tolist() == ["supported", "inconclusive"]
    for low, high, verdict in ((-2.0, 0.0, "inconclusive"), (-2.0, -5e-324, "supported"),
                               (5e-324, 2.0, "contradicted")):  # fmt: skip
        result = {"estimate": -1.0, "ci_low": low, "ci_high": high, "p_value": 0.01, "seeds": 5}
        monkeypatch.setattr(stats, "mean_over_seeds", lambda values, result=result: dict(result))
        assert hypotheses.h3_table(table).verdict.tolist() == [verdict, verdict]


def test_correlation_trends_compare_layers_within_networks_of_one_depth():
    """The correlation falls with network depth, not with the layer within a network: every
    layer of a depth-d network has z = 1.5 - 0.3 d. Across depths the layer index rises with
    depth, so a fit without a term for depth finds a slope on layer; within depths there is
    none."""
    rs = {}
    for seed in range(6):
        noise = np.random.default_rng(seed).normal(0, 0.02, 64)
        cells = [(d, w, lay) for d in (2, 3, 4) for w in (100, 200) for lay in range(1, d + 1)]
        for index, (depth, width, layer) in enumerate(cells):
            rs[seed, depth, width, layer] = np.tanh(1.5 - 0.3 * depth + noise[index])
    table = seed_correlations(rs)
    trends = hypotheses.h3_table(table).set_index("predictor")
    assert trends.loc["layer"].slope == pytest.approx(0.0, abs=0.02)
    assert trends.loc["layer"].verdict == "inconclusive"
    pooled = table.assign(depth=4)  # as if every point came from one network depth
    pooled_layer = hypotheses.h3_table(pooled).set_index("predictor").loc["layer"]
    assert pooled_layer.slope < -0.05 and pooled_layer.verdict == "supported"


# --- from the tables to the text -------------------------------------------------------------


def test_summary_states_each_verdict_from_the_tables():
    delays = ff_delays.layer_delays(planted_delay(), [0.9])
    runs = correlated_runs(coupling=0.9)
    correlations, per_seed = stats.layer_correlation(runs)
    trend_seeds = trend_table(-0.2, -0.1)
    values = seed_values(delays, trend_seeds, 0.9, "pearson")
    text = summary_markdown(
        answers(values, resamples=200),
        hypotheses.h1_table(delays),
        ff_delays.depth_delay_tests(delays),
        hypotheses.h2_table(per_seed),
        correlations,
        hypotheses.h3_table(trend_seeds),
        part_whole_check(runs, per_seed),
        delay_fraction=0.9,
        kind="pearson",
        window=0.2,
        tolerance=0.01,
    ).split("\n")
    starts = [
        "| H1: deeper layers learn later | mnist | this project's Adam recipe and label "
        "definitions | **supported**, underpowered (8 seeds) | ",
        "| H3: weakens with depth | mnist | this project's Adam recipe and label definitions "
        "| **supported**, underpowered (5 seeds) | ",
        "| H3: weakens with width | mnist | this project's Adam recipe and label definitions "
        "| **supported**, underpowered (5 seeds) | ",
        "- mnist, time to 0.9: **supported**, underpowered (8 seeds)",
        "- mnist, differences, pearson: **supported**",
        "- mnist, levels, pearson: **supported**",
        "- mnist, levels, pearson: layer: **supported**",
        "- No part-whole check: ",
    ]
    for start in starts:
        assert any(line.startswith(start) for line in text), start
    for heading in ("## Answers", "## H1", "## H2", "## H3"):
        assert any(line.startswith(heading) for line in text)


def test_summary_compares_the_trainings_and_names_what_is_missing():
    delayed = planted_delay()
    flat = planted_delay(step=0.0, noise=0.01, rng_seed=3)
    backprop = flat.assign(**study_of(method="backprop"))
    greedy = delayed.assign(**study_of(schedule="greedy"), treatment=delayed.treatment + "-greedy")
    delays = ff_delays.layer_delays(pd.concat([delayed, backprop, greedy]), [0.9])
    overall = hypotheses.h1_table(delays)
    assert set(overall.method) == {"ff", "backprop"}
    text = beyond_section(overall, 0.9)
    gain, time = text.index("| gain to 0.9 | mnist |"), text.index("| time to 0.9 | mnist |")
    assert gain < time  # the measure that does not favour a layer that starts high first
    for table in (text[gain:time], text[time:]):
        rows = {line.split(" | ")[0]: line for line in table}
        assert rows["| Forward-Forward, Adam recipe"].startswith(
            "| Forward-Forward, Adam recipe | **supported**"
        )
        assert rows["| backprop (linear probes)"].startswith(
            "| backprop (linear probes) | **inconclusive**"
        )
        assert rows["| Forward-Forward, Adam recipe, greedy"].startswith(
            "| Forward-Forward, Adam recipe, greedy | **supported**"
        )
    assert any(
        line.startswith("- Forward-Forward, hard negatives: not in this study") for line in text
    )
    assert not any("greedy layer-by-layer schedule: not in this study" in line for line in text)


# --- Has it converged? (ff.convergence) --------------------------------------------------------


def converging_study(seeds: int = 6, noise: float = 0.002) -> pd.DataFrame:
    """Depth 2: layer 1 and the model level off within the first epoch; layer 2 still climbs
    a point every 0.2 epochs at the end (planted)."""
    rng = np.random.default_rng(3)
    rising = 0.5 + 0.05 * EPOCHS
    curves = {}
    for seed in range(seeds):
        for layer, values in (("1", curve(0.0, rate=8)), ("2", rising), ("model", curve(0.1))):
            curves[seed, layer] = values + rng.normal(0, noise, len(EPOCHS))
    return metrics_table(curves, depth=2)


def test_a_still_rising_curve_is_flagged_and_levelled_ones_are_not():
    table = convergence(converging_study(), window=0.2, tolerance=0.01).set_index("layer")
    assert table.levelled.to_dict() == {"1": True, "2": False, "model": True}
    # layer 2 gains 0.05 per epoch over the last 0.6 of 3 epochs
    assert table.loc["2", "estimate"] == pytest.approx(0.03, abs=0.003)
    assert table.loc["2", "ci_low"] > 0.01
    assert set(table.seeds) == {6}


def test_late_gain_interpolates_the_start_of_the_window():
    # 25 evaluations over 3 epochs: the window's start, 2.4 epochs, is an evaluation; at 0.3
    # of the run it falls between two, and the gain is read off the line between them
    gains = late_gains(converging_study(seeds=1, noise=0.0), window=0.3)
    layer_2 = gains[gains.layer == "2"].gain.iloc[0]
    assert layer_2 == pytest.approx(0.05 * 3 * 0.3)


def test_a_treatment_converges_only_when_every_curve_has_levelled_off():
    table = convergence(converging_study(), window=0.2, tolerance=0.01)
    assert series_convergence(table)[["converged_treatments", "treatments"]].values.tolist() == [
        [0, 1]
    ]
    loose = convergence(converging_study(), window=0.2, tolerance=0.05)
    assert series_convergence(loose).converged_treatments.tolist() == [1]


def test_one_seed_cannot_show_a_curve_has_levelled_off():
    table = convergence(converging_study(seeds=1), window=0.2, tolerance=0.01)
    assert not table.levelled.any()


def test_late_gains_are_one_per_seed_and_curve():
    gains = late_gains(converging_study(seeds=3, noise=0.0), window=0.2)
    assert sorted(gains.columns) == sorted([*stats.TREATMENT_KEYS, "seed", "layer", "gain"])
    assert gains.groupby("layer").seed.apply(sorted).to_dict() == {
        "1": [0, 1, 2], "2": [0, 1, 2], "model": [0, 1, 2]
    }  # fmt: skip
    assert gains.groupby("layer").gain.nunique().eq(1).all()  # the seeds' curves are the same


def step_at_the_end(gain: float, seeds: int = 3) -> pd.DataFrame:
    """Depth 2, every seed alike: each curve flat at 0.5, then up by `gain` at the last
    evaluation (exact in binary, so the interval over seeds is [gain, gain])."""
    values = np.full(len(EPOCHS), 0.5)
    values[-1] += gain
    curves = {(seed, layer): values for seed in range(seeds) for layer in ("1", "2", "model")}
    return metrics_table(curves, depth=2)


def test_a_curve_whose_interval_reaches_the_tolerance_has_not_levelled_off():
    # the window's start, 0.75 of 3 epochs, is an evaluation: every gain is exactly 0.25
    table = convergence(step_at_the_end(0.25), window=0.25, tolerance=0.25)
    assert table.ci_high.tolist() == [0.25] * 3
    assert not table.levelled.any()
    assert convergence(step_at_the_end(0.25), window=0.25, tolerance=0.2501).levelled.all()
    assert table.window.tolist() == [0.25] * 3 and table.tolerance.tolist() == [0.25] * 3


def test_convergence_keeps_the_order_of_treatments_and_layers():
    # depth 10: sorted as text, layer "10" would come before "2"
    layers = [*map(str, range(1, 11)), "model"]
    study = pd.concat(
        metrics_table({(seed, layer): curve(0.0) for seed in range(2) for layer in layers}, 10,
                      dataset=dataset)
        for dataset in ("mnist", "fashion_mnist")
    )  # fmt: skip
    table = convergence(study, window=0.2, tolerance=0.01)
    assert table.layer.tolist() == layers * 2
    assert table.dataset.tolist() == ["fashion_mnist"] * 11 + ["mnist"] * 11  # by treatment
    reversed_rows = table.iloc[::-1]
    assert series_convergence(reversed_rows).dataset.tolist() == ["mnist", "fashion_mnist"]


def test_answers_gain_their_series_convergence():
    shallow = metrics_table({(0, "1"): curve(0.0), (0, "model"): curve(0.0)}, 1, width=50)
    table = convergence(pd.concat([converging_study(), shallow]), window=0.2, tolerance=0.01)
    series = {key: table[key].iloc[0] for key in stats.SERIES_KEYS}
    answers = pd.DataFrame([series | {"hypothesis": h} for h in ("H1", "H2")])
    merged = with_convergence(answers, table)
    assert merged.hypothesis.tolist() == ["H1", "H2"]
    assert merged[["converged_treatments", "treatments"]].values.tolist() == [[0, 2], [0, 2]]
    other = answers.assign(dataset="fashion_mnist")  # a series this table has not measured
    unmeasured = with_convergence(other, table)
    assert len(unmeasured) == 2 and unmeasured.treatments.isna().all()
