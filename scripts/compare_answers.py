"""Two runs' answers.tsv side by side: is every verdict the same, and does every effect lie
inside the other run's 95% interval? Prints the counts, for the headline trainings and for
all, and writes the headline rows and every row that differs as markdown.

    python scripts/compare_answers.py float32/answers.tsv bfloat16/answers.tsv \\
        --names float32 bfloat16 --markdown comparison.md
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ff.compare import side_by_side
from ff.summary import headline_answers

COLUMNS = ["hypothesis", "dataset", "training", "definition", "measure"]


def markdown(table: pd.DataFrame, names: tuple[str, str]) -> list[str]:
    """A markdown table: each row's claim and, per run, verdict and effect [interval]."""
    lines = [
        "| " + " | ".join(COLUMNS + [f"{name}" for name in names]) + " | same verdict | inside |",
        "|" + " --- |" * (len(COLUMNS) + 4),
    ]
    for _, row in table.iterrows():
        cells = [str(row[column]) for column in COLUMNS]
        for name in names:
            cells.append(
                f"{row[f'verdict_{name}']}: {row[f'estimate_{name}']:.3f} "
                f"[{row[f'ci_low_{name}']:.3f}, {row[f'ci_high_{name}']:.3f}]"
            )
        cells += ["yes" if row.same_verdict else "**no**", "yes" if row.inside else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--names", nargs=2, default=("a", "b"))
    parser.add_argument("--delay-fraction", type=float, default=0.9)
    parser.add_argument("--markdown", type=Path, help="write the tables to this file")
    args = parser.parse_args()
    names = tuple(args.names)
    first, second = (pd.read_csv(path, sep="\t") for path in (args.first, args.second))
    table = side_by_side(first, second, names)
    headline = side_by_side(
        headline_answers(first, args.delay_fraction),
        headline_answers(second, args.delay_fraction),
        names,
    )
    for label, rows in (("headline", headline), ("all", table)):
        print(
            f"{label}: {len(rows)} answers; same verdict {int(rows.same_verdict.sum())}, "
            f"each effect inside the other's interval {int(rows.inside.sum())}"
        )
    if args.markdown:
        differ = table[~(table.same_verdict & table.inside)]
        lines = ["## Headline answers", "", *markdown(headline, names), ""]
        lines += ["## Every answer that differs", "", *markdown(differ, names), ""]
        args.markdown.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
