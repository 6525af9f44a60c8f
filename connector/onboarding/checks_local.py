"""Doctor checks of this machine's side: keyring, mail server, summary template, state database, lock, output."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from connector.clock import Clock
from connector.config.schema import AdministrationConfig, ConnectorConfig
from connector.errors import KeyringUnavailable, SecretMissing
from connector.onboarding.checks import CheckResult, fail, ok, skip, warn
from connector.store.store import Store

PLAINTEXT_FIX = ("use the encrypted file backend instead (docs/operations.md, 'Secrets on a server'): export "
                 "PYTHON_KEYRING_BACKEND=connector.keyring_backend.EncryptedFileKeyring and CONNECTOR_KEYRING_PASSWORD, "
                 "store the secrets again (connector secrets set / connector connect), then delete the plaintext file")
HEADLESS_FIX = ("on a server without a desktop keyring, use the encrypted file backend (docs/operations.md, "
                "'Secrets on a server'): export PYTHON_KEYRING_BACKEND=connector.keyring_backend.EncryptedFileKeyring "
                "and CONNECTOR_KEYRING_PASSWORD")


def keyring_check(config: ConnectorConfig, admins: Sequence[AdministrationConfig]) -> CheckResult:
    """Which keyring this process uses; a failing one only matters when something must come from it."""
    import keyring

    from connector.onboarding.checks_admin import required_secrets, vault_key

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    needs = [admin.key for admin in admins if admin.enabled and (
        any(not (env and os.environ.get(env)) for _n, env in required_secrets(admin)) or vault_key(admin))]
    if config.smtp.username and config.smtp.mailbox_dir is None and not os.environ.get("CONNECTOR_SMTP_PASSWORD"):
        needs.append("smtp")
    if "fail" in name.lower() or "null" in name.lower():
        if needs:
            return fail("keyring", "backend", f"{name}: no keyring available, but {', '.join(needs)} need it",
                        HEADLESS_FIX)
        return ok("keyring", "backend", f"{name} (not needed: every secret comes from the environment)")
    if _plaintext(backend):
        if needs:
            return fail("keyring", "backend", f"{name} stores tokens unencrypted (base64 only) in "
                                              f"{getattr(backend, 'file_path', 'a file')}, and {', '.join(needs)} "
                                              "keep their secrets there", PLAINTEXT_FIX)
        return ok("keyring", "backend", f"{name} (holds nothing this config needs: every secret comes from "
                                        "the environment)")
    return ok("keyring", "backend", name)


def _plaintext(backend: object) -> bool:
    """keyrings.alt's PlaintextKeyring (and its subclasses) keep every secret readable in a file."""
    try:
        from keyrings.alt.file import PlaintextKeyring
    except ImportError:
        return False
    return isinstance(backend, PlaintextKeyring)


# -- mail -------------------------------------------------------------------------------------------------


def smtp_checks(config: ConnectorConfig, *, offline: bool, timeout: float) -> list[CheckResult]:
    from connector.notify.headers import AddressError, parse_address

    smtp = config.smtp
    results: list[CheckResult] = []
    try:
        parse_address(smtp.sender)
    except AddressError as exc:
        results.append(fail("smtp", "sender", str(exc), "set smtp.sender to the address the e-mails come from"))
    if smtp.mailbox_dir is not None:
        folder = config.resolve(smtp.mailbox_dir)
        assert folder is not None
        problem = _unwritable(folder)
        results.append(fail("smtp", "mailbox folder", problem, "choose a folder this user may write") if problem
                       else ok("smtp", "mailbox folder", f"e-mails are written to {folder}, not sent"))
        return results
    if offline:
        return results + [skip("smtp", "login", "--offline: the mail server is not checked")]
    results.append(smtp_login_check(config, timeout=timeout))
    return results


