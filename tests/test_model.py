import math

import numpy as np
import torch
import torch.nn.functional as F

from ff.model import (
    BatchedFF,
    ff_loss,
    goodness,
    input_inv_rms,
    label_free,
    overlay_label,
    rms_normalize,
)


def test_goodness_sum_and_mean_of_squares():
    activity = torch.tensor([[1.0, 2.0, 2.0], [0.0, 3.0, 0.0]])
    assert goodness(activity, "sum").tolist() == [9.0, 9.0]
    assert goodness(activity, "mean").tolist() == [3.0, 3.0]


def test_loss_against_hand_computed_softplus():
    g_pos, g_neg, theta = torch.tensor([3.0, 1.0]), torch.tensor([0.0, 2.0]), 2.0
    # softplus(2-3) + softplus(0-2) and softplus(2-1) + softplus(2-2), then their mean
    sp = lambda z: math.log1p(math.exp(z))  # noqa: E731
    expected = ((sp(-1) + sp(-2)) + (sp(1) + sp(0))) / 2
    assert math.isclose(ff_loss(g_pos, g_neg, theta).item(), expected, rel_tol=1e-6)


def test_rms_normalize_gives_unit_mean_square():
    x = torch.tensor([[3.0, 4.0, 0.0, 0.0]])
    out = rms_normalize(x)
    assert torch.allclose(out.pow(2).mean(-1), torch.ones(1))
    assert torch.allclose(out, x / math.sqrt(25 / 4))


def test_overlay_label_writes_one_hot_into_the_first_ten_pixels():
    images = torch.full((2, 784), 0.5)
    out = overlay_label(images, torch.tensor([3, 9]))
    assert out[0, :10].tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert out[1, 9] == 1 and out[1, :9].sum() == 0
    assert torch.equal(out[:, 10:], images[:, 10:]) and images[0, 3] == 0.5  # input untouched
    assert label_free(out)[:, :10].abs().sum() == 0


def naive_layer_goodness(
    model: BatchedFF, seed_index: int, images: torch.Tensor, label: int
) -> list[torch.Tensor]:
    """The textbook forward pass of one seed for one candidate label, layer by layer."""
    x = overlay_label(images, torch.full((len(images),), label))
    out = []
    for w, b in zip(model.weights, model.biases, strict=True):
        x = F.relu(rms_normalize(x) @ w[seed_index] + b[seed_index, 0])
        out.append(x.pow(2).sum(-1))
    return out


def test_shared_first_layer_product_equals_the_naive_forward_pass():
    torch.manual_seed(0)
    model = BatchedFF(seeds=[4, 7], depth=3, width=12)
    images = label_free(torch.rand(30, 784))
    g = model.label_goodness(images, chunk=7)  # [S, depth, n, 10]
    for s in range(2):
        for label in range(10):
            for layer, expected in enumerate(naive_layer_goodness(model, s, images, label)):
                torch.testing.assert_close(g[s, layer, :, label], expected, rtol=1e-5, atol=1e-5)


def test_training_goodness_matches_naive_forward_for_positives_and_negatives():
    model = BatchedFF(seeds=[1], depth=2, width=8)
    images = label_free(torch.rand(5, 784))
    pos, neg = torch.tensor([[0, 1, 2, 3, 4]]), torch.tensor([[9, 8, 7, 6, 5]])
    out = model.training_goodness(images[None], input_inv_rms(images[None]), pos, neg, layers=2)
    for layer in range(2):
        for labels, index in ((pos, 0), (neg, 1)):
            expected = torch.stack(
                [
                    naive_layer_goodness(model, 0, images[i : i + 1], int(labels[0, i]))[layer][0]
                    for i in range(5)
                ]
            )
            half = out[layer, 0, 5 * index : 5 * (index + 1)]  # positives, then negatives
            torch.testing.assert_close(half, expected, rtol=1e-5, atol=1e-5)


def test_each_seed_has_its_own_initialisation_independent_of_the_batch():
    alone = BatchedFF(seeds=[3], depth=2, width=5)
    batch = BatchedFF(seeds=[2, 3], depth=2, width=5)
    assert torch.equal(alone.weights[1][0], batch.weights[1][1])
    assert not torch.equal(batch.weights[0][0], batch.weights[0][1])
    bound = 1 / np.sqrt(784)
    assert batch.weights[0].abs().max() <= bound
