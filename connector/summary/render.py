"""Turn a Summary into a subject, a plain-text part, an HTML part and inline chart images.

Templates are Jinja2 and can be overridden: a `templates_dir` from the config is searched
first (`<language>/summary.html.j2`, then `summary.html.j2`), then the built-in ones, which
stay reachable as `builtin/summary.html.j2` so an override can extend them and change
one block only. Templates write reconciliation reasons through the `reason_text` filter: the
engine keeps them in English, a Dutch summary shows them in Dutch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)

from connector.aging import BUCKET_LABELS
from connector.reconcile.reasons_nl import in_dutch
from connector.summary.chart import aging_chart_png
from connector.summary.formatting import Formatter
from connector.summary.labels import PACKAGE_NAMES, Labels
from connector.summary.model import Summary

MAX_ROWS = 25  # per list: keeps the HTML under the ~100 kB at which Gmail clips a message
#: The reconciliation engine writes its reasons in English; these languages get them translated.
REASON_TRANSLATIONS = {"nl": in_dutch}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True)
class InlineImage:
    """A picture the HTML shows as `cid:<cid>`."""

    cid: str
    data: bytes
    filename: str
    subtype: str = "png"


@dataclass(frozen=True, slots=True)
class RenderedSummary:
    subject: str
    text: str
    html: str
    images: tuple[InlineImage, ...] = ()


def chart_cid(admin_key: str) -> str:
    return f"aging-{admin_key}@connector.summary"


def render_summary(summary: Summary, *, language: str = "nl", templates_dir: Path | None = None,
                   max_rows: int = MAX_ROWS, charts: bool = True) -> RenderedSummary:
    labels = Labels(language)
    fmt = Formatter(language)
    env = _environment(templates_dir)
    images = _charts(summary, language, labels) if charts else ()
    scope = _scope(summary, labels)
    subject = _subject(summary, labels, fmt, scope)
    context: dict[str, Any] = {
        "summary": summary, "admins": summary.admins, "attention": summary.attention,
        "totals": summary.totals, "t": labels, "f": fmt, "scope": scope, "subject": subject,
        "title": labels.title_weekly if summary.kind == "weekly" else labels.title_daily,
        "weekly": summary.kind == "weekly", "max_rows": max_rows, "language": language,
        "charts": {image.cid.split("@")[0].removeprefix("aging-"): image.cid for image in images},
        "bucket_label": lambda key: BUCKET_LABELS[language][key],
        "package_name": lambda key: PACKAGE_NAMES.get(key, key),
    }
    text = env.select_template([f"{language}/summary.txt.j2", "summary.txt.j2"]).render(context)
    html = env.select_template([f"{language}/summary.html.j2", "summary.html.j2"]).render(context)
    return RenderedSummary(subject=subject, text=_tidy_text(text), html=html, images=images)


def _environment(templates_dir: Path | None) -> Environment:
    builtin = PackageLoader("connector.summary", "templates")
    loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
    env = Environment(
        loader=ChoiceLoader([*loaders, builtin, PrefixLoader({"builtin": builtin})]),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["one_line"] = one_line
    env.filters["reason_text"] = pass_context(lambda ctx, reason: reason_text(reason, ctx["language"]))
    env.filters["ljust"] = lambda value, width: _fit(one_line(value), width).ljust(width)
    env.filters["rjust"] = lambda value, width: _fit(one_line(value), width).rjust(width)
    return env


def one_line(value: object) -> str:
    """Text from a host (a customer name, a bank description) on one line, control characters gone."""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def reason_text(reason: str, language: str) -> str:
    """A match or flag reason from the reconciliation engine in the summary's language."""
    translate = REASON_TRANSLATIONS.get(language)
    return translate(reason) if translate else reason


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _scope(summary: Summary, labels: Labels) -> str:
    if summary.scope:
        return one_line(summary.scope)
    if len(summary.admins) == 1:
        return one_line(summary.admins[0].name)
    return labels.n_admins.format(n=len(summary.admins)) if summary.admins else labels.all_admins


def _subject(summary: Summary, labels: Labels, fmt: Formatter, scope: str) -> str:
    if summary.kind == "weekly":
        week = summary.today.isocalendar().week
        subject = labels.subject_weekly.format(scope=scope, week=week)
    else:
        subject = labels.subject_daily.format(scope=scope, date=fmt.day(summary.today))
    attention = len(summary.attention)
    return f"[{attention}] {subject}" if attention else subject


def _charts(summary: Summary, language: str, labels: Labels) -> tuple[InlineImage, ...]:
    images = []
    for admin in summary.admins:
        if admin.figures.open_count == 0:
            continue
        png = aging_chart_png(admin.aging, language=language, title=labels.chart_title)
        images.append(InlineImage(cid=chart_cid(admin.key), data=png, filename=f"aging-{admin.key}.png"))
    return tuple(images)


def _tidy_text(text: str) -> str:
    """No trailing spaces and at most one blank line in a row: plain text read in any mail client."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"
