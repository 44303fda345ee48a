"""Depth treatments trained once: layers 1..d of a deeper network are the depth-d network, so
a shallower treatment is cut from the deeper one's run, its trunk (rule trunk_seeds)."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from ff.chunks import join_chunks, join_weights
from ff.config import TrainSettings, Treatment, trunk_depths, trunks
from ff.forward_forward import TrainInputs
from ff.jobs import TRAIN_OUTPUTS
from ff.methods import trainer_class
from ff.metrics import read_table
from ff.negatives import random_wrong_labels
from ff.outputs import trunk_outputs, write_outputs

CPU = torch.device("cpu")
SETTINGS = TrainSettings(batch_size=50, train_size=1000, evals_per_epoch=2, eval_size=300)


def outputs(folder) -> dict:
    folder.mkdir()
    paths = {name: str(folder / file) for name, file in TRAIN_OUTPUTS.items()}
    return paths | {"trunks": str(folder / "trunks.pt")}


def trainer(treatment, splits, trunk_depths=()):
    seeds = [0, 1]
    negatives = np.stack([random_wrong_labels(splits.train_y, s, treatment.epochs) for s in seeds])
    inputs = TrainInputs(negatives, trunk_depths)
    return trainer_class(treatment)(treatment, SETTINGS, seeds, splits, CPU, inputs)


def train(treatment, splits, paths, trunk_depths=()):
    result = trainer(treatment, splits, trunk_depths).run()
    write_outputs(result, paths, {"treatment": treatment.id})


@pytest.mark.parametrize("recipe", ["adam", "paper"])
def test_a_trunk_equals_that_depth_trained_alone(mnist_splits, tmp_path, recipe):
    deep = Treatment("mnist", 3, 32, recipe=recipe, epochs=2)
    trained, derived, alone = (outputs(tmp_path / name) for name in ("trained", "derived", "alone"))
    train(deep, mnist_splits, trained, trunk_depths=(1, 2))
    trunk_outputs(trained, 2, derived, {"treatment": "derived"})
    train(replace(deep, depth=2), mnist_splits, alone)

    pd.testing.assert_frame_equal(read_table(derived["history"]), read_table(alone["history"]))
    with np.load(derived["predictions"]) as got, np.load(alone["predictions"]) as expected:
        for key in ("validation", "test", "epochs", "seeds"):
            np.testing.assert_array_equal(got[key], expected[key])
    got = torch.load(derived["weights"], weights_only=True)
    expected = torch.load(alone["weights"], weights_only=True)
    assert got.keys() == expected.keys()
    for key in ("weights", "biases"):
        for a, b in zip(got[key], expected[key], strict=True):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
    if recipe == "paper":  # one read-out per depth, trained on the same trunk
        torch.testing.assert_close(got["readout"], expected["readout"], rtol=0, atol=0)
    run = json.loads((tmp_path / "derived" / "run.json").read_text())
    assert run["treatment"] == "derived"


def test_a_resumed_run_keeps_its_trunks_results(mnist_splits, tmp_path):
    deep = Treatment("mnist", 3, 16, recipe="paper", epochs=2)
    uninterrupted = trainer(deep, mnist_splits, (1, 2)).run()
    checkpoint = tmp_path / "checkpoint.pt"
    first = trainer(deep, mnist_splits, (1, 2))
    first.treatment = replace(deep, epochs=1)  # stop after epoch 1, as a killed job would
    first.run(checkpoint=checkpoint)
    resumed = trainer(deep, mnist_splits, (1, 2)).run(checkpoint=checkpoint)
    assert resumed.resumed_from_epoch == 1
    assert uninterrupted.extras.keys() == resumed.extras.keys() == {1, 2}
    for depth, expected in uninterrupted.extras.items():
        got = resumed.extras[depth]
        pd.testing.assert_frame_equal(pd.DataFrame(got.history), pd.DataFrame(expected.history))
        np.testing.assert_array_equal(
            np.stack(got.validation_predictions), np.stack(expected.validation_predictions)
        )
        np.testing.assert_array_equal(got.test_predictions, expected.test_predictions)
        torch.testing.assert_close(got.weights, expected.weights, rtol=0, atol=0)
    # a checkpoint of a run that served other trunk depths is not resumed
    assert trainer(deep, mnist_splits, (2,)).run(checkpoint=checkpoint).resumed_from_epoch == 0


def test_only_what_shares_its_first_layers_is_cut_from_a_trunk():
    grid = [
        Treatment("mnist", depth, 8, **changes)
        for depth in (2, 3, 4)
        for changes in ({}, {"recipe": "paper"}, {"negatives": "hard"}, {"schedule": "greedy"},
                        {"method": "backprop"})
    ]  # fmt: skip
    trunk_of = trunks(grid)
    assert {trunk.id for trunk in trunk_of.values()} == {"mnist-d4-w8", "mnist-d4-w8-paper"}
    assert trunk_of["mnist-d2-w8-paper"].id == "mnist-d4-w8-paper"
    assert not any(key.endswith(("-hard", "-greedy", "-backprop")) for key in trunk_of)
    assert trunk_depths(grid, Treatment("mnist", 4, 8)) == (2, 3)
    assert trunk_depths(grid, Treatment("mnist", 4, 8, negatives="hard")) == ()


def write_chunk(folder, seeds) -> dict:
    """A training job's outputs for `seeds`, with values that tell the seeds apart."""
    folder.mkdir()
    paths = {name: str(folder / file) for name, file in TRAIN_OUTPUTS.items()}
    history = pd.DataFrame({"seed": seeds, "epoch": 1, "layer": "model", "accuracy": 0.5})
    history.to_csv(paths["history"], sep="\t", index=False)
    np.savez_compressed(
        paths["predictions"],
        validation=np.full((len(seeds), 2, 3, 5), seeds[0], np.uint8),
        epochs=np.array([0.0, 1.0]),
        test=np.full((len(seeds), 3, 7), seeds[0], np.uint8),
        seeds=np.array(seeds),
    )
    weights = [torch.full((len(seeds), 3, 4), float(seeds[0]))]
    torch.save({"seeds": seeds, "weights": weights, "biases": [torch.zeros(len(seeds), 4)]},
               paths["weights"])  # fmt: skip
    run = {"treatment": "t", "seeds": seeds, "device": "cpu", "seconds_per_epoch": [1.0],
           "evaluation_seconds": 0.5, "resumed_from_epoch": None, "versions": {}}  # fmt: skip
    Path(paths["run"]).write_text(json.dumps(run))
    return paths


