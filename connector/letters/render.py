"""Render a planned dunning step as plain-text e-mail, HTML e-mail and PDF letter.

Why Jinja2 with three layouts around one wording: the legal sentences of a level (the
14-dagenbrief's term, the announced costs) are written once per language in
`templates/<lang>/<template>.txt.j2` (macros `subject()` and `body()`), and the layouts put the
same words in every medium. HTML layouts are autoescaped; the wording templates are plain text and
get escaped when placed in HTML. A `templates_dir` is searched before the shipped templates, so
an accountant can replace one wording or a whole layout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    pass_context,
)
from jinja2.utils import urlize
from markupsafe import Markup

from connector.dunning.model import DunningAction
from connector.dunning.policy import DunningSettings
from connector.errors import ConnectorError
from connector.letters.context import letter_context
from connector.letters.epc import epc_svg_data_uri
from connector.letters.formatting import (
    format_iban,
    format_long_date,
    format_money,
    format_short_date,
)
from connector.letters.pdf import html_to_pdf

__all__ = ["LetterRenderer", "RenderedLetter", "TemplateProblem"]

LAYOUTS = {"text": "layouts/email.txt.j2", "html": "layouts/email.html.j2", "letter": "layouts/letter.html.j2"}


class TemplateProblem(ConnectorError):
    """A letter template is missing or broken; the message names the template and line."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    """One step in every medium; `pdf` is None when it was not asked for."""

    subject: str
    paragraphs: tuple[str, ...]
    text: str
    html: str
    letter_html: str
    pdf: bytes | None = None


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html"))


def _paragraphs(raw: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; lines inside one are joined, except "- " list items."""
    result = []
    for block in re.split(r"\n[ \t]*\n", raw.strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        merged: list[str] = []
        for line in lines:
            if merged and not line.startswith("- ") and not merged[-1].startswith("- "):
                merged[-1] = f"{merged[-1]} {line}"
            else:
                merged.append(line)
        result.append("\n".join(re.sub(r"[ \t]+", " ", line) for line in merged))
    return tuple(result)


def _a_date(value: object) -> date:
    """Dates only: babel would print *today* for None, e.g. a letter by post's missing end date."""
    if not isinstance(value, date):
        raise TemplateRuntimeError(f"expected a date, got {value!r}: a letter by post has no new_term_date "
                                   "(its term runs from delivery); print `deadline` instead")
    return value


def _html_paragraph(text: str) -> Markup:
    return Markup("<br>\n").join(Markup(urlize(line, rel="noopener")) for line in text.split("\n"))


class LetterRenderer:
    def __init__(self, templates_dirs: Sequence[Path | str | None] = ()) -> None:
        loaders: list[Any] = [FileSystemLoader(str(d)) for d in templates_dirs if d]
        loaders.append(PackageLoader("connector.letters", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders), autoescape=_autoescape, undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self.env.filters.update(
            money=pass_context(lambda ctx, v: format_money(v, ctx["lang"])),
            longdate=pass_context(lambda ctx, v: format_long_date(_a_date(v), ctx["lang"])),
            shortdate=pass_context(lambda ctx, v: format_short_date(_a_date(v), ctx["lang"])),
            iban=format_iban,
            htmlpara=_html_paragraph,
        )

    def template_name(self, action: DunningAction) -> str:
        """`<lang>/<template>.txt.j2`, falling back to Dutch when a language has no version."""
        for language in dict.fromkeys((action.language, "nl")):
            name = f"{language}/{action.template}.txt.j2"
            try:
                self.env.get_template(name)
                return name
            except TemplateNotFound:
                continue
        raise TemplateProblem(f"no template {action.language}/{action.template}.txt.j2 for level "
                              f"'{action.level_name}' (in templates_dir or the shipped templates)")

    def render(self, action: DunningAction, settings: DunningSettings, today: date, *,
               pdf: bool = False, copy: bool = False) -> RenderedLetter:
        """`copy`: the e-mail copy of a letter by post, marked as such in the subject and on top."""
        context = letter_context(action, settings, today, copy=copy)
        name = self.template_name(action)
        try:
            module = self.env.get_template(name).make_module(context)
            subject = " ".join(str(module.subject()).split())
            if copy:
                subject = context["t"]["copy_subject"].format(subject=subject)
            paragraphs = _paragraphs(str(module.body()))
            context.update(subject=subject, paragraphs=paragraphs)
            text = self.env.get_template(LAYOUTS["text"]).render(context)
            html = self.env.get_template(LAYOUTS["html"]).render(context)
            context["qr_svg"] = epc_svg_data_uri(
                name=settings.creditor.name, iban=settings.creditor.iban, amount=action.total_due,
                reference=action.payment_reference, bic=settings.creditor.bic,
            )
            letter_html = self.env.get_template(LAYOUTS["letter"]).render(context)
        except TemplateError as exc:
            raise TemplateProblem(_describe(exc, name)) from None
        document = html_to_pdf(letter_html) if pdf else None
        return RenderedLetter(subject=subject, paragraphs=paragraphs, text=_tidy(text), html=html,
                              letter_html=letter_html, pdf=document)


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def _describe(exc: TemplateError, name: str) -> str:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None) or name
    line = getattr(exc, "lineno", None)
    return f"template {where}{f':{line}' if line else ''}: {exc.message or exc}"
