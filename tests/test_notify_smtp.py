"""E-mail delivery against a real SMTP server (aiosmtpd in-process): STARTTLS with a self-signed
certificate made here, implicit TLS, AUTH, retries, refusals, header injection, and the outbox."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import ssl
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connector.clock import FakeClock
from connector.notify.compose import Attachment, compose_email
from connector.notify.delivery import SUMMARY_KIND, EmailOutbox
from connector.notify.headers import AddressError, parse_address
from connector.notify.mailer import MailboxMailer, SmtpMailer
from connector.store import Store
from connector.store.outbox import Outbox
from connector.summary.render import render_summary
from tests.summary_samples import sample_summary

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

USER, PASSWORD = "connector@kantoor.example", "s3cret-wachtwoord"
WHEN = dt.datetime(2026, 10, 14, 9, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))


# -- a real SMTP server ---------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    authenticated: bool


@dataclass
class RecordingHandler:
    messages: list[Received] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)  # popped per RCPT; empty means accept
    data_replies: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_replies:
            reply = self.rcpt_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        tls = session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                                      tls=tls, authenticated=bool(session.authenticated)))
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@dataclass
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> Tls:
    """A self-signed certificate for localhost / 127.0.0.1, trusted by the client context only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(cert_pem)
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return Tls(server=server, client=client)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(tls):
    """Factory: start an SMTP server (mode starttls / ssl / plain) and stop it after the test."""
    started: list[Controller] = []

    def start(mode: str = "starttls", handler: RecordingHandler | None = None) -> tuple[RecordingHandler, int]:
        handler = handler or RecordingHandler()
        port = free_port()
        kwargs: dict = {"hostname": "127.0.0.1", "port": port, "server_hostname": "localhost"}
        if mode == "starttls":
            kwargs.update(tls_context=tls.server, require_starttls=True, auth_required=True,
                          auth_require_tls=True, authenticator=_authenticator)
        elif mode == "ssl":
            kwargs.update(ssl_context=tls.server, auth_required=True, auth_require_tls=False,  # TLS from the start
                          authenticator=_authenticator)
        controller = Controller(handler, **kwargs)
        controller.start()
        started.append(controller)
        return handler, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def outbox(tmp_path) -> Outbox:
    return Outbox(Store.open(f"sqlite:///{tmp_path / 'state.db'}"))


def summary_message(to: str = "accountant@kantoor.example", subject: str | None = None,
                    sender_name: str = "Debiteurenconnector"):
    rendered = render_summary(sample_summary(), language="nl")
    message = compose_email(
        sender="debiteuren@kantoor.example", sender_name=sender_name, to=[to], subject=subject or rendered.subject,
        text=rendered.text, html=rendered.html, date=WHEN,
        inline=[Attachment(data=i.data, filename=i.filename, cid=i.cid) for i in rendered.images],
    )
    return message, rendered


# -- tests ----------------------------------------------------------------------------------------------


def test_starttls_and_auth_deliver_a_proper_multipart_message(smtp_server, tls, outbox):
    handler, port = smtp_server("starttls")
    mailer = SmtpMailer("localhost", port, security="starttls", username=USER, password=PASSWORD,
                        ssl_context=tls.client, timeout=5)
    message, rendered = summary_message()
    result = EmailOutbox(outbox, mailer, clock=FakeClock()).send("_combined", SUMMARY_KIND, "summary:1", message)

    assert result.sent and result.attempts == 1
    (received,) = handler.messages
    assert received.tls and received.authenticated
    assert received.mail_from == "debiteuren@kantoor.example"
    assert received.rcpt_tos == ["accountant@kantoor.example"]
    parsed = email.message_from_bytes(received.content, policy=email.policy.default)
    assert parsed["Message-ID"] == result.message_id == message["Message-ID"]
    assert parsed["Message-ID"].endswith("@kantoor.example>")
    assert parsed["Date"] == "Wed, 14 Oct 2026 09:05:00 +0200"
    assert parsed["Subject"] == rendered.subject
    assert str(parsed["From"]) == "Debiteurenconnector <debiteuren@kantoor.example>"
    assert parsed.get_content_type() == "multipart/alternative"
    plain, related = parsed.get_payload()
    assert plain.get_content_type() == "text/plain" and plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content().replace("\r\n", "\n") == rendered.text
    assert related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content().replace("\r\n", "\n") == rendered.html
    assert [(i.get_content_type(), i["Content-ID"], i.get_content_disposition()) for i in images] == [
        ("image/png", f"<{image.cid}>", "inline") for image in rendered.images]
    assert images[0].get_content() == rendered.images[0].data
    assert outbox.get("summary:1").host_response == result.message_id


def test_implicit_tls_on_the_ssl_port(smtp_server, tls, outbox):
    handler, port = smtp_server("ssl")
    mailer = SmtpMailer("localhost", port, security="ssl", username=USER, password=PASSWORD,
                        ssl_context=tls.client, timeout=5)
    message, _ = summary_message()
    assert EmailOutbox(outbox, mailer, clock=FakeClock()).send("a", SUMMARY_KIND, "k", message).sent
    assert handler.messages[0].tls and handler.messages[0].authenticated


def test_an_untrusted_certificate_is_refused_for_good(smtp_server, outbox):
    handler, port = smtp_server("starttls")
    mailer = SmtpMailer("localhost", port, security="starttls", username=USER, password=PASSWORD, timeout=5)
    clock = FakeClock()
    result = EmailOutbox(outbox, mailer, clock=clock).send("a", SUMMARY_KIND, "k", summary_message()[0])
    assert result.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in result.error
    assert clock.slept == 0 and not handler.messages


