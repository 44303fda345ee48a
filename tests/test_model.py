import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from ff.forward_forward import BatchedFF, FFEvalSet, evaluate_ff, ff_loss, goodness
from ff.layers import input_inv_rms, label_free, overlay_label, rms_normalize


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
    _, out = model.train_gradients(
        images[None], input_inv_rms(images[None]), pos, neg, layers=(0, 2), theta=8.0
    )
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


def autograd_losses(
    model: BatchedFF, images: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor, theta: float
) -> torch.Tensor:
    """The textbook FF losses [depth, S]: labels overlaid on whole images, each layer's input
    normalised and detached, left to autograd."""
    losses = []
    for s in range(len(model.seeds)):
        x = {"pos": overlay_label(images[s], pos[s]), "neg": overlay_label(images[s], neg[s])}
        per_layer = []
        for w, b in zip(model.weights, model.biases, strict=True):
            x = {k: F.relu(rms_normalize(v.detach()) @ w[s] + b[s, 0]) for k, v in x.items()}
            g = {k: goodness(v, model.goodness_kind) for k, v in x.items()}
            per_layer.append(ff_loss(g["pos"], g["neg"], theta))
        losses.append(torch.stack(per_layer))
    return torch.stack(losses, 1)


@pytest.mark.parametrize(
    "kind, layers", [("sum", (0, 3)), ("mean", (0, 3)), ("sum", (1, 2)), ("sum", (0, 1))]
)
def test_written_out_gradients_equal_autograd_of_the_textbook_loss(kind, layers):
    torch.manual_seed(0)
    model = BatchedFF(seeds=[0, 5], depth=3, width=16, goodness_kind=kind).double()
    theta = 16.0 if kind == "sum" else 1.0
    images = label_free(torch.rand(2, 12, 784, dtype=torch.float64))
    pos = torch.randint(0, 10, (2, 12))
    neg = (pos + torch.randint(1, 10, (2, 12))) % 10
    loss, _ = model.train_gradients(images, input_inv_rms(images), pos, neg, layers, theta)
    written = [p.grad.clone() if p.grad is not None else None for p in model.parameters()]
    first, last = layers
    assert [w.grad is not None for w in model.weights] == [first <= i < last for i in range(3)]

    model.zero_grad(set_to_none=True)
    expected = autograd_losses(model, images, pos, neg, theta)[slice(*layers)]
    expected.sum().backward()
    torch.testing.assert_close(loss, expected.detach())
    for p, grad in zip(model.parameters(), written, strict=True):
        if grad is None:  # a layer outside [first, last), which the optimiser must skip
            assert not p.grad.any()
        else:
            torch.testing.assert_close(grad, p.grad)


def test_each_seed_has_its_own_initialisation_independent_of_the_batch():
    alone = BatchedFF(seeds=[3], depth=2, width=5)
    batch = BatchedFF(seeds=[2, 3], depth=2, width=5)
    assert torch.equal(alone.weights[1][0], batch.weights[1][1])
    assert not torch.equal(batch.weights[0][0], batch.weights[0][1])
    bound = 1 / np.sqrt(784)
    assert batch.weights[0].abs().max() <= bound


def test_evaluation_metrics_equal_a_direct_computation_on_a_tiny_network():
    """evaluate_ff's per-layer loss, goodness of positives and negatives, separation and
    accuracies, and its predictions, against the textbook forward pass of each seed."""
    torch.manual_seed(1)
    model = BatchedFF(seeds=[0, 3], depth=2, width=6)
    with torch.no_grad():  # labels that matter, so that the label choice has no near ties
        model.weights[0][:, :10] *= 30
    images = label_free(torch.rand(9, 784))
    labels = torch.randint(0, 10, (9,))
    wrong = (labels + torch.randint(1, 10, (9,))) % 10
    data = FFEvalSet(body=images, labels=labels, wrong=wrong)
    theta = 6.0
    ev = evaluate_ff(model, data, theta)
    for s in range(2):
        g = torch.stack(
            [torch.stack(naive_layer_goodness(model, s, images, label)) for label in range(10)],
            -1,
        )  # [depth, n, 10]
        g_pos = g.gather(-1, labels.view(1, -1, 1).expand(2, -1, 1))[..., 0]
        g_neg = g.gather(-1, wrong.view(1, -1, 1).expand(2, -1, 1))[..., 0]
        sp = F.softplus
        expected = {
            "loss": (sp(theta - g_pos) + sp(g_neg - theta)).mean(-1),
            "goodness_pos": g_pos.mean(-1),
            "goodness_neg": g_neg.mean(-1),
            "separation": ((g_pos > theta).float().mean(-1) + (g_neg < theta).float().mean(-1)) / 2,
            "accuracy": (g.argmax(-1) == labels).float().mean(-1),
        }
        for name, value in expected.items():
            torch.testing.assert_close(ev.layers[name][s], value, rtol=1e-4, atol=1e-4)
        for row, summed in ((2, g.sum(0)), (3, g[1:].sum(0))):  # the model, and without layer 1
            top_two = summed.topk(2, -1).values
            clear = top_two[:, 0] - top_two[:, 1] > 1e-4  # a near tie may go either way
            assert clear.sum() >= 7
            predicted = ev.predictions[s, row].long()
            assert torch.equal(predicted[clear], summed.argmax(-1)[clear])
        accuracy = (ev.predictions[s, 2].long() == labels).float().mean()
        assert ev.model["accuracy"][s] == accuracy
