"""Studies side by side (ff.studies): a study's name is a plain folder name, its folder
remembers its design, and a config that claims it with another grid is refused."""

import pytest
import yaml
from conftest import TINY

from ff.studies import check_design, check_name, finished_studies, record_design


@pytest.mark.parametrize("name", ["default", "regime", "wide_2", "paper-30.seeds"])
def test_a_plain_folder_name_is_a_study_name(name):
    check_name(name)


@pytest.mark.parametrize(
    "name", ["", "../default", "a/b", ".hidden", "two words", "data", "compare"]
)
def test_a_name_that_is_no_study_folder_is_refused_with_the_fix(name):
    with pytest.raises(ValueError, match=r"plain folder name .* other than data or compare"):
        check_name(name)


def test_a_study_is_refused_when_its_folder_holds_another_design(tmp_path):
    record_design(TINY, tmp_path)
    check_design(TINY, tmp_path)  # the same design: accepted
    check_design(TINY | {"analysis": {"correlation_kind": "spearman"}}, tmp_path)  # re-analysis
    wider = TINY | {"widths": [16, 64], "training": TINY["training"] | {"eval_size": 100}}
    with pytest.raises(ValueError) as refused:
        check_design(wider, tmp_path)
    message = str(refused.value)
    assert "it differs in training.eval_size, widths" in message
    assert "`--config study=NAME`" in message and f"delete {tmp_path}/tiny/" in message
    # the first run's design stays: a refused run changes nothing
    assert yaml.safe_load((tmp_path / "tiny/study.yaml").read_text())["widths"] == [16, 32]
    check_design(wider | {"study": "wider"}, tmp_path)  # under its own name: accepted


def test_the_design_is_recorded_once(tmp_path):
    record_design(TINY, tmp_path)
    record_design(TINY | {"widths": [64]}, tmp_path)
    assert yaml.safe_load((tmp_path / "tiny/study.yaml").read_text())["widths"] == [16, 32]


def test_finished_studies_are_those_with_answers(tmp_path):
    for study in ("default", "regime", "running", "compare"):
        (tmp_path / study / "stats").mkdir(parents=True)
    for study in ("default", "regime", "compare"):
        (tmp_path / study / "stats/answers.tsv").write_text("hypothesis\n")
    assert finished_studies(tmp_path) == ["default", "regime"]
