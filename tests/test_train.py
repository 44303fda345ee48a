import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import ROOT

from ff.config import TrainSettings, Treatment
from ff.device import configure_torch
from ff.forward_forward import FFTrainer, TrainInputs
from ff.loop import DivergenceError, evaluation_steps
from ff.negatives import random_wrong_labels

CPU = torch.device("cpu")


TREATMENT = Treatment("mnist", 2, 64, epochs=2)


def make_trainer(splits, seeds, settings, treatment=TREATMENT):
    epochs = treatment.total_epochs
    negatives = np.stack([random_wrong_labels(splits.train_y, seed, epochs) for seed in seeds])
    return FFTrainer(treatment, settings, seeds, splits, CPU, TrainInputs(negatives))


def history(result) -> pd.DataFrame:
    return pd.DataFrame(result.history)


SMALL = TrainSettings(batch_size=50, train_size=1000, evals_per_epoch=2, eval_size=500)


def test_short_training_run_clearly_beats_chance(mnist_splits):
    settings = replace(SMALL, batch_size=20)
    result = make_trainer(mnist_splits, [0], settings, replace(TREATMENT, epochs=4)).run()
    h = history(result)
    final = h[(h.split == "test") & (h.layer == "model")].accuracy.item()
    assert final > 0.4, f"model accuracy {final} after 4 epochs on 1,000 images (chance: 0.1)"
    first_layer = h[(h.split == "validation") & (h.layer == "1")]
    assert first_layer.accuracy.iloc[-1] > first_layer.accuracy.iloc[0] + 0.3
    assert result.validation_predictions[0].shape == (1, 4, 500)  # seeds, depth + 2, images
    assert len(result.evaluation_epochs) == 1 + 4 * 2  # before training and 2 per epoch


def test_seed_trained_in_a_batch_matches_the_seed_trained_alone(mnist_splits):
    alone = history(make_trainer(mnist_splits, [1], SMALL).run())
    batch = history(make_trainer(mnist_splits, [0, 1, 2], SMALL).run())
    batch = batch[batch.seed == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        alone[["epoch", "split", "layer"]], batch[["epoch", "split", "layer"]]
    )
    for column in ("loss", "goodness_pos", "goodness_neg"):
        np.testing.assert_allclose(alone[column], batch[column], rtol=1e-3, atol=1e-3)
    # accuracies are counts over 500 images: allow a couple of borderline flips
    np.testing.assert_allclose(alone.accuracy, batch.accuracy, atol=0.006)


def test_resuming_from_a_checkpoint_gives_the_uninterrupted_history(mnist_splits, tmp_path):
    uninterrupted = history(make_trainer(mnist_splits, [0, 1], SMALL).run())
    checkpoint = tmp_path / "checkpoint.pt"
    first = make_trainer(mnist_splits, [0, 1], SMALL)
    first.treatment = replace(TREATMENT, epochs=1)  # stop after epoch 1, as a killed job would
    first.run(checkpoint=checkpoint)
    assert checkpoint.exists()
    resumed_result = make_trainer(mnist_splits, [0, 1], SMALL).run(checkpoint=checkpoint)
    assert resumed_result.resumed_from_epoch == 1
    pd.testing.assert_frame_equal(uninterrupted, history(resumed_result))


def test_a_diverging_run_names_treatment_seed_and_step(mnist_splits):
    diverging = Treatment("mnist", 2, 64, learning_rate=1e30, epochs=1)
    with pytest.raises(
        DivergenceError,
        match=r"mnist-d2-w64-lr1e\+30, seed \d: the loss became NaN or infinite at step \d+",
    ):
        make_trainer(mnist_splits, [0, 1], SMALL, diverging).run()


def test_greedy_schedule_trains_one_layer_at_a_time(mnist_splits):
    greedy = Treatment("mnist", 2, 64, schedule="greedy", epochs=1)
    h = history(make_trainer(mnist_splits, [0], SMALL, greedy).run())
    train = h[h.split == "train"]
    assert set(train[train.epoch <= 1].layer) == {"1"}
    assert set(train[train.epoch > 1].layer) == {"2"}
    assert h.epoch.max() == 2


def test_evaluation_steps_spread_over_the_epoch():
    assert evaluation_steps(100, 4) == [25, 50, 75, 100]
    assert evaluation_steps(3, 8) == [1, 2, 3]


def test_hard_negatives_are_the_most_plausible_wrong_labels(mnist_splits):
    hard = Treatment("mnist", 2, 32, negatives="hard", epochs=2)
    trainer = FFTrainer(hard, SMALL, [0, 1], mnist_splits, CPU)
    body = trainer.train_body[:8].expand(2, -1, -1)
    labels = trainer.train_labels[:8].expand(2, -1)
    chosen = trainer.hard_negatives(body, labels)
    assert not (chosen == labels).any()
    g = trainer.model.label_goodness_per_seed(body).sum(1)  # [S, B, 10]
    g_chosen = g.gather(-1, chosen.unsqueeze(-1))[..., 0]
    g_true = g.gather(-1, labels.unsqueeze(-1))[..., 0]
    others = g.clone().scatter(-1, labels.unsqueeze(-1), float("-inf"))
    assert torch.equal(g_chosen, others.max(-1).values)
    assert not torch.equal(g_chosen, g_true)
    # where the true label is the network's favourite, the runner-up is chosen, never the label
    favourite = g.argmax(-1)
    chosen = trainer.hard_negatives(body, favourite)
    assert not (chosen == favourite).any()
    runner_up = g.topk(2, -1).indices[..., 1]
    assert torch.equal(chosen, runner_up)


def test_training_on_hard_negatives_learns(mnist_splits):
    settings = replace(SMALL, batch_size=20)
    hard = Treatment("mnist", 2, 64, negatives="hard", epochs=4)
    h = history(FFTrainer(hard, settings, [0], mnist_splits, CPU).run())
    final = h[(h.split == "test") & (h.layer == "model")].accuracy.item()
    assert final > 0.4, f"model accuracy {final} with hard negatives (chance: 0.1)"


@pytest.fixture
def matmul_precision():
    """Restores the process-wide precision of float32 matrix products after the test."""
    before = torch.get_float32_matmul_precision()
    yield
    torch.set_float32_matmul_precision(before)


def test_bfloat16_products_learn_as_well_as_float32(mnist_splits, matmul_precision):
    """training.matmul_precision `medium`: on a CPU with bfloat16 products (this project's
    test machine) these runs differ; elsewhere `medium` is TF32 or float32."""
    settings = replace(SMALL, batch_size=20)
    final = {}
    for precision in ("highest", "medium"):
        configure_torch(torch.get_num_threads(), precision)
        assert torch.get_float32_matmul_precision() == precision
        h = history(
            make_trainer(mnist_splits, [0, 1], settings, replace(TREATMENT, epochs=4)).run()
        )
        final[precision] = h[(h.split == "test") & (h.layer == "model")].accuracy.mean()
    assert final["medium"] > 0.4
    assert abs(final["medium"] - final["highest"]) < 0.03, final


@pytest.mark.slow  # a fresh process, to see what configure_torch imports
def test_a_job_s_torch_is_deterministic_without_loading_the_compiler():
    # torch.use_deterministic_algorithms imports torch.compile's stack (1.3 s of each job)
    code = (
        "import sys, torch; from ff.device import configure_torch; configure_torch(1); "
        "print(torch.are_deterministic_algorithms_enabled(), torch.get_num_threads(), "
        "'torch._inductor' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.split() == ["True", "1", "False"], result.stderr
