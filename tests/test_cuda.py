"""The CUDA path: same results as the CPU within TF32-free float tolerance. Skipped without a GPU;
tests/gpu/check_cuda.sh runs these on a GPU machine."""

import numpy as np
import pandas as pd
import pytest
import torch

from ff.backprop import BackpropTrainer
from ff.config import TrainSettings, Treatment
from ff.device import choose_device
from ff.forward_forward import FFTrainer, TrainInputs
from ff.negatives import random_wrong_labels

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

SETTINGS = TrainSettings(batch_size=50, train_size=1000, evals_per_epoch=2, eval_size=500)


def run(splits, device: str) -> pd.DataFrame:
    seeds = [0, 1]
    negatives = np.stack([random_wrong_labels(splits.train_y, s, 1) for s in seeds])
    torch.set_float32_matmul_precision("highest")
    trainer = FFTrainer(
        Treatment("mnist", 3, 64, epochs=1),
        SETTINGS,
        seeds,
        splits,
        torch.device(device),
        TrainInputs(negatives),
    )
    return pd.DataFrame(trainer.run().history)


def test_auto_picks_cuda():
    assert choose_device("auto").type == "cuda"


def test_cuda_training_matches_cpu(mnist_splits):
    cpu, cuda = run(mnist_splits, "cpu"), run(mnist_splits, "cuda")
    for column in ("loss", "goodness_pos", "goodness_neg"):
        np.testing.assert_allclose(cpu[column], cuda[column], rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(cpu.accuracy, cuda.accuracy, atol=0.01)


def test_cuda_training_is_deterministic(mnist_splits):
    pd.testing.assert_frame_equal(run(mnist_splits, "cuda"), run(mnist_splits, "cuda"))


def run_backprop(splits, device: str) -> pd.DataFrame:
    torch.set_float32_matmul_precision("highest")
    treatment = Treatment("mnist", 3, 64, method="backprop", epochs=1)
    trainer = BackpropTrainer(treatment, SETTINGS, [0, 1], splits, torch.device(device))
    return pd.DataFrame(trainer.run().history)


def test_cuda_backprop_matches_cpu(mnist_splits):
    cpu, cuda = run_backprop(mnist_splits, "cpu"), run_backprop(mnist_splits, "cuda")
    np.testing.assert_allclose(cpu.loss, cuda.loss, rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(cpu.accuracy, cuda.accuracy, atol=0.01)
    pd.testing.assert_frame_equal(run_backprop(mnist_splits, "cuda"), cuda)
