"""A small study (tests/config/second.yaml) through a real single-node SLURM with Snakemake's
SLURM executor plugin.

slurm_up.sh starts slurmctld, slurmd and munge (installing them if absent) with a fake GPU;
the workflow runs with tests/cluster/profile, a test variant of profiles/slurm/config.yaml;
the results must equal the local run's (tests/test_workflow.py's `two_studies`).
slurm_down.sh stops only the daemons slurm_up.sh started.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, copy_workflow, workflow_config

from ff.config import treatments, trunks

SECOND = workflow_config(ROOT / "tests/config/tiny.yaml", ROOT / "tests/config/second.yaml")

HERE = Path(__file__).parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def slurm():
    if os.geteuid() != 0:
        pytest.skip("starting a SLURM cluster needs root (packages, /etc/slurm)")
    subprocess.run(["bash", HERE / "slurm_up.sh"], check=True, timeout=300)
    yield
    subprocess.run(["bash", HERE / "slurm_down.sh"], check=True, timeout=60)


@pytest.fixture(scope="module")
def cluster_run(slurm, tmp_path_factory) -> Path:
    workdir = copy_workflow(tmp_path_factory.mktemp("cluster"))
    shutil.copytree(HERE / "profile", workdir / "tests/cluster/profile")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    # SIGINT, not SIGTERM: Snakemake then cancels its SLURM jobs instead of waiting for them
    command = ["timeout", "-s", "INT", "1200", sys.executable, "-m", "snakemake"]
    command += ["all", "--profile", "tests/cluster/profile"]
    command += ["--configfile", "tests/config/tiny.yaml", "tests/config/second.yaml"]
    result = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-10000:]
    return workdir


def test_training_jobs_ran_as_slurm_jobs_with_a_gpu(cluster_run):
    logs = list((cluster_run / ".snakemake/slurm_logs/rule_train_seeds").rglob("*.log"))
    grid = treatments(SECOND)
    trunk_of = trunks(grid)  # a shallower FF treatment is cut from a trunk, on the submit host
    trained = [
        treatment for treatment in grid if trunk_of.get(treatment.id, treatment) == treatment
    ]
    assert len(logs) == 2 * len(trained)  # 3 seeds, at most 2 a job: 2 chunks per treatment
    # every other rule (data, negatives, metrics, stats, figures) says `localrule: True` and
    # ran on the submit host, not through sbatch
    submitted = {folder.name for folder in (cluster_run / ".snakemake/slurm_logs").iterdir()}
    assert submitted == {"rule_train_seeds"}
    log = cluster_run / "logs/second/train_seeds/mnist-d2-w16-paper/seeds0-1.log"
    train_log = log.read_text()
    assert "validation model accuracy" in train_log


def test_cluster_results_equal_the_local_run(cluster_run, two_studies):
    local_run, _ = two_studies
    for treatment in treatments(SECOND):
        path = f"results/second/train/{treatment.id}/history.tsv"
        local = pd.read_csv(local_run / path, sep="\t")
        cluster = pd.read_csv(cluster_run / path, sep="\t")
        pd.testing.assert_frame_equal(local, cluster, rtol=1e-5)
    summary = "results/second/stats/summary.md"
    assert (cluster_run / summary).read_text() == (local_run / summary).read_text()
    for figure in ("fig_layer_curves", "fig_depth_delay", "fig_layer_correlation"):
        assert (cluster_run / f"results/second/figures/{figure}.png").exists()


def test_the_slurm_profile_plans_the_whole_study_from_the_repository_root():
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--profile", "profiles/slurm", "-n", "--forceall"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = result.stdout.split("Job stats:")[1]
    assert "train_seeds" in jobs and "fig_layer_curves" in jobs and "stats_summary" in jobs
