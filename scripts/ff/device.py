"""Where training runs and how torch is set up for it.

One GPU per training job on a machine with several: a job claims the first visible GPU that
no other job on this machine holds, through an exclusive lock on a file named after the GPU's
UUID (indices are renumbered by CUDA_VISIBLE_DEVICES, UUIDs are not). The operating system
releases the lock when the job's process ends, however it ends."""

from __future__ import annotations

import fcntl
import logging
import os
import platform
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import torch

log = logging.getLogger(__name__)
_held: list[IO] = []  # claimed locks live as long as the process


def claim_free_gpu(
    uuids: list[str], lock_dir: Path | None = None, poll_seconds: float = 1.0
) -> int:
    """Index (into `uuids`) of a GPU that this process now holds alone; waits while all are
    held by other jobs."""
    lock_dir = Path(lock_dir or tempfile.gettempdir())
    waited = 0.0
    while True:
        for index, uuid in enumerate(uuids):
            handle = open(lock_dir / f"ff-gpu-{uuid}.lock", "w")  # noqa: SIM115 (held on purpose)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            _held.append(handle)
            return index
        if waited % 60 == 0:
            log.info("all %d GPUs are held by other jobs; waiting", len(uuids))
        time.sleep(poll_seconds)
        waited += poll_seconds


def release_all() -> None:
    while _held:
        _held.pop().close()


def choose_device(requested: str) -> torch.device:
    """CPU or CUDA as configured; with several visible GPUs, one that no other training job
    on this machine holds."""
    if requested == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "training.device is 'cuda' but no CUDA device is visible: use 'auto' or 'cpu'"
        )
    if requested == "cpu" or not torch.cuda.is_available():
        return torch.device("cpu")
    count = torch.cuda.device_count()
    if count == 1:
        return torch.device("cuda", 0)
    uuids = [str(torch.cuda.get_device_properties(i).uuid) for i in range(count)]
    return torch.device("cuda", claim_free_gpu(uuids))


def configure_torch(threads: int, matmul_precision: str = "highest") -> None:
    """Threads (at most the CPUs this process may run on: more only contend), deterministic
    algorithms, and the precision of float32 matrix products (config key
    training.matmul_precision: `high` allows TF32 on CUDA, `medium` also bfloat16 products on
    CPUs that have them)."""
    torch.set_num_threads(max(1, min(threads, len(os.sched_getaffinity(0)))))
    # torch.use_deterministic_algorithms(True) also imports torch.compile's stack to set its
    # flag there (1.3 s of every job's start); nothing here compiles: the eager flag alone
    torch._C._set_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    torch.set_float32_matmul_precision(matmul_precision)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic cuBLAS


@contextmanager
def float32_products():
    """Matrix products in float32 (TF32 on CUDA) for the duration, whatever the training's
    precision: an evaluation measures the network, and bfloat16 rounding there would add
    noise to every accuracy the statistics read."""
    previous = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision("high")
    try:
        yield
    finally:
        torch.set_float32_matmul_precision(previous)


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work, so that a wall-clock time measures it."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def device_description(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"
