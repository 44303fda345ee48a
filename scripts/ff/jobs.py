"""What a training job writes, and asks of the machine or the cluster: GPUs, memory, run time.

Read by the Snakefile at start-up, so it imports no torch (torch would cost the controller
about 1.3 s of CPU and 600 MB for the whole run).
"""

from __future__ import annotations

import shutil

from ff.config import TrainSettings, Treatment
from ff.data import IMAGE_SIZE

PROCESS_MB = 2000  # the Python process, torch and a data set's splits
MARGIN_MB = 256
CPU_RUNTIME_MINUTES = 60  # per attempt: a CPU-sized guess SLURM users raise in their profile
# A treatment's training outputs (results/<study>/train/{treatment}/...), by name.
TRAIN_OUTPUTS = {
    "history": "history.tsv",
    "predictions": "predictions.npz",
    "weights": "weights.pt",
    "run": "run.json",
}


def gpus(settings: TrainSettings) -> int:
    """1 when training runs on a GPU here: device cuda, or auto on a host with NVIDIA's
    driver tools. The SLURM profile sets it to 1 for every training job (GPU nodes)."""
    if settings.device == "cuda":
        return 1
    return int(settings.device == "auto" and shutil.which("nvidia-smi") is not None)


def memory_mb(treatment: Treatment, seeds: int, settings: TrainSettings, attempt: int = 1) -> int:
    """Host memory in MB: the process and its data, plus, for training on the CPU, weights
    with gradients and Adam's two moments (4 copies) for every seed and the activations of a
    mini-batch and an evaluation chunk. More on a retry."""
    weights = IMAGE_SIZE * treatment.width + (treatment.depth - 1) * treatment.width**2
    model_bytes = 4 * 4 * seeds * weights
    activation_bytes = 4 * 4 * seeds * 2 * settings.batch_size * treatment.width * treatment.depth
    return (PROCESS_MB + (model_bytes + activation_bytes) // 2**20 + MARGIN_MB) * attempt


def runtime_minutes(attempt: int = 1) -> int:
    return CPU_RUNTIME_MINUTES * attempt
