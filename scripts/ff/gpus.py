"""One GPU per training job on a machine with several: a job claims the first visible GPU that
no other job on this machine holds, through an exclusive lock on a file named after the GPU's
UUID (indices are renumbered by CUDA_VISIBLE_DEVICES, UUIDs are not). The operating system
releases the lock when the job's process ends, however it ends."""

from __future__ import annotations

import fcntl
import logging
import tempfile
import time
from pathlib import Path
from typing import IO

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
