import os
import subprocess
import sys
import time

from conftest import ROOT

from ff.device import claim_free_gpu, release_all

HOLD = """
import time
from ff.device import claim_free_gpu
print(claim_free_gpu(["a", "b"], {lock_dir!r}), flush=True)
time.sleep(30)
"""


def test_each_claim_gets_a_gpu_no_one_else_holds(tmp_path):
    try:
        assert claim_free_gpu(["a", "b", "c"], tmp_path) == 0
        assert claim_free_gpu(["a", "b", "c"], tmp_path) == 1
        release_all()
        assert claim_free_gpu(["a", "b", "c"], tmp_path) == 0
    finally:
        release_all()


def test_a_gpu_held_by_another_process_is_skipped_until_that_process_dies(tmp_path):
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(lock_dir=str(tmp_path))],
        env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "0"
        assert claim_free_gpu(["a", "b"], tmp_path) == 1
        release_all()
        other.kill()  # SIGKILL: the operating system still releases its lock
        other.wait()
        started = time.time()
        assert claim_free_gpu(["a", "b"], tmp_path) == 0
        assert time.time() - started < 5
    finally:
        other.kill()
        release_all()
