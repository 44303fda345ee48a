"""A small study (tests/config/second.yaml) through a real single-node SLURM with Snakemake's
SLURM executor plugin.

slurm_up.sh starts slurmctld, slurmd and munge (installing them if absent) with a fake GPU;
the workflow runs with tests/cluster/profile, a test variant of profiles/slurm/config.yaml
(tests/conftest.py's `cluster_run`); its results must equal the local run's bit for bit
(tests/test_workflow.py's test_the_same_study_rerun_is_bit_identical). slurm_down.sh stops
only the daemons slurm_up.sh started.
"""

import subprocess
import sys

import pytest
from conftest import ROOT, workflow_config, workflow_env

from ff.config import treatments, trunks

SECOND = workflow_config(ROOT / "tests/config/tiny.yaml", ROOT / "tests/config/second.yaml")
pytestmark = pytest.mark.slow


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


def test_the_slurm_profile_plans_the_whole_study_from_the_repository_root():
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--profile", "profiles/slurm", "-n", "--forceall"],
        cwd=ROOT, capture_output=True, text=True, env=workflow_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    jobs = result.stdout.split("Job stats:")[1]
    assert "train_seeds" in jobs and "fig_layer_curves" in jobs and "stats_summary" in jobs
