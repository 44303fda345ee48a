#!/usr/bin/env bash
# Mutation testing of the statistics (ff/stats.py, ff/delays.py, ff/hypotheses.py,
# ff/answers.py, ff/convergence.py), the verdict text (ff/summary.py) and the Forward-Forward
# model (ff/forward_forward.py) against the fast unit tests only (tests/test_stats.py,
# tests/test_answers.py, tests/test_summary.py, tests/test_model.py), with mutmut.
#
#   scripts/mutation_check.sh             # a clean run of every mutant (see the docs for time)
#   scripts/mutation_check.sh --keep      # reuse results of an earlier run for functions whose
#                                         # code is unchanged (mutmut's own cache; after changing
#                                         # tests, run a clean one)
#   scripts/mutation_check.sh --keep 'ff.summary*'   # (re)run only the mutants of one module
#   MUTMUT_CHILDREN=2 scripts/mutation_check.sh      # parallel test processes (default 1)
#
# Installs requirements-dev.txt into .venv if mutmut is missing, then prints killed and
# survived mutants per module and lists the survivors (`mutmut show NAME` in .mutmut/ shows
# one). docs/mutation-testing.md has the last scores and why each survivor is harmless.
#
# Why a staging folder: mutmut names a mutant after its file's path and activates it only in
# the module of that name, but the tests import `ff` (pytest's pythonpath holds scripts/), not
# `scripts.ff`. So the package is staged as a top-level `ff` in .mutmut/ (git-ignored), beside
# copies of tests/, config/, workflow/schemas/ and pyproject.toml, whose [tool.mutmut] section
# is written for that layout; mutmut then builds its mutants/ folder inside .mutmut/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STAGE="$ROOT/.mutmut"
CHILDREN=${MUTMUT_CHILDREN:-1}
KEEP=false
if [[ "${1:-}" == "--keep" ]]; then
    KEEP=true
    shift
fi
# one thread per test process: the machine is shared, and torch's thread pool and fork mix badly
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

cd "$ROOT"
pinned=$(sed -n 's/^mutmut==\([^ ]*\).*/\1/p' requirements-dev.txt)
installed=$(.venv/bin/python -c "from importlib.metadata import version; print(version('mutmut'))" \
    2>/dev/null || true)
if [[ "$installed" != "$pinned" ]]; then
    .venv/bin/pip install -r requirements-dev.txt
fi

$KEEP || rm -rf "$STAGE"
mkdir -p "$STAGE/workflow"
# -a keeps modification times: with --keep, mutmut re-mutates only files that changed
for path in scripts/ff:ff tests:tests config:config workflow/schemas:workflow/schemas; do
    source=${path%%:*} target="$STAGE/${path##*:}"
    rm -rf "$target"
    cp -a "$source" "$target"
done
cp -a pyproject.toml "$STAGE/pyproject.toml"
find "$STAGE" -path "$STAGE/mutants" -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

start=$(date +%s)
cd "$STAGE"
# mutmut's exit status is 0 whether or not mutants survive; the summary below is the result
"$ROOT/.venv/bin/mutmut" run --max-children "$CHILDREN" "$@" > mutmut-run.log 2>&1 || {
    tail -n 40 mutmut-run.log
    echo "mutmut failed; full log: $STAGE/mutmut-run.log" >&2
    exit 1
}
elapsed=$(($(date +%s) - start))

"$ROOT/.venv/bin/python" - "$elapsed" <<'PY'
"""Killed and surviving mutants per module, from mutmut's result files in mutants/."""
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
print(f"mutmut run: {int(sys.argv[1]) // 60} min {int(sys.argv[1]) % 60} s")
for meta in sorted(Path("mutants/ff").glob("*.py.meta")):
    results = json.loads(meta.read_text())["exit_code_by_key"]
    status = {name: status_by_exit_code[code] for name, code in results.items()}
    counts = Counter(status.values())
    checked = sum(counts.values()) - counts["not checked"] - counts["skipped"]
    if not checked:
        continue
    detected = sum(counts[s] for s in DETECTED)
    details = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s != "killed")
    print(
        f"ff/{meta.name.removesuffix('.meta')}: {detected} of {checked} mutants killed "
        f"({detected / checked:.1%}); {details or 'none survived'}"
    )
    for name, state in sorted(status.items()):
        if state in {"survived", "suspicious"}:
            print(f"    {state}: {name}")
    untested = Counter(name.partition("__mutmut_")[0] for name, state in status.items()
                       if state == "no tests")  # fmt: skip
    for function, n in sorted(untested.items()):
        print(f"    no tests: {n} mutants of {function}")
PY
