"""Test-wide setup: an isolated file keyring, and helpers to run the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Every test (and every CLI subprocess it starts) uses a throw-away plaintext keyring, never the
# developer's real one. Set before anything imports keyring.
_KEYRING_HOME = tempfile.mkdtemp(prefix="connector-test-keyring-")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
os.environ["XDG_DATA_HOME"] = _KEYRING_HOME
os.environ.pop("CONNECTOR_HTTP_TRACE", None)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            input_text: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `connector ARGS...` as a user would, in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "connector", *args], cwd=cwd, env=full_env, input=input_text,
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli
