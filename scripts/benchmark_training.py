"""Training throughput, measured side by side in one run (a benchmark, not a test).

(a) batched: the project's trainer, all seeds in one batched computation;
(b) sequential: the project's trainer, the same seeds one after another;
(c) plain: a reference FF written the way public PyTorch examples are (a shuffling DataLoader,
    one nn.Linear and one Adam per layer, one seed at a time, labels overlaid on full images),
    same recipe; and plain_on_tensors, the same layers fed from a device tensor (no DataLoader),
    a stricter reference;
(d) the machine's matrix-product rate on the shapes of (a).

All run in float32 unless --matmul-precision allows TF32 (high or medium, CUDA) or bfloat16
products (medium, CPUs that have them); the setting then applies to every variant and to (d).

Throughput counts positive training samples per second, summed over seeds; evaluation is not
timed. Each variant runs --repeats times, interleaved, and its median time is reported.
Example:

    python scripts/benchmark_training.py --depth 3 --width 200 --seeds 8 --json bench.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from ff.config import TrainSettings, Treatment, treatments  # noqa: E402
from ff.data import Splits  # noqa: E402
from ff.model import INPUT_SIZE, N_CLASSES  # noqa: E402
from ff.negatives import data_order, random_wrong_labels  # noqa: E402
from ff.train import FFTrainer, choose_device, configure_torch  # noqa: E402


def synthetic_splits(n_train: int, seed: int = 0) -> Splits:
    """Random images: throughput does not depend on what the pixels show."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n_train + 200, INPUT_SIZE), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n_train + 200).astype(np.uint8)
    return Splits(
        images[:n_train],
        labels[:n_train],
        images[n_train:],
        labels[n_train:],
        images[:100],
        labels[:100],
    )


def project_trainer_seconds(args, splits: Splits, seeds: list[int], device: torch.device) -> float:
    settings = TrainSettings(
        epochs=args.epochs,
        batch_size=args.batch_size,
        train_size=args.train_size,
        evals_per_epoch=1,
        eval_size=100,
        device=device.type,
    )
    negatives = np.stack([random_wrong_labels(splits.train_y, s, args.epochs) for s in seeds])
    trainer = FFTrainer(
        Treatment("bench", args.depth, args.width), settings, seeds, splits, negatives, device
    )
    return sum(trainer.run().seconds_per_epoch)


class PlainLayer(torch.nn.Linear):
    """One FF layer as public examples write it: its own optimiser, RMS-normalised input."""

    def __init__(self, fan_in: int, fan_out: int, lr: float, theta: float):
        super().__init__(fan_in, fan_out)
        self.optimizer = torch.optim.Adam(self.parameters(), lr=lr)
        self.theta = theta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x / torch.sqrt(x.pow(2).mean(1, keepdim=True) + 1e-8)
        return F.relu(super().forward(x))

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


