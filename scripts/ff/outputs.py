"""Writing and merging a treatment's training outputs (history, predictions, weights, run)."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ff.loop import TrainingResult
from ff.metrics import METRIC_COLUMNS, read_table, write_table

HISTORY_COLUMNS = ["seed", "epoch", "step", "split", "layer", *METRIC_COLUMNS]


def versions() -> dict:
    import scipy
    import snakemake

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "snakemake": snakemake.__version__,
    }


def write_outputs(result: TrainingResult, paths: dict, run_info: dict) -> None:
    """paths: by the names of ff.jobs.TRAIN_OUTPUTS, and `trunks`: what the trunks, the shallower
    networks made of the first layers, need beyond those layers' outputs (`trunk_outputs`):
    the result's extras, by depth (ff.forward_forward; none for backprop)."""
    write_table(pd.DataFrame(result.history).reindex(columns=HISTORY_COLUMNS), paths["history"])
    np.savez_compressed(
        paths["predictions"],
        validation=np.stack(result.validation_predictions, 1),  # [S, evaluations, rows, n]
        epochs=np.asarray(result.evaluation_epochs),
        test=result.test_predictions,  # [S, rows, n]
        seeds=np.asarray(result.weights["seeds"]),
    )
    torch.save(result.weights, paths["weights"])
    run = {
        **run_info,
        "seconds_per_epoch": result.seconds_per_epoch,
        "evaluation_seconds": result.eval_seconds,
        "resumed_from_epoch": result.resumed_from_epoch,
        "versions": versions(),
    }
    Path(paths["run"]).write_text(json.dumps(run, indent=2) + "\n")
    trunks = {
        depth: {
            "history": trunk.history,
            "validation": torch.from_numpy(np.stack(trunk.validation_predictions, 1)),
            "test": torch.from_numpy(trunk.test_predictions),
            "weights": trunk.weights,
        }
        for depth, trunk in result.extras.items()
    }
    torch.save(trunks, paths["trunks"])


def trunk_outputs(trained: dict, depth: int, paths: dict, run_info: dict) -> None:
    """The outputs of the network made of the first `depth` layers of a trained one (its trunk
    of that depth), from that one's outputs `trained` (by the names of ff.jobs.TRAIN_OUTPUTS and
    `trunks`): its layers' rows and predictions as they are, its model's from `trunks`."""
    trunk = torch.load(trained["trunks"], weights_only=True)[depth]
    history = read_table(trained["history"])
    layers = {str(layer) for layer in range(1, depth + 1)}
    history = history[history.layer.isin(layers) | (history.layer == "model")].reset_index(
        drop=True
    )
    model = pd.DataFrame(trunk["history"]).reindex(columns=HISTORY_COLUMNS)
    is_model = (history.layer == "model").to_numpy()
    keys = ["seed", "split", "step"]
    if not model[keys].equals(history.loc[is_model, keys].reset_index(drop=True)):
        raise ValueError(f"{trained['trunks']} does not match {trained['history']}: rerun training")
    history.loc[is_model, METRIC_COLUMNS] = model[METRIC_COLUMNS].to_numpy(dtype=float)
    write_table(history, paths["history"])

    with np.load(trained["predictions"]) as archive:
        np.savez_compressed(
            paths["predictions"],
            validation=np.concatenate(
                [archive["validation"][:, :, :depth], trunk["validation"].numpy()], 2
            ),
            epochs=archive["epochs"],
            test=np.concatenate([archive["test"][:, :depth], trunk["test"].numpy()], 1),
            seeds=archive["seeds"],
        )
    weights = load_weights(trained["weights"])
    torch.save(
        {
            "seeds": weights["seeds"],
            "weights": weights["weights"][:depth],
            "biases": weights["biases"][:depth],
            **trunk["weights"],
        },
        paths["weights"],
    )
    run = json.loads(Path(trained["run"]).read_text())
    Path(paths["run"]).write_text(json.dumps(run | run_info, indent=2) + "\n")


def load_weights(path: Path) -> dict:
    return torch.load(path, weights_only=True)


def merge_outputs(chunks: dict[str, list[str]], paths: dict) -> None:
    """Concatenate seed chunks (inputs grouped by file name) along the seed axis."""
    write_table(pd.concat([read_table(path) for path in chunks["history"]]), paths["history"])

    archives = [dict(np.load(path)) for path in chunks["predictions"]]
    np.savez_compressed(
        paths["predictions"],
        validation=np.concatenate([a["validation"] for a in archives]),
        epochs=archives[0]["epochs"],
        test=np.concatenate([a["test"] for a in archives]),
        seeds=np.concatenate([a["seeds"] for a in archives]),
    )

    merge_weights(chunks["weights"], paths["weights"])

    runs = [json.loads(Path(path).read_text()) for path in chunks["run"]]
    merged = {**runs[0], "seeds": [seed for run in runs for seed in run["seeds"]]}
    merged["jobs"] = [
        {
            key: run[key]
            for key in (
                "seeds",
                "device",
                "seconds_per_epoch",
                "evaluation_seconds",
                "resumed_from_epoch",
            )
        }
        for run in runs
    ]
    Path(paths["run"]).write_text(json.dumps(merged, indent=2) + "\n")


def merge_weights(paths: list[str], out: str) -> None:
    """Seed chunks' weights.pt joined along the seed axis."""
    parts = [load_weights(path) for path in paths]
    merged = {
        "seeds": [seed for part in parts for seed in part["seeds"]],
        "weights": [torch.cat(ws) for ws in zip(*(p["weights"] for p in parts), strict=True)],
        "biases": [torch.cat(bs) for bs in zip(*(p["biases"] for p in parts), strict=True)],
    }
    for key in parts[0].keys() - merged.keys():  # a recipe's own, seed axis first (read-out)
        merged[key] = torch.cat([part[key] for part in parts])
    torch.save(merged, out)
