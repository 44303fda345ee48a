"""The backprop baseline: it learns, its probes see training images only, seeds batch exactly."""

import numpy as np
import pandas as pd
import pytest
import torch

from ff import backprop
from ff.backprop import BackpropTrainer, BatchedMLP, fit_probes, with_bias
from ff.config import TrainSettings, Treatment
from ff.layers import init_layer
from ff.loop import DivergenceError

CPU = torch.device("cpu")
TREATMENT = Treatment("mnist", 2, 64, method="backprop", epochs=2)
SMALL = TrainSettings(
    batch_size=50, train_size=1000, evals_per_epoch=2, eval_size=500, probe_size=400
)


def history(result) -> pd.DataFrame:
    return pd.DataFrame(result.history)


def test_backprop_learns_and_its_probes_read_every_layer(mnist_splits):
    result = BackpropTrainer(TREATMENT, SMALL, [0], mnist_splits, CPU).run()
    h = history(result)
    test = h[h.split == "test"].set_index("layer").accuracy
    assert test["model"] > 0.75, f"read-out accuracy {test['model']} on 1,000 images"
    assert test["1"] > 0.6 and test["2"] > 0.6, "linear probes of the hidden layers"
    validation = h[(h.split == "validation") & (h.layer == "model")]
    assert validation.accuracy.iloc[-1] > validation.accuracy.iloc[0] + 0.5
    train = h[h.split == "train"]
    assert set(train.layer) == {"model"} and train.loss.iloc[-1] < train.loss.iloc[0]
    assert result.validation_predictions[0].shape == (1, 3, 500)  # seeds, depth + 1, images
    assert len(result.weights["weights"]) == 3  # two hidden layers and the read-out


def test_probes_are_fitted_on_training_images_only_and_refitted_after_a_step(
    mnist_splits, monkeypatch
):
    trainer = BackpropTrainer(TREATMENT, SMALL, [0], mnist_splits, CPU)
    seen = []

    def spy(model, body, labels, chunk):
        seen.append((body, labels))
        return fit_probes(model, body, labels, chunk)

    monkeypatch.setattr(backprop, "fit_probes", spy)
    trainer.evaluate(trainer.validation)
    trainer.evaluate(trainer.test)
    assert len(seen) == 1  # the network did not change in between: same probes
    trainer.train_step(trainer.batch_indices(0)[0], 0)
    trainer.evaluate(trainer.test)
    assert len(seen) == 2
    for body, labels in seen:
        assert torch.equal(body, trainer.train_body[: SMALL.probe_size])
        assert torch.equal(labels, trainer.train_labels[: SMALL.probe_size])


def test_probes_solve_the_ridge_normal_equations():
    model = BatchedMLP([0, 1], depth=2, width=8)
    generator = torch.Generator().manual_seed(0)
    body = torch.rand(300, 784, generator=generator)
    labels = torch.randint(0, 10, (300,), generator=generator)
    probes = fit_probes(model, body, labels, chunk=128)  # 3 chunks, summed
    targets = torch.nn.functional.one_hot(labels, 10).double()
    for layer, features in enumerate(model.features(body)):
        for seed in range(2):
            x = with_bias(features[seed].detach()).double()
            gram = x.T @ x
            ridge = backprop.PROBE_RIDGE * gram.diagonal().mean() * torch.eye(9, dtype=x.dtype)
            expected = torch.linalg.solve(gram + ridge, x.T @ targets)
            np.testing.assert_allclose(probes[layer][seed], expected, rtol=1e-3, atol=1e-4)


def test_backprop_starts_from_the_forward_forward_initialisation():
    model = BatchedMLP([3], depth=2, width=8)
    weight, bias = init_layer(3, 1, 8, 8)
    assert torch.equal(model.weights[1][0], weight) and torch.equal(model.biases[1][0, 0], bias)


def test_backprop_seed_in_a_batch_matches_the_seed_alone(mnist_splits):
    alone = history(BackpropTrainer(TREATMENT, SMALL, [1], mnist_splits, CPU).run())
    batch = history(BackpropTrainer(TREATMENT, SMALL, [0, 1], mnist_splits, CPU).run())
    batch = batch[batch.seed == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        alone[["epoch", "split", "layer"]], batch[["epoch", "split", "layer"]]
    )
    np.testing.assert_allclose(alone.loss, batch.loss, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(alone.accuracy, batch.accuracy, atol=0.006)


def test_a_diverging_backprop_run_is_named(mnist_splits):
    diverging = Treatment("mnist", 2, 64, learning_rate=1e30, method="backprop", epochs=2)
    with pytest.raises(DivergenceError, match="mnist-d2-w64-backprop-lr1e\\+30, seed 0"):
        BackpropTrainer(diverging, SMALL, [0], mnist_splits, CPU).run()