def smtp_login_check(config: ConnectorConfig, *, timeout: float) -> CheckResult:
    """Connect, secure the line as configured, log in, and quit: no mail is sent."""
    from connector.notify.factory import SMTP_PASSWORD_ENV, smtp_password_reader

    smtp = config.smtp
    where = f"{smtp.host}:{smtp.port} ({smtp.security})"
    password = None
    if smtp.username:
        try:
            password = smtp_password_reader()("password")
        except SecretMissing:
            return fail("smtp", "login", f"no password stored for {smtp.username}",
                        f"connector secrets set smtp password (or set {SMTP_PASSWORD_ENV})")
        except KeyringUnavailable as exc:
            return fail("smtp", "login", str(exc), f"make the keyring readable (see 'keyring: backend'), or set "
                                                   f"{SMTP_PASSWORD_ENV}")
    context = ssl.create_default_context()
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=context)
            if smtp.username:
                client.login(smtp.username, password or "")
            else:
                client.noop()
    except smtplib.SMTPAuthenticationError as exc:
        return fail("smtp", "login", f"{where} refused the login of {smtp.username}: {exc.smtp_code} "
                                     f"{exc.smtp_error.decode(errors='replace')}",
                    "check smtp.username, then store the right password: connector secrets set smtp password")
    except smtplib.SMTPNotSupportedError as exc:
        return fail("smtp", "login", f"{where}: {exc}", "the server offers no STARTTLS or no login here: check "
                                                        "smtp.security and smtp.port (587 starttls, 465 ssl)")
    except ssl.SSLError as exc:
        return fail("smtp", "login", f"{where}: TLS failed ({exc.__class__.__name__}: {exc.reason or exc})",
                    "check smtp.security and smtp.port (587 starttls, 465 ssl) and the server's certificate")
    except (OSError, smtplib.SMTPException) as exc:
        return fail("smtp", "login", f"cannot reach {where}: {exc.__class__.__name__}: {exc}",
                    "check smtp.host and smtp.port, and that this machine may connect to it (firewall); "
                    "to try things out without a mail server, set smtp.mailbox_dir: mailbox (mails become .eml files)")
    return ok("smtp", "login", f"{where}: " + (f"login as {smtp.username} accepted" if smtp.username
                                               else "reachable, no login configured"))


def summary_checks(config: ConnectorConfig, *, today: date) -> list[CheckResult]:
    results = []
    if not config.summary.recipients:
        results.append(warn("summary", "recipients", "summary.recipients is empty: the summary is not sent",
                            "add your address: summary: {recipients: [you@kantoor.nl]}"))
    return [*results, summary_template_check(config, today=today)]


def summary_template_check(config: ConnectorConfig, *, today: date) -> CheckResult:
    from jinja2 import TemplateError

    from connector.onboarding.checks_admin import _template_error
    from connector.onboarding.samples import sample_summary
    from connector.summary.render import render_summary

    templates_dir = config.resolve(config.templates_dir)
    if templates_dir is not None and not templates_dir.is_dir():
        return fail("summary", "template", f"templates_dir {templates_dir} does not exist",
                    "create the folder or remove templates_dir from the config")
    try:
        for language in dict.fromkeys((config.summary.language, "nl", "en")):
            render_summary(sample_summary(today), language=language, templates_dir=templates_dir, charts=False)
    except TemplateError as exc:
        return fail("summary", "template", _template_error(exc), "correct that template (docs/service.md, "
                                                                 "'Your own templates'), or remove it")
    return ok("summary", "template", "renders" + (f" (with {templates_dir})" if templates_dir else ""))


# -- state database and the service lock ----------------------------------------------------------------


def state_checks(config: ConnectorConfig, *, clock: Clock) -> list[CheckResult]:
    from connector.store.store import StoreError

    url = config.state_url
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    database = sa.engine.make_url(url).database if url.startswith("sqlite") else None
    if database is not None and database not in ("", ":memory:"):
        path = Path(database)
        if not path.exists():
            problem = _unwritable(path.parent)
            if problem:
                return [fail("state", "database", f"{shown}: cannot create the database: {problem}",
                             "set state.url to a file in a folder this user may write")]
            return [ok("state", "database", f"{shown} does not exist yet; the first run creates it "
                                            "(the folder is writable)"),
                    ok("service", "lock", "free (no database yet)")]
        if path.is_dir():
            return [fail("state", "database", f"{path} is a folder, not a database", "set state.url to a file")]
    elif database == ":memory:":
        return [warn("state", "database", "an in-memory database keeps nothing between runs",
                     "set state.url to a file (sqlite:///connector-state.db) or PostgreSQL")]
    store = None
    try:
        store = Store.open(url, migrate=False)
        write_probe(store.engine)
        results = [ok("state", "database", f"{shown}: readable and writable")]
        results.append(_migration_check(store, config))
        results.append(lock_check(config, store.engine, clock=clock))
    except ModuleNotFoundError as exc:
        return [fail("state", "database", f"{shown}: the database driver is not installed ({exc.name})",
                     "pip install 'debiteurenbeheer-connector[postgres]'")]
    except (StoreError, sa.exc.SQLAlchemyError) as exc:
        message = str(getattr(exc, "orig", None) or exc)
        return [fail("state", "database", f"{shown}: {message}",
                     "give this user write access to the database (file and its folder), or fix state.url")]
    finally:
        if store is not None:
            store.engine.dispose()
    return results


