"""The mailer the config asks for, with the SMTP password from the keyring or the environment."""

from __future__ import annotations

import pytest

from connector.config.schema import ConnectorConfig
from connector.errors import SecretMissing
from connector.notify.factory import SMTP_PASSWORD_ENV, mailer_from_config
from connector.notify.mailer import MailboxMailer, SmtpMailer
from connector.secrets import delete_secret, set_secret


def smtp_config(**smtp) -> ConnectorConfig:
    return ConnectorConfig.model_validate({"smtp": {"host": "smtp.kantoor.example", "port": 465,
                                                    "security": "ssl", **smtp}})


def test_a_mailbox_dir_is_resolved_next_to_the_config(tmp_path):
    config = ConnectorConfig.model_validate({"smtp": {"mailbox_dir": "mailbox"}}).model_copy(
        update={"source_path": tmp_path / "config.yaml"})
    mailer = mailer_from_config(config)
    assert isinstance(mailer, MailboxMailer) and mailer.folder == tmp_path / "mailbox"


def test_the_smtp_password_comes_from_the_keyring_or_the_environment(monkeypatch):
    monkeypatch.delenv(SMTP_PASSWORD_ENV, raising=False)
    set_secret("smtp", "password", "uit-de-keyring")
    try:
        mailer = mailer_from_config(smtp_config(username="connector@kantoor.example"))
        assert isinstance(mailer, SmtpMailer)
        assert (mailer.host, mailer.port, mailer.security, mailer.password) == (
            "smtp.kantoor.example", 465, "ssl", "uit-de-keyring")
        monkeypatch.setenv(SMTP_PASSWORD_ENV, "uit-de-omgeving")
        assert mailer_from_config(smtp_config(username="connector@kantoor.example")).password == "uit-de-omgeving"
    finally:
        delete_secret("smtp", "password")


def test_a_missing_password_names_the_command_that_stores_it(monkeypatch):
    monkeypatch.delenv(SMTP_PASSWORD_ENV, raising=False)
    with pytest.raises(SecretMissing, match="connector secrets set smtp password"):
        mailer_from_config(smtp_config(username="connector@kantoor.example"))
    assert mailer_from_config(smtp_config()).password is None  # no login: no password needed
