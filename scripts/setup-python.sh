#!/usr/bin/env bash
# Creates .venv (git-ignored) with the exporter's pinned requirements, models/requirements.txt.
# Usage: scripts/setup-python.sh        (PYTHON=python3.12 scripts/setup-python.sh to choose the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --disable-pip-version-check --quiet -r models/requirements.txt
# a package that pulled another torch would download gigabytes of CUDA wheels: fail loudly instead
.venv/bin/python - <<'PY'
import torch
assert torch.__version__.split("+")[0] == "2.13.0", f"unexpected torch {torch.__version__} in .venv"
print(f"python exporter environment ready: torch {torch.__version__}")
PY
