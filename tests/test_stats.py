import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from ff import stats
from ff.config import Treatment
from ff.metrics import study_columns
from ff.summary import beyond_section, summary_markdown


def study_of(**changes) -> dict:
    """The study columns of a training: standard Forward-Forward with `changes`."""
    return study_columns(Treatment("mnist", 1, 1, **changes))


STANDARD = study_of()

EPOCHS = np.round(np.linspace(0, 3, 25), 4)  # 8 evaluations per epoch


def curve(delay: float, rate: float = 3.0, final: float = 0.95) -> np.ndarray:
    """A learning curve that starts at chance and rises after `delay` epochs."""
    return 0.1 + (final - 0.1) * (1 - np.exp(-rate * np.clip(EPOCHS - delay, 0, None)))


def metrics_table(
    curves: dict, depth: int, width: int = 100, dataset: str = "mnist"
) -> pd.DataFrame:
    """Tidy validation-accuracy rows from {(seed, layer): accuracy over EPOCHS}."""
    rows = []
    for (seed, layer), values in curves.items():
        for epoch, value in zip(EPOCHS, values, strict=True):
            rows.append(
                {"dataset": dataset, **STANDARD,
                 "treatment": f"{dataset}-d{depth}-w{width}", "depth": depth,
                 "width": width, "seed": seed, "epoch": epoch, "split": "validation",
                 "layer": str(layer), "metric": "accuracy", "value": value}
            )  # fmt: skip
    return pd.DataFrame(rows)


