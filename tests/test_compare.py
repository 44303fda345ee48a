"""Two runs' answers side by side (ff.compare): the same verdicts and effects inside each
other's intervals, or the rows that differ, named."""

import numpy as np
import pandas as pd

from ff.answers import ANSWER_KEYS
from ff.compare import side_by_side, studies_markdown, studies_table


def answers_of(*rows) -> pd.DataFrame:
    """answers.tsv rows of H1 on MNIST per (measure, verdict, estimate, low, high)."""
    series = {"definition": "paper", "dataset": "mnist", "method": "ff", "recipe": "paper",
              "variant": "paper recipe", "schedule": "simultaneous", "negatives": "random",
              "training": "Forward-Forward, paper recipe"}  # fmt: skip
    return pd.DataFrame(
        [
            {"hypothesis": "H1", "measure": measure, "paper_measure": measure == "time_to_0.9",
             **series, "verdict": verdict, "estimate": estimate, "ci_low": low, "ci_high": high,
             "stability": 1.0, "seeds": 30}
            for measure, verdict, estimate, low, high in rows
        ]
    )[[*ANSWER_KEYS, "verdict", "estimate", "ci_low", "ci_high", "stability", "seeds"]]  # fmt: skip


def test_side_by_side_names_the_verdicts_and_effects_that_differ():
    first = answers_of(
        ("time_to_0.9", "supported", 0.5, 0.4, 0.6),
        ("gain_to_0.9", "supported", 0.3, 0.1, 0.5),
        ("steepest_gain", "inconclusive", 0.1, -0.1, 0.3),
    )
    second = answers_of(
        ("time_to_0.9", "supported", 0.55, 0.45, 0.65),  # the same, each inside the other
        ("gain_to_0.9", "inconclusive", 0.2, -0.05, 0.45),  # another verdict, still inside
        ("steepest_gain", "inconclusive", 0.35, 0.0, 0.7),  # inside b's, but b's not in a's
    )
    table = side_by_side(first, second, ("f32", "bf16")).set_index("measure")
    assert table.same_verdict.to_dict() == {
        "time_to_0.9": True, "gain_to_0.9": False, "steepest_gain": True
    }  # fmt: skip
    assert table.inside.to_dict() == {
        "time_to_0.9": True, "gain_to_0.9": True, "steepest_gain": False
    }  # fmt: skip
    assert table.loc["gain_to_0.9", "verdict_bf16"] == "inconclusive"


def test_an_answer_of_one_run_only_is_neither_the_same_nor_inside():
    first = answers_of(("time_to_0.9", "supported", 0.5, 0.4, 0.6))
    second = answers_of(("gain_to_0.9", "supported", 0.5, 0.4, 0.6))
    table = side_by_side(first, second).set_index("measure")
    assert len(table) == 2 and not table.same_verdict.any() and not table.inside.any()
    assert np.isnan(table.loc["time_to_0.9", "estimate_b"])


def test_studies_side_by_side_name_the_verdicts_that_depend_on_the_study():
    from test_summary import answer_row

    default = pd.DataFrame(
        [answer_row("H1"), answer_row("H2", "contradicted", 0.6, 0.4, 0.65, converged=1)]
    )
    regime = pd.DataFrame([answer_row("H1", estimate=0.6), answer_row("H2", estimate=0.9)])
    table = studies_table({"default": default, "regime": regime}, delay_fraction=0.9)
    assert table[["hypothesis", "study"]].values.tolist() == [
        ["H1", "default"], ["H1", "regime"], ["H2", "default"], ["H2", "regime"]
    ]  # fmt: skip
    assert table.set_index(["hypothesis", "study"]).depends.to_dict() == {
        ("H1", "default"): False, ("H1", "regime"): False,
        ("H2", "default"): True, ("H2", "regime"): True,
    }  # fmt: skip
    lines = studies_markdown(table)
    assert lines[0].endswith("| default | regime | verdict depends on the study |")
    h2 = next(line for line in lines if line.startswith("| H2"))
    assert "| contradicted: 0.60 [0.40, 0.65], 97%, converged **no**: 3 of 4 still rising |" in h2
    assert "| supported: 0.90 [0.20, 0.80], 97%, converged yes (4 of 4) |" in h2
    assert h2.endswith("| **yes** |")


def test_the_studies_keep_their_order_when_the_first_does_not_answer_the_first_claim():
    from test_summary import answer_row

    first = pd.DataFrame([answer_row("H2")])
    second = pd.DataFrame([answer_row("H1"), answer_row("H2")])
    lines = studies_markdown(studies_table({"first": first, "second": second}, 0.9))
    assert lines[0].endswith("| first | second | verdict depends on the study |")


def test_a_claim_one_study_does_not_answer_says_so():
    from test_summary import answer_row

    default = pd.DataFrame([answer_row("H1"), answer_row("H2")])
    regime = pd.DataFrame([answer_row("H1")])
    lines = studies_markdown(studies_table({"default": default, "regime": regime}, 0.9))
    h2 = next(line for line in lines if line.startswith("| H2"))
    assert h2.endswith("| not in this study | no |")
