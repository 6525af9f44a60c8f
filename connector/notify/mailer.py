"""Deliver a finished EmailMessage: over SMTP, or as an .eml file in a mailbox folder.

Both return the Message-ID, which the outbox keeps as the host response. A mailer may also
answer `was_delivered(message_id)` (True / False / None for "cannot tell"): the outbox asks
it after a crash to decide between "sent" and "send again".
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol

log = logging.getLogger("connector.notify")


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Deliver the message; returns its Message-ID."""


def ensure_message_id(message: EmailMessage, domain: str = "connector.local") -> str:
    if not message["Message-ID"]:
        message["Message-ID"] = make_msgid(domain=domain)
    return str(message["Message-ID"])


class MailboxMailer:
    """Writes each message as `<n>-<subject>.eml` in a folder (the demo's 'local mailbox').

    Written to a temporary name and renamed, so a crash never leaves half a message that
    `was_delivered` would count.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> str:
        message_id = ensure_message_id(message)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", str(message["Subject"] or "mail")).strip("-")[:60].lower()
        temporary = self.folder / f".{uuid.uuid4().hex}.eml.part"
        temporary.write_bytes(bytes(message))
        count = len(list(self.folder.glob("*.eml"))) + 1
        while True:  # several workers may deliver at once: claim a number no one else has
            target = self.folder / f"{count:04d}-{slug}.eml"
            try:
                os.link(temporary, target)
                break
            except FileExistsError:
                count += 1
        temporary.unlink()
        return message_id

    def was_delivered(self, message_id: str) -> bool:
        parser = BytesHeaderParser()
        for path in self.folder.glob("*.eml"):
            with path.open("rb") as handle:
                if str(parser.parse(handle).get("Message-ID", "")).strip() == message_id.strip():
                    return True
        return False


class SmtpMailer:
    """SMTP with STARTTLS or implicit TLS and login; one connection per message keeps failures isolated.

    `security` is "starttls" (port 587), "ssl" (port 465) or "none" (a local relay only).
    Recipients the server refused while accepting others are kept in `last_refused`.
    """

    def __init__(self, host: str, port: int, *, security: str = "starttls", username: str | None = None,
                 password: str | None = None, timeout: float = 30.0, ssl_context: ssl.SSLContext | None = None,
                 local_hostname: str | None = None) -> None:
        if security not in ("starttls", "ssl", "none"):
            raise ValueError(f"smtp security must be starttls, ssl or none, not {security!r}")
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname
        self.last_refused: dict[str, tuple[int, bytes]] = {}

    def send(self, message: EmailMessage) -> str:
        message_id = ensure_message_id(message)
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context,
                                                  local_hostname=self.local_hostname)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username and self.password:
                if self.security == "none":
                    log.warning("logging in to %s:%s without TLS: the password crosses the network in clear",
                                self.host, self.port)
                smtp.login(self.username, self.password)
            self.last_refused = smtp.send_message(message)
        if self.last_refused:
            log.warning("%s: the server refused %s", message_id, ", ".join(sorted(self.last_refused)))
        return message_id

    def was_delivered(self, message_id: str) -> None:
        """SMTP cannot be asked afterwards whether a message went through."""
        return
