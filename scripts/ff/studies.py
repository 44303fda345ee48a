"""Studies side by side: each config names its study, whose results live under
results/<study>/, and the study's folder remembers the design it was run with, so that a
second config claiming the same name with another grid is refused before it overwrites
anything. `finished_studies` finds the studies whose answers a comparison can read.

A study's design is everything its training outputs depend on: the whole config but the
analysis settings (changing those re-analyses the same networks) and the name itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

RESULTS = Path("results")
# results/data/ holds the prepared data sets every study shares; results/compare/ the
# comparison of studies: neither can be a study's folder
RESERVED = ("data", "compare")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
RECORD = "study.yaml"
ANSWERS = "stats/answers.tsv"


def check_name(name: str) -> None:
    """A ValueError unless `name` is a plain folder name that is no reserved folder."""
    if not NAME.fullmatch(name) or name in RESERVED:
        raise ValueError(
            f"study: {name!r} is not a study name: a study's results live in results/<study>/, "
            "so its name is a plain folder name (letters, digits, `_`, `-`, `.`) other than "
            f"{' or '.join(RESERVED)}, e.g. `--config study=wide`"
        )


def design(config: dict) -> dict:
    """What a study's training outputs depend on: the config less `study` and `analysis`."""
    return {key: value for key, value in config.items() if key not in ("study", "analysis")}


def record_path(study: str, results: Path = RESULTS) -> Path:
    return Path(results, study, RECORD)


def differences(recorded: dict, wanted: dict) -> list[str]:
    """The keys (nested ones dotted) whose values differ between two designs."""
    keys = []
    for key in sorted(set(recorded) | set(wanted)):
        old, new = recorded.get(key), wanted.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            keys += [f"{key}.{inner}" for inner in differences(old, new)]
        elif old != new:
            keys.append(key)
    return keys


def check_design(config: dict, results: Path = RESULTS) -> None:
    """A ValueError when results/<study>/ was run with another design than this config's:
    running it would replace that study's results with another study's."""
    path = record_path(config["study"], results)
    if not path.exists():
        return
    recorded = yaml.safe_load(path.read_text()) or {}
    changed = differences(recorded, design(config))
    if changed:
        raise ValueError(
            f"study {config['study']!r}: {path} holds a study run with another design "
            f"(it differs in {', '.join(changed)}). Give this one its own name "
            f"(`study:` in its config, or `--config study=NAME`), or delete "
            f"{path.parent}/ to run the study anew."
        )


def record_design(config: dict, results: Path = RESULTS) -> None:
    """Write the study's design into its folder, once: the first run of a study fixes it."""
    path = record_path(config["study"], results)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(design(config), sort_keys=True))


def finished_studies(results: Path = RESULTS) -> list[str]:
    """The studies under `results` that have answers, by name."""
    return sorted(
        path.parent.parent.name
        for path in Path(results).glob(f"*/{ANSWERS}")
        if path.parent.parent.name not in RESERVED
    )
