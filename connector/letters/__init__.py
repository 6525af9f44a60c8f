"""Letters and e-mails of the dunning engine: Jinja2 templates (nl, en), babel formatting,
WeasyPrint PDF with rekeningoverzicht and EPC QR code."""

from connector.letters.email import build_email, message_id_for
from connector.letters.render import LetterRenderer, RenderedLetter, TemplateProblem, html_to_pdf

__all__ = ["LetterRenderer", "RenderedLetter", "TemplateProblem", "build_email", "html_to_pdf", "message_id_for"]
