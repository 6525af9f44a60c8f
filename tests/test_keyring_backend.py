"""The server keyring: secrets encrypted at rest, unlocked by an environment variable, usable by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.errors import InitError, KeyringError

from connector.keyring_backend import EncryptedFileKeyring

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def vault(tmp_path, monkeypatch):
    monkeypatch.setenv("CONNECTOR_KEYRING_FILE", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("CONNECTOR_KEYRING_PASSWORD", "correct horse battery staple")
    return EncryptedFileKeyring()


def test_round_trip_and_nothing_readable_on_disk(vault, tmp_path):
    vault.set_password("svc", "admin/api_token", "s3cr3t-token-value")
    assert vault.get_password("svc", "admin/api_token") == "s3cr3t-token-value"
    assert "s3cr3t" not in (tmp_path / "keyring.json").read_text()
    vault.delete_password("svc", "admin/api_token")
    assert vault.get_password("svc", "admin/api_token") is None


def test_wrong_or_missing_password_is_a_clear_error(vault, monkeypatch):
    vault.set_password("svc", "a/b", "x")
    monkeypatch.setenv("CONNECTOR_KEYRING_PASSWORD", "wrong")
    with pytest.raises(KeyringError, match="does not unlock"):
        vault.get_password("svc", "a/b")
    with pytest.raises(KeyringError, match="does not unlock"):
        vault.set_password("svc", "c/d", "y")
    monkeypatch.delenv("CONNECTOR_KEYRING_PASSWORD")
    with pytest.raises(InitError, match="CONNECTOR_KEYRING_PASSWORD"):
        vault.get_password("svc", "a/b")


def test_cli_uses_it_headless(tmp_path, cli):
    env = {"PYTHON_KEYRING_BACKEND": "connector.keyring_backend.EncryptedFileKeyring",
           "CONNECTOR_KEYRING_FILE": str(tmp_path / "k.json"), "CONNECTOR_KEYRING_PASSWORD": "pw"}
    stored = cli("secrets", "set", "jansen", "api_token", "--stdin", input_text="tok-123\n", env=env)
    assert stored.returncode == 0, stored.stderr
    assert cli("secrets", "check", "jansen", "api_token", env=env).returncode == 0
    assert "tok-123" not in (tmp_path / "k.json").read_text()



WRITER = """
import sys
from connector.keyring_backend import EncryptedFileKeyring

name, count = sys.argv[1], int(sys.argv[2])
vault = EncryptedFileKeyring()
for number in range(count):
    vault.set_password("oauth", f"{name}/{number}", f"{name}-token-{number}")
    vault.set_password("oauth", f"{name}/latest", str(number))
"""


def test_two_processes_writing_at_once_lose_no_update(vault, tmp_path):
    """Two runs refreshing different logins rewrite the one file at the same moment, many times."""
    count = 10
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, name, str(count)], env=env,
                                stderr=subprocess.PIPE, text=True) for name in ("jansen", "smit")]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    names = set(json.loads((tmp_path / "keyring.json").read_text())["entries"])
    for name in ("jansen", "smit"):
        assert {f"oauth\x1f{name}/{number}" for number in range(count)} <= names
        assert vault.get_password("oauth", f"{name}/latest") == str(count - 1)
    assert vault.get_password("oauth", "smit/7") == "smit-token-7"
    assert not list(tmp_path.glob("*.tmp"))
