"""The paper recipe against the public implementation it reproduces, side by side in one run on
this machine (a benchmark, not a test):

(a) public: loeweX/Forward-Forward from its own clone (--public DIR; it is never copied into
    this project and needs `pip install hydra-core`), at its defaults (3 x 1000, batch 100,
    full 50k MNIST, one seed) on this machine's CPU, for --public-epochs epochs: its own
    printed training time of each epoch;
(b) project: this project's paper recipe, the same shape and data, the --seeds batched, for
    --epochs epochs: training seconds per seed and epoch (evaluation excluded), and the mean
    test error of the read-out after the last epoch (the fidelity figure);
(c) the machine's matrix-product rate at the precision the project uses, on the shapes of (b),
    against the rate (b) achieves.

Both are compared on their second epoch (the first warms caches and, for (a), starts its
DataLoader workers). Without --public, or without hydra-core, (a) is skipped with a message.

    snakemake --cores 1 results/data/mnist.npz      # the data, once (also resources/mnist/raw)
    python scripts/benchmark_paper_recipe.py --public ../Forward-Forward --json bench.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import torch

from ff.config import TrainSettings, Treatment, training_default
from ff.data import RAW_FILES, load_splits
from ff.device import choose_device, configure_torch
from ff.forward_forward import TrainInputs
from ff.matrix_rate import matmul_gflops
from ff.negatives import random_wrong_labels
from ff.paper_recipe import PaperFFTrainer

BATCH = 100
EPOCH_TIME = re.compile(r"Epoch (\d+) \s*train \s*Time: (\d+):(\d+):([\d.]+)")


def public_epoch_seconds(clone: Path, raw: Path, epochs: int) -> list[float]:
    """loeweX/Forward-Forward's printed training time of each epoch, run from its clone on
    the CPU with MNIST's raw files from `raw` (it would download them otherwise)."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work, "datasets", "MNIST", "raw")
        folder.mkdir(parents=True)
        for name in RAW_FILES:
            (folder / name).symlink_to((raw / name).resolve())
        command = [sys.executable, str(clone / "main.py"), "device=cpu", "seed=42",
                   f"training.epochs={epochs}", f"hydra.run.dir={work}/logs"]  # fmt: skip
        out = subprocess.run(command, cwd=work, capture_output=True, text=True, check=True)
    times = {
        int(epoch): timedelta(hours=int(h), minutes=int(m), seconds=float(s)).total_seconds()
        for epoch, h, m, s in EPOCH_TIME.findall(out.stdout)
    }
    return [times[epoch] for epoch in sorted(times)]


def project_run(args, device: torch.device) -> dict:
    """The paper recipe, args.seeds batched: training seconds of each epoch, and each seed's
    test error of the read-out after the last."""
    splits = load_splits(args.data)
    settings = TrainSettings(
        batch_size=BATCH, train_size=50_000, evals_per_epoch=1, eval_size=10_000,
        matmul_precision=args.matmul_precision,
    )  # fmt: skip
    treatment = Treatment("mnist", args.depth, args.width, recipe="paper", epochs=args.epochs)
    negatives = np.stack([random_wrong_labels(splits.train_y, s, args.epochs) for s in args.seeds])
    trainer = PaperFFTrainer(
        treatment, settings, args.seeds, splits, device, TrainInputs(wrong_labels=negatives)
    )
    result = trainer.run()
    tests = [row for row in result.history if row["split"] == "test" and row["layer"] == "model"]
    errors = {row["seed"]: 100 * (1 - row["readout_accuracy"]) for row in tests}
    steps = 50_000 // BATCH
    flops = PaperFFTrainer.step_flops(treatment, len(args.seeds), BATCH) * steps
    return {
        "seconds_per_epoch": result.seconds_per_epoch,
        "evaluation_seconds": result.eval_seconds,
        "test_error_percent": errors,
        "achieved_gflops": flops / result.seconds_per_epoch[1] / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--public", type=Path, help="a clone of loeweX/Forward-Forward")
    parser.add_argument("--public-epochs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2])
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--data", default="results/data/mnist.npz")
    parser.add_argument("--raw", type=Path, default=Path("resources/mnist/raw"))
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument(
        "--matmul-precision",
        default=training_default("matmul_precision"),
        choices=["highest", "high", "medium"],
        help="the project's precision (default: the workflow's); the public code's is its own",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.epochs < 2 or args.public_epochs < 2:
        parser.error("both sides are compared on their second epoch: give at least 2 epochs")

    report: dict = {"config": {k: str(v) for k, v in vars(args).items()}}
    if args.public is None or not (args.public / "main.py").exists():
        print("public implementation skipped: pass --public with a clone of loeweX/Forward-Forward")
    elif importlib.util.find_spec("hydra") is None:
        print("public implementation skipped: it needs hydra-core (pip install hydra-core)")
    else:
        report["public_seconds_per_epoch"] = public_epoch_seconds(
            args.public, args.raw, args.public_epochs
        )
    # the public code has run and let go of the machine; now the project, at its precision
    device = choose_device(args.device)
    configure_torch(args.threads, args.matmul_precision)
    project = project_run(args, device)
    seeds = len(args.seeds)
    peak = matmul_gflops(seeds, BATCH, args.depth, args.width, device)
    per_seed_epoch = project["seconds_per_epoch"][1] / seeds
    report |= {
        "project": project,
        "project_seconds_per_seed_epoch": per_seed_epoch,
        "mean_test_error_percent": float(np.mean(list(project["test_error_percent"].values()))),
        "matmul_gflops": peak,
        "achieved_over_matmul": project["achieved_gflops"] / peak,
        "device": str(device),
        "torch": torch.__version__,
    }
    print(f"project: {per_seed_epoch:.2f} s per seed and epoch (second epoch, {seeds} seeds)")
    if "public_seconds_per_epoch" in report:
        public = report["public_seconds_per_epoch"][1]
        report["public_over_project"] = public / per_seed_epoch
        print(f"public:  {public:.2f} s per seed and epoch (second epoch, one seed)")
        print(f"ratio:   {report['public_over_project']:.2f}x the public implementation")
    print(
        f"matrix rate: {peak:,.0f} GFLOP/s at {args.matmul_precision}; the training step "
        f"achieves {project['achieved_gflops']:,.0f} ({report['achieved_over_matmul']:.2f})"
    )
    errors = ", ".join(f"{e:.2f}%" for e in project["test_error_percent"].values())
    print(
        f"test error of the read-out after {args.epochs} epochs: {errors} "
        f"(mean {report['mean_test_error_percent']:.2f}%)"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