def planted_delay(depth=4, seeds=8, step=0.15, noise=0.01, rng_seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(rng_seed)
    curves = {}
    for seed in range(seeds):
        for layer in range(1, depth + 1):
            delay = step * (layer - 1) + rng.normal(0, 0.02)
            curves[seed, layer] = np.clip(
                curve(max(delay, 0)) + rng.normal(0, noise, len(EPOCHS)), 0, 1
            )
        curves[seed, "model"] = curves[seed, 1]
    return metrics_table(curves, depth)


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


def test_holm_against_hand_computed_values():
    np.testing.assert_allclose(stats.holm(np.array([0.01, 0.04, 0.03])), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(stats.holm(np.array([0.5, 0.9])), [1.0, 1.0])


def test_rank_biserial_against_hand_computed_value():
    # |d| ranks 2, 3, 4 are positive, rank 1 negative: (9 - 1) / 10
    assert stats.rank_biserial(np.array([1.0, 2.0, 3.0, -0.5])) == pytest.approx(0.8)


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


def test_page_trend_matches_scipy_on_the_delay_table():
    delays = stats.layer_delays(planted_delay(seeds=5), [0.9])
    tests = stats.depth_delay_tests(delays)
    table = delays[delays.measure == "time_to_0.9"].pivot(
        index="seed", columns="layer", values="value"
    )
    expected = scipy_stats.page_trend_test(table.to_numpy())
    page = tests[(tests.test == "page_trend") & (tests.measure == "time_to_0.9")].iloc[0]
    assert page.statistic == expected.statistic and page.p_value == pytest.approx(expected.pvalue)


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


def test_pooling_over_seeds_uses_fisher_z_and_a_t_interval():
    rs = np.array([0.2, 0.4, 0.6])
    pooled = stats.pool_across_seeds(rs)
    z = np.arctanh(rs)
    half = scipy_stats.t.ppf(0.975, 2) * z.std(ddof=1) / np.sqrt(3)
    assert pooled["r"] == pytest.approx(np.tanh(z.mean()))
    assert pooled["ci_low"] == pytest.approx(np.tanh(z.mean() - half))
    assert pooled["p_value"] == pytest.approx(scipy_stats.ttest_1samp(z, 0).pvalue)


def test_ols_matches_scipy_linregress_for_one_predictor():
    rng = np.random.default_rng(0)
    x = rng.normal(size=30)
    y = 2 - 0.5 * x + rng.normal(0, 0.3, 30)
    coef, se, dof = stats.ols(np.column_stack([np.ones(30), x]), y)
    expected = scipy_stats.linregress(x, y)
    assert coef[1] == pytest.approx(expected.slope) and se[1] == pytest.approx(expected.stderr)
    assert dof == 28


def trend_table(layer_effect: float, width_effect: float, rng_seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(rng_seed)
    rows = []
    for width in (100, 200, 400, 800):
        for depth in (2, 3, 4):
            for layer in range(1, depth + 1):
                z = 1.5 + layer_effect * layer + width_effect * np.log2(width) + rng.normal(0, 0.05)
                rows.append(
                    {"dataset": "mnist", **STANDARD, "definition": "label",
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


def test_summary_states_each_verdict_from_the_tables():
    delays = stats.layer_delays(planted_delay(), [0.9])
    correlations, _ = stats.layer_correlation(correlated_runs(coupling=0.9))
    text = summary_markdown(
        stats.overall_trend(delays),
        stats.depth_delay_tests(delays),
        correlations,
        stats.correlation_trends(trend_table(-0.2, -0.1)),
    )
    assert "- mnist, time to 0.9: **supported**" in text
    assert "- mnist, differences, pearson: **supported**" in text
    assert "- mnist, levels, pearson: **supported**" in text
    for heading in ("## H1", "## H2", "## H3"):
        assert heading in text


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
    assert "**supported**" in rows["| Forward-Forward, standard"]
    assert "**not supported**" in rows["| backprop (linear probes)"]
    assert "**supported**" in rows["| Forward-Forward, greedy"]
    assert any("hard negatives: not in this study" in line for line in text)
    assert not any("greedy layer-by-layer schedule: not in this study" in line for line in text)


def paper_definition(metrics: pd.DataFrame) -> pd.DataFrame:
    """The same curves as a paper-recipe treatment's, under the paper's metric names: a
    layer's `separation`, the model's `readout_accuracy`."""
    paper = metrics.assign(**study_of(recipe="paper"))
    paper["treatment"] = paper.treatment + "-paper"
    paper["metric"] = np.where(paper.layer == "model", "readout_accuracy", "separation")
    return pd.concat([paper, paper.assign(metric="accuracy")])


def test_each_treatment_is_analysed_under_every_definition_its_metrics_allow():
    delayed = planted_delay()
    metrics = pd.concat([delayed, paper_definition(planted_delay(step=0.0, rng_seed=3))])
    curves = stats.accuracy_curves(metrics)
    assert set(zip(curves.recipe, curves.definition, strict=True)) == {
        ("adam", "label"),
        ("paper", "label"),
        ("paper", "paper"),
    }  # the Adam recipe has no read-out: no paper definition
    overall = stats.overall_trend(stats.layer_delays(metrics, [0.9])).set_index(
        ["recipe", "definition", "measure"]
    )
    assert overall.loc[("adam", "label", "time_to_0.9")].p_value < 0.01
    assert overall.loc[("paper", "paper", "time_to_0.9")].p_value > 0.05


def test_the_summary_answers_with_the_papers_recipe_and_definitions_first():
    metrics = pd.concat([planted_delay(), paper_definition(planted_delay())])
    delays = stats.layer_delays(metrics, [0.9])
    correlations, _ = stats.layer_correlation(metrics)
    text = summary_markdown(
        stats.overall_trend(delays),
        stats.depth_delay_tests(delays),
        correlations,
        stats.correlation_trends(correlations),
    )
    answers = text.split("## Answers")[1].split("\n## ")[0]
    rows = [line for line in answers.splitlines() if line.startswith(("| the", "| this"))]
    assert rows[0].startswith("| the paper's recipe and definitions | **supported**: rho")
    assert rows[1].startswith("| this project's Adam recipe and label definitions | **supported**")
    assert "- mnist (paper recipe) [paper definitions], time to 0.9: **supported**" in text
