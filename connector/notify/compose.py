"""Build a finished MIME message: text and HTML alternatives, with inline images beside the HTML.

Structure (what mail clients expect for a newsletter-like mail with pictures):

    multipart/alternative
      text/plain                 (quoted-printable, UTF-8)
      multipart/related
        text/html                (quoted-printable, UTF-8; shows cid: images)
        image/png  Content-ID    (inline, base64)

Date and Message-ID are set here (the Date from an injected time, not the machine's clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from connector.notify.headers import domain_of, parse_address, parse_addresses, safe_header


@dataclass(frozen=True, slots=True)
class Attachment:
    """An inline picture (`cid` set, shown by the HTML) or a plain attachment."""

    data: bytes
    filename: str
    maintype: str = "image"
    subtype: str = "png"
    cid: str = ""


def compose_email(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    inline: Iterable[Attachment] = (),
    date: datetime,
    sender_name: str = "",
    reply_to: str | None = None,
    message_id: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A ready-to-send message; raises AddressError naming a bad address."""
    if date.tzinfo is None:
        raise ValueError("compose_email needs a timezone-aware date for the Date header")
    from_address = parse_address(sender, sender_name)
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = parse_addresses(to)
    if reply_to:
        message["Reply-To"] = parse_address(reply_to)
    message["Subject"] = safe_header(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id or make_msgid(domain=domain_of(sender))
    for name, value in (extra_headers or {}).items():
        message[safe_header(name, 60)] = safe_header(value)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        html_part = message.get_payload()[-1]
        for image in inline:
            html_part.add_related(image.data, maintype=image.maintype, subtype=image.subtype,
                                  cid=f"<{image.cid}>", filename=image.filename, disposition="inline")
    return message


def html_part(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else None


def text_part(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else None
