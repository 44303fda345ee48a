"""The figure table workflow/figures.yaml: every figure's input tables, and the figures that
README shows. Read by the Snakefile at start-up, so it imports no plotting library."""

from __future__ import annotations

from pathlib import Path

import yaml

FIGURE_TABLE = Path(__file__).resolve().parents[2] / "workflow" / "figures.yaml"
ENTRY_KEYS = {"inputs", "published"}


def read_figure_table(path: Path = FIGURE_TABLE) -> dict[str, dict]:
    """{figure: {"inputs": {name: path}, "published": bool}}, in the file's order."""
    table = yaml.safe_load(Path(path).read_text()) or {}
    for figure, entry in table.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("inputs"), dict):
            raise ValueError(
                f"{path}: {figure} has no `inputs`: give the tables it is drawn from, "
                "e.g. `inputs: {metrics: metrics/all.tsv}` (paths in the study's folder)"
            )
        if set(entry) - ENTRY_KEYS:
            raise ValueError(
                f"{path}: {figure} has keys {sorted(set(entry) - ENTRY_KEYS)}: an entry has "
                f"only {sorted(ENTRY_KEYS)}"
            )
        if not isinstance(entry.get("published", False), bool):
            raise ValueError(f"{path}: {figure}'s `published` is not true or false")
    return {
        figure: {"inputs": entry["inputs"], "published": entry.get("published", False)}
        for figure, entry in table.items()
    }


def figure_inputs(path: Path = FIGURE_TABLE) -> dict[str, dict[str, str]]:
    """{figure: {table name: path}}: every figure and the tables it is drawn from (paths in
    the study's folder, results/<study>/)."""
    return {figure: entry["inputs"] for figure, entry in read_figure_table(path).items()}


def published_figures(path: Path = FIGURE_TABLE) -> list[str]:
    """The figures README shows, in the table's order."""
    return [figure for figure, entry in read_figure_table(path).items() if entry["published"]]
