"""The benchmark script runs and writes the documented JSON shape (its figures are not tested)."""

import json
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from ff.backprop import BackpropTrainer
from ff.config import TrainSettings, Treatment
from ff.data import save_splits
from ff.forward_forward import FFTrainer

# each runs a benchmark script as a whole process: not for the quick tier
pytestmark = pytest.mark.slow


def test_benchmark_writes_the_documented_json(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/benchmark_training.py"), "--depth", "2",
         "--width", "16", "--seeds", "2", "--train-size", "200", "--batch-size", "50",
         "--repeats", "1", "--device", "cpu", "--json", str(out)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    report = json.loads(out.read_text())
    for name in ("batched", "sequential", "plain", "plain_on_tensors"):
        assert report[name]["samples_per_second"] > 0
    assert report["matmul_gflops"] > 0 and report["achieved_gflops"] > 0
    assert {"batched_over_sequential", "batched_over_plain", "achieved_over_matmul"} <= set(
        report["ratios"]
    )
    assert report["config"]["seeds"] == 2 and report["config"]["width"] == 16


def test_study_cost_counts_training_and_evaluation(tmp_path):
    from benchmark_training import study_flops

    # one step of 1 seed, batch 1, 2 layers of width 1: (784 + 2) multiply-adds, doubled for
    # the weight gradient
    ff, settings = Treatment("mnist", 2, 1), TrainSettings()
    assert FFTrainer.step_flops(ff, 1, 1) == 2 * (2 * 784 + 2 * 2)
    assert FFTrainer.evaluation_flops(ff, settings, 1, 1) == 2 * (784 + 10)
    # hard negatives first score the batch under every label
    hard = Treatment("mnist", 2, 1, negatives="hard")
    assert FFTrainer.step_flops(hard, 1, 1) == 2 * (2 * 784 + 2 * 2) + 2 * (784 + 10)
    # backprop: forward and weight gradient of layer 1 (784), and forward, weight and input
    # gradient of layer 2 (1) and the read-out (10)
    backprop = Treatment("mnist", 2, 1, method="backprop")
    assert BackpropTrainer.step_flops(backprop, 1, 1) == 2 * (2 * 784) + 3 * 2 * (1 + 10)
    # a run: every step, 1 + epochs x evaluations per epoch on validation, and the test set
    settings = TrainSettings(batch_size=10, train_size=100, evals_per_epoch=5)
    ff = Treatment("mnist", 2, 1, epochs=2)
    cost = FFTrainer.study_cost(ff, settings, 3)
    assert cost.training == 2 * 10 * FFTrainer.step_flops(ff, 3, 10)
    evaluation = FFTrainer.evaluation_flops(ff, settings, 3, 1)
    assert cost.evaluation == evaluation * ((1 + 2 * 5) * settings.eval_size + 10_000)
    cost = study_flops(ROOT / "config/paper.yaml")
    assert cost["training_flops"] > 1e16 and cost["evaluation_flops"] > 0
    with_comparisons = tmp_path / "comparisons.yaml"
    paper = yaml.safe_load((ROOT / "config/paper.yaml").read_text())
    comparisons = {"methods": ["ff", "backprop"], "recipes": ["paper", "adam"]}
    with_comparisons.write_text(yaml.safe_dump(paper | comparisons))
    assert study_flops(with_comparisons)["training_flops"] > 2 * cost["training_flops"]


def test_paper_recipe_benchmark_skips_a_missing_public_clone_and_writes_its_json(
    tmp_path, mnist_splits
):
    """Without --public the public implementation is skipped with a message naming what to
    pass; the project's side still runs (a narrow network, two epochs) and reports its
    figures."""
    data, out = tmp_path / "mnist.npz", tmp_path / "bench.json"
    save_splits(mnist_splits, data)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/benchmark_paper_recipe.py"), "--epochs", "2",
         "--width", "16", "--seeds", "1", "2", "--data", str(data), "--device", "cpu",
         "--json", str(out)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "public implementation skipped: pass --public" in result.stdout
    report = json.loads(out.read_text())
    assert "public_seconds_per_epoch" not in report and "public_over_project" not in report
    assert report["project_seconds_per_seed_epoch"] > 0 and report["matmul_gflops"] > 0
    assert set(report["project"]["test_error_percent"]) == {"1", "2"}
    assert 0 < report["mean_test_error_percent"] < 100
