"""Deliver a finished EmailMessage: over SMTP, or as an .eml file in a mailbox folder.

Both return the Message-ID, which the outbox keeps as the host response.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Deliver the message; returns its Message-ID."""


def ensure_message_id(message: EmailMessage, domain: str = "connector.local") -> str:
    if not message["Message-ID"]:
        message["Message-ID"] = make_msgid(domain=domain)
    return str(message["Message-ID"])


class MailboxMailer:
    """Writes each message as `<n>-<subject>.eml` in a folder (the demo's 'local mailbox')."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> str:
        message_id = ensure_message_id(message)
        count = len(list(self.folder.glob("*.eml"))) + 1
        slug = re.sub(r"[^A-Za-z0-9]+", "-", str(message["Subject"] or "mail")).strip("-")[:60].lower()
        (self.folder / f"{count:04d}-{slug}.eml").write_bytes(bytes(message))
        return message_id


class SmtpMailer:
    """SMTP with STARTTLS or implicit TLS and login; one connection per message keeps failures isolated."""

    def __init__(self, host: str, port: int, *, security: str = "starttls", username: str | None = None,
                 password: str | None = None, timeout: float = 30.0) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, message: EmailMessage) -> str:
        message_id = ensure_message_id(message)
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
        return message_id
