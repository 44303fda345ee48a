"""The machine's matrix-product rate on the shapes a Forward-Forward step multiplies: what a
benchmark divides its achieved rate by."""

from __future__ import annotations

import time

import torch

from ff.config import Treatment
from ff.data import IMAGE_SIZE
from ff.device import synchronize
from ff.forward_forward import FFTrainer


def matmul_gflops(
    seeds: int, batch: int, depth: int, width: int, device: torch.device, seconds: float = 2.0
) -> float:
    """Rate, at the chosen precision, of exactly the products FFTrainer.step_flops counts."""
    gen = torch.Generator(device="cpu").manual_seed(0)

    def rand(*shape):
        return torch.rand(*shape, generator=gen).to(device)

    x1, w1, g1 = (
        rand(seeds, batch, IMAGE_SIZE),
        rand(seeds, IMAGE_SIZE, width),
        rand(seeds, batch, width),
    )
    x, w, g = (
        rand(seeds, 2 * batch, width),
        rand(seeds, width, width),
        rand(seeds, 2 * batch, width),
    )

    def one_step():
        torch.bmm(x1, w1)
        torch.bmm(x1.transpose(1, 2), g1)
        for _ in range(depth - 1):
            torch.bmm(x, w)
            torch.bmm(x.transpose(1, 2), g)

    for _ in range(3):
        one_step()
    synchronize(device)
    started, repeats = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        one_step()
        repeats += 1
    synchronize(device)
    elapsed = time.perf_counter() - started
    step = FFTrainer.step_flops(Treatment("bench", depth, width), seeds, batch)
    return step * repeats / elapsed / 1e9
