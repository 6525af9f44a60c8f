"""A rendered letter as an e-mail: plain text and HTML alternatives, the PDF letter attached
(and the package's invoice PDFs next to it, when there are any).

The Message-ID is derived from the step's idempotency key, so the same step always carries the
same id: a mailbox can be searched for it after a crash, and a duplicate is recognisable.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from connector.letters.render import RenderedLetter

__all__ = ["build_email", "message_id_for", "pdf_filename"]


def message_id_for(idempotency_key: str, domain: str = "dunning.connector") -> str:
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def pdf_filename(subject: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-").lower()[:80]
    return f"{slug or 'brief'}.pdf"


def build_email(letter: RenderedLetter, *, sender: str, sender_name: str, recipients: Sequence[str],
                reply_to: str = "", idempotency_key: str, sent_at: datetime,
                attachments: Sequence[tuple[str, bytes]] = ()) -> EmailMessage:
    """`attachments`: further PDFs as (file name, bytes), e.g. the invoices themselves."""
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    message = EmailMessage()
    message["Subject"] = letter.subject
    message["From"] = formataddr((sender_name, sender)) if sender_name else sender
    message["To"] = ", ".join(recipients)
    if reply_to and reply_to != sender:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id_for(idempotency_key)
    message["X-Connector-Key"] = idempotency_key
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    if letter.pdf:
        message.add_attachment(letter.pdf, maintype="application", subtype="pdf",
                               filename=pdf_filename(letter.subject))
    for filename, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return message
