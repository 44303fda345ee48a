"""The workflow end to end on tests/config/tiny.yaml, in a temporary copy of the repository."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from conftest import ROOT, copy_workflow

from ff.data import CANONICAL_MD5, RAW_FILES

TINY = yaml.safe_load((ROOT / "tests/config/tiny.yaml").read_text())
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run(
        [*SNAKEMAKE, "--configfile", "tests/config/tiny.yaml", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
    )
    if check and result.returncode != 0:
        pytest.fail(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def tiny_treatments() -> list[str]:
    return [
        f"{dataset}-d{depth}-w{width}"
        for dataset in TINY["datasets"]
        for depth in TINY["depths"]
        for width in TINY["widths"]
    ]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    workdir = copy_workflow(tmp_path_factory.mktemp("workflow"))
    snakemake(workdir, "--cores", "2", "--until", "train")
    return workdir


@pytest.mark.slow
def test_raw_files_have_canonical_md5(tiny_run):
    for dataset in TINY["datasets"]:
        for name in RAW_FILES:
            path = tiny_run / "resources" / dataset / "raw" / name
            assert hashlib.md5(path.read_bytes()).hexdigest() == CANONICAL_MD5[dataset][name]


@pytest.mark.slow
def test_every_treatment_has_its_training_outputs(tiny_run):
    seeds = list(range(TINY["seeds"]))
    for treatment in tiny_treatments():
        folder = tiny_run / "results" / "train" / treatment
        depth = int(treatment.split("-d")[1].split("-")[0])
        history = pd.read_csv(folder / "history.tsv", sep="\t", dtype={"layer": str})
        assert sorted(history.seed.unique()) == seeds
        assert set(history.split) == {"train", "validation", "test"}
        assert set(history.layer) == {str(layer) for layer in range(1, depth + 1)} | {"model"}
        validation = history[history.split == "validation"]
        evaluations = 1 + TINY["training"]["epochs"] * TINY["training"]["evals_per_epoch"]
        assert validation.epoch.nunique() == evaluations
        assert validation.accuracy.between(0, 1).all()

        with np.load(folder / "predictions.npz") as predictions:
            assert predictions["validation"].shape == (
                len(seeds),
                evaluations,
                depth + 2,
                TINY["training"]["eval_size"],
            )
            assert predictions["validation"].dtype == np.uint8
            assert predictions["test"].shape == (len(seeds), depth + 2, 10_000)
            assert predictions["seeds"].tolist() == seeds

        weights = torch.load(folder / "weights.pt", weights_only=True)
        assert weights["seeds"] == seeds and len(weights["weights"]) == depth
        assert weights["weights"][0].shape[:2] == (len(seeds), 784)

        run = json.loads((folder / "run.json").read_text())
        assert run["seeds"] == seeds and run["device"].startswith("cpu")
        assert {"torch", "python", "snakemake"} <= set(run["versions"])
        assert len(run["jobs"]) == len(seeds)  # tiny.yaml trains one seed per job
        assert all(
            len(job["seconds_per_epoch"]) == TINY["training"]["epochs"] for job in run["jobs"]
        )
        assert not list(folder.glob("seeds*/checkpoint.pt"))


@pytest.mark.slow
def test_training_logs_a_line_per_epoch(tiny_run):
    log = (tiny_run / "logs/train_seeds/mnist-d2-w32/seeds0-0.log").read_text()
    assert log.count("validation model accuracy") == TINY["training"]["epochs"]


@pytest.mark.slow
def test_a_finished_workflow_has_nothing_left_to_do(tiny_run):
    result = snakemake(tiny_run, "-n", "--until", "train")
    assert "Nothing to be done" in result.stdout + result.stderr


def dry_run_with(tmp_path, extra_config: dict) -> str:
    workdir = copy_workflow(tmp_path)
    (workdir / "bad.yaml").write_text(yaml.safe_dump(extra_config))
    result = snakemake(workdir, "-n", "--configfile", "bad.yaml", check=False)
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_invalid_config_value_names_the_key(tmp_path):
    output = dry_run_with(tmp_path, {"depths": [0]})
    assert "0 is less than the minimum of 1" in output and "['depths']" in output


def test_invalid_nested_config_value_names_the_key(tmp_path):
    output = dry_run_with(tmp_path, {"training": {"optimizer": "adagrad"}})
    assert "'adagrad' is not one of ['adam', 'sgd']" in output and "['optimizer']" in output


def test_unknown_config_key_is_refused(tmp_path):
    output = dry_run_with(tmp_path, {"widht": [3]})
    assert "'widht' was unexpected" in output


def test_lint_is_clean():
    result = subprocess.run([*SNAKEMAKE, "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "snakefmt", "--check", "."],
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ],
    ids=["snakefmt", "ruff-check", "ruff-format"],
)
def test_code_is_formatted_and_clean(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
