"""Unit tests of the data-quality indices (careless / PerFit semantics).

The reference datasets are read in place from ../shared/data/reference next to the
repository (override with TALENT_REFERENCE_DATA); tests that need them are skipped, with
the reason shown, when the directory is absent, e.g. in a bare clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
REFERENCE_DIR = Path(
    os.environ.get("TALENT_REFERENCE_DATA", REPO_ROOT / ".." / "shared" / "data" / "reference")
)


def load_reference(name: str) -> np.ndarray:
    """Load a reference CSV (header skipped, empty cell → NaN) as a float matrix."""
    path = REFERENCE_DIR / name
    if not path.is_file():
        pytest.skip(f"reference dataset {path} is not available")
    return np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)
