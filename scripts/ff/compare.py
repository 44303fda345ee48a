"""Answers side by side. `side_by_side`: two runs' answers, the same claim, measure and series
in each, whether the verdict is the same and whether each effect lies inside the other's 95%
interval (used to decide whether a change that should not move the science, e.g. bfloat16
products, leaves the answers as they were). `studies_table` and `studies_markdown`: the
headline answers of several studies (rule compare), each claim per data set, training and
measure with every study's effect, interval, verdict and convergence, and whether the verdict
depends on the study.
"""

from __future__ import annotations

import pandas as pd

from ff.answers import ANSWER_KEYS
from ff.hypotheses import HYPOTHESES, measure_text
from ff.summary import convergence_cell, effect_text, headline_answers, stability_cell

SHOWN = ["verdict", "estimate", "ci_low", "ci_high", "stability", "seeds"]


def side_by_side(first: pd.DataFrame, second: pd.DataFrame, names=("a", "b")) -> pd.DataFrame:
    """One row per answer (ANSWER_KEYS) of either table, each run's SHOWN columns suffixed by
    its name, `same_verdict`, and `inside` (each estimate inside the other's interval; NaN
    intervals count as not inside). A row missing from one run has NaN there and is neither."""
    a, b = names
    table = first[ANSWER_KEYS + SHOWN].merge(
        second[ANSWER_KEYS + SHOWN], on=ANSWER_KEYS, how="outer", suffixes=(f"_{a}", f"_{b}")
    )
    table["same_verdict"] = table[f"verdict_{a}"] == table[f"verdict_{b}"]
    table["inside"] = table[f"estimate_{a}"].between(
        table[f"ci_low_{b}"], table[f"ci_high_{b}"]
    ) & table[f"estimate_{b}"].between(table[f"ci_low_{a}"], table[f"ci_high_{a}"])
    return table


# a headline answer: its claim, data set, headline training (name) and measure
STUDY_ROW = ["hypothesis", "dataset", "name", "measure"]


def studies_table(answers: dict[str, pd.DataFrame], delay_fraction: float) -> pd.DataFrame:
    """The headline answers (ff.summary.headline_answers) of every study, long: one row per
    study and STUDY_ROW, in the order of the claims, with `study` and `depends` (the verdict
    differs between studies that answer it)."""
    parts = [
        headline_answers(table, delay_fraction).assign(study=study, study_order=index)
        for index, (study, table) in enumerate(answers.items())
    ]
    table = pd.concat(parts, ignore_index=True)
    table["depends"] = table.groupby(STUDY_ROW).verdict.transform("nunique") > 1
    order = ["claim_order", "dataset", "order", "measure_order", "study_order"]
    return table.sort_values(order, kind="stable").reset_index(drop=True)


def study_names(table: pd.DataFrame) -> list[str]:
    """The studies of a `studies_table`, in the order they were given (a study need not
    answer the first claim)."""
    return list(dict.fromkeys(table.sort_values("study_order", kind="stable").study))


def study_cell(row: pd.Series) -> str:
    return (
        f"{row.verdict}: {effect_text(row)}, {stability_cell(row)}, "
        f"converged {convergence_cell(row)}"
    )


def studies_markdown(table: pd.DataFrame) -> list[str]:
    """A markdown table: each claim per data set, training and measure, with each study's
    verdict, effect [95% CI], stability and convergence, and whether the verdict depends on
    the study."""
    names = study_names(table)
    lines = [
        "| claim | data set | recipe and definitions | measure | "
        + " | ".join(names)
        + " | verdict depends on the study |",
        "|" + " --- |" * (5 + len(names)),
    ]
    for _, rows in table.groupby(STUDY_ROW, sort=False):
        first = rows.iloc[0]
        by_study = {row.study: study_cell(row) for _, row in rows.iterrows()}
        measure = measure_text(first.measure) + (" (the paper's)" if first.paper_measure else "")
        cells = [HYPOTHESES[first.hypothesis].claim, first.dataset, first["name"], measure]
        cells += [by_study.get(name, "not in this study") for name in names]
        cells.append("**yes**" if first.depends else "no")
        lines.append("| " + " | ".join(cells) + " |")
    return lines