def overlay(x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    x = x.clone()
    x[:, :10] = F.one_hot(labels, 10).float()
    return x


def plain_layers(args, seed: int, device: torch.device) -> list[PlainLayer]:
    torch.manual_seed(seed)
    sizes = [INPUT_SIZE] + [args.width] * args.depth
    return [
        PlainLayer(a, b, args.lr, float(args.width)).to(device)
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def plain_seconds(args, splits: Splits, seeds: list[int], device: torch.device) -> float:
    """(c) as public examples write it: a shuffling DataLoader over the training tensors,
    negatives drawn per batch, labels overlaid on both copies of the image."""
    images = torch.tensor(splits.train_x[: args.train_size], dtype=torch.float32) / 255
    labels = torch.tensor(splits.train_y[: args.train_size], dtype=torch.long)
    dataset = torch.utils.data.TensorDataset(images, labels)
    total = 0.0
    for seed in seeds:
        layers = plain_layers(args, seed, device)
        loader = torch.utils.data.DataLoader(
            dataset,
            batch_size=args.batch_size,
            shuffle=True,
            drop_last=True,
            generator=torch.Generator().manual_seed(seed),
        )
        for _ in range(args.epochs):
            synchronize(device)
            started = time.perf_counter()
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                y_neg = (y + torch.randint(1, 10, y.shape, device=device)) % 10
                x_pos, x_neg = overlay(x, y), overlay(x, y_neg)
                for layer in layers:
                    x_pos, x_neg = layer.train_on(x_pos, x_neg)
            synchronize(device)
            total += time.perf_counter() - started
    return total


def plain_on_tensors_seconds(args, splits: Splits, seeds: list[int], device: torch.device) -> float:
    """(c'), a stricter reference: the same layers, the data already a device tensor indexed
    by batch (no DataLoader), negatives precomputed as the project's."""
    images = torch.tensor(splits.train_x[: args.train_size], dtype=torch.float32, device=device)
    images /= 255
    labels = torch.tensor(splits.train_y[: args.train_size], dtype=torch.long, device=device)
    steps = args.train_size // args.batch_size
    total = 0.0
    for seed in seeds:
        layers = plain_layers(args, seed, device)
        wrong = random_wrong_labels(splits.train_y[: args.train_size], seed, args.epochs)
        wrong = torch.tensor(wrong, dtype=torch.long, device=device)
        for epoch in range(args.epochs):
            order = torch.tensor(data_order(seed, epoch, args.train_size), device=device)
            synchronize(device)
            started = time.perf_counter()
            for step in range(steps):
                batch = order[step * args.batch_size : (step + 1) * args.batch_size]
                x_pos = overlay(images[batch], labels[batch])
                x_neg = overlay(images[batch], wrong[epoch, batch])
                for layer in layers:
                    x_pos, x_neg = layer.train_on(x_pos, x_neg)
            synchronize(device)
            total += time.perf_counter() - started
    return total


def training_flops_per_step(seeds: int, batch: int, depth: int, width: int) -> float:
    """Matrix-product FLOPs of one step of the batched trainer: forward, plus the weight
    gradient (inputs are detached, so no input gradient). Layer 1's image product is shared by
    positives and negatives; deeper layers see both (2 x batch rows)."""
    first = 2 * seeds * batch * INPUT_SIZE * width
    deeper = (depth - 1) * 2 * seeds * (2 * batch) * width * width
    return 2 * (first + deeper)


def evaluation_flops(seeds: int, images: int, depth: int, width: int) -> float:
    """Matrix-product FLOPs of one evaluation: layer 1's image product once, deeper layers
    once per candidate label (10)."""
    return 2 * seeds * images * (INPUT_SIZE * width + 10 * (depth - 1) * width * width)


def backprop_flops_per_step(seeds: int, batch: int, depth: int, width: int) -> float:
    """Matrix-product FLOPs of one backprop step: forward, weight gradient and (above layer 1)
    input gradient of every hidden layer and the read-out."""
    first = 2 * seeds * batch * INPUT_SIZE * width
    rest = 2 * seeds * batch * ((depth - 1) * width * width + width * N_CLASSES)
    return 2 * first + 3 * rest


def backprop_evaluation_flops(
    seeds: int, images: int, probe_images: int, depth: int, width: int
) -> float:
    """One backprop evaluation: the forward pass of the evaluated and the probe images, and
    every layer's probe normal equations."""
    forward = 2 * seeds * (INPUT_SIZE * width + (depth - 1) * width * width + width * N_CLASSES)
    normal_equations = 2 * seeds * depth * (width + 1) * (width + 1 + N_CLASSES)
    return (images + probe_images) * forward + probe_images * normal_equations


def study_cost(config_path: Path) -> dict:
    """FLOPs of a whole study config (training and evaluation, every treatment), the config
    completed with the schema's defaults as the workflow completes it."""
    import yaml
    from snakemake.utils import validate

    config = yaml.safe_load(config_path.read_text())
    validate(config, str(ROOT / "workflow/schemas/config.schema.yaml"), set_default=True)
    settings = TrainSettings.from_config(config["training"])
    seeds, total_train, total_eval = config["seeds"], 0.0, 0.0
    for treatment in treatments(config):
        depth, width = treatment.depth, treatment.width
        epochs = treatment.total_epochs(settings.epochs)
        steps = epochs * (settings.train_size // settings.batch_size)
        evaluations = 1 + epochs * settings.evals_per_epoch
        shape = (seeds, settings.batch_size, depth, width)
        if treatment.method == "backprop":
            total_train += backprop_flops_per_step(*shape) * steps
            probe = min(settings.probe_size, settings.train_size)
            for images, count in ((settings.eval_size, evaluations), (10_000, 1)):
                total_eval += count * backprop_evaluation_flops(seeds, images, probe, depth, width)
            continue
        total_train += training_flops_per_step(*shape) * steps
        if treatment.negatives == "hard":  # every step scores the batch under all 10 labels
            total_train += evaluation_flops(*shape) * steps
        total_eval += evaluations * evaluation_flops(seeds, settings.eval_size, depth, width)
        total_eval += evaluation_flops(seeds, 10_000, depth, width)  # the final test
    return {"training_flops": total_train, "evaluation_flops": total_eval}


def matmul_gflops(
    seeds: int, batch: int, depth: int, width: int, device: torch.device, seconds: float = 2.0
) -> float:
    """Rate, at the chosen precision, of exactly the products training_flops_per_step counts."""
    gen = torch.Generator(device="cpu").manual_seed(0)

    def rand(*shape):
        return torch.rand(*shape, generator=gen).to(device)

    x1, w1, g1 = (
        rand(seeds, batch, INPUT_SIZE),
        rand(seeds, INPUT_SIZE, width),
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
    return training_flops_per_step(seeds, batch, depth, width) * repeats / elapsed / 1e9


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--width", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train-size", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.003)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument(
        "--matmul-precision",
        default="highest",
        choices=["highest", "high", "medium"],
        help="torch.set_float32_matmul_precision for all variants and (d); highest = float32",
    )
    parser.add_argument("--repeats", type=int, default=3, help="median over this many runs")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["sequential", "plain"], help="parts not to run"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--cost", type=Path, help="print a study config's FLOP count and stop")
    args = parser.parse_args()
    if args.cost:
        cost = study_cost(args.cost)
        total = cost["training_flops"] + cost["evaluation_flops"]
        train, evaluate = cost["training_flops"] / 1e15, cost["evaluation_flops"] / 1e15
        print(f"{args.cost}: {train:.2f} PFLOP training, {evaluate:.2f} PFLOP evaluation")
        print(f"{total / 1e15:.2f} PFLOP in all")
        return

    device = choose_device(args.device)
    configure_torch(args.threads, args.matmul_precision)  # for every variant and for (d)
    splits = synthetic_splits(args.train_size)
    seeds = list(range(args.seeds))
    samples = args.seeds * args.epochs * (args.train_size // args.batch_size) * args.batch_size
    steps = args.epochs * (args.train_size // args.batch_size)

    runs = {"batched": lambda: project_trainer_seconds(args, splits, seeds, device)}
    if "sequential" not in args.skip:
        runs["sequential"] = lambda: sum(
            project_trainer_seconds(args, splits, [s], device) for s in seeds
        )
    if "plain" not in args.skip:
        runs["plain"] = lambda: plain_seconds(args, splits, seeds, device)
        runs["plain_on_tensors"] = lambda: plain_on_tensors_seconds(args, splits, seeds, device)
    # Interleaved repeats, median per variant: a slow moment of the machine then hits one
    # repeat of every variant rather than all repeats of one.
    timings = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            timings[name].append(run())
    seconds = {name: float(np.median(values)) for name, values in timings.items()}
    peak = matmul_gflops(args.seeds, args.batch_size, args.depth, args.width, device)
    achieved = training_flops_per_step(args.seeds, args.batch_size, args.depth, args.width) * steps
    achieved /= seconds["batched"] * 1e9

    report = {
        name: {"samples_per_second": samples / s, "seconds": s, "all_seconds": timings[name]}
        for name, s in seconds.items()
    }
    report["matmul_gflops"] = peak
    report["achieved_gflops"] = achieved
    report["ratios"] = {"achieved_over_matmul": achieved / peak}
    for other in ("sequential", "plain", "plain_on_tensors"):
        if other in seconds:
            report["ratios"][f"batched_over_{other}"] = seconds[other] / seconds["batched"]
    report["config"] = {
        **{k: v for k, v in vars(args).items() if k != "json"},
        "device": str(device),
    }
    report["config"]["device_name"] = (
        torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    )
    report["config"]["torch"] = torch.__version__

    for name in seconds:
        rate = report[name]["samples_per_second"]
        print(f"{name:>16}: {rate:>12,.0f} samples/s ({seconds[name]:.2f} s)")
    print(
        f"    matmul: {peak:,.1f} GFLOP/s on the training shapes; batched achieves {achieved:,.1f}"
    )
    for name, ratio in report["ratios"].items():
        print(f"{name:>30}: {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
