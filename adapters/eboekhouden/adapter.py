"""The e-Boekhouden adapter: open debtor invoices and their relations over REST v1.

What e-Boekhouden's API allows, and so what this adapter offers:
- contacts: relations with open invoices. The relation list only has id/type/code, so
  details are read one by one, then kept in the store (versions) and re-read only when
  the list shows a new type or code, or when the refresh period has passed.
- invoices: `/v1/mutation/invoice/outstanding` (credDeb=D), which lacks due dates: the
  term is found once per invoice (see terms.py) and kept in the invoice's version.
- mutations: nothing. The API exposes booked mutations only, without counterparty or
  bank text; imported-but-unprocessed bank lines are not reachable. Bank lines come from
  the statement files the user imports into the connector.
- sales per day (the history before the first sync): the mutation list, type 2.
- reminders: e-Boekhouden has no API to send them; the connector mails them itself and
  attaches the PDF from `invoice_pdf`.
- payments: only with the `book_payments` switch (see payments.py for why it is off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from adapters.base import (
    Adapter,
    Batch,
    Capabilities,
    ConnectionInfo,
    PaymentBooking,
    Stream,
    StreamState,
    WriteReceipt,
)
from adapters.eboekhouden.client import (
    DEFAULT_BASE_URL,
    DEFAULT_SOURCE,
    INVOICE_SENT,
    MAX_PAGE_SIZE,
    EboekhoudenClient,
)
from adapters.eboekhouden.mapping import (
    InvoiceVersion,
    RelationVersion,
    contact_from_relation,
    due_date,
    invoice_from_item,
    invoice_signature,
    parse_date,
)
from adapters.eboekhouden.payments import PaymentBooker
from adapters.eboekhouden.terms import TermFinder
from adapters.invoiced import totals_per_day
from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ApiError, NotFound, token_hint
from connector.money import D
from connector.records import Package

BATCH_SIZE = 500
DEFAULT_TERM_DAYS = 30
DEFAULT_REFRESH_DAYS = 7


class EboekhoudenAdapter(Adapter):
    """One e-Boekhouden administration (one API token is bound to exactly one)."""

    package: ClassVar[Package] = Package.EBOEKHOUDEN
    capabilities: ClassVar[Capabilities] = Capabilities(
        sends_reminders=False, books_payments=False, unbooked_bank_lines=False,
        bank_counterparty=False, records_notes=False, payment_links=False, host_reminder_workflow=False,
    )
    streams: ClassVar[tuple[Stream, ...]] = (Stream.CONTACTS, Stream.INVOICES)

    def __init__(
        self,
        *,
        api_token: str,
        base_url: str = DEFAULT_BASE_URL,
        source: str = DEFAULT_SOURCE,
        administration_name: str = "e-Boekhouden",
        clock: Clock = SYSTEM_CLOCK,
        book_payments: bool = False,
        bank_ledger_code: str = "",
        debtor_ledger_code: str = "",
        default_term_days: int = DEFAULT_TERM_DAYS,
        relation_refresh_days: int = DEFAULT_REFRESH_DAYS,
        page_size: int = MAX_PAGE_SIZE,
        client: EboekhoudenClient | None = None,
        refused_hint: str = "",
    ) -> None:
        self.clock = clock
        self.client = client or EboekhoudenClient(
            api_token=api_token, base_url=base_url, source=source, clock=clock, page_size=page_size,
            refused_hint=refused_hint,
        )
        self.administration_name = administration_name
        self.default_term_days = default_term_days
        self.relation_refresh_days = relation_refresh_days
        self.book_payments = book_payments
        self.booker = (
            PaymentBooker(self.client, bank_ledger_code=bank_ledger_code, debtor_ledger_code=debtor_ledger_code,
                          invoice_lookup=self._invoice_identity)
            if book_payments else None
        )
        if book_payments:  # the one capability that depends on the administration's settings
            self.capabilities = Capabilities(books_payments=True)  # type: ignore[misc]
        self._identities: dict[str, tuple[str, str]] = {}  # mutation id -> (invoice number, relation id)
        self._pdf_links: dict[str, str] = {}  # invoice number -> urlPdfFile
        self._relation_terms: dict[int, int | None] = {}

    # -- reads ----------------------------------------------------------------------------
    def pull(self, stream: Stream, state: StreamState) -> Iterator[Batch]:
        if stream is Stream.CONTACTS:
            return self._pull_contacts(state)
        if stream is Stream.INVOICES:
            return self._pull_invoices(state)
        return iter(())  # no unbooked bank lines in e-Boekhouden's API: they come from statement files

    def _pull_invoices(self, state: StreamState) -> Iterator[Batch]:
        listed = self._outstanding()
        unchanged_due: list[Any] = []
        new: list[dict[str, Any]] = []
        for mutation_id, item in listed.items():
            known = InvoiceVersion.decode(state.known_versions.get(mutation_id))
            signature = invoice_signature(item)
            if known is not None and known.signature == signature:
                continue
            if known is not None and known.due is not None and known.invoice_date == signature.split("|", 1)[0]:
                unchanged_due.append(invoice_from_item(item, known.due))
            else:
                new.append(item)
        for start in range(0, len(unchanged_due), BATCH_SIZE):
            yield Batch(Stream.INVOICES, upserts=tuple(unchanged_due[start:start + BATCH_SIZE]))
        finder = TermFinder(self.client, default_term_days=self.default_term_days,
                            relation_terms=self._relation_terms, pdf_links=self._pdf_links)
        finder.prepare(new)
        for start in range(0, len(new), BATCH_SIZE):
            chunk = new[start:start + BATCH_SIZE]
            upserts = tuple(
                invoice_from_item(item, due_date(parse_date(item.get("date"), "invoice date"), finder.term(item)))
                for item in chunk
            )
            yield Batch(Stream.INVOICES, upserts=upserts)
        gone = [host_id for host_id in state.known_versions if host_id not in listed]
        removed = self._confirm_paid(gone, state.known_versions, listed)
        yield Batch(Stream.INVOICES, removed_ids=tuple(removed), bookmark=self._bookmark())

    def _outstanding(self) -> dict[str, dict[str, Any]]:
        """All open debtor items by mutation id (a row seen twice after a shifted page counts once)."""
        listed: dict[str, dict[str, Any]] = {}
        for page in self.client.outstanding_invoices():
            for item in page:
                if item.get("mutationId") not in (None, ""):
                    listed.setdefault(str(item["mutationId"]), item)
        self._identities.update({
            key: (str(item.get("invoiceNumber") or ""), str(item.get("relationId") or ""))
            for key, item in listed.items()
        })
        return listed

    def _confirm_paid(self, gone: list[str], known: Mapping[str, str], listed: Mapping[str, Any]) -> list[str]:
        """An invoice missing from the list was paid, unless offset paging skipped it because the
        list shifted while we read it: check each by number, or re-read the list when cheaper."""
        if not gone:
            return []
        pages = len(listed) // self.client.page_size + 1
        if len(gone) > pages:
            again = self._outstanding()
            return [host_id for host_id in gone if host_id not in again]
        removed = []
        for host_id in gone:
            version = InvoiceVersion.decode(known.get(host_id))
            number = version.number if version else ""
            if not number or not any(
                str(item.get("mutationId")) == host_id for item in self.client.outstanding_by_number(number)
            ):
                removed.append(host_id)
        return removed

    def _pull_contacts(self, state: StreamState) -> Iterator[Batch]:
        today = self._today()
        debtors = list(dict.fromkeys(
            int(item["relationId"]) for item in self._outstanding().values() if item.get("relationId")
        ))
        listed: dict[int, tuple[str, str]] = {}
        for page in self.client.relations():
            for item in page:
                listed[int(item["id"])] = (str(item.get("type") or "").upper(), str(item.get("code") or ""))
        known = {int(key): RelationVersion.decode(value)
                 for key, value in state.known_versions.items() if key.isdigit()}
        open_set = set(debtors)
        wanted = [rid for rid in debtors if self._needs_detail(rid, known, listed, today, open_items=True)]
        wanted += [rid for rid in known if rid not in open_set
                   and self._needs_detail(rid, known, listed, today, open_items=False)]
        removed: list[str] = []
        for start in range(0, len(wanted), BATCH_SIZE // 2):
            upserts = []
            for rid in wanted[start:start + BATCH_SIZE // 2]:
                try:
                    relation = self.client.relation(rid)
                except NotFound:
                    if rid in known:
                        removed.append(str(rid))
                    continue
                term = relation.get("termOfPayment")
                self._relation_terms[rid] = int(term) if term not in (None, "") else None
                upserts.append(contact_from_relation(relation, fetched=today))
            yield Batch(Stream.CONTACTS, upserts=tuple(upserts))
        for rid in known:
            if rid not in listed and str(rid) not in removed and rid not in wanted:
                try:  # the list may have shifted while paging; only a 404 proves deletion
                    self.client.relation(rid)
                except NotFound:
                    removed.append(str(rid))
        yield Batch(Stream.CONTACTS, removed_ids=tuple(removed), bookmark=self._bookmark())

    def _needs_detail(self, rid: int, known: Mapping[int, RelationVersion | None],
                      listed: Mapping[int, tuple[str, str]], today: date, *, open_items: bool) -> bool:
        version = known.get(rid)
        if version is None:
            return open_items
        if rid in listed and listed[rid] != (version.type, version.code):
            return True
        return open_items and version.refresh_due(rid, today, self.relation_refresh_days)

    def invoiced_per_day(self, start: date, end: date) -> dict[date, Decimal]:
        """Booked sales invoices per date, from the mutation list (type 2), 2000 a call.

        Not from the invoice list (`GET /v1/invoice`): that holds only the invoicing module's
        documents, so it misses invoices booked as plain mutations and includes concepts that
        were never booked. The list item's `amount` is taken as the total incl. VAT, negative
        for a credit note; the spec does not say [unconfirmed].
        """
        return totals_per_day((
            (parse_date(item.get("date"), "mutation date"), D(item.get("amount")))
            for page in self.client.sales_mutations(start.isoformat(), end.isoformat())
            for item in page
            if int(item.get("type") or INVOICE_SENT) == INVOICE_SENT
        ), start, end)

    # -- documents ------------------------------------------------------------------------
    def invoice_pdf(self, invoice_id: str) -> bytes:
        """The invoice PDF (from its shareable `urlPdfFile`) to attach to a reminder.

        Raises NotFound for invoices booked as a plain mutation: only invoices made in
        e-Boekhouden's invoicing module have a PDF.
        """
        number, _ = self._invoice_identity(invoice_id)
        link = self._pdf_links.get(number)
        if not link:
            documents = [doc for doc in self.client.invoices_by_number(number)
                         if str(doc.get("invoiceNumber")) == number]
            if documents:
                link = documents[0].get("urlPdfFile") or self.client.invoice(documents[0]["id"]).get("urlPdfFile")
        if not link:
            raise NotFound(f"e-Boekhouden: invoice {number} was booked without the invoicing module, "
                           f"so e-Boekhouden has no PDF of it", status=404)
        self._pdf_links[number] = str(link)
        data = self.client.download(str(link))
        if not data.startswith(b"%PDF"):
            raise ApiError(f"e-Boekhouden: the PDF link of invoice {number} did not return a PDF")
        return data

    def _invoice_identity(self, invoice_id: str) -> tuple[str, str]:
        """(invoice number, relation id) of an invoice mutation."""
        known = self._identities.get(str(invoice_id))
        if known and known[0] and known[1]:
            return known
        detail = self.client.mutation(invoice_id)
        number = str(detail.get("invoiceNumber") or "")
        if not number:
            raise NotFound(f"e-Boekhouden: mutation {invoice_id} has no invoice number", status=404)
        self._identities[str(invoice_id)] = (number, str(detail.get("relationId") or ""))
        return self._identities[str(invoice_id)]

    # -- writes ---------------------------------------------------------------------------
    def register_payment(self, booking: PaymentBooking, idempotency_key: str) -> WriteReceipt:
        if self.booker is None:
            raise NotImplementedError(
                "e-Boekhouden: booking payments is off for this administration (setting `book_payments`); "
                "book the bank line in e-Boekhouden instead"
            )
        return self.booker.book(booking, idempotency_key)

    def was_applied(self, kind: str, payload: Mapping[str, object], idempotency_key: str) -> bool | None:
        if kind == "payment" and self.booker is not None:
            return self.booker.was_booked(payload, idempotency_key)
        return None

    # -- session --------------------------------------------------------------------------
    def check_connection(self) -> ConnectionInfo:
        debtor_ledgers = self.client.ledgers(category="DEB")
        warnings: list[str] = []
        if not debtor_ledgers:
            warnings.append("no debtor ledger (category DEB) found: are sales invoices booked here?")
        if self.booker is not None:
            self.booker.ledgers()
            warnings.append("book_payments is on: do not also process these payments from the bank "
                            "import in e-Boekhouden, or they are booked twice")
        return ConnectionInfo(
            administration_name=self.administration_name,
            detail=f"API token accepted at {self.client.http.base_url}",
            warnings=tuple(warnings),
        )

    def close(self) -> None:
        self.client.close()

    def _today(self) -> date:
        return datetime.fromtimestamp(self.clock.now(), tz=UTC).date()

    def _bookmark(self) -> str:
        return "synced " + datetime.fromtimestamp(self.clock.now(), tz=UTC).isoformat(timespec="seconds")


def build_adapter(settings: Mapping[str, Any], *, secret: Callable[[str], str], clock: Clock,
                  state_dir: Path | None = None, admin_key: str = "ADMIN") -> EboekhoudenAdapter:
    """The adapter for one administration's `eboekhouden` config section.

    Keys read (all optional but the secret):
        api_token_secret: name of the stored secret holding the API token (default "api_token").
        base_url: https://api.e-boekhouden.nl (default), .be for Belgian accounts, or a simulator.
        source: the integration code sent when opening a session, 1-10 characters (default "Debiteuren").
        name: the administration's display name (the API has no call that returns it).
        book_payments: book matched payments as type 3 mutations (default false; see payments.py).
        bank_ledger_code / debtor_ledger_code: ledgers for those bookings (bank required when on).
        default_term_days: term for invoices without any (default 30, art. 6:119a BW).
        relation_refresh_days: re-read a debtor's details after this many days (default 7).

    `admin_key` is the config's key, named in the message when the token is refused.
    """
    del state_dir  # no lock files: a session token is cheap to open again
    secret_name = str(settings.get("api_token_secret") or "api_token")
    return EboekhoudenAdapter(
        api_token=secret(secret_name),
        refused_hint=token_hint(admin_key, secret_name),
        base_url=str(settings.get("base_url") or DEFAULT_BASE_URL),
        source=str(settings.get("source") or DEFAULT_SOURCE),
        administration_name=str(settings.get("name") or "e-Boekhouden"),
        clock=clock,
        book_payments=_flag(settings.get("book_payments", False)),
        bank_ledger_code=str(settings.get("bank_ledger_code") or ""),
        debtor_ledger_code=str(settings.get("debtor_ledger_code") or ""),
        default_term_days=int(settings.get("default_term_days", DEFAULT_TERM_DAYS)),
        relation_refresh_days=int(settings.get("relation_refresh_days", DEFAULT_REFRESH_DAYS)),
    )


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "ja")
    return bool(value)
