"""Writing a treatment's training outputs (history, predictions, weights, run), and a trunk's
from the deeper network's; ff.chunks joins seed chunks."""

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
