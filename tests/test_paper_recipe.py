"""The paper recipe (ff.paper_recipe) against a plain single-seed version written from its
definition (the list in the module's docstring), differentiated by autograd."""

import dataclasses
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ff.config import TrainSettings, Treatment
from ff.data import Splits
from ff.forward_forward import TrainInputs
from ff.layers import RMS_EPS, label_free, overlay_label
from ff.negatives import random_wrong_labels
from ff.paper_recipe import PAPER, PaperFF, PaperFFTrainer, cooled_down

CPU = torch.device("cpu")


class StraightThroughReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        return grad


def normalise(x: torch.Tensor) -> torch.Tensor:
    return x / (x.pow(2).mean(-1, keepdim=True).sqrt() + 1e-8)


def textbook_loss(model: PaperFF, s: int, images, pos, neg, labels, *, peer=True, relu=None):
    """Seed s's total loss, written from the recipe's definition; updates a copy of its
    running means."""
    relu = relu or StraightThroughReLU.apply
    w = [weight[s].detach().clone().requires_grad_() for weight in model.weights]
    b = [bias[s, 0].detach().clone().requires_grad_() for bias in model.biases]
    readout = model.readout[s].detach().clone().requires_grad_()
    batch = len(images)
    x = normalise(torch.cat([overlay_label(images, pos), overlay_label(images, neg)]))
    target = torch.cat([torch.ones(batch), torch.zeros(batch)]).to(images.dtype)
    total = 0
    for layer in range(model.depth):
        activity = relu(x @ w[layer] + b[layer])
        logit = activity.pow(2).sum(-1) - model.width
        total = total + F.binary_cross_entropy_with_logits(logit, target)
        if peer:
            running = model.running_means[layer, s] * PAPER.peer_momentum + activity[:batch].mean(
                0
            ) * (1 - PAPER.peer_momentum)
            total = total + PAPER.peer_normalization * (running.mean() - running).pow(2).mean()
        x = normalise(activity.detach())
    neutral = images.clone()
    neutral[:, :10] = 0.1
    z, features = normalise(neutral), []
    with torch.no_grad():
        for layer in range(model.depth):
            z = normalise(F.relu(z @ w[layer] + b[layer]))
            if layer >= 1 or model.depth == 1:
                features.append(z)
    total = total + F.cross_entropy(torch.cat(features, -1) @ readout, labels)
    total.backward()
    return total.detach(), [p.grad for p in w], [p.grad for p in b], readout.grad


def batch(seeds=2, n=12, depth=3, width=10):
    torch.manual_seed(0)
    model = PaperFF(list(range(seeds)), depth, width).double()
    with torch.no_grad():  # a trained-looking read-out and running means, not their zero start
        model.readout.normal_(0, 0.3)
        model.running_means.uniform_(0, 1)
    images = label_free(torch.rand(seeds, n, 784, dtype=torch.float64))
    labels = torch.randint(0, 10, (seeds, n))
    wrong = (labels + torch.randint(1, 10, labels.shape)) % 10
    return model, images, labels, wrong


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_written_out_gradients_equal_autograd_of_the_recipe(depth):
    model, images, labels, wrong = batch(depth=depth)
    running = model.running_means.clone()
    expected = []
    for s in range(2):
        model.running_means.copy_(running)
        expected.append(textbook_loss(model, s, images[s], labels[s], wrong[s], labels[s]))
    model.running_means.copy_(running)
    _, _, total = model.train_gradients(
        images, images.square().sum(-1, keepdim=True), labels, wrong, labels
    )
    for s, (loss, w, b, readout) in enumerate(expected):
        assert total[s].item() == pytest.approx(loss.item(), rel=1e-10)
        for layer in range(depth):
            torch.testing.assert_close(model.weights[layer].grad[s], w[layer])
            torch.testing.assert_close(model.biases[layer].grad[s, 0], b[layer])
        torch.testing.assert_close(model.readout.grad[s], readout)
    # the running means moved as the recipe says: 0.9 old + 0.1 the positives' mean activity
    assert not torch.equal(model.running_means, running)


