#!/usr/bin/env bash
# GPU check, run by hand on a machine with CUDA (not by CI): the CUDA tests, then the training
# benchmark at paper scale for Hinton's 4 x 2000 treatment (30 seeds), figures printed and
# written to ${OUT:-.}/gpu-benchmark-*.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-.venv/bin/python}
out=${OUT:-.}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
"$python" -m pytest -q tests/test_cuda.py
# at the study's precision (config.yaml: matmul_precision high, TF32), and in float32
"$python" scripts/benchmark_training.py --device cuda --depth 4 --width 2000 --seeds 30 \
    --train-size 50000 --epochs 1 --skip sequential plain --matmul-precision high \
    --json "$out/gpu-benchmark-paper.json"
"$python" scripts/benchmark_training.py --device cuda --depth 4 --width 2000 --seeds 30 \
    --train-size 50000 --epochs 1 --skip sequential plain --repeats 1 \
    --json "$out/gpu-benchmark-paper-float32.json"
"$python" scripts/benchmark_training.py --device cuda --depth 3 --width 200 --seeds 8 \
    --train-size 50000 --epochs 1 --json "$out/gpu-benchmark-small.json"
