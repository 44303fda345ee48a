"""A Forward-Forward network for many seeds at once.

Every weight carries a leading seed axis (`[seed, in, out]`), and each layer is one batched
matrix product, so S independent networks train as one computation. Adam is elementwise, so
one optimiser over the stacked tensors updates every seed exactly as it would alone.

The first 10 input pixels hold the label (one-hot). Images are kept with those pixels zeroed
(the "body"), and the label's contribution is added as the label's rows of the first weight:
the body product is computed once per image and shared by the positive sample, the negative
sample and all 10 candidate labels at evaluation. This is exact because the RMS of an
overlaid image does not depend on which label is set.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

N_CLASSES = 10
INPUT_SIZE = 784
RMS_EPS = 1e-8


def rms_normalize(x: torch.Tensor) -> torch.Tensor:
    """Length-normalise the last axis by its root mean square, so only direction passes on."""
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS)


def goodness(activity: torch.Tensor, kind: str = "sum") -> torch.Tensor:
    """Sum (or mean) of squared activities over units: [..., units] -> [...]."""
    sum_of_squares = torch.linalg.vector_norm(activity, dim=-1).square()  # one reduction pass
    return sum_of_squares if kind == "sum" else sum_of_squares / activity.shape[-1]


def ff_loss(g_pos: torch.Tensor, g_neg: torch.Tensor, theta: float) -> torch.Tensor:
    """softplus(theta - g_pos) + softplus(g_neg - theta), averaged over the batch (last axis)."""
    return (F.softplus(theta - g_pos) + F.softplus(g_neg - theta)).mean(-1)


def overlay_label(
    images: torch.Tensor, labels: torch.Tensor, on_value: float = 1.0
) -> torch.Tensor:
    """Images [..., 784] with their first 10 pixels replaced by the one-hot label."""
    out = images.clone()
    out[..., :N_CLASSES] = F.one_hot(labels.long(), N_CLASSES).to(images.dtype) * on_value
    return out


def input_inv_rms(body: torch.Tensor) -> torch.Tensor:
    """1 / RMS of a labelled image from its body [..., 784]: the one-hot label adds 1 to the
    sum of squares whichever label it is. Returns [..., 1]."""
    return torch.rsqrt((body.pow(2).sum(-1, keepdim=True) + 1) / INPUT_SIZE + RMS_EPS)


def label_free(images: torch.Tensor) -> torch.Tensor:
    """Images [..., 784] with the label pixels zeroed: the part every labelled copy shares."""
    out = images.clone()
    out[..., :N_CLASSES] = 0
    return out


def init_layer(
    seed: int, layer: int, fan_in: int, fan_out: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """nn.Linear's default initialisation, drawn from a generator owned by (seed, layer)."""
    generator = torch.Generator().manual_seed(seed * 1000 + layer)
    bound = 1 / math.sqrt(fan_in)
    weight = (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound
    bias = (torch.rand(fan_out, generator=generator) * 2 - 1) * bound
    return weight, bias


def grad_of(parameter: torch.Tensor) -> torch.Tensor:
    """The parameter's `.grad`, allocated on first use and then reused step after step."""
    if parameter.grad is None:
        parameter.grad = torch.empty_like(parameter)
    return parameter.grad


def stacked_layer(
    seeds: list[int], layer: int, fan_in: int, fan_out: int
) -> tuple[torch.nn.Parameter, torch.nn.Parameter]:
    """One layer for every seed: weight [S, in, out] and bias [S, 1, out], each seed's own
    `init_layer`."""
    pairs = [init_layer(seed, layer, fan_in, fan_out) for seed in seeds]
    weight = torch.nn.Parameter(torch.stack([w for w, _ in pairs]))
    bias = torch.nn.Parameter(torch.stack([b for _, b in pairs])[:, None, :])
    return weight, bias


class BatchedFF(torch.nn.Module):
    """`depth` ReLU layers of `width` units for each of `len(seeds)` seeds."""

    def __init__(self, seeds: list[int], depth: int, width: int, goodness_kind: str = "sum"):
        super().__init__()
        self.seeds = list(seeds)
        self.depth, self.width, self.goodness_kind = depth, width, goodness_kind
        layers = [
            stacked_layer(self.seeds, layer, INPUT_SIZE if layer == 0 else width, width)
            for layer in range(depth)
        ]
        self.weights = torch.nn.ParameterList([weight for weight, _ in layers])
        self.biases = torch.nn.ParameterList([bias for _, bias in layers])

    def first_layer(
        self, body_product: torch.Tensor, inv_rms: torch.Tensor, onehot: torch.Tensor
    ) -> torch.Tensor:
        """Activity of layer 1 for several labelled copies of each image (its positive and
        negative, or its 10 candidate labels) from the body product [S, n, H] that they share,
        one-hot labels [S, copies x n, 10] and the inverse RMS of the labelled input
        [S|1, copies x n, 1], both copy-major."""
        copies = onehot.shape[1] // body_product.shape[1]
        pre = body_product.repeat(1, copies, 1).baddbmm_(onehot, self.weights[0][:, :N_CLASSES])
        return torch.addcmul(self.biases[0], pre, inv_rms).relu_()

    def deeper_layer(
        self, layer: int, activity: torch.Tensor, inv_rms: torch.Tensor
    ) -> torch.Tensor:
        """Activity of `layer` from the previous layer's activity [S, B, H_in] and its inverse
        RMS [S, B, 1] (`inv_rms_of`): RMS normalisation is a per-row scale, applied after the
        product, rms(a) @ W = (a @ W) / rms(a)."""
        product = torch.bmm(activity, self.weights[layer])
        return torch.addcmul(self.biases[layer], product, inv_rms).relu_()

    def inv_rms_of(self, g: torch.Tensor) -> torch.Tensor:
        """1 / RMS of an activity [..., 1] from its goodness [...]: mean(a^2) is the goodness
        over the width."""
        mean_square = g if self.goodness_kind == "mean" else g / self.width
        return torch.rsqrt(mean_square + RMS_EPS).unsqueeze(-1)

    @torch.no_grad()
    def train_gradients(
        self,
        body: torch.Tensor,
        inv_rms: torch.Tensor,
        pos_labels: torch.Tensor,
        neg_labels: torch.Tensor,
        layers: tuple[int, int],
        theta: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The FF loss of each layer in [first, last) and its gradient, written to the layer's
        weight and bias `.grad` (the other layers' set to None, so the optimiser skips them).
        Returns the losses [layers, S] and goodness [layers, S, 2B] (positives, then negatives).

        body [S, B, 784] (label pixels zero), inv_rms [S, B, 1] (`input_inv_rms`), pos/neg
        labels [S, B].

        Written out rather than left to autograd: a layer's input is a constant to it, so its
        gradient needs only its own activity a. With m = (theta - g) * sign (sign +1 for a
        positive, -1 for a negative), the loss is the mean of 2 softplus(m) over the 2B rows
        (`ff_loss`), so dL/dg = -sign sigmoid(m) / B, and dL/dz = dL/dg * dg/da where
        dg/da = 2a (2a / width for mean goodness): ReLU's derivative needs no mask, as a = 0
        wherever it is 0. This saves about a fifth of a CPU step (autograd's bookkeeping);
        tests/test_model.py checks it against autograd."""
        first, last = layers
        batch = body.shape[1]
        sign = torch.ones(2 * batch, device=body.device, dtype=body.dtype)
        sign[batch:] = -1
        dg_da = 2.0 if self.goodness_kind == "sum" else 2.0 / self.width
        onehot = F.one_hot(torch.cat([pos_labels, neg_labels], 1), N_CLASSES).to(body.dtype)
        inv_rms = inv_rms.repeat(1, 2, 1)  # an image's positive and negative share its RMS
        for layer in [*range(first), *range(last, self.depth)]:
            self.weights[layer].grad = self.biases[layer].grad = None
        losses, goodnesses, activity = [], [], None
        for layer in range(last):
            weight, bias = self.weights[layer], self.biases[layer]
            activity_in = activity
            if layer == 0:  # the body product, shared by positives and negatives
                activity = self.first_layer(torch.bmm(body, weight), inv_rms, onehot)
            else:
                activity = self.deeper_layer(layer, activity_in, inv_rms)
            g = goodness(activity, self.goodness_kind)  # [S, 2B]
            if layer >= first:
                margin = (theta - g) * sign
                losses.append(F.softplus(margin).sum(-1) / batch)
                goodnesses.append(g)
                dz_over_a = torch.sigmoid(margin).mul_(sign * (-dg_da / batch))  # [S, 2B]
                torch.bmm(dz_over_a.unsqueeze(1), activity, out=grad_of(bias))
                d_product = activity * (dz_over_a.unsqueeze(-1) * inv_rms)
                if layer == 0:
                    shared = d_product[:, :batch] + d_product[:, batch:]
                    torch.bmm(body.mT, shared, out=grad_of(weight))  # label rows: 0
                    weight.grad[:, :N_CLASSES] += torch.bmm(onehot.mT, d_product)
                else:
                    torch.bmm(activity_in.mT, d_product, out=grad_of(weight))
            inv_rms = self.inv_rms_of(g)  # of the next layer's input
        return torch.stack(losses), torch.stack(goodnesses)

    @torch.no_grad()
    def label_goodness(self, body: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
        """Goodness of every layer for every candidate label: [S, depth, N, 10].

        body [N, 784] (label pixels zero), the same images for every seed."""
        seeds, width = len(self.seeds), self.width
        first = self.weights[0].permute(1, 0, 2).reshape(INPUT_SIZE, seeds * width)
        out = []
        for start in range(0, body.shape[0], chunk):
            part = body[start : start + chunk]  # [n, 784]
            product = (part @ first).view(len(part), seeds, width).transpose(0, 1)  # [S, n, H]
            out.append(self._all_labels(product, input_inv_rms(part)))
        return torch.cat(out, 2)

    @torch.no_grad()
    def label_goodness_per_seed(
        self, body: torch.Tensor, inv_rms: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Goodness of every layer for every candidate label, [S, depth, B, 10], for a batch
        with different images per seed: body [S, B, 784] (label pixels zero)."""
        if inv_rms is None:
            inv_rms = input_inv_rms(body)
        return self._all_labels(torch.bmm(body, self.weights[0]), inv_rms)

    def _all_labels(self, product: torch.Tensor, inv_rms: torch.Tensor) -> torch.Tensor:
        """[S, depth, n, 10] from the body product [S, n, H] and inverse RMS ([n, 1] shared by
        all seeds, or [S, n, 1])."""
        seeds, n = product.shape[0], product.shape[1]
        repeats = [1] * inv_rms.dim()
        repeats[-2] = N_CLASSES  # the rows, label-major like the product
        inv_rms = inv_rms.repeat(*repeats)
        labels = torch.arange(N_CLASSES, device=product.device).repeat_interleave(n)
        onehot = F.one_hot(labels, N_CLASSES).to(product.dtype).expand(seeds, -1, -1)
        activity = self.first_layer(product, inv_rms, onehot)
        per_layer = [goodness(activity, self.goodness_kind)]
        for layer in range(1, self.depth):
            activity = self.deeper_layer(layer, activity, self.inv_rms_of(per_layer[-1]))
            per_layer.append(goodness(activity, self.goodness_kind))
        g = torch.stack(per_layer, 1)  # [S, depth, 10n]
        return g.view(seeds, self.depth, N_CLASSES, n).transpose(2, 3)
