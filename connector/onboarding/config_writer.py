"""Write a commented config file, or add one administration to an existing one without touching the rest.

Adding is done on the text, not on parsed data: the new entry is inserted as a block of
lines right after the last line of the `administrations:` list, so every other byte of the
file (the accountant's comments, the order, the other clients) stays as it was. The result
is validated with the real loader before it replaces the file, and the previous version is
kept as `<file>.bak`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from connector.config.loader import load_config
from connector.config.schema import ConnectorConfig
from connector.errors import ConfigError
from connector.onboarding.yaml_text import mapping_lines, scalar


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminEntry:
    """One administration as `connector init` writes it (settings: the package's section)."""

    key: str
    name: str
    package: str
    settings: Mapping[str, Any]
    language: str = "nl"
    payments_book: str = "suggest_only"
    bank_inbox: str | None = None
    dunning: Mapping[str, Any] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    above: Mapping[str, Sequence[str]] = field(default_factory=dict)
    headline: Sequence[str] = ()
    footer: Sequence[str] = ()

    def as_mapping(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "name": self.name, "package": self.package,
                                self.package: dict(self.settings), "language": self.language,
                                "payments": {"book": self.payments_book}}
        if self.bank_inbox:
            data["bank_files"] = {"inbox": self.bank_inbox}
        if self.dunning:
            data["dunning"] = dict(self.dunning)
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class GlobalSettings:
    """The parts of a new config file outside the administrations."""

    state_url: str = "sqlite:///connector-state.db"
    timezone: str = "Europe/Amsterdam"
    language: str = "nl"
    output_dir: str = "connector-output"
    smtp: Mapping[str, Any] = field(default_factory=dict)
    summary_recipients: Sequence[str] = ()
    summary_language: str = "nl"
    summary_combined: bool = True


ENTRY_COMMENTS = {
    "package": "moneybird | exact | eboekhouden",
    "payments.book": "auto: book certain matches in the package | suggest_only | off",
    "language": "language of letters to customers without one: nl or en",
    "bank_files.inbox": "camt.053 / MT940 files dropped here are imported (the package's API has no bank lines)",
}


def administration_lines(entry: AdminEntry, *, indent: int = 2) -> list[str]:
    """The entry as a list item at `indent`, with its headline comment above it."""
    comments = {**ENTRY_COMMENTS, **entry.comments}
    body = mapping_lines(entry.as_mapping(), indent=indent + 2, comments=comments, above=entry.above)
    pad = " " * indent
    return [*(f"{pad}# {line}" if line else f"{pad}#" for line in entry.headline),
            f"{pad}- {body[0][indent + 2:]}", *body[1:], *(f"{pad}  # {line}" for line in entry.footer)]


def new_config_text(settings: GlobalSettings, entries: Sequence[AdminEntry], *, config_name: str) -> str:
    """A complete, commented config file."""
    smtp = dict(settings.smtp)
    lines = [
        "# Debiteurenbeheer connector: configuration (written by `connector init`).",
        "#",
        "# Secrets (API tokens, the OAuth logins, the SMTP password) are NOT in this file: they are in",
        "# this computer's keyring (`connector secrets check ADMIN NAME`), or in environment variables",
        "# named here (`token_env:`). Relative paths are relative to this file's folder.",
        "#",
        f"#   connector doctor --config {config_name}      checks everything a run needs",
        f"#   connector init --config {config_name}        adds another administration (the others stay as they are)",
        "#   connector connect ADMIN                   logs in again (Exact Online every 30 days without a run)",
        "#",
        "# Every key is explained in config.example.yaml and docs/ (quick starts, policy, operations).",
        "",
        "# Where the connector keeps its state: invoices and bank lines seen, bookmarks, the outbox of",
        "# everything it sent, the run log. Back it up (docs/operations.md).",
        "state:",
        f"  url: {scalar(settings.state_url)}",
        "",
        f"timezone: {scalar(settings.timezone)}   # dates (due dates, send days) are judged in this timezone",
        f"language: {scalar(settings.language)}   # default language of letters and the summary: nl or en",
        "",
        "# Where letters (PDF), e-mails and dossiers are written.",
        f"output_dir: {scalar(settings.output_dir)}",
        "",
        "# Mail server for the reminders the connector sends itself and for the summary.",
        "# Password: `connector secrets set smtp password` (or the environment variable CONNECTOR_SMTP_PASSWORD).",
    ]
    if smtp:
        lines += mapping_lines({"smtp": smtp}, comments={
            "smtp.security": "starttls (port 587) | ssl (port 465) | none (a local relay only)",
            "smtp.mailbox_dir": "write e-mails as .eml files here instead of sending (testing)",
        })
    else:
        lines += ["smtp:", "  mailbox_dir: mailbox   # no mail server yet: e-mails are written here as .eml files"]
    lines += [
        "",
        "# The accountant's summary after each run.",
        "summary:",
        f"  recipients: {scalar(list(settings.summary_recipients))}",
        f"  combined: {scalar(settings.summary_combined)}   # one mail for all administrations (false: one each)",
        f"  language: {scalar(settings.summary_language)}",
        "",
        "# `connector serve` runs an hourly sync in office hours and the dunning run with this summary at",
        "# 09:00 on working days; add a `schedule:` section to change that (docs/service.md).",
        "",
        "# One entry per client administration. `key` is the short name used in commands and secrets.",
        "administrations:",
    ]
    for number, entry in enumerate(entries):
        if number:
            lines.append("")
        lines += administration_lines(entry)
    return "\n".join(lines) + "\n"


def add_administration(text: str, entry: AdminEntry, *, source: str = "config") -> str:
    """`text` with `entry` appended to its administrations list; nothing else changes."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: cannot add an administration, the file is not valid YAML: {exc}") from None
    lines = text.splitlines()
    key_node, value_node = _administrations(root)
    if key_node is None:  # no list yet: start one at the end
        tail = [] if not lines or not lines[-1].strip() else [""]
        return "\n".join([*lines, *tail, "administrations:", *administration_lines(entry)]) + "\n"
    key_line = key_node.start_mark.line
    if _is_empty(value_node):
        lines[key_line] = _drop_inline_value(lines[key_line], value_node)
        return "\n".join([*lines[:key_line + 1], *administration_lines(entry), *lines[key_line + 1:]]) + "\n"
    if not isinstance(value_node, yaml.SequenceNode) or value_node.flow_style:
        raise ConfigError(f"{source}:{key_line + 1}: write `administrations:` as a list of `- key: ...` "
                          "entries (one per line) so `connector init` can add to it")
    indent = value_node.value[0].start_mark.column - 2 if value_node.value else 2
    end = _end_of_list(lines, key_line)
    block = ["", *administration_lines(entry, indent=max(indent, 0))]
    return "\n".join([*lines[:end], *block, *lines[end:]]) + "\n"


def _administrations(root: yaml.Node | None) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if key_node.value == "administrations":
                return key_node, value_node
    return None, None


def _is_empty(node: yaml.Node | None) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.tag.endswith(":null")
    return isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.value


def _drop_inline_value(line: str, node: yaml.Node | None) -> str:
    """`administrations: []  # note` -> `administrations:  # note`."""
    if node is None or node.start_mark.line != node.end_mark.line or node.start_mark.index == node.end_mark.index:
        return line
    return (line[:node.start_mark.column].rstrip() + line[node.end_mark.column:]).rstrip()


def _end_of_list(lines: list[str], key_line: int) -> int:
    """Index just after the last line that belongs to the list (its items and their comments).

    The list ends at the next top-level key; comment lines at column 0 right before that key
    belong to it, indented ones to the list.
    """
    last = key_line
    for number in range(key_line + 1, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        top_level = not line[0].isspace() and not line.startswith("-")
        if top_level and not line.startswith("#"):
            break
        if not top_level:
            last = number
    return last + 1


def known_keys(text: str) -> list[str]:
    """Administration keys in a config text (for a friendly "already there" message)."""
    data = yaml.safe_load(text) or {}
    admins = data.get("administrations") if isinstance(data, dict) else None
    return [str(a.get("key")) for a in admins or [] if isinstance(a, dict)]


def write_config(path: Path, text: str) -> ConnectorConfig:
    """Validate `text` as a config at `path`, keep the old file as `.bak`, then replace it atomically."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        try:
            config = load_config(temporary)
        except ConfigError as exc:
            raise ConfigError(f"the config `connector init` made is not valid (nothing was changed):\n"
                              f"{str(exc).replace(temporary, str(path))}") from None
        if path.exists():
            shutil.copy2(path, path.with_name(path.name + ".bak"))
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return config.model_copy(update={"source_path": path})
