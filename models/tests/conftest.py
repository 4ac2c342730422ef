"""Shared fixtures: tiny models exported once per test session through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]

# "equal to 1e-5 relative": |actual - expected| <= 1e-5 * max|expected| for every element, i.e. the
# error relative to the scale of the tensor (elementwise relative error is meaningless for the many
# CAM entries that are exactly or nearly zero).
RTOL = 1e-5


def assert_close(actual, expected, rtol: float = RTOL, what: str = "") -> None:
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    assert scale > 0 or not expected.size, f"{what}: the expected tensor is all zeros (a test that cannot fail)"
    err = float(np.abs(actual - expected).max()) / scale if expected.size else 0.0
    assert err <= rtol, f"{what}: relative error {err:.2e} > {rtol:.0e}"


def run_export(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "models.export", *args], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"export failed:\n{result.stdout}\n{result.stderr}"
    return result


def load_card(folder: Path) -> dict:
    return json.loads((folder / "model.json").read_text())


@pytest.fixture(scope="session")
def albef_tiny_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("albef") / "albef-tiny"
    run_export(["albef", "--random-init", "tiny", "--seed", "3", "--out", str(out)])
    return out
