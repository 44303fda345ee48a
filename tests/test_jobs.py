"""What a training job asks of the machine (ff.jobs), and the config's line for the results
page (ff.config.describe_study)."""

import pytest

from ff import jobs
from ff.config import TrainSettings, Treatment, describe_study, with_defaults


def test_memory_counts_the_process_four_copies_of_the_weights_and_the_activations():
    treatment = Treatment("mnist", 3, 1000)
    settings = TrainSettings(batch_size=100)
    weights = 784 * 1000 + 2 * 1000 * 1000
    model = 4 * 4 * 30 * weights  # float32 weights, gradients and Adam's two moments
    activations = 4 * 4 * 30 * 2 * 100 * 1000 * 3
    expected = 2000 + (model + activations) // 2**20 + 256
    assert jobs.memory_mb(treatment, 30, settings) == expected == 3805
    assert jobs.memory_mb(treatment, 30, settings, attempt=2) == 2 * expected
    assert jobs.memory_mb(treatment, 1, settings) < jobs.memory_mb(treatment, 2, settings)


@pytest.mark.parametrize(("device", "gpus"), [("cuda", 1), ("cpu", 0)])
def test_a_job_asks_for_a_gpu_only_when_it_will_use_one(device, gpus):
    assert jobs.gpus(TrainSettings(device=device)) == gpus


def test_auto_asks_for_a_gpu_where_nvidia_smi_is_found(monkeypatch):
    monkeypatch.setattr(jobs.shutil, "which", lambda name: "/usr/bin/nvidia-smi")
    assert jobs.gpus(TrainSettings(device="auto")) == 1
    monkeypatch.setattr(jobs.shutil, "which", lambda name: None)
    assert jobs.gpus(TrainSettings(device="auto")) == 0


def test_runtime_grows_with_each_attempt():
    assert jobs.runtime_minutes(1) == 60 and jobs.runtime_minutes(3) == 180


def test_the_study_in_a_line():
    config = with_defaults({"seeds": 30, "comparison_seeds": 5, "datasets": ["mnist"],
                            "depths": [2, 3], "widths": [50], "epochs": [3]})  # fmt: skip
    assert describe_study(config, 7) == (
        "a study of 7 treatments, 30 seeds (comparisons 5) from seed 0: data sets mnist; depths "
        "2, 3; widths 50; epochs 3; recipes adam; methods ff, backprop"
    )