def test_the_gradient_check_catches_a_missing_peer_term_or_the_true_relu_gradient():
    model, images, labels, wrong = batch()
    running = model.running_means.clone()
    _, w, _, _ = textbook_loss(model, 0, images[0], labels[0], wrong[0], labels[0], peer=False)
    model.train_gradients(images, images.square().sum(-1, keepdim=True), labels, wrong, labels)
    assert not torch.allclose(model.weights[1].grad[0], w[1])  # the peer term matters
    model.running_means.copy_(running)
    _, w, _, _ = textbook_loss(model, 0, images[0], labels[0], wrong[0], labels[0])
    model.running_means.copy_(running)
    model.train_gradients(
        images, images.square().sum(-1, keepdim=True), labels, wrong, labels, straight_through=False
    )
    assert not torch.allclose(model.weights[1].grad[0], w[1])  # so does straight-through


def test_learning_rates_cool_down_linearly_over_the_second_half():
    # for epoch index e from 0, when e > E // 2: lr x 2 (1 + E - e) / E
    rates = [cooled_down(1.0, epoch, 10) for epoch in range(10)]
    assert rates == pytest.approx([1.0] * 7 + [0.8, 0.6, 0.4])
    # faithful to the formula: in a 3-epoch run the last epoch runs at 4/3 of the base rate
    assert cooled_down(1.0, 2, 3) == pytest.approx(4 / 3)


def synthetic_splits(n: int = 400) -> Splits:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n + 200, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n + 200).astype(np.uint8)
    return Splits(images[:n], labels[:n], images[n:], labels[n:], images[:100], labels[:100])


def small_trainer(epochs: int) -> PaperFFTrainer:
    """Two seeds of a 2 x 16 network on 400 synthetic images, batches of 20."""
    splits = synthetic_splits()
    settings = TrainSettings(batch_size=20, train_size=400, evals_per_epoch=1, eval_size=100)
    treatment = Treatment("mnist", 2, 16, recipe="paper", epochs=epochs)
    negatives = np.stack([random_wrong_labels(splits.train_y, s, epochs) for s in (0, 1)])
    return PaperFFTrainer(treatment, settings, [0, 1], splits, CPU, TrainInputs(negatives))


