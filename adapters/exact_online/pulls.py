"""The three read streams over Exact's sync endpoints, resumable page by page.

Exact's own rule for a first sync is "filter on Timestamp greater than 1", and its sync
endpoints give 1,000 rows per call, so a pull costs ⌈changed rows / 1000⌉ calls plus a few
constant ones (division check, `sync/Deleted`). For receivables the first pass therefore
reads the whole payment-term history once (matched terms and payables included: the server
filters on nothing but Timestamp): `bulk/` rows carry no Timestamp, and Exact's
`SyncTimestamp` function does not serve PaymentTerms, so no cheaper start of the chain
exists. `bulk/Cashflow/Receivables` (IDs of open items only) is the snapshot where one is
the right tool: to find receivables that left the open set while the deletion log could have
lost track (interrupted first sync, bookmark older than two months).

Customer bank accounts have no sync or bulk endpoint: `crm/BankAccounts` gives 60 rows a
call. A first pass reads them all; later passes read those modified since the last one, plus
the bank accounts of changed customers, as many GUIDs per filter as fit in Exact's URL limit.
Bank lines are a snapshot too: the lines still on a bank journal's suspense account (60 a
call, bounded by what is not yet processed in Exact, not by the history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from adapters.base import Batch, Stream, StreamState
from adapters.exact_online import mapping
from adapters.exact_online.bookmarks import SyncBookmark
from adapters.exact_online.client import NORMAL_PAGE, ExactClient
from adapters.exact_online.odata import datetime_literal, guid_literal, parse_wall_time, wall_iso
from connector.clock import Clock
from connector.records import Contact

FILTER_CHARS = 4500  # of Exact's 6,000-character URL limit; the rest is host, path and $select
ENTITY_ACCOUNTS = 2
ENTITY_PAYMENT_TERMS = 10
ENTITY_BANK_ACCOUNTS = 48
BANK_JOURNAL = 12
CONNECTOR_MARK = "[connector:"
BANK_OVERLAP = timedelta(minutes=5)


def any_guid(field: str, ids: Iterable[str]) -> str:
    return " or ".join(f"{field} eq {guid_literal(i)}" for i in ids)


def guids_per_filter(field: str) -> int:
    """How many `field eq guid'…' or …` terms fit in FILTER_CHARS once URL-encoded (~75)."""
    return max(1, FILTER_CHARS // len(quote_plus(f" or {field} eq guid'{'0' * 36}'")))


def _chunks(
    field: str, ids: Sequence[str], rows_per_id: Mapping[str, int] | None = None
) -> Iterator[Sequence[str]]:
    """Runs of ids for one filter each: as many as fit in the URL, but no more than one page of
    rows is expected (`rows_per_id`, default 1), since a second page costs a call as well."""
    limit, run, rows = guids_per_filter(field), [], 0
    for host_id in ids:
        weight = 1 if rows_per_id is None else rows_per_id.get(host_id.lower(), 1)
        if run and (len(run) == limit or rows + weight > NORMAL_PAGE):
            yield run
            run, rows = [], 0
        run.append(host_id)
        rows += weight
    if run:
        yield run


def _max_ts(rows: Sequence[Mapping[str, Any]], current: int) -> int:
    return max([current, *(int(r["Timestamp"]) for r in rows if r.get("Timestamp") is not None)])


class ExactPulls:
    """Reads for one division; `division_move` returns the division's DivisionMoveDate (cached)."""

    def __init__(self, client: ExactClient, clock: Clock, division_move: Callable[[], str]) -> None:
        self.client = client
        self.clock = clock
        self.division_move = division_move

    def _start(self, state: StreamState) -> tuple[SyncBookmark, bool]:
        move = self.division_move()
        mark = SyncBookmark.parse(state.bookmark, self.client.division)
        if mark is None or mark.move != move:
            return SyncBookmark(self.client.division, move=move), True
        return mark, False

    def _deleted(self, since: int) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        for page in self.client.pages(
            "sync/Deleted", select=mapping.DELETED_FIELDS, filter=f"Timestamp gt {since}L"
        ):
            rows.extend(page)
        return rows, _max_ts(rows, since)

    # -- invoices: open receivable payment terms -------------------------------------------

    def invoices(self, state: StreamState) -> Iterator[Batch]:
        now = self.clock.now()
        mark, full = self._start(state)
        check = mark.check or mark.stale(now)
        known = state.known_versions
        open_seen: set[str] = set()
        gone: set[str] = set()
        for rows in self.client.pages(
            "sync/Cashflow/PaymentTerms",
            select=mapping.TERM_FIELDS,
            filter=f"Timestamp gt {mark.ts}L",
        ):
            upserts, removed = [], []
            for row in rows:
                if not mapping.is_receivable(row):
                    continue
                host_id = str(row["ID"]).lower()
                if mapping.is_open_term(row):
                    open_seen.add(host_id)
                    invoice = mapping.invoice_from_term(row)
                    if known.get(host_id) != invoice.version:
                        upserts.append(invoice)
                elif host_id in known:
                    removed.append(host_id)
                    gone.add(host_id)
            mark = mark.but(ts=_max_ts(rows, mark.ts), check=check or full)
            yield Batch(
                Stream.INVOICES,
                upserts=tuple(upserts),
                removed_ids=tuple(removed),
                bookmark=mark.dump(),
            )
        deleted, deleted_ts = self._deleted(mark.deleted_ts)
        removed = [
            str(r["EntityKey"]).lower()
            for r in deleted
            if int(r.get("EntityType") or 0) == ENTITY_PAYMENT_TERMS
        ]
        removed = [h for h in removed if (h in known or h in open_seen) and h not in gone]
        gone.update(removed)
        open_seen.difference_update(removed)
        if full:
            removed += [h for h in known if h not in open_seen and h not in gone]
        elif check:
            still_open = self._open_receivable_ids()
            removed += [
                h for h in known if h not in still_open and h not in open_seen and h not in gone
            ]
        mark = mark.but(deleted_ts=deleted_ts, check=False, pulled_at=now)
        yield Batch(
            Stream.INVOICES, removed_ids=tuple(dict.fromkeys(removed)), bookmark=mark.dump()
        )

    def _open_receivable_ids(self) -> set[str]:
        """IDs of every open receivable, from the bulk endpoint (1,000 per call, ID column only)."""
        ids: set[str] = set()
        for page in self.client.pages(
            "bulk/Cashflow/Receivables", select=("ID",), filter="Status lt 50"
        ):
            ids.update(str(r["ID"]).lower() for r in page)
        return ids

    # -- contacts: accounts with their bank accounts ---------------------------------------

    def contacts(self, state: StreamState) -> Iterator[Batch]:
        now = self.clock.now()
        mark, full = self._start(state)
        known = state.known_versions
        if full:
            bank_rows = self.client.rows("crm/BankAccounts", select=mapping.BANK_ACCOUNT_FIELDS)
        else:
            since = datetime.fromisoformat(mark.bank_modified) if mark.bank_modified else None
            bank_filter = f"Modified ge {datetime_literal(since - BANK_OVERLAP)}" if since else None
            bank_rows = self.client.rows(
                "crm/BankAccounts", select=mapping.BANK_ACCOUNT_FIELDS, filter=bank_filter
            )
        bank_watermark = max(
            [mark.bank_modified, *(self._wall(b.get("Modified")) for b in bank_rows)]
        )
        all_banks = _by_account(bank_rows) if full else None
        marks = _bank_marks(known)
        bank_counts = {h: len(own) for h, own in marks.items()}  # rows a bank filter will return
        emitted: set[str] = set()
        for rows in self.client.pages(
            "sync/CRM/Accounts", select=mapping.ACCOUNT_FIELDS, filter=f"Timestamp gt {mark.ts}L"
        ):
            banks = (
                all_banks
                if all_banks is not None
                else self._banks_of([str(r["ID"]) for r in rows], bank_counts)
            )
            contacts = [
                mapping.contact_from_row(r, banks.get(str(r["ID"]).lower(), ())) for r in rows
            ]
            emitted.update(c.host_id for c in contacts)
            mark = mark.but(ts=_max_ts(rows, mark.ts))
            yield Batch(
                Stream.CONTACTS,
                upserts=tuple(c for c in contacts if known.get(c.host_id) != c.version),
                bookmark=mark.dump(),
            )
        deleted, deleted_ts = self._deleted(mark.deleted_ts)
        removed = {
            str(r["EntityKey"]).lower()
            for r in deleted
            if int(r.get("EntityType") or 0) == ENTITY_ACCOUNTS
        }
        removed = {h for h in removed if h in known or h in emitted}
        seen = {m for own in marks.values() for m in own}  # the overlap re-reads known ones
        changed = [b for b in bank_rows if mapping.bank_mark(b) not in seen]
        refresh = {str(b["Account"]).lower() for b in changed if b.get("Account")}
        touched = {str(b["ID"]).lower()[:8] for b in changed}
        touched |= {
            str(r["EntityKey"]).lower()[:8]
            for r in deleted
            if int(r.get("EntityType") or 0) == ENTITY_BANK_ACCOUNTS
        }
        refresh |= _owners_of(touched, marks)  # also the previous owner of a moved bank account
        refresh -= emitted | removed
        upserts = [
            c
            for c in self._contacts_by_id(sorted(refresh), bank_counts)
            if known.get(c.host_id) != c.version
        ]
        if full:
            removed |= {h for h in known if h not in emitted}
        mark = mark.but(deleted_ts=deleted_ts, bank_modified=bank_watermark, pulled_at=now)
        yield Batch(
            Stream.CONTACTS,
            upserts=tuple(upserts),
            removed_ids=tuple(sorted(removed)),
            bookmark=mark.dump(),
        )

    @staticmethod
    def _wall(value: Any) -> str:
        moment = parse_wall_time(value)
        return wall_iso(moment) if moment else ""

    def _banks_of(
        self, account_ids: Sequence[str], bank_counts: Mapping[str, int]
    ) -> dict[str, list[dict[str, Any]]]:
        rows: list[dict[str, Any]] = []
        for chunk in _chunks("Account", account_ids, bank_counts):
            rows += self.client.rows(
                "crm/BankAccounts",
                select=mapping.BANK_ACCOUNT_FIELDS,
                filter=any_guid("Account", chunk),
            )
        return _by_account(rows)

    def _contacts_by_id(
        self, account_ids: Sequence[str], bank_counts: Mapping[str, int]
    ) -> list[Contact]:
        if not account_ids:
            return []
        rows: list[dict[str, Any]] = []
        for chunk in _chunks("ID", account_ids):
            rows += self.client.rows(
                "crm/Accounts", select=mapping.ACCOUNT_PLAIN_FIELDS, filter=any_guid("ID", chunk)
            )
        banks = self._banks_of([str(r["ID"]) for r in rows], bank_counts)
        return [mapping.contact_from_row(r, banks.get(str(r["ID"]).lower(), ())) for r in rows]

    # -- mutations: bank lines still on a bank journal's suspense account ------------------

    def bank_journals(self) -> list[dict[str, Any]]:
        return self.client.rows(
            "financial/Journals", select=mapping.JOURNAL_FIELDS, filter=f"Type eq {BANK_JOURNAL}"
        )

    def mutations(self, state: StreamState) -> Iterator[Batch]:
        journals = [j for j in self.bank_journals() if j.get("GLAccount")]
        currency = {str(j["GLAccount"]).lower(): str(j.get("Currency") or "EUR") for j in journals}
        known = state.known_versions
        current: dict[str, Any] = {}
        settled: set[str] = set()
        if currency:
            suspense = any_guid("GLAccount", sorted(currency))
            for rows in self.client.pages(
                "financialtransaction/BankEntryLines",
                select=mapping.BANK_LINE_FIELDS,
                filter=suspense,
            ):
                for row in rows:
                    notes = str(row.get("Notes") or "")
                    if CONNECTOR_MARK in notes:  # our own transfer off the suspense account
                        settled.update(_mentioned_mutations(notes))
                        continue
                    mutation = mapping.mutation_from_line(
                        row, currency=currency[str(row["GLAccount"]).lower()]
                    )
                    current[mutation.host_id] = mutation
        open_lines = {h: m for h, m in current.items() if h not in settled}
        upserts = tuple(m for h, m in open_lines.items() if known.get(h) != m.version)
        removed = tuple(h for h in known if h not in open_lines)
        bookmark = SyncBookmark(self.client.division, pulled_at=self.clock.now()).dump()
        yield Batch(Stream.MUTATIONS, upserts=upserts, removed_ids=removed, bookmark=bookmark)


def _by_account(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get("Account"):
            grouped[str(row["Account"]).lower()].append(dict(row))
    return grouped


def _bank_marks(known: Mapping[str, str]) -> dict[str, list[str]]:
    """Per stored contact, the `bank_mark`s of its bank accounts (kept in its version)."""
    return {h: [m for m in v.partition("|ba:")[2].split(",") if m] for h, v in known.items()}


def _owners_of(bank_ids: set[str], marks: Mapping[str, list[str]]) -> set[str]:
    """Contacts that had one of these bank accounts (short ids) when last stored."""
    return {h for h, own in marks.items() if bank_ids.intersection(m[:8] for m in own)}


def _mentioned_mutations(notes: str) -> set[str]:
    """`… mutation:<line id>` in the notes of a transfer line we booked."""
    return {
        part.split(":", 1)[1].strip().lower()
        for part in notes.split()
        if part.startswith("mutation:")
    }
