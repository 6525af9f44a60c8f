"""Where rendered letters, call lists and dossiers land: files under the output directory.

Layout (the demo leaves it for a newcomer to open):

    <admin>/dunning/<YYYY-MM-DD>/<contact>/<nn>-<level>.txt | .html | .pdf   (sent)
    <admin>/dunning/<YYYY-MM-DD>/<contact>/dossier/dossier.json | .csv | documents/*.pdf
    <admin>/dunning/call-list-<YYYY-MM-DD>.csv
    <admin>/preview/…                                                       (dry run, same shape)
    <admin>/dossiers/<YYYY-MM-DD>/<contact>/…                                (`connector dossier`)
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from connector.dunning.claims import rate_table
from connector.dunning.dossier import CSV_COLUMNS, dossier_document, dossier_rows
from connector.dunning.holds import Hold
from connector.dunning.model import DunningStep
from connector.dunning.policy import DunningSettings
from connector.letters.render import RenderedLetter
from connector.records import Contact, Invoice

__all__ = ["export_dossier", "letter_folder", "slug", "write_call_list", "write_letter_files"]


def slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit] or "x"


def letter_folder(output_dir: Path, admin_key: str, today: date, contact_id: str, contact_name: str, *,
                  preview: bool = False) -> Path:
    kind = "preview" if preview else "dunning"
    return output_dir / admin_key / kind / today.isoformat() / f"{slug(contact_id, 24)}-{slug(contact_name)}"


def write_letter_files(folder: Path, stem: str, letter: RenderedLetter) -> list[Path]:
    """Write <stem>.txt, .html and (when rendered) .pdf atomically; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, data in ((".txt", letter.text.encode("utf-8")), (".html", letter.html.encode("utf-8")),
                         (".pdf", letter.pdf)):
        if data is None:
            continue
        path = folder / f"{stem}{suffix}"
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        written.append(path)
    return written


def write_call_list(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Add rows to the day's call list CSV (a second run the same day keeps the first run's rows)."""
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    existing: list[dict[str, str]] = []
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            existing = list(csv.DictReader(handle))
    keys = {row.get("key") for row in existing}
    merged = existing + [dict(row) for row in rows if row.get("key") not in keys]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(merged)


def export_dossier(folder: Path, *, admin_key: str, contact: Contact, invoices: Sequence[Invoice],
                   steps: Sequence[DunningStep], holds: Sequence[Hold], settings: DunningSettings,
                   today: date) -> list[Path]:
    """Write dossier.json, dossier.csv and copies of the letters sent (documents/) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    document = dossier_document(admin_key=admin_key, contact=contact, invoices=invoices, steps=steps, holds=holds,
                                settings=settings, today=today, rates=rate_table(settings))
    json_path = folder / "dossier.json"
    json_path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    csv_path = folder / "dossier.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        writer.writerows(dossier_rows(document))
    written = [json_path, csv_path]
    copies = folder / "documents"
    for step in steps:
        if step.contact_id != contact.host_id:
            continue
        for name in step.documents:
            source = Path(name)
            if source.suffix == ".pdf" and source.exists():
                copies.mkdir(exist_ok=True)
                target = copies / f"{step.sent_on.isoformat()}-{source.name}"
                shutil.copyfile(source, target)
                written.append(target)
    return written