def test_a_seed_steps_as_plain_sgd_with_momentum_and_weight_decay_would_move_it():
    """Two steps of the trainer (all seeds batched) against torch's SGD on the textbook
    gradients of seed 1 alone: same parameter groups, momentum, weight decay and rates."""
    trainer = small_trainer(epochs=2)
    model = trainer.model
    w = [weight[1].detach().clone().requires_grad_() for weight in model.weights]
    b = [bias[1, 0].detach().clone().requires_grad_() for bias in model.biases]
    readout = model.readout[1].detach().clone().requires_grad_()
    plain = torch.optim.SGD(
        [
            {"params": [*w, *b], "lr": 1e-3, "weight_decay": 3e-4},
            {"params": [readout], "lr": 1e-2, "weight_decay": 3e-3},
        ],
        momentum=0.9,
    )
    indices = trainer.batch_indices(1)  # epoch 1 of 2: not above 2 // 2, the base rates
    for step in range(2):
        batch_rows = indices[step, 1]
        images = trainer.train_body[batch_rows]
        labels = trainer.train_labels[batch_rows]
        wrong = trainer.wrong_labels[1, 1, batch_rows]
        reference = PaperFF([1], 2, 16)
        with torch.no_grad():
            for layer in range(2):
                reference.weights[layer][0] = w[layer]
                reference.biases[layer][0, 0] = b[layer]
            reference.readout[0] = readout
            reference.running_means[:, 0] = model.running_means[:, 1]
        _, gw, gb, gr = textbook_loss(reference, 0, images, labels, wrong, labels)
        for param, grad in zip([*w, *b, readout], [*gw, *gb, gr], strict=True):
            param.grad = grad
        plain.step()
        trainer.train_step(indices[step], 1)
    for layer in range(2):
        torch.testing.assert_close(model.weights[layer][1], w[layer], atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(model.biases[layer][1, 0], b[layer], atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(model.readout[1], readout, atol=1e-6, rtol=1e-5)


def test_the_read_out_learns_and_is_recorded(mnist_splits):
    settings = TrainSettings(batch_size=50, train_size=5000, evals_per_epoch=2, eval_size=500)
    treatment = Treatment("mnist", 2, 128, recipe="paper", epochs=1)
    negatives = np.stack([random_wrong_labels(mnist_splits.train_y, 0, 1)])
    trainer = PaperFFTrainer(treatment, settings, [0], mnist_splits, CPU, TrainInputs(negatives))
    result = trainer.run()
    history = [row for row in result.history if row["layer"] == "model"]
    final = [row for row in history if row["split"] == "test"][0]
    assert final["readout_accuracy"] > 0.6  # 0.73 measured; chance 0.1
    train = [row for row in result.history if row["split"] == "train"]
    assert all(0 <= row["separation"] <= 1 for row in train)
    assert result.test_predictions.shape == (1, 2 + 3, 10_000)  # layers, model x2, read-out
    assert "readout" in result.weights


# The published recipe (loeweX/Forward-Forward's config.yaml and code), written out here: the
# checks above read the module's own constants (ff.paper_recipe.PAPER), so they would pass a
# wrong one.
PUBLISHED = {
    "learning_rate": 1e-3,
    "weight_decay": 3e-4,
    "momentum": 0.9,
    "readout_learning_rate": 1e-2,
    "readout_weight_decay": 3e-3,
    "peer_normalization": 0.03,
    "peer_momentum": 0.9,
    "peer_start": 0.5,
    "neutral_label": 0.1,
}


def published_cool_down(learning_rate: float, epoch: int, epochs: int) -> float:
    if epoch > epochs // 2:
        return learning_rate * 2 * (1 + epochs - epoch) / epochs
    return learning_rate


def test_the_recipe_s_constants_are_the_published_ones():
    assert dataclasses.asdict(PAPER) == PUBLISHED
    assert RMS_EPS == 1e-8
    for epochs in (1, 2, 3, 10, 11):
        for epoch in range(epochs):
            expected = published_cool_down(1e-3, epoch, epochs)
            assert cooled_down(1e-3, epoch, epochs) == pytest.approx(expected, rel=1e-12)


def test_the_optimizer_is_sgd_at_the_published_rates_decays_and_momentum():
    trainer = small_trainer(epochs=10)
    model, optimizer = trainer.model, trainer.optimizer
    assert type(optimizer) is torch.optim.SGD
    layers, readouts = optimizer.param_groups
    assert [id(p) for p in layers["params"]] == [id(p) for p in [*model.weights, *model.biases]]
    assert [id(p) for p in readouts["params"]] == [id(model.readout)]
    for group, (lr, decay) in [(layers, (1e-3, 3e-4)), (readouts, (1e-2, 3e-3))]:
        assert (group["lr"], group["weight_decay"], group["momentum"]) == (lr, decay, 0.9)
        assert (group["dampening"], group["nesterov"]) == (0, False)
    # a step of epoch 9 (from 0) of 10 runs both groups at the cooled-down published rates
    trainer.train_step(trainer.batch_indices(9)[0], 9)
    assert layers["lr"] == pytest.approx(published_cool_down(1e-3, 9, 10), rel=1e-12)
    assert readouts["lr"] == pytest.approx(published_cool_down(1e-2, 9, 10), rel=1e-12)


def test_weights_start_normal_with_std_one_over_sqrt_fan_out_the_rest_at_zero_or_half():
    width = 2000  # layer 1 maps 784 -> 2000: 1/sqrt(fan_in) would be 60% too wide
    model = PaperFF([0, 1], 2, width, trunk_depths=(1,))
    for weight in model.weights:  # [S, fan_in, fan_out]
        for seed_weight in weight.detach():
            assert seed_weight.mean().item() == pytest.approx(0, abs=0.01 / math.sqrt(width))
            assert seed_weight.std().item() == pytest.approx(1 / math.sqrt(width), rel=0.02)
    assert all(not bias.any() for bias in model.biases)
    assert all(not readout.any() for readout in model.readouts().values())
    assert torch.equal(model.running_means, torch.full_like(model.running_means, 0.5))


def test_inputs_and_activities_are_divided_by_rms_plus_1e_8_outside_the_root():
    model = PaperFF([0], 1, 10)
    zero = torch.zeros(1, 784, dtype=torch.float64)  # RMS 0: 1 / (0 + 1e-8), not 1 / sqrt(1e-8)
    assert model.input_inv_rms(zero, label_square=0.0).item() == pytest.approx(1e8, rel=1e-12)
    assert model.inv_rms_of(zero[:, 0]).item() == pytest.approx(1e8, rel=1e-12)
