"""Outgoing e-mail: composing MIME messages, SMTP or a mailbox folder, and delivery through the outbox."""

from connector.notify.compose import Attachment, compose_email
from connector.notify.delivery import DeliveryResult, EmailOutbox
from connector.notify.mailer import MailboxMailer, Mailer, SmtpMailer, ensure_message_id

__all__ = ["Attachment", "DeliveryResult", "EmailOutbox", "MailboxMailer", "Mailer", "SmtpMailer", "compose_email",
           "ensure_message_id"]
