"""The part-whole check of H2 on planted tables: layer 1's r with the whole model against its
r with the model without layer 1."""

import numpy as np
import pandas as pd
import pytest

from ff import stats
from ff.config import Treatment
from ff.metrics import series_columns
from ff.part_whole import part_whole_check, part_whole_lines

EPOCHS = np.round(np.linspace(0, 3, 25), 4)


def metrics_table(curves: dict, depth: int, method: str = "ff") -> pd.DataFrame:
    """Tidy rows (as test_stats.metrics_table builds them, kept here so that this file does not
    depend on that one) from {(seed, layer): validation accuracy over EPOCHS}, beside the
    training split's accuracy, a decoy to be left out."""
    study = series_columns(Treatment("mnist", 1, 1, method=method))
    rows = []
    for (seed, layer), values in curves.items():
        for epoch, value in zip(EPOCHS, values, strict=True):
            run = {"dataset": "mnist", **study, "treatment": f"mnist-d{depth}-{method}",
                   "depth": depth, "width": 100, "seed": seed, "epoch": epoch,
                   "layer": str(layer), "metric": "accuracy"}  # fmt: skip
            rows.append(run | {"split": "validation", "value": value})
            rows.append(run | {"split": "train", "value": 1 - value})
    return pd.DataFrame(rows)


def with_skip_first(curves: dict, skip_first: dict, depth: int) -> pd.DataFrame:
    """A tidy table from {(seed, layer): curve} plus the model without layer 1, {seed: curve},
    recorded as `accuracy_skip_first` (its train-split rows are decoys to be left out)."""
    skip = metrics_table({(seed, "model"): v for seed, v in skip_first.items()}, depth)
    skip = skip.assign(metric="accuracy_skip_first")
    return pd.concat([metrics_table(curves, depth), skip], ignore_index=True)


def part_whole_runs(same_models=False, seeds=8, rng_seed=0) -> pd.DataFrame:
    """Depth 2 and 3 treatments: layer 1 is a rising trend plus a random walk, the whole model
    is layer 1 plus a little noise, and the model without layer 1 (the deeper layers) is the
    same trend plus its own random walk, or with `same_models` the whole model itself."""
    rng = np.random.default_rng(rng_seed)
    trend = 0.3 + 0.1 * EPOCHS
    tables = []
    for depth in (2, 3):
        curves, skip_first = {}, {}
        for seed in range(seeds):
            layer_1 = trend + rng.normal(0, 0.03, len(EPOCHS)).cumsum()
            without = trend + rng.normal(0, 0.03, len(EPOCHS)).cumsum()
            curves[seed, 1] = layer_1
            for layer in range(2, depth + 1):
                curves[seed, layer] = without
            curves[seed, "model"] = layer_1 + rng.normal(0, 0.005, len(EPOCHS))
            skip_first[seed] = curves[seed, "model"] if same_models else without
        tables.append(with_skip_first(curves, skip_first, depth))
    return pd.concat(tables, ignore_index=True)


def check(metrics: pd.DataFrame, kind: str = "pearson") -> pd.DataFrame:
    """part_whole_check beside H2's own per-seed correlations of the same table."""
    return part_whole_check(metrics, stats.layer_correlation(metrics)[1], kind)


def rows_of(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index(["basis", "model"])


def test_layer_1_correlates_more_with_the_whole_it_is_part_of():
    metrics = part_whole_runs()
    table = check(metrics)
    assert len(table) == 2 * 3 and (table.definition == "label").all()
    rows = rows_of(table)
    for basis in ("levels", "differences"):
        assert rows.loc[(basis, "with layer 1"), "r"] > 0.95
        assert rows.loc[(basis, "with - without"), "z_ci_low"] > 0.5
        assert rows.loc[(basis, "with - without"), "seeds"] == 8
    # the shared rise alone correlates the levels; first differences remove it
    assert 0.5 < rows.loc[("levels", "without layer 1"), "r"] < 0.95
    without = rows.loc[("differences", "without layer 1")]
    assert abs(without.r) < 0.2 and without.ci_low < 0 < without.ci_high
    # "with layer 1" is H2's own first-layer correlation on the same table
    _, per_seed = stats.layer_correlation(metrics)
    h2 = stats.seed_first_layer_correlations(per_seed)
    for basis in ("levels", "differences"):
        z = h2[(h2.basis == basis) & (h2.kind == "pearson")].z.to_numpy()
        expected = stats.back_transformed(stats.mean_over_seeds(z))
        row = rows.loc[(basis, "with layer 1")]
        assert (row.r, row.ci_low, row.ci_high) == pytest.approx(
            (expected["estimate"], expected["ci_low"], expected["ci_high"])
        )


def test_the_same_model_gives_equal_correlations_and_no_difference():
    rows = rows_of(check(part_whole_runs(same_models=True), kind="spearman"))
    for basis in ("levels", "differences"):
        with_r = rows.loc[(basis, "with layer 1"), ["r", "ci_low", "ci_high"]]
        without_r = rows.loc[(basis, "without layer 1"), ["r", "ci_low", "ci_high"]]
        np.testing.assert_array_equal(with_r.to_numpy(float), without_r.to_numpy(float))
        difference = rows.loc[(basis, "with - without")]
        assert (difference.z, difference.z_ci_low, difference.z_ci_high) == (0, 0, 0)
        assert np.isnan(difference.r)


def test_lines_one_per_series_and_basis():
    table = check(part_whole_runs())
    lines = part_whole_lines(table)
    assert len(lines) == 2
    rows = rows_of(table).loc["differences"]
    without, difference = rows.loc["without layer 1"], rows.loc["with - without"]
    assert (
        f"- mnist, differences: layer 1's r with the whole model {rows.loc['with layer 1'].r:.2f}"
        in lines[0]
    )
    assert (
        f"without layer 1 {without.r:.2f} [{without.ci_low:.2f}, {without.ci_high:.2f}]; "
        f"difference in Fisher z {difference.z:.2f} [{difference.z_ci_low:.2f}, "
        f"{difference.z_ci_high:.2f}] (8 seeds)"
    ) in lines[0]
    assert lines[1].startswith("- mnist, levels: ")


def test_tables_without_accuracy_skip_first_give_an_empty_table():
    curves = {(seed, layer): EPOCHS + seed for seed in range(3) for layer in (1, 2, "model")}
    backprop = metrics_table(curves, 2, method="backprop")
    paper_only = metrics_table(curves, 2)
    paper_only["metric"] = np.where(paper_only.layer == "model", "readout_accuracy", "separation")
    one_layer = with_skip_first({k: v for k, v in curves.items() if k[1] != 2}, {0: EPOCHS}, 1)
    for metrics in (backprop, paper_only, one_layer):
        table = part_whole_check(metrics, pd.DataFrame())  # no treatment to read it for
        assert table.empty and "seeds" in table
        assert "accuracy_skip_first" in part_whole_lines(table)[0]
