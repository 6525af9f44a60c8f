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


@pytest.fixture(scope="session")
def postgres_url():
    """One throw-away PostgreSQL server per test process (skipped where none is installed)."""
    from tests.postgres_server import temporary_postgres

    with temporary_postgres() as url:
        if url is None:
            pytest.skip("PostgreSQL is not installed on this machine")
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request, tmp_path):
    """An empty state database: a SQLite file, or the test PostgreSQL server wiped clean."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    import sqlalchemy as sa

    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url

