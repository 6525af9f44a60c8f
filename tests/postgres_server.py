"""A throw-away PostgreSQL server for tests, started from the machine's own binaries.

The scale path (many administrations, several workers) runs on PostgreSQL; these tests run
the same code against a real server when one is installed, and are skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _bin_dir() -> Path | None:
    if os.environ.get("CONNECTOR_TEST_PG_BIN"):
        return Path(os.environ["CONNECTOR_TEST_PG_BIN"])
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    return next((c for c in CANDIDATES if (c / "initdb").exists()), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def temporary_postgres() -> Iterator[str | None]:
    """Yields a SQLAlchemy URL of a fresh server, or None when PostgreSQL is not installed."""
    if os.environ.get("CONNECTOR_TEST_PG_URL"):
        yield os.environ["CONNECTOR_TEST_PG_URL"]
        return
    bin_dir = _bin_dir()
    if bin_dir is None:
        yield None
        return
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="connector-pg-"))
    data = folder / "data"
    folder.chmod(0o777)
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = ["runuser", "-u", "postgres", "--", *args] if as_root else list(args)
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    init = run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        yield None
        return
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    start = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
    if start.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        yield None
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
