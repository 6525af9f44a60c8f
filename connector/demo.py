"""The shop window: a full cycle against local simulators of every package, in about a minute.

It starts the three simulators in-process, writes a real config file, stores the secrets
in a keyring file inside the output folder (never the user's own keyring; one token comes
from an environment variable named in the config, as on a headless server), gives the
e-Boekhouden administration a camt.053 statement in its bank inbox, runs the same cycle as
`connector run`, and leaves config, state database, letters, mails and the summary in the
output folder so a newcomer can open them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import keyring
import yaml
from keyrings.alt.file import PlaintextKeyring

from connector.clock import SYSTEM_CLOCK, Clock
from connector.demo_bank import OpenItem, demo_lines, write_camt053
from connector.secrets import KeyringTokenVault, set_secret

MARKER = ".connector-demo"
CREDITOR = {"iban": "NL67INGB0006543210", "email": "debiteuren@demo.example.nl", "phone": "020 123 4567",
            "street": "Stationsweg 1", "postcode": "1012 AB", "city": "Amsterdam",
            "kvk": "12345678", "btw": "NL001234567B01"}


class FolderKeyring(PlaintextKeyring):
    """The demo's secrets live in a file inside its output folder, not in the user's keyring."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path

    @property
    def file_path(self) -> str:  # type: ignore[override]
        return str(self._path)


@dataclass
class DemoSystems:
    """Running simulators and the config that points at them."""

    config_path: Path
    simulators: list[Any] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def prepare_output(path: Path) -> Path:
    """A fresh output folder; refuses to wipe a folder the demo did not create."""
    if path.exists() and any(path.iterdir()):
        if not (path / MARKER).exists():
            raise FileExistsError(f"{path} exists and was not made by `connector demo`; choose another --output")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text("made by connector demo\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def demo_systems(out: Path, *, today: date, invoices: int = 60, seed: int = 7,
                 clock: Clock = SYSTEM_CLOCK) -> Iterator[DemoSystems]:
    """Simulators, secrets, a bank statement and a config; `clock` lets tests run without waiting."""
    from adapters.eboekhouden.simulator import EboekhoudenSimulator
    from adapters.exact_online.oauth import ExactHost, default_vault_key, token_record
    from adapters.exact_online.simulator import ExactSimulator
    from adapters.moneybird.simulator import MoneybirdSimulator

    previous_keyring = keyring.get_keyring()
    keyring.set_keyring(FolderKeyring(out / ".connector" / "demo-keyring.cfg"))
    systems = DemoSystems(config_path=out / "config.yaml")
    previous_env = {}
    try:
        moneybird = MoneybirdSimulator(seed=seed, invoices=invoices, today=today, clock=clock)
        exact = ExactSimulator(seed=seed, invoices=invoices, clock=clock)
        eboekhouden = EboekhoudenSimulator(seed=seed, invoices=invoices, today=today, clock=clock)
        for simulator in (moneybird, exact, eboekhouden):
            simulator.start()
            systems.simulators.append(simulator)

        systems.env["CONNECTOR_DEMO_MONEYBIRD_TOKEN"] = moneybird.token
        set_secret("van-dijk-installatie", "client_id", exact.client_id)
        set_secret("van-dijk-installatie", "client_secret", exact.client_secret)
        host = ExactHost.for_country("nl", exact.base_url)
        KeyringTokenVault().save(default_vault_key(host, exact.client_id),
                                 token_record(exact.grant(), host=host, clock=clock))
        set_secret("kapsalon-bakker", "api_token", eboekhouden.api_token)
        inbox = out / "bank-inbox" / "kapsalon-bakker"
        inbox.mkdir(parents=True)
        write_camt053(inbox / "ING-camt053-demo.xml", demo_lines(_open_items(eboekhouden), today))

        config = _config(moneybird, exact, eboekhouden)
        header = ("# Written by `connector demo`: points at local simulators. Secrets are in\n"
                  "# .connector/demo-keyring.cfg (a demo-only file keyring) or in an environment variable.\n")
        systems.config_path.write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                       encoding="utf-8")
        previous_env = {k: os.environ.get(k) for k in systems.env}
        os.environ.update(systems.env)
        yield systems
    finally:
        for key, value in previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for simulator in systems.simulators:
            simulator.stop()
        keyring.set_keyring(previous_keyring)


def _open_items(simulator: Any) -> list[OpenItem]:
    relations = simulator.data.relations
    items = []
    for invoice in sorted(simulator.open_invoices(), key=lambda i: i.date):
        relation = relations.get(invoice.relation_id)
        if relation is None or invoice.outstanding <= 0 or not relation.iban:
            continue
        items.append(OpenItem(number=invoice.number, amount=invoice.outstanding, name=relation.name,
                              iban=relation.iban.replace(" ", "")))
    return items


def _config(moneybird: Any, exact: Any, eboekhouden: Any) -> dict[str, Any]:
    def dunning(name: str) -> dict[str, Any]:
        return {"creditor": {"name": name, **CREDITOR}}

    return {
        "state": {"url": "sqlite:///state.db"},
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "output_dir": "output",
        "smtp": {"sender": "debiteuren@demo.example.nl", "mailbox_dir": "mailbox"},
        "summary": {"recipients": ["accountant@demo.example.nl"], "combined": True},
        "administrations": [
            {
                "key": "hollands-glorie",
                "name": "Hollands Glorie Installaties B.V.",
                "package": "moneybird",
                "moneybird": {"administration_id": moneybird.administration_id, "base_url": moneybird.base_url,
                              "token_env": "CONNECTOR_DEMO_MONEYBIRD_TOKEN"},
                "payments": {"book": "auto"},
                "dunning": dunning("Hollands Glorie Installaties B.V."),
            },
            {
                "key": "van-dijk-installatie",
                "name": "Installatiebedrijf Van Dijk B.V.",
                "package": "exact",
                "exact": {"division": exact.division, "base_url": exact.base_url},
                "dunning": dunning("Installatiebedrijf Van Dijk B.V."),
            },
            {
                "key": "kapsalon-bakker",
                "name": "Kapsalon Bakker",
                "package": "eboekhouden",
                "eboekhouden": {"base_url": eboekhouden.base_url},
                "bank_files": {"inbox": "bank-inbox/kapsalon-bakker", "account_iban": "NL67INGB0006543210"},
                "dunning": dunning("Kapsalon Bakker"),
            },
        ],
    }