def write_probe(engine: sa.engine.Engine) -> None:
    """Write a probe table and roll it back: proves we may write, and leaves nothing behind."""
    if engine.dialect.name == "sqlite":  # pysqlite would run DDL outside a transaction: begin one ourselves
        import sqlite3

        from connector.store.store import StoreError

        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                cursor.execute("CREATE TABLE connector_doctor_probe (x integer)")
            finally:
                cursor.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise StoreError(str(exc)) from None
        finally:
            raw.close()
        return
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            conn.exec_driver_sql("CREATE TABLE connector_doctor_probe (x integer)")
            conn.exec_driver_sql("INSERT INTO connector_doctor_probe (x) VALUES (1)")
        finally:
            transaction.rollback()


def _migration_check(store: Store, config: ConnectorConfig) -> CheckResult:
    from importlib import resources

    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    current, head = store.schema_revision(), store.head_revision()
    if current == head:
        return ok("state", "schema", f"revision {current} (current)")
    if current is None:
        return ok("state", "schema", "empty; the tables are created at the first run")
    scripts = AlembicConfig()
    scripts.set_main_option("script_location", str(resources.files("connector.store") / "migrations"))
    try:
        ScriptDirectory.from_config(scripts).get_revision(current)
    except CommandError:
        return fail("state", "schema", f"revision {current} is unknown to this version of the connector (it "
                                       f"knows up to {head}): the database was written by a newer version",
                    "upgrade the connector (docs/operations.md, 'Upgrading'), or restore a backup")
    return warn("state", "schema", f"revision {current}; this version uses {head}",
                f"it is migrated automatically at the next run; to do it now: connector status --config "
                f"{config.source_path}")


def lock_check(config: ConnectorConfig, engine: sa.engine.Engine, *, clock: Clock) -> CheckResult:
    """Is a connector service working on this state database, and is it alive?

    A service that renews its lock is what a healthy server looks like (runs share the
    administrations with it through their leases); a lock nobody renews means the service
    stopped without saying so, and nothing runs on schedule."""
    from connector.config.service_schema import schedule_of
    from connector.service.lock import process_alive
    from connector.service.tables import service_lease

    if not sa.inspect(engine).has_table("service_lease"):
        return ok("service", "lock", "free (no service has run on this database yet)")
    with engine.connect() as conn:
        lease = conn.execute(sa.select(service_lease)).first()
    if lease is None:
        return ok("service", "lock", "free (no service running)")
    ttl = schedule_of(config).lock_ttl_seconds
    age = clock.now() - lease.heartbeat_at
    where = f"pid {lease.pid} on {lease.host}"
    if age > ttl:
        return fail("service", "lock", f"stale: the service ({where}) last renewed its lock {age:.0f} s ago "
                                       f"(more than {ttl:.0f} s): it hangs, or stopped without releasing it",
                    f"restart the service (systemctl restart connector / docker restart connector); on {lease.host} "
                    "check its log first (journalctl -u connector); a new start takes the lock over")
    if lease.host == socket.gethostname() and not process_alive(lease.pid, lease.pid_started):
        return fail("service", "lock", f"stale: the service ({where}) is gone without releasing its lock, "
                                       "so nothing runs on schedule",
                    "start the service again (systemctl start connector / docker start connector); it takes "
                    "the lock over at once")
    if lease.host != socket.gethostname():
        return warn("service", "lock", f"a service runs elsewhere: {where}, heartbeat {age:.0f} s ago",
                    "one service per state database: a `connector serve` here would stop with exit code 3 "
                    "(`connector run` and extra workers may run beside it)")
    return ok("service", "lock", f"service running, {where}, heartbeat {age:.0f} s ago")


def output_dir_check(config: ConnectorConfig) -> CheckResult:
    folder = config.resolve(config.output_dir)
    assert folder is not None
    problem = _unwritable(folder)
    if problem:
        return fail("output", "folder", problem, "set output_dir to a folder this user may write")
    return ok("output", "folder", f"{folder} (letters, dossiers, previews)")


def _unwritable(folder: Path) -> str | None:
    """Why this user cannot write in `folder` (None: it can). Missing folders count when their parent is fine."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, not a folder" + (f", so {folder} cannot be made" if probe != folder else "")
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable for this user"
    return None
