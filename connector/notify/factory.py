"""The mailer the config asks for: a mailbox folder (demo, tests) or an SMTP server.

The SMTP password is a secret: the environment variable CONNECTOR_SMTP_PASSWORD (for
containers) or the keyring entry `smtp/password` (`connector secrets set smtp password`).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable

from connector.config.schema import ConnectorConfig
from connector.notify.mailer import MailboxMailer, Mailer, SmtpMailer
from connector.secrets import secret_reader

SMTP_SECRET_KEY = "smtp"
SMTP_PASSWORD_ENV = "CONNECTOR_SMTP_PASSWORD"


def smtp_password_reader() -> Callable[[str], str]:
    return secret_reader(SMTP_SECRET_KEY, {"password": SMTP_PASSWORD_ENV})


def mailer_from_config(config: ConnectorConfig, *, secret: Callable[[str], str] | None = None,
                       ssl_context: ssl.SSLContext | None = None, timeout: float = 30.0) -> Mailer:
    smtp = config.smtp
    if smtp.mailbox_dir is not None:
        folder = config.resolve(smtp.mailbox_dir)
        assert folder is not None
        return MailboxMailer(folder)
    password = None
    if smtp.username:
        password = (secret or smtp_password_reader())("password")
    return SmtpMailer(smtp.host, smtp.port, security=smtp.security, username=smtp.username, password=password,
                      timeout=timeout, ssl_context=ssl_context)
