"""What both training methods build their networks from: per-seed stacked layers, RMS
normalisation and the image "body".

Every weight carries a leading seed axis (`[seed, in, out]`), and each layer is one batched
matrix product, so S independent networks train as one computation. Each seed's layer is
initialised from a generator owned by (seed, layer), so a seed's network is the same whether it
trains alone or beside others, and whichever method trains it.

The first N_CLASSES input pixels hold the label (one-hot) for Forward-Forward. Images are kept
with those pixels zeroed (the "body"): backprop sees the body alone, and Forward-Forward adds the
label's contribution as the label's rows of the first weight.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ff.data import IMAGE_SIZE, N_CLASSES

RMS_EPS = 1e-8


def rms_normalize(x: torch.Tensor) -> torch.Tensor:
    """Length-normalise the last axis by its root mean square, so only direction passes on."""
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS)


def label_free(images: torch.Tensor) -> torch.Tensor:
    """Images [..., IMAGE_SIZE] with the label pixels zeroed: the part every labelled copy
    shares."""
    out = images.clone()
    out[..., :N_CLASSES] = 0
    return out


def overlay_label(
    images: torch.Tensor, labels: torch.Tensor, on_value: float = 1.0
) -> torch.Tensor:
    """Images [..., IMAGE_SIZE] with their first N_CLASSES pixels replaced by the one-hot
    label, times `on_value`."""
    out = images.clone()
    out[..., :N_CLASSES] = F.one_hot(labels.long(), N_CLASSES).to(images.dtype) * on_value
    return out


def to_body(images: np.ndarray, device: torch.device) -> torch.Tensor:
    """uint8 [n, IMAGE_SIZE] -> float [n, IMAGE_SIZE] in [0, 1] with the label pixels zeroed."""
    return label_free(torch.tensor(images, device=device, dtype=torch.float32) / 255)


def input_inv_rms(body: torch.Tensor) -> torch.Tensor:
    """1 / RMS of a labelled image from its body [..., IMAGE_SIZE]: the one-hot label adds 1 to
    the sum of squares whichever label it is. Returns [..., 1]."""
    return torch.rsqrt((body.pow(2).sum(-1, keepdim=True) + 1) / IMAGE_SIZE + RMS_EPS)


def init_layer_normal(
    seed: int, layer: int, fan_in: int, fan_out: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The paper recipe's initialisation: weights normal(0, 1/sqrt(fan_out)), biases zero,
    drawn from a generator owned by (seed, layer)."""
    generator = torch.Generator().manual_seed(seed * 1000 + layer)
    weight = torch.randn(fan_in, fan_out, generator=generator) / math.sqrt(fan_out)
    return weight, torch.zeros(fan_out)


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
    seeds: list[int], layer: int, fan_in: int, fan_out: int, init=init_layer
) -> tuple[torch.nn.Parameter, torch.nn.Parameter]:
    """One layer for every seed: weight [S, in, out] and bias [S, 1, out], each seed's own
    initialisation `init(seed, layer, fan_in, fan_out)`."""
    pairs = [init(seed, layer, fan_in, fan_out) for seed in seeds]
    weight = torch.nn.Parameter(torch.stack([w for w, _ in pairs]))
    bias = torch.nn.Parameter(torch.stack([b for _, b in pairs])[:, None, :])
    return weight, bias


def stacked_layers(
    seeds: list[int], sizes: list[int], init=init_layer
) -> tuple[torch.nn.ParameterList, torch.nn.ParameterList]:
    """Weights and biases of consecutive layers of the given sizes (input first), every seed's
    own initialisation."""
    layers = [
        stacked_layer(seeds, layer, fan_in, fan_out, init)
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
    ]
    weights = torch.nn.ParameterList([weight for weight, _ in layers])
    return weights, torch.nn.ParameterList([bias for _, bias in layers])
