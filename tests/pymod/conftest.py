"""pytest set-up for the Python module tests (tests/pymod): the module comes from
PYTHONPATH (ctest sets it to <build>/python), the command-line binary from
$BLOCSIM_BINARY, the repository root from this file's location."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli() -> str:
    b = os.environ.get("BLOCSIM_BINARY")
    if not b or not Path(b).exists():
        pytest.fail("set BLOCSIM_BINARY to the blocsim executable (ctest does)")
    return b


@pytest.fixture(scope="session")
def run_cli(cli):
    def _run(*args, cwd=None, check=True):
        p = subprocess.run([cli, *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError(f"blocsim {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}")
        return p
    return _run
