"""Joining a treatment's seed chunks along the seed axis (rule train). Most treatments train in
one chunk, whose files are copied as they are: torch (2.5 s to import) is loaded only to join
the weights of several."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ff.metrics import read_table, write_table

JOB_KEYS = ("seeds", "device", "seconds_per_epoch", "evaluation_seconds", "resumed_from_epoch")


def join_chunks(chunks: dict[str, list[str]], paths: dict) -> None:
    """A treatment's outputs (ff.jobs.TRAIN_OUTPUTS) from its chunks' (inputs grouped by
    output name, in seed order); run.json lists each chunk's job."""
    if len(chunks["history"]) == 1:
        for name in ("history", "predictions", "weights"):
            shutil.copyfile(chunks[name][0], paths[name])
    else:
        history = pd.concat([read_table(path) for path in chunks["history"]])
        write_table(history, paths["history"])
        join_predictions(chunks["predictions"], paths["predictions"])
        join_weights(chunks["weights"], paths["weights"])
    runs = [json.loads(Path(path).read_text()) for path in chunks["run"]]
    joined = {**runs[0], "seeds": [seed for run in runs for seed in run["seeds"]]}
    joined["jobs"] = [{key: run[key] for key in JOB_KEYS} for run in runs]
    Path(paths["run"]).write_text(json.dumps(joined, indent=2) + "\n")


def join_predictions(paths: list[str], out: str) -> None:
    archives = [dict(np.load(path)) for path in paths]
    np.savez_compressed(
        out,
        validation=np.concatenate([a["validation"] for a in archives]),
        epochs=archives[0]["epochs"],
        test=np.concatenate([a["test"] for a in archives]),
        seeds=np.concatenate([a["seeds"] for a in archives]),
    )


def join_weights(paths: list[str], out: str) -> None:
    """Seed chunks' weights.pt joined along the seed axis."""
    import torch

    from ff.outputs import load_weights

    parts = [load_weights(path) for path in paths]
    joined = {
        "seeds": [seed for part in parts for seed in part["seeds"]],
        "weights": [torch.cat(ws) for ws in zip(*(p["weights"] for p in parts), strict=True)],
        "biases": [torch.cat(bs) for bs in zip(*(p["biases"] for p in parts), strict=True)],
    }
    for key in parts[0].keys() - joined.keys():  # a recipe's own, seed axis first (read-out)
        joined[key] = torch.cat([part[key] for part in parts])
    torch.save(joined, out)
