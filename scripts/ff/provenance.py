"""Where a result comes from: the commit of the code that computed it."""

from __future__ import annotations

import subprocess
from pathlib import Path

# the code a study's results depend on, relative to the workflow's folder
CODE = ["Snakefile", "workflow", "scripts", "config", "envs", "requirements.txt", "constraints.txt"]


def git(folder: Path, *args: str) -> str | None:
    """`git args` run in folder: its output, or None where it fails (no git, not a checkout)."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def source_commit(folder: Path) -> tuple[str | None, bool]:
    """The commit of the workflow in folder (`git rev-parse --short HEAD`; None outside a git
    checkout) and whether its code differs from that commit (changed or untracked files)."""
    commit = git(folder, "rev-parse", "--short", "HEAD")
    if commit is None:
        return None, False
    return commit, bool(git(folder, "status", "--porcelain", "--", *CODE))
