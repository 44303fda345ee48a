"""What a study writes to disk, from its config alone: an upper bound on the bytes of every
treatment's outputs (uncompressed, so the compressed predictions take less), its tidy
metrics and its negatives. `tests/test_workflow.py` holds it against the tiny study's files.

Torch-free, like ff.jobs: `scripts/benchmark_training.py --cost` prints it for a config.
"""

from __future__ import annotations

from collections import Counter

from ff.config import TrainSettings, Treatment, seed_count, treatments
from ff.data import IMAGE_SIZE, N_CLASSES, TEST_SIZE
from ff.metrics import METRIC_COLUMNS

TRAIN_IMAGES = 50_000  # a negatives file holds a wrong label for each training image
FILE_OVERHEAD = 4096  # a file's own headers (npz, torch's pickle, a table's header)
HISTORY_ROW_BYTES = 120  # a history.tsv row, at most (the tiny study's: 115 at most)
METRICS_ROW_BYTES = 200  # a tidy metrics row, at most (the tiny study's: 196 at most)
SPLITS = 2  # history rows for the validation and the training split at each evaluation


def evaluations(treatment: Treatment, settings: TrainSettings) -> int:
    """Validation evaluations of a run, at most: one before training, `evals_per_epoch` an
    epoch (ff.loop.evaluation_steps drops repeats where an epoch has fewer steps)."""
    return 1 + treatment.total_epochs * settings.evals_per_epoch


def history_rows(treatment: Treatment, settings: TrainSettings, seeds: int) -> int:
    """history.tsv rows, at most: per seed, evaluation and split, one per layer and the model,
    and the test's at the end."""
    points = SPLITS * evaluations(treatment, settings) + 1
    return seeds * points * (treatment.depth + 1)


def treatment_bytes(treatment: Treatment, settings: TrainSettings, seeds: int) -> Counter:
    """Bytes of a treatment's outputs, by output (ff.jobs.TRAIN_OUTPUTS and `metrics`), at
    most."""
    depth, width = treatment.depth, treatment.width
    rows = depth + treatment.training_entry.model_rows
    parameters = IMAGE_SIZE * width + (depth - 1) * width**2 + depth * width
    readout = depth * width * N_CLASSES + N_CLASSES  # the paper recipe's, or backprop's
    predicted = evaluations(treatment, settings) * settings.eval_size + TEST_SIZE
    history = history_rows(treatment, settings, seeds)
    metrics = history * len(METRIC_COLUMNS)
    return Counter(
        {
            "weights": 4 * seeds * (parameters + readout) + FILE_OVERHEAD,
            "predictions": seeds * rows * predicted + FILE_OVERHEAD,
            "history": history * HISTORY_ROW_BYTES + FILE_OVERHEAD,
            "run": FILE_OVERHEAD,
            "metrics": metrics * METRICS_ROW_BYTES + FILE_OVERHEAD,
        }
    )


def study_bytes(config: dict) -> Counter:
    """Bytes a study of `config` (completed with its defaults) writes, at most, by output:
    every treatment's, `metrics` twice (per treatment and all.tsv), and `negatives`."""
    settings = TrainSettings.from_config(config["training"])
    grid = treatments(config)
    total = Counter()
    for treatment in grid:
        total += treatment_bytes(treatment, settings, seed_count(config, treatment))
    total["metrics"] *= 2  # metrics/{treatment}.tsv, and all of them again in all.tsv
    random = [t for t in grid if t.needs_negatives_files]
    if random:
        epochs = max(t.total_epochs for t in grid)
        files = {(t.dataset, seed) for t in random for seed in range(seed_count(config, t))}
        total["negatives"] = len(files) * (epochs * TRAIN_IMAGES + FILE_OVERHEAD)
    return total
