"""Render, compose and send the summaries of one run; used by `connector run`, the service and the demo.

One e-mail per administration, or one combined e-mail for the accountant (`summary.combined`).
Every e-mail goes through the outbox under the key `summary:<kind>:<scope>:<slot>`, so the
same scheduled slot never mails twice, and a crash or a server that is down leaves it
pending for the next try. A dry run only writes the preview files.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from connector.clock import SYSTEM_CLOCK, Clock
from connector.config.schema import ConnectorConfig
from connector.notify.compose import Attachment, compose_email
from connector.notify.delivery import SUMMARY_KIND, EmailOutbox
from connector.notify.mailer import Mailer
from connector.store import Store
from connector.store.outbox import PENDING, Outbox
from connector.summary.from_cycle import (
    SUPERSEDED,
    admin_summaries_from_report,
    outbox_attention,
    record_figures,
)
from connector.summary.model import AdminSummary, Summary, SummaryKind
from connector.summary.render import RenderedSummary, render_summary

log = logging.getLogger("connector.summary")

COMBINED_SCOPE = "_combined"


@dataclass(frozen=True, slots=True)
class SummaryDelivery:
    """What happened to one summary e-mail: sent, pending, failed, dry_run or no_recipients."""

    scope: str
    key: str
    subject: str
    status: str
    message_id: str = ""
    error: str = ""
    eml_path: Path | None = None
    preview_path: Path | None = None


def group_summaries(admins: Sequence[AdminSummary], *, combined: bool, kind: SummaryKind = "daily",
                    today: Any = None) -> list[tuple[str, Summary]]:
    """(scope, Summary) pairs: one for all administrations, or one each."""
    if not admins:
        return []
    day = today or admins[0].today
    if combined:
        return [(COMBINED_SCOPE, Summary(today=day, admins=tuple(admins), kind=kind))]
    return [(admin.key, Summary(today=day, admins=(admin,), kind=kind)) for admin in admins]


def send_summaries(config: ConnectorConfig, store: Store, admins: Sequence[AdminSummary], *, slot: str,
                   clock: Clock = SYSTEM_CLOCK, kind: SummaryKind = "daily", mailer: Mailer | None = None,
                   dry_run: bool = False, preview_dir: Path | None = None) -> list[SummaryDelivery]:
    deliveries = []
    language = config.summary.language
    templates_dir = config.resolve(config.templates_dir)
    now = datetime.fromtimestamp(clock.now(), ZoneInfo(config.timezone))
    email_outbox: EmailOutbox | None = None
    for scope, summary in group_summaries(admins, combined=config.summary.combined, kind=kind):
        if scope == COMBINED_SCOPE:  # its own earlier e-mails are kept under the scope, not an administration
            summary = replace(summary, scope_attention=tuple(outbox_attention(store, scope, today=summary.today)))
        rendered = render_summary(summary, language=language, templates_dir=templates_dir)
        key = summary_key(kind, scope, slot)
        recipients = list(config.summary.recipients)
        message = compose_email(
            sender=config.smtp.sender, sender_name="Debiteurenconnector", to=recipients or [config.smtp.sender],
            subject=rendered.subject, text=rendered.text, html=rendered.html, date=now,
            inline=[Attachment(data=i.data, filename=i.filename, cid=i.cid) for i in rendered.images],
            extra_headers={"X-Connector-Summary": key, "Auto-Submitted": "auto-generated"},
        )
        eml_path = preview_path = None
        if preview_dir is not None or dry_run:
            folder = preview_dir or _default_preview_dir(config)
            eml_path, preview_path = write_preview(folder, _slug(kind, scope, summary), message, rendered)
        if dry_run:
            deliveries.append(SummaryDelivery(scope, key, rendered.subject, "dry_run", eml_path=eml_path,
                                              preview_path=preview_path))
            continue
        if not recipients:
            log.warning("summary %s not sent: the config has no summary.recipients", key)
            deliveries.append(SummaryDelivery(scope, key, rendered.subject, "no_recipients", eml_path=eml_path,
                                              preview_path=preview_path))
        else:
            if email_outbox is None:
                email_outbox = EmailOutbox(Outbox(store), mailer or _mailer(config), clock=clock)
            email_outbox.recover(scope)
            result = email_outbox.send(scope, SUMMARY_KIND, key, message)
            if result.sent:
                _supersede(email_outbox.outbox, scope, key)
            deliveries.append(SummaryDelivery(scope, key, rendered.subject, result.status,
                                              message_id=result.message_id, error=result.error,
                                              eml_path=eml_path, preview_path=preview_path))
        for admin in summary.admins:
            record_figures(store, admin, slot=slot)
    return deliveries


def write_summary(config: ConnectorConfig, store: Store, report: Any, *, clock: Clock = SYSTEM_CLOCK,
                  out_dir: Path | None = None, slot: str | None = None,
                  mailer: Mailer | None = None) -> list[SummaryDelivery]:
    """For `connector demo`: the summary of `report` (a CycleReport) sent to the configured mailer
    (the demo's mailbox folder) and written as `.eml` plus an HTML preview in `out_dir`
    (default: `<output_dir>/summary`)."""
    admins = admin_summaries_from_report(report, store)
    slot = slot or "demo-" + datetime.fromtimestamp(clock.now(), ZoneInfo(config.timezone)).strftime("%Y%m%dT%H%M%S")
    return send_summaries(config, store, admins, slot=slot, clock=clock, mailer=mailer,
                          preview_dir=out_dir or _default_preview_dir(config))


def summary_key(kind: str, scope: str, slot: str) -> str:
    return f"summary:{kind}:{scope}:{slot}"


def write_preview(folder: Path, slug: str, message: Any, rendered: RenderedSummary) -> tuple[Path, Path]:
    """The message as `.eml` and its HTML with the charts embedded, to open in a browser."""
    folder.mkdir(parents=True, exist_ok=True)
    eml_path = folder / f"{slug}.eml"
    eml_path.write_bytes(bytes(message))
    html = rendered.html
    for image in rendered.images:
        data = base64.b64encode(image.data).decode("ascii")
        html = html.replace(f"cid:{image.cid}", f"data:image/{image.subtype};base64,{data}")
    html_path = folder / f"{slug}.html"
    html_path.write_text(html, encoding="utf-8")
    return eml_path, html_path


def _slug(kind: str, scope: str, summary: Summary) -> str:
    name = "all" if scope == COMBINED_SCOPE else scope
    return re.sub(r"[^a-z0-9-]+", "-", f"summary-{kind}-{name}-{summary.today.isoformat()}".lower())


def _default_preview_dir(config: ConnectorConfig) -> Path:
    folder = config.resolve(config.output_dir)
    assert folder is not None
    return folder / "summary"


def _mailer(config: ConnectorConfig) -> Mailer:
    from connector.notify.factory import mailer_from_config

    return mailer_from_config(config)


def _supersede(outbox: Outbox, scope: str, sent_key: str) -> None:
    """An older summary still pending is stale once a newer one went out: close it instead of mailing it late."""
    for entry in outbox.entries(scope, (PENDING,)):
        if entry.kind == SUMMARY_KIND and entry.idempotency_key != sent_key:
            outbox.mark_failed(entry.idempotency_key, f"{SUPERSEDED}{sent_key}", retry=False)
