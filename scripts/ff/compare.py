"""Two runs' answers side by side: the same claim, measure and series in each, whether the
verdict is the same and whether each effect lies inside the other's 95% interval.

Used to decide whether a change that should not move the science (e.g. bfloat16 products)
leaves the answers as they were.
"""

from __future__ import annotations

import pandas as pd

from ff.answers import ANSWER_KEYS

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
