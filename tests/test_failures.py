"""What users see when things go wrong: a killed training job, an interrupted workflow, a
corrupt data file. Each runs the real workflow in a temporary copy."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import copy_workflow, workflow_env

from ff.config import TrainSettings, Treatment
from ff.data import load_splits
from ff.device import configure_torch
from ff.forward_forward import FFTrainer, TrainInputs
from ff.metrics import METRIC_COLUMNS
from ff.negatives import random_wrong_labels

pytestmark = pytest.mark.slow
RESUME = ["--configfile", "tests/config/resume.yaml"]
SLOW = "results/resume/train/mnist-d2-w200"


def run(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args, *RESUME],
        cwd=workdir, capture_output=True, text=True, env=workflow_env(), timeout=600,
    )  # fmt: skip


def start(workdir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", *args, *RESUME],
        cwd=workdir, env=workflow_env(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(path: Path, seconds: float = 300) -> None:
    deadline = time.time() + seconds
    while not path.exists():
        assert time.time() < deadline, f"{path} did not appear"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory):
    """Finish the small treatment, kill the workflow (SIGKILL to its whole process group, as
    a pre-emption would) while the slower one trains, then rerun with --rerun-incomplete."""
    workdir = copy_workflow(tmp_path_factory.mktemp("resume"))
    first = run(workdir, "--cores", "2", "results/resume/train/mnist-d2-w16/history.tsv")
    assert first.returncode == 0, first.stderr
    finished = workdir / "results/resume/train/mnist-d2-w16/history.tsv"
    finished_mtime = finished.stat().st_mtime_ns

    process = start(workdir, "--cores", "2", "--until", "train")
    checkpoint = workdir / SLOW / "seeds0-1/checkpoint.pt"
    wait_for(checkpoint)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed = {
        "checkpoint": checkpoint.exists(),
        "history": (workdir / SLOW / "history.tsv").exists(),
    }
    # what a user does after a kill: release Snakemake's lock, then rerun
    assert run(workdir, "--unlock").returncode == 0
    rerun = run(workdir, "--cores", "2", "--until", "train", "--rerun-incomplete")
    return workdir, killed, rerun, finished, finished_mtime


def test_a_killed_training_job_resumes_from_its_checkpoint(killed_and_resumed):
    workdir, killed, rerun, *_ = killed_and_resumed
    assert killed == {"checkpoint": True, "history": False}
    assert rerun.returncode == 0, rerun.stderr
    log = (workdir / "logs/resume/train_seeds/mnist-d2-w200/seeds0-1.log").read_text()
    assert "resuming after epoch" in log
    assert not (workdir / SLOW / "seeds0-1/checkpoint.pt").exists()  # removed on success


def test_the_resumed_history_equals_an_uninterrupted_run(killed_and_resumed):
    workdir = killed_and_resumed[0]
    resumed = pd.read_csv(workdir / SLOW / "history.tsv", sep="\t", dtype={"layer": str})
    settings = TrainSettings(batch_size=50, train_size=20000, evals_per_epoch=1,
                             eval_size=500, device="cpu")  # fmt: skip
    splits = load_splits(workdir / "results/data/mnist.npz")
    negatives = np.stack([random_wrong_labels(splits.train_y, seed, 3) for seed in (0, 1)])
    configure_torch(2, "high")  # as the job: its threads under --cores 2, config precision
    trainer = FFTrainer(
        Treatment("mnist", 2, 200, epochs=3),
        settings,
        [0, 1],
        splits,
        torch.device("cpu"),
        TrainInputs(negatives),
    )
    uninterrupted = pd.DataFrame(trainer.run().history).reindex(columns=resumed.columns)
    numeric = list(METRIC_COLUMNS)
    pd.testing.assert_frame_equal(
        resumed.drop(columns=numeric), uninterrupted.drop(columns=numeric), check_dtype=False
    )
    np.testing.assert_allclose(resumed[numeric], uninterrupted[numeric], rtol=1e-5, atol=1e-6)


def test_an_interrupted_workflow_does_not_redo_finished_treatments(killed_and_resumed):
    _, _, rerun, finished, finished_mtime = killed_and_resumed
    assert finished.stat().st_mtime_ns == finished_mtime
    assert "mnist-d2-w16" not in rerun.stderr.split("Job stats:")[1].split("Reasons")[0]
    assert "train_seeds" in rerun.stderr


def test_a_corrupt_data_file_names_the_file_and_the_fix(killed_and_resumed):
    workdir = killed_and_resumed[0]
    raw = workdir / "resources/mnist/raw/train-labels-idx1-ubyte"
    raw.write_bytes(raw.read_bytes()[:-1000])  # truncated, as by an interrupted copy
    result = run(
        workdir, "--cores", "1", "--forcerun", "prepare_dataset", "--until", "prepare_dataset"
    )
    assert result.returncode != 0
    assert "md5 of resources/mnist/raw/train-labels-idx1-ubyte is" in result.stderr
    assert "delete it and rerun" in result.stderr
