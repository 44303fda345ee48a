"""Fidelity of the paper recipe to the public implementation it reproduces (loeweX/Forward-Forward
at its own defaults: 3 x 1000, batch 100, full 50k MNIST), measured, not tested: the test
error of the read-out per seed, each layer's binary accuracy (separation) on the last epoch's
training batches, and the seconds per epoch. README compares it with that code's figures.

    snakemake --cores 1 results/data/mnist.npz      # the data, once
    python scripts/paper_fidelity.py --epochs 10 --seeds 42 1 2
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from ff.config import TrainSettings, Treatment
from ff.data import load_splits
from ff.device import choose_device, configure_torch
from ff.forward_forward import TrainInputs
from ff.negatives import random_wrong_labels
from ff.paper_recipe import PaperFFTrainer


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2])
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--data", default="results/data/mnist.npz")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--matmul-precision", default="high", choices=["highest", "high", "medium"])
    args = parser.parse_args()

    device = choose_device(args.device)
    configure_torch(args.threads, args.matmul_precision)
    splits = load_splits(args.data)
    settings = TrainSettings(batch_size=100, train_size=50_000, evals_per_epoch=1, eval_size=10_000)
    treatment = Treatment("mnist", args.depth, args.width, recipe="paper", epochs=args.epochs)
    negatives = np.stack([random_wrong_labels(splits.train_y, s, args.epochs) for s in args.seeds])
    trainer = PaperFFTrainer(
        treatment, settings, args.seeds, splits, device, TrainInputs(wrong_labels=negatives)
    )
    started = time.perf_counter()
    result = trainer.run()
    report = {
        "seconds_per_epoch": result.seconds_per_epoch,
        "evaluation_seconds": result.eval_seconds,
        "wall_seconds": time.perf_counter() - started,
        "device": str(device),
    }
    for seed in args.seeds:
        rows = [row for row in result.history if row["seed"] == seed]
        test = next(r for r in rows if r["split"] == "test" and r["layer"] == "model")
        last = [r for r in rows if r["split"] == "train" and r["epoch"] == float(args.epochs)]
        report[str(seed)] = {
            "test_error_readout_percent": 100 * (1 - test["readout_accuracy"]),
            "test_error_goodness_percent": 100 * (1 - test["accuracy"]),
            "last_epoch_train_separation": {r["layer"]: r["separation"] for r in last},
        }
    errors = [report[str(seed)]["test_error_readout_percent"] for seed in args.seeds]
    report["mean_test_error_readout_percent"] = float(np.mean(errors))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
