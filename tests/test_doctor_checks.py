"""The doctor's local checks in-process (no hosts needed): a config that does not load, a database that
cannot be written, schema revisions behind or ahead, a machine without a keyring, and the table."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from importlib import resources

import keyring
import keyring.backends.fail
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from click.testing import CliRunner

from connector.cli import main
from connector.clock import FakeClock
from connector.onboarding.checks import CheckResult, Status, as_table, exit_code, run_doctor
from connector.secrets import set_secret
from connector.store import Store

CLOCK = FakeClock(1_790_000_000.0)
ADMIN = """\
administrations:
  - key: {key}
    name: Kapsalon Bakker
    package: eboekhouden
    eboekhouden: {{token_env: {env}}}
"""


def write(tmp_path, text: str, name: str = "config.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def flat(text: str) -> str:
    """The table with its line wrapping undone (wrapping depends on the path lengths)."""
    return " ".join(text.split())


def by_check(results):
    return {(r.scope, r.name): r for r in results}


def test_a_config_that_does_not_load_exits_2_with_file_line_and_a_fix(tmp_path):
    path = write(tmp_path, "state:\n  url: sqlite:///s.db\nsumary:\n  recipients: []\n")
    result = CliRunner().invoke(main, ["doctor", "--config", str(path)])
    output = flat(result.output)
    assert result.exit_code == 2
    assert "FAIL file valid" in output and "config.yaml:3 sumary: unknown key (did you mean 'summary'?)" in output
    assert "-> fix: correct the file at the line named above" in output


def test_a_missing_config_file_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(main, ["doctor", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "config file not found" in flat(result.output)
    assert "connector init" in flat(result.output)


def test_a_database_that_cannot_be_created_or_written_fails(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    path = write(tmp_path, 'state: {url: "sqlite:///blocker/state.db"}\nsmtp: {mailbox_dir: mail}\n')
    result = CliRunner().invoke(main, ["doctor", "--config", str(path), "--offline"])
    output = flat(result.output)
    assert result.exit_code == 1
    assert "FAIL database" in output and "cannot create the database:" in output
    assert f"{tmp_path / 'blocker'} is a file, not a folder" in output
    assert "-> fix: set state.url to a file in a folder this user may write" in output


def test_a_read_only_database_fails_the_write_probe(tmp_path):
    from connector.onboarding.checks_local import write_probe
    from connector.store.store import StoreError

    database = tmp_path / "state.db"
    Store.open(f"sqlite:///{database}").engine.dispose()
    read_only = sa.create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    with pytest.raises(StoreError, match="attempt to write a readonly database"):
        write_probe(read_only)
    writable = sa.create_engine(f"sqlite:///{database}")
    write_probe(writable)  # the same file, writable: no error, and nothing is left behind
    assert not sa.inspect(writable).has_table("connector_doctor_probe")


def _alembic() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(resources.files("connector.store") / "migrations"))
    return config


def test_schema_behind_is_a_warning_and_a_schema_from_a_newer_version_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("DR_TOKEN", "x")
    path = write(tmp_path, 'state: {url: "sqlite:///state.db"}\nsmtp: {mailbox_dir: mail}\n'
                 + ADMIN.format(key="dr-schema", env="DR_TOKEN"))
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", migrate=False)
    alembic = _alembic()
    with store.engine.begin() as conn:
        alembic.attributes["connection"] = conn
        command.upgrade(alembic, "0002")
    behind = by_check(run_doctor(path, clock=CLOCK, offline=True))[("state", "schema")]
    assert behind.status is Status.WARN and behind.detail == f"revision 0002; this version uses {store.head_revision()}"
    assert "migrated automatically at the next run" in behind.fix
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    ahead = by_check(run_doctor(path, clock=CLOCK, offline=True))[("state", "schema")]
    assert ahead.status is Status.FAIL and "written by a newer version" in ahead.detail
    assert "upgrade the connector" in ahead.fix


def test_without_a_keyring_secrets_from_the_environment_still_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("DR_TOKEN", "x")
    env_only = write(tmp_path, "smtp: {mailbox_dir: mail}\n" + ADMIN.format(key="dr-env", env="DR_TOKEN"))
    set_secret("dr-keyring", "api_token", "stored")
    needs_keyring = write(tmp_path, "smtp: {mailbox_dir: mail}\n" + ADMIN.format(key="dr-keyring", env="UNSET_VAR"),
                          name="keyring.yaml")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        fine = by_check(run_doctor(env_only, clock=CLOCK, offline=True))
        failing = by_check(run_doctor(needs_keyring, clock=CLOCK, offline=True))
    finally:
        keyring.set_keyring(previous)
    assert fine[("keyring", "backend")].status is Status.OK and "not needed" in fine[("keyring", "backend")].detail
    assert fine[("dr-env", "secrets")].detail == "api_token (env DR_TOKEN)"
    row = failing[("keyring", "backend")]
    assert row.status is Status.FAIL and "dr-keyring need it" in row.detail
    assert "PYTHON_KEYRING_BACKEND=connector.keyring_backend.EncryptedFileKeyring" in row.fix
    assert failing[("dr-keyring", "secrets")].status is Status.FAIL


def test_smtp_password_missing_and_no_recipients(tmp_path, monkeypatch):
    monkeypatch.delenv("CONNECTOR_SMTP_PASSWORD", raising=False)
    path = write(tmp_path, "smtp: {host: 127.0.0.1, port: 1, username: nobody-stored@kantoor.example, "
                           "sender: not an address}\n")
    from connector.secrets import delete_secret

    delete_secret("smtp", "password")
    rows = by_check(run_doctor(path, clock=CLOCK))
    assert rows[("smtp", "login")].status is Status.FAIL
    assert rows[("smtp", "login")].fix == "connector secrets set smtp password (or set CONNECTOR_SMTP_PASSWORD)"
    assert rows[("smtp", "sender")].status is Status.FAIL
    assert rows[("summary", "recipients")].status is Status.WARN


def test_the_table_groups_by_scope_and_puts_the_fix_under_a_failure():
    results = [CheckResult("config", "file valid", Status.OK, "config.yaml: 1 administration(s)"),
               CheckResult("bakkerij", "secrets", Status.FAIL, "missing: api_token",
                           "connector secrets set bakkerij api_token"),
               CheckResult("bakkerij", "host", Status.SKIP, "--offline")]
    assert as_table(results, width=100) == textwrap.dedent("""\
        config
          ok    file valid  config.yaml: 1 administration(s)
        bakkerij
          FAIL  secrets     missing: api_token
                            -> fix: connector secrets set bakkerij api_token
          skip  host        --offline

        3 checks: 1 ok, 0 warning(s), 1 failed, 1 skipped""")
    assert exit_code(results) == 1 and exit_code(results[:1]) == 0


def test_a_plaintext_keyring_fails_when_secrets_live_in_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DR_TOKEN", "x")
    from keyrings.alt.file import PlaintextKeyring

    env_only = write(tmp_path, "smtp: {mailbox_dir: mail}\n" + ADMIN.format(key="dr-env", env="DR_TOKEN"))
    in_keyring = write(tmp_path, "smtp: {mailbox_dir: mail}\n" + ADMIN.format(key="dr-plain", env="UNSET_VAR"),
                       name="plain.yaml")
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        fine = by_check(run_doctor(env_only, clock=CLOCK, offline=True))[("keyring", "backend")]
        row = by_check(run_doctor(in_keyring, clock=CLOCK, offline=True))[("keyring", "backend")]
    finally:
        keyring.set_keyring(previous)
    assert fine.status is Status.OK and "holds nothing this config needs" in fine.detail
    assert row.status is Status.FAIL
    assert "PlaintextKeyring stores tokens unencrypted" in row.detail and "dr-plain keep their secrets" in row.detail
    assert "PYTHON_KEYRING_BACKEND=connector.keyring_backend.EncryptedFileKeyring" in row.fix


def test_a_running_service_is_ok_a_stale_or_vanished_one_fails(tmp_path):
    from connector.service.lock import ServiceLock

    path = write(tmp_path, 'state: {url: "sqlite:///state.db"}\nsmtp: {mailbox_dir: mail}\n')
    engine = Store.open(f"sqlite:///{tmp_path / 'state.db'}").engine
    clock = FakeClock(1_790_000_000.0)

    def lock_row(**lease) -> CheckResult:
        if lease:  # a service with these details takes the lock now
            lock = ServiceLock(engine, clock=clock, **lease)
            with engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM service_lease")
            lock.acquire()
        return by_check(run_doctor(path, clock=clock, offline=True))[("service", "lock")]

    assert lock_row().detail == "free (no service running)"
    lock_row(pid=os.getppid())  # a live process on this host
    clock.advance(12)
    running = lock_row()
    assert running.status is Status.OK
    assert running.detail == f"service running, pid {os.getppid()} on {socket.gethostname()}, heartbeat 12 s ago"

    clock.advance(100)  # no heartbeat for longer than the 90 s ttl: hung, or stopped without releasing
    stale = lock_row()
    assert stale.status is Status.FAIL and stale.detail.startswith("stale:") and "112 s ago" in stale.detail
    assert "restart the service" in stale.fix

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    vanished = lock_row(pid=gone.pid)
    assert vanished.status is Status.FAIL and "is gone without releasing its lock" in vanished.detail
    assert "start the service again" in vanished.fix

    elsewhere = lock_row(host="boekhouding-02", pid=4211)
    assert elsewhere.status is Status.WARN
    assert elsewhere.detail == "a service runs elsewhere: pid 4211 on boekhouding-02, heartbeat 0 s ago"
    assert "exit code 3" in elsewhere.fix
