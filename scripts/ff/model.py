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
    squares = activity.pow(2)
    return squares.sum(-1) if kind == "sum" else squares.mean(-1)


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
        """Activity of layer 1 from the shared body product [S, B, H], inverse RMS of the
        labelled input [S|1, B, 1] and one-hot labels [S, B, 10]."""
        pre = torch.baddbmm(body_product, onehot, self.weights[0][:, :N_CLASSES, :])
        return F.relu(torch.addcmul(self.biases[0], pre, inv_rms))

    def deeper_layer(self, layer: int, activity: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        """Activity of `layer` from the previous layer's activity [S, B, H_in] and goodness
        [S, B]. RMS normalisation is a per-row scale, applied after the product:
        rms(a) @ W = (a @ W) / rms(a), and mean(a^2) is the goodness over the width."""
        mean_square = g if self.goodness_kind == "mean" else g / activity.shape[-1]
        inv_rms = torch.rsqrt(mean_square + RMS_EPS).unsqueeze(-1)
        return F.relu(
            torch.addcmul(self.biases[layer], torch.bmm(activity, self.weights[layer]), inv_rms)
        )

    def training_goodness(
        self,
        body: torch.Tensor,
        inv_rms: torch.Tensor,
        pos_labels: torch.Tensor,
        neg_labels: torch.Tensor,
        layers: int,
    ) -> torch.Tensor:
        """Goodness [layers, S, 2B] of the positives (first B) and negatives (last B) in the
        first `layers` layers, each layer's input detached so that it learns only from its own
        loss.

        body [S, B, 784] (label pixels zero), inv_rms [S, B, 1] (`input_inv_rms`), pos/neg
        labels [S, B]."""
        body_product = torch.bmm(body, self.weights[0])  # [S, B, H], shared by pos and neg
        labels = torch.cat([pos_labels, neg_labels], 1)
        onehot = F.one_hot(labels, N_CLASSES).to(body.dtype)
        activity = self.first_layer(body_product.repeat(1, 2, 1), inv_rms.repeat(1, 2, 1), onehot)
        out = [goodness(activity, self.goodness_kind)]  # [S, 2B]
        for layer in range(1, layers):
            activity = self.deeper_layer(layer, activity.detach(), out[-1].detach())
            out.append(goodness(activity, self.goodness_kind))
        return torch.stack(out)

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
        product = product.repeat(1, N_CLASSES, 1)  # [S, 10n, H], label-major
        repeats = [1] * inv_rms.dim()
        repeats[-2] = N_CLASSES  # the rows, label-major like the product
        inv_rms = inv_rms.repeat(*repeats)
        labels = torch.arange(N_CLASSES, device=product.device).repeat_interleave(n)
        onehot = F.one_hot(labels, N_CLASSES).to(product.dtype).expand(seeds, -1, -1)
        activity = self.first_layer(product, inv_rms, onehot)
        per_layer = [goodness(activity, self.goodness_kind)]
        for layer in range(1, self.depth):
            activity = self.deeper_layer(layer, activity, per_layer[-1])
            per_layer.append(goodness(activity, self.goodness_kind))
        g = torch.stack(per_layer, 1)  # [S, depth, 10n]
        return g.view(seeds, self.depth, N_CLASSES, n).transpose(2, 3)
