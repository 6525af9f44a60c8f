"""Exact Online adapter + simulator pair for the contract suite, and helpers for the Exact tests."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.base import Stream, StreamState
from adapters.exact_online.adapter import ExactOnlineAdapter, build_adapter
from adapters.exact_online.oauth import ExactHost, token_record
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import Clock
from connector.errors import SecretMissing

from . import ContractPair


class JsonFileVault:
    """A token vault in one JSON file, replaced atomically (a reader never sees half a file)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.saves = 0

    def load(self, key: str) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8")).get(key)
        except FileNotFoundError:
            return None

    def save(self, key: str, tokens: dict) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        data[key] = tokens
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)
        self.saves += 1


def settings_for(simulator: ExactSimulator, **overrides: Any) -> dict[str, Any]:
    return {"division": simulator.division, "base_url": simulator.base_url, **overrides}


def secrets_for(simulator: ExactSimulator, client_secret: str | None = None):
    values = {
        "client_id": simulator.client_id,
        "client_secret": simulator.client_secret if client_secret is None else client_secret,
    }

    def secret(name: str) -> str:
        if name not in values:
            raise SecretMissing(f"no secret {name!r}")
        return values[name]

    return secret


def login(simulator: ExactSimulator, vault: JsonFileVault, clock: Clock) -> dict[str, Any]:
    """What `connector connect` leaves in the vault after a person consented just now."""
    host = ExactHost(simulator.base_url)
    tokens = token_record(simulator.grant(), host=host, clock=clock)
    vault.save(f"exact:{host.name}:{simulator.client_id}", tokens)
    return tokens


def make_adapter(
    simulator: ExactSimulator,
    state_dir: Path,
    clock: Clock,
    *,
    vault: JsonFileVault | None = None,
    client_secret: str | None = None,
    **settings: Any,
) -> ExactOnlineAdapter:
    """An adapter pointed at `simulator`, its login in a JSON vault under `state_dir`."""
    vault = vault or JsonFileVault(state_dir / "vault.json")
    return build_adapter(
        settings_for(simulator, **settings),
        secret=secrets_for(simulator, client_secret),
        clock=clock,
        state_dir=state_dir,
        token_vault=vault,
    )


def make_pair(tmp_path: Path, clock: Clock, *, invoices: int = 60, seed: int = 3) -> ContractPair:
    simulator = ExactSimulator(clock=clock, seed=seed, invoices=invoices)
    simulator.start()
    vault = JsonFileVault(tmp_path / "vault.json")
    login(simulator, vault, clock)
    adapter = make_adapter(simulator, tmp_path, clock, vault=vault)

    def close() -> None:
        adapter.close()
        simulator.stop()

    def bad_credentials() -> ExactOnlineAdapter:
        """A login Exact no longer knows, and a wrong client secret to renew it with."""
        stranger = JsonFileVault(tmp_path / "stranger-vault.json")
        now = clock.now()
        stranger.save(
            f"exact:{ExactHost(simulator.base_url).name}:{simulator.client_id}",
            {
                "access_token": "not-a-token",
                "refresh_token": "not-a-token",
                "issued_at": now - 900,
                "expires_at": now - 300,
                "host": simulator.base_url,
            },
        )
        return make_adapter(
            simulator, tmp_path / "stranger", clock, vault=stranger, client_secret="wrong"
        )

    return ContractPair(
        adapter=adapter,
        simulator=simulator,
        change_invoices=simulator.change_invoices,
        pay_invoice=simulator.pay_invoice,
        request_count=simulator.request_count,
        close=close,
        bad_credentials=bad_credentials,
    )


class MemoryStore:
    """Just enough of the connector's store for adapter tests: records, versions and bookmarks per
    stream, each batch applied with its bookmark as one step (as the real store commits them)."""

    def __init__(self) -> None:
        self.records: dict[Stream, dict[str, Any]] = {s: {} for s in Stream}
        self.bookmarks: dict[Stream, str | None] = {s: None for s in Stream}

    def state(self, stream: Stream) -> StreamState:
        versions = {host_id: r.version for host_id, r in self.records[stream].items()}
        return StreamState(bookmark=self.bookmarks[stream], known_versions=versions)

    def pull(
        self, adapter: ExactOnlineAdapter, stream: Stream, *, stop_after: int | None = None
    ) -> PullResult:
        result = PullResult()
        for taken, batch in enumerate(adapter.pull(stream, self.state(stream)), start=1):
            for record in batch.upserts:
                self.records[stream][record.host_id] = record
                result.upserts[record.host_id] = record
            for host_id in batch.removed_ids:
                self.records[stream].pop(host_id, None)
                result.removed.add(host_id)
            if batch.bookmark is not None:
                self.bookmarks[stream] = batch.bookmark
            result.batches += 1
            if stop_after is not None and taken == stop_after:
                break
        return result


@dataclass
class PullResult:
    upserts: dict[str, Any] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    batches: int = 0