def test_a_wrong_password_fails_at_once_without_retrying(smtp_server, tls, outbox):
    handler, port = smtp_server("starttls")
    mailer = SmtpMailer("localhost", port, username=USER, password="wrong", ssl_context=tls.client, timeout=5)
    clock = FakeClock()
    result = EmailOutbox(outbox, mailer, clock=clock).send("a", SUMMARY_KIND, "k", summary_message()[0])
    assert result.status == "failed" and result.error.startswith("SMTP 535")
    assert clock.slept == 0 and result.attempts == 1 and not handler.messages


def test_a_server_that_is_down_is_retried_and_the_mail_stays_pending_until_it_is_back(smtp_server, outbox):
    port = free_port()  # nothing listens here yet
    clock = FakeClock()
    delivery = EmailOutbox(outbox, SmtpMailer("127.0.0.1", port, security="none", timeout=2), clock=clock,
                           attempts_per_call=3, backoff=(2, 10))
    result = delivery.send("a", SUMMARY_KIND, "summary:x", summary_message()[0])
    assert result.status == "pending" and "ConnectionRefusedError" in result.error
    assert clock.slept == 12  # 2 s, then 10 s, between three tries

    handler, new_port = smtp_server("plain")
    delivery.mailer = SmtpMailer("127.0.0.1", new_port, security="none", timeout=2)
    (flushed,) = delivery.flush("a")
    assert flushed.sent and len(handler.messages) == 1
    assert handler.messages[0].content.count(b"Message-ID:") == 1


def test_temporary_refusals_are_retried_and_lasting_ones_are_not(smtp_server, outbox):
    handler, port = smtp_server("plain", RecordingHandler(rcpt_replies=["451 4.7.1 greylisted, try later"]))
    clock = FakeClock()
    delivery = EmailOutbox(outbox, SmtpMailer("127.0.0.1", port, security="none", timeout=2), clock=clock)
    assert delivery.send("a", SUMMARY_KIND, "greylisted", summary_message()[0]).sent
    assert clock.slept == 2 and len(handler.messages) == 1

    handler.rcpt_replies.append("550 5.1.1 mailbox unavailable")
    result = delivery.send("a", SUMMARY_KIND, "bounced", summary_message("weg@kantoor.example")[0])
    assert result.status == "failed" and "550" in result.error and "weg@kantoor.example" in result.error
    assert clock.slept == 2

    handler.data_replies.append("421 4.3.2 shutting down")
    assert delivery.send("a", SUMMARY_KIND, "busy", summary_message()[0]).sent
    assert clock.slept == 4


def test_one_key_is_sent_once_however_often_it_is_queued(smtp_server, outbox):
    handler, port = smtp_server("plain")
    delivery = EmailOutbox(outbox, SmtpMailer("127.0.0.1", port, security="none", timeout=2), clock=FakeClock())
    first = delivery.send("a", SUMMARY_KIND, "summary:daily:a:slot-1", summary_message()[0])
    again = delivery.send("a", SUMMARY_KIND, "summary:daily:a:slot-1", summary_message()[0])
    assert first.sent and again.sent and again.message_id == first.message_id
    assert len(handler.messages) == 1


def test_names_with_line_breaks_cannot_add_headers(smtp_server, outbox):
    handler, port = smtp_server("plain")
    message, _ = summary_message(subject="Overzicht Jansen\r\nBcc: iedereen@evil.example",
                                 sender_name="Kantoor\nBcc: x@evil.example")
    delivery = EmailOutbox(outbox, SmtpMailer("127.0.0.1", port, security="none", timeout=2), clock=FakeClock())
    assert delivery.send("a", SUMMARY_KIND, "k", message).sent
    (received,) = handler.messages
    assert received.rcpt_tos == ["accountant@kantoor.example"]
    parsed = email.message_from_bytes(received.content, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Overzicht Jansen Bcc: iedereen@evil.example"
    with pytest.raises(AddressError):
        parse_address("accountant@kantoor.example\r\nBcc: x@evil.example")
    with pytest.raises(AddressError):
        parse_address("a@kantoor.example, b@kantoor.example")


def test_after_a_crash_while_sending_a_summary_goes_again_and_a_customer_mail_waits_for_a_person(
        smtp_server, outbox):
    handler, port = smtp_server("plain")
    delivery = EmailOutbox(outbox, SmtpMailer("127.0.0.1", port, security="none", timeout=2), clock=FakeClock())
    for kind, key in ((SUMMARY_KIND, "summary"), ("reminder_email", "reminder")):
        message, _ = summary_message()
        outbox.enqueue("a", kind, key, {"to": ["x@kantoor.example"], "message_id": message["Message-ID"],
                                        "eml": message.as_string()})
        outbox.claim(key)  # ... and the process dies here
    assert delivery.recover("a") == ["reminder"]
    assert outbox.get("reminder").status == "unknown"
    (result,) = delivery.flush("a")
    assert result.key == "summary" and result.sent and len(handler.messages) == 1


def test_mailbox_mailer_knows_what_it_delivered(tmp_path, outbox):
    mailer = MailboxMailer(tmp_path / "mailbox")
    message, _ = summary_message()
    (tmp_path / "mailbox" / "0001-half.eml.part").write_text("a crash left this")
    outbox.enqueue("a", SUMMARY_KIND, "k", {"to": ["x@kantoor.example"], "message_id": message["Message-ID"],
                                            "eml": message.as_string()})
    outbox.claim("k")
    assert mailer.was_delivered(message["Message-ID"]) is False
    mailer.send(message)
    assert mailer.was_delivered(message["Message-ID"]) is True
    assert EmailOutbox(outbox, mailer).recover("a") == []
    assert outbox.get("k").status == "sent"
    assert sorted(p.suffix for p in Path(tmp_path / "mailbox").iterdir()) == [".eml", ".part"]
