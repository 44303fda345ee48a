"""Training throughput, measured side by side in one run (a benchmark, not a test).

(a) batched: the project's trainer, all seeds in one batched computation;
(b) sequential: the project's trainer, the same seeds one after another;
(c) plain: the reference FF of ff.reference, written the way public PyTorch examples are (a
    shuffling DataLoader, one nn.Linear and one Adam per layer, one seed at a time, labels
    overlaid on full images), same recipe; and plain_on_tensors, the same layers fed from a
    device tensor (no DataLoader), a stricter reference;
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
import functools
import json
from pathlib import Path

import numpy as np
import torch
import yaml

from ff.config import TrainSettings, Treatment, seed_count, treatments, with_defaults
from ff.data import IMAGE_SIZE, Splits
from ff.device import choose_device, configure_torch
from ff.footprint import study_bytes
from ff.forward_forward import FFTrainer, TrainInputs
from ff.matrix_rate import matmul_gflops
from ff.methods import study_cost
from ff.negatives import random_wrong_labels
from ff.reference import plain_on_tensors_seconds, plain_seconds


def synthetic_splits(n_train: int, seed: int = 0) -> Splits:
    """Random images: throughput does not depend on what the pixels show."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n_train + 200, IMAGE_SIZE), dtype=np.uint8)
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
        batch_size=args.batch_size,
        train_size=args.train_size,
        evals_per_epoch=1,
        eval_size=100,
        device=device.type,
    )
    negatives = np.stack([random_wrong_labels(splits.train_y, s, args.epochs) for s in seeds])
    trainer = FFTrainer(
        bench_treatment(args), settings, seeds, splits, device, TrainInputs(wrong_labels=negatives)
    )
    return sum(trainer.run().seconds_per_epoch)


def bench_treatment(args) -> Treatment:
    return Treatment("bench", args.depth, args.width, learning_rate=args.lr, epochs=args.epochs)


def study_flops(config_path: Path) -> dict:
    """FLOPs of a whole study config (training and evaluation, every treatment), the config
    completed with the schema's defaults as the workflow completes it; each method's trainer
    counts its own."""
    config = with_defaults(yaml.safe_load(config_path.read_text()))
    settings = TrainSettings.from_config(config["training"])
    cost = study_cost(treatments(config), settings, functools.partial(seed_count, config))
    return {"training_flops": cost.training, "evaluation_flops": cost.evaluation}


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
    parser.add_argument(
        "--cost", type=Path, help="print a study config's FLOP count and disk use, and stop"
    )
    args = parser.parse_args()
    if args.cost:
        cost = study_flops(args.cost)
        total = cost["training_flops"] + cost["evaluation_flops"]
        train, evaluate = cost["training_flops"] / 1e15, cost["evaluation_flops"] / 1e15
        print(f"{args.cost}: {train:.2f} PFLOP training, {evaluate:.2f} PFLOP evaluation")
        print(f"{total / 1e15:.2f} PFLOP in all")
        written = study_bytes(with_defaults(yaml.safe_load(args.cost.read_text())))
        parts = ", ".join(f"{name} {size / 1e9:.2f}" for name, size in written.items())
        print(f"writes at most {sum(written.values()) / 1e9:.1f} GB ({parts} GB; ff.footprint)")
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
        shape = (args.depth, args.width, args.epochs, args.batch_size, args.lr, device)
        runs["plain"] = lambda: plain_seconds(splits, seeds, *shape)
        runs["plain_on_tensors"] = lambda: plain_on_tensors_seconds(splits, seeds, *shape)
    # Interleaved repeats, median per variant: a slow moment of the machine then hits one
    # repeat of every variant rather than all repeats of one.
    timings = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            timings[name].append(run())
    seconds = {name: float(np.median(values)) for name, values in timings.items()}
    peak = matmul_gflops(args.seeds, args.batch_size, args.depth, args.width, device)
    achieved = FFTrainer.step_flops(bench_treatment(args), args.seeds, args.batch_size) * steps
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
