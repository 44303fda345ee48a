"""A plain Forward-Forward, one seed at a time, written the way public PyTorch examples write
it: one nn.Linear and one Adam per layer, labels overlaid on whole images, the same recipe as
ff.forward_forward. The yardstick that scripts/benchmark_training.py measures the batched
trainer against."""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from ff.data import IMAGE_SIZE, Splits
from ff.device import synchronize
from ff.layers import overlay_label, rms_normalize
from ff.negatives import data_order, random_wrong_labels


class PlainLayer(torch.nn.Linear):
    """One FF layer with its own optimiser and RMS-normalised input."""

    def __init__(self, fan_in: int, fan_out: int, lr: float, theta: float):
        super().__init__(fan_in, fan_out)
        self.optimizer = torch.optim.Adam(self.parameters(), lr=lr)
        self.theta = theta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(super().forward(rms_normalize(x)))

    def train_on(
        self, x_pos: torch.Tensor, x_neg: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        h_pos, h_neg = self.forward(x_pos), self.forward(x_neg)
        g_pos, g_neg = h_pos.pow(2).sum(1), h_neg.pow(2).sum(1)
        loss = (F.softplus(self.theta - g_pos) + F.softplus(g_neg - self.theta)).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return h_pos.detach(), h_neg.detach()


def plain_layers(
    seed: int, depth: int, width: int, lr: float, device: torch.device
) -> list[PlainLayer]:
    torch.manual_seed(seed)
    sizes = [IMAGE_SIZE] + [width] * depth
    return [
        PlainLayer(a, b, lr, float(width)).to(device)
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def plain_seconds(
    splits: Splits, seeds: list[int], depth: int, width: int, epochs: int, batch: int,
    lr: float, device: torch.device,
) -> float:  # fmt: skip
    """Training seconds of each seed in turn, as public examples feed it: a shuffling
    DataLoader over the training tensors, negatives drawn per batch."""
    images = torch.tensor(splits.train_x, dtype=torch.float32) / 255
    labels = torch.tensor(splits.train_y, dtype=torch.long)
    dataset = torch.utils.data.TensorDataset(images, labels)
    total = 0.0
    for seed in seeds:
        layers = plain_layers(seed, depth, width, lr, device)
        loader = torch.utils.data.DataLoader(
            dataset,
            batch_size=batch,
            shuffle=True,
            drop_last=True,
            generator=torch.Generator().manual_seed(seed),
        )
        for _ in range(epochs):
            synchronize(device)
            started = time.perf_counter()
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                y_neg = (y + torch.randint(1, 10, y.shape, device=device)) % 10
                x_pos, x_neg = overlay_label(x, y), overlay_label(x, y_neg)
                for layer in layers:
                    x_pos, x_neg = layer.train_on(x_pos, x_neg)
            synchronize(device)
            total += time.perf_counter() - started
    return total


def plain_on_tensors_seconds(
    splits: Splits, seeds: list[int], depth: int, width: int, epochs: int, batch: int,
    lr: float, device: torch.device,
) -> float:  # fmt: skip
    """A stricter reference: the same layers, the data already a device tensor indexed by
    batch (no DataLoader), negatives precomputed as the project's."""
    images = torch.tensor(splits.train_x, dtype=torch.float32, device=device) / 255
    labels = torch.tensor(splits.train_y, dtype=torch.long, device=device)
    n = len(labels)
    total = 0.0
    for seed in seeds:
        layers = plain_layers(seed, depth, width, lr, device)
        wrong = random_wrong_labels(splits.train_y, seed, epochs)
        wrong = torch.tensor(wrong, dtype=torch.long, device=device)
        for epoch in range(epochs):
            order = torch.tensor(data_order(seed, epoch, n), device=device)
            synchronize(device)
            started = time.perf_counter()
            for step in range(n // batch):
                indices = order[step * batch : (step + 1) * batch]
                x_pos = overlay_label(images[indices], labels[indices])
                x_neg = overlay_label(images[indices], wrong[epoch, indices])
                for layer in layers:
                    x_pos, x_neg = layer.train_on(x_pos, x_neg)
            synchronize(device)
            total += time.perf_counter() - started
    return total
