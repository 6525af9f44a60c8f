"""Bank-file run state in the store, written in one transaction with the bank lines it covers.

Why together: the state says how far each account's runs of statements got. Stored without
the lines, a re-import would restart where those lines never were; lines without the
state, and the next page would count from too early. Each account's row carries a revision:
an import that read an older one (another process imported meanwhile) stores nothing and is
told to read again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from connector.bankfiles.runs import AccountRuns, RunState, changed_accounts
from connector.records import BankMutation
from connector.store.schema import bank_file_runs, mutations
from connector.store.store import Store, StoreError, _chunks, _row

log = logging.getLogger("connector.store")


class RunStateConflict(StoreError):
    """Another import changed the run state since it was read; read it again and redo the file."""


@dataclass(frozen=True, slots=True)
class LoadedRuns:
    """The run state of an administration, and the revision of each stored row."""

    state: RunState = field(default_factory=RunState)
    revisions: Mapping[tuple[str, str], int] = field(default_factory=dict)


class BankFileRuns:
    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, admin: str) -> LoadedRuns:
        """The stored state; an unreadable row counts as empty (the file is then keyed on its own)."""
        accounts: dict[tuple[str, str], AccountRuns] = {}
        revisions: dict[tuple[str, str], int] = {}
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(bank_file_runs).where(bank_file_runs.c.admin == admin))
            for row in rows:
                key = (row.account, row.currency)
                revisions[key] = row.revision
                try:
                    accounts[key] = AccountRuns.from_data(row.state)
                except ValueError as error:
                    log.warning("bank-file run state of %s account %s unreadable, starting afresh: %s",
                                admin, row.account, error)
        return LoadedRuns(state=RunState(accounts=accounts), revisions=revisions)

    def add_mutations(self, admin: str, lines: Iterable[BankMutation], runs: RunState, loaded: LoadedRuns) -> int:
        """Store new bank lines (skipping known keys) and the run state after them, all or nothing.

        Returns how many lines were new; raises RunStateConflict when `loaded` is stale.
        """
        now = self.store.now()
        rows = [_row(admin, line, now) for line in lines]
        with self.store.engine.begin() as conn:
            for key, account in changed_accounts(loaded.state, runs):
                self._write(conn, admin, key, account, loaded.revisions.get(key), now)
            existing: set[str] = set()
            for chunk in _chunks([r["host_id"] for r in rows], 500):
                existing.update(conn.execute(sa.select(mutations.c.host_id).where(
                    mutations.c.admin == admin, mutations.c.host_id.in_(chunk))).scalars())
            new = [r for r in rows if r["host_id"] not in existing]
            if new:
                conn.execute(mutations.insert(), new)
        return len(new)

    @staticmethod
    def _write(conn: sa.Connection, admin: str, key: tuple[str, str], account: AccountRuns,
               revision: int | None, now: datetime) -> None:
        values = {"state": account.to_data(), "updated_at": now}
        if revision is None:
            try:
                conn.execute(bank_file_runs.insert().values(
                    admin=admin, account=key[0], currency=key[1], revision=1, **values))
            except sa.exc.IntegrityError:  # the transaction is rolled back as the error leaves it
                raise RunStateConflict(f"bank-file run state of {admin} changed meanwhile") from None
            return
        updated = conn.execute(bank_file_runs.update().where(
            bank_file_runs.c.admin == admin, bank_file_runs.c.account == key[0],
            bank_file_runs.c.currency == key[1], bank_file_runs.c.revision == revision,
        ).values(revision=revision + 1, **values)).rowcount
        if updated != 1:
            raise RunStateConflict(f"bank-file run state of {admin} changed meanwhile")