def test_one_chunk_is_the_treatment_s_outputs_byte_for_byte(tmp_path):
    chunk = write_chunk(tmp_path / "seeds0-2", [0, 1, 2])
    out = {name: str(tmp_path / file) for name, file in TRAIN_OUTPUTS.items()}
    join_chunks({name: [path] for name, path in chunk.items()}, out)
    for name in ("history", "predictions", "weights"):
        assert Path(out[name]).read_bytes() == Path(chunk[name]).read_bytes()
    run = json.loads(Path(out["run"]).read_text())
    assert run["seeds"] == [0, 1, 2] and run["treatment"] == "t"
    assert run["jobs"] == [{"seeds": [0, 1, 2], "device": "cpu", "seconds_per_epoch": [1.0],
                            "evaluation_seconds": 0.5, "resumed_from_epoch": None}]  # fmt: skip


def test_seed_chunks_are_joined_along_the_seed_axis(tmp_path):
    chunks = [write_chunk(tmp_path / "seeds0-1", [0, 1]), write_chunk(tmp_path / "seeds2-2", [2])]
    out = {name: str(tmp_path / file) for name, file in TRAIN_OUTPUTS.items()}
    join_chunks({name: [chunk[name] for chunk in chunks] for name in TRAIN_OUTPUTS}, out)
    assert read_table(out["history"]).seed.tolist() == [0, 1, 2]
    with np.load(out["predictions"]) as predictions:
        assert predictions["seeds"].tolist() == [0, 1, 2]
        assert predictions["validation"][:, 0, 0, 0].tolist() == [0, 0, 2]
        assert predictions["test"][:, 0, 0].tolist() == [0, 0, 2]
        assert predictions["epochs"].tolist() == [0.0, 1.0]
    weights = torch.load(out["weights"], weights_only=True)
    assert weights["seeds"] == [0, 1, 2] and weights["weights"][0][:, 0, 0].tolist() == [0, 0, 2]
    run = json.loads(Path(out["run"]).read_text())
    assert run["seeds"] == [0, 1, 2] and [job["seeds"] for job in run["jobs"]] == [[0, 1], [2]]


def test_joining_seed_chunks_keeps_a_recipes_own_weights(tmp_path):
    chunks = []
    for first in (0, 2):
        path = tmp_path / f"weights{first}.pt"
        torch.save(
            {
                "seeds": [first, first + 1],
                "weights": [torch.full((2, 3, 4), float(first))],
                "biases": [torch.zeros(2, 4)],
                "readout": torch.full((2, 4, 10), float(first)),
            },
            path,
        )
        chunks.append(str(path))
    out = tmp_path / "weights.pt"
    join_weights(chunks, str(out))
    merged = torch.load(out, weights_only=True)
    assert merged["seeds"] == [0, 1, 2, 3]
    assert merged["readout"].shape == (4, 4, 10) and merged["readout"][2:].eq(2).all()
