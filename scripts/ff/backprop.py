"""The backpropagation baseline: the same MLP trained end to end with cross-entropy, each layer
read by a linear probe.

The hidden layers are Forward-Forward's (same initialisation per seed and layer, each layer's
input length-normalised), followed by a linear read-out to the 10 classes. The image enters
without a label. At every evaluation point a ridge-regression probe per layer and seed is fitted
in closed form to one-hot labels of training images (never validation or test images), then
scored on the evaluated split: a layer's accuracy is its probe's accuracy, the model's is the
read-out's.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from ff.config import TrainSettings, Treatment
from ff.data import IMAGE_SIZE, N_CLASSES
from ff.forward_forward import TrainInputs
from ff.layers import rms_normalize, stacked_layers
from ff.loop import EvalSet, Evaluation, Trainer, evaluation_chunk, rows, train_row

PROBE_RIDGE = 1e-3  # penalty relative to the mean squared feature: regularises, barely biases


class BatchedMLP(torch.nn.Module):
    """`depth` ReLU layers of `width` units and a linear read-out, for each of `len(seeds)`
    seeds; weights [S, in, out] as in BatchedFF."""

    def __init__(self, seeds: list[int], depth: int, width: int):
        super().__init__()
        self.seeds, self.depth, self.width = list(seeds), depth, width
        sizes = [IMAGE_SIZE] + [width] * depth + [N_CLASSES]
        self.weights, self.biases = stacked_layers(self.seeds, sizes)

    def features(self, body: torch.Tensor) -> Iterator[torch.Tensor]:
        """Each hidden layer's length-normalised activity [S, n, width], input side first.

        body: [S, n, IMAGE_SIZE], or [n, IMAGE_SIZE] for the same images in every seed."""
        x = rms_normalize(body)
        for layer in range(self.depth):
            x = rms_normalize(F.relu(torch.matmul(x, self.weights[layer]) + self.biases[layer]))
            yield x

    def forward(self, body: torch.Tensor) -> torch.Tensor:
        """Logits [S, n, 10]."""
        *_, last = self.features(body)
        return torch.baddbmm(self.biases[-1], last, self.weights[-1])


def with_bias(features: torch.Tensor) -> torch.Tensor:
    return torch.cat([features, torch.ones_like(features[..., :1])], -1)


@torch.no_grad()
def fit_probes(model: BatchedMLP, body: torch.Tensor, labels: torch.Tensor, chunk: int):
    """Ridge-regression probes [S, width + 1, 10] per layer, from images body [n, IMAGE_SIZE]
    with labels [n]. The normal equations are summed over chunks of images to bound memory."""
    size, seeds = model.width + 1, len(model.seeds)
    grams = [torch.zeros(seeds, size, size, device=body.device) for _ in range(model.depth)]
    moments = [torch.zeros(seeds, size, N_CLASSES, device=body.device) for _ in range(model.depth)]
    for start in range(0, len(body), chunk):
        targets = F.one_hot(labels[start : start + chunk], N_CLASSES).to(body.dtype)
        for layer, x in enumerate(model.features(body[start : start + chunk])):
            x = with_bias(x)
            grams[layer] = grams[layer] + x.transpose(1, 2) @ x
            moments[layer] = moments[layer] + x.transpose(1, 2) @ targets
    probes = []
    for gram, moment in zip(grams, moments, strict=True):
        scale = gram.diagonal(dim1=1, dim2=2).mean(-1)[:, None, None]
        penalty = PROBE_RIDGE * scale * torch.eye(size, device=body.device)
        probes.append(torch.cholesky_solve(moment, torch.linalg.cholesky(gram + penalty)))
    return probes


@torch.no_grad()
def evaluate_backprop(
    model: BatchedMLP, probes: list[torch.Tensor], data: EvalSet, chunk: int
) -> Evaluation:
    """Layers scored by their probes, the model by its read-out: predictions [S, depth + 1, n]."""
    predictions, losses = [], []
    for start in range(0, len(data.body), chunk):
        body = data.body[start : start + chunk]
        per_layer = [
            (with_bias(x) @ probe).argmax(-1)
            for x, probe in zip(model.features(body), probes, strict=True)
        ]
        logits = model(body)
        labels = data.labels[start : start + chunk].expand(len(model.seeds), -1)
        losses.append(F.cross_entropy(logits.transpose(1, 2), labels, reduction="none"))
        predictions.append(torch.stack([*per_layer, logits.argmax(-1)], 1))
    predictions = torch.cat(predictions, -1)
    accuracy = (predictions == data.labels).float().mean(-1)  # [S, depth + 1]
    return Evaluation(
        predictions=predictions.to(torch.uint8),
        layers={"accuracy": accuracy[:, :-1]},
        model={"accuracy": accuracy[:, -1], "loss": torch.cat(losses, -1).mean(-1)},
    )


class BackpropTrainer(Trainer):
    """End-to-end cross-entropy training; probes refitted at every evaluation point on the
    first `training.probe_size` training images."""

    def prepare(self, inputs: TrainInputs | None) -> None:
        """The probes' training images. Backprop reads no inputs: it has no negatives, and no
        shallower network shares its layers."""
        if inputs is not None and (inputs.wrong_labels is not None or inputs.trunk_depths):
            raise ValueError(
                f"{self.treatment.id} trains by backprop: it takes no wrong labels and serves no "
                "trunk depths"
            )
        n = min(self.settings.probe_size, self.n_train)
        self.probe_body, self.probe_labels = self.train_body[:n], self.train_labels[:n]
        self.chunk = evaluation_chunk(self.device, len(self.seeds) * self.treatment.width * 4 * 4)
        self.steps_taken = 0
        self.probes: tuple[int, list] | None = None  # (steps_taken at the fit, the probes)

    def build_model(self) -> BatchedMLP:
        return BatchedMLP(self.seeds, self.treatment.depth, self.treatment.width)

    def train_step(self, indices: torch.Tensor, epoch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Statistics: the cross-entropy of each seed [S]."""
        logits = self.model(rows(self.train_body, indices))  # [S, B, 10]
        loss = F.cross_entropy(
            logits.transpose(1, 2), rows(self.train_labels, indices), reduction="none"
        ).mean(-1)
        self.optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()  # seeds are independent: the sum's gradient is per seed
        self.optimizer.step()
        self.steps_taken += 1
        return loss.detach(), loss.detach()

    def evaluate(self, data: EvalSet) -> Evaluation:
        """With probes fitted to the network as it is now: the final test evaluation reuses
        those of the last validation."""
        if self.probes is None or self.probes[0] != self.steps_taken:
            fitted = fit_probes(self.model, self.probe_body, self.probe_labels, self.chunk)
            self.probes = (self.steps_taken, fitted)
        return evaluate_backprop(self.model, self.probes[1], data, self.chunk)

    def train_rows(self, means: np.ndarray, epoch: int, at: float, step: int) -> list[dict]:
        return [
            train_row(seed, at, step, "model", loss=float(means[s]))
            for s, seed in enumerate(self.seeds)
        ]

    @staticmethod
    def step_flops(treatment: Treatment, seeds: int, batch: int) -> float:
        """Forward, weight gradient and (above layer 1) input gradient of every hidden layer
        and the read-out."""
        depth, width = treatment.depth, treatment.width
        first = 2 * seeds * batch * IMAGE_SIZE * width
        rest = 2 * seeds * batch * ((depth - 1) * width * width + width * N_CLASSES)
        return 2 * first + 3 * rest

    @staticmethod
    def evaluation_flops(
        treatment: Treatment, settings: TrainSettings, seeds: int, images: int
    ) -> float:
        """The forward pass of the evaluated and the probe images, and every layer's probe
        normal equations (an upper bound: the final test reuses the last probes)."""
        depth, width = treatment.depth, treatment.width
        probe_images = min(settings.probe_size, settings.train_size)
        forward = 2 * seeds * (IMAGE_SIZE * width + (depth - 1) * width * width + width * N_CLASSES)
        normal_equations = 2 * seeds * depth * (width + 1) * (width + 1 + N_CLASSES)
        return (images + probe_images) * forward + probe_images * normal_equations
