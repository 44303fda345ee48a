"""The benchmark script runs and writes the documented JSON shape (its figures are not tested)."""

import json
import subprocess
import sys

import yaml
from conftest import ROOT


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
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchmark_training import (
        backprop_flops_per_step,
        evaluation_flops,
        study_cost,
        training_flops_per_step,
    )

    # one step of 1 seed, batch 1, 2 layers of width 1: (784 + 2) multiply-adds, doubled for
    # the weight gradient
    assert training_flops_per_step(1, 1, 2, 1) == 2 * (2 * 784 + 2 * 2)
    assert evaluation_flops(1, 1, 2, 1) == 2 * (784 + 10)
    # backprop: forward and weight gradient of layer 1 (784), and forward, weight and input
    # gradient of layer 2 (1) and the read-out (10)
    assert backprop_flops_per_step(1, 1, 2, 1) == 2 * (2 * 784) + 3 * 2 * (1 + 10)
    cost = study_cost(ROOT / "config/paper.yaml")
    assert cost["training_flops"] > 1e16 and cost["evaluation_flops"] > 0
    ff_only = tmp_path / "ff.yaml"
    paper = yaml.safe_load((ROOT / "config/paper.yaml").read_text())
    ff_only.write_text(yaml.safe_dump(paper | {"methods": ["ff"]}))
    assert study_cost(ff_only)["training_flops"] < cost["training_flops"]
