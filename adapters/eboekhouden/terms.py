"""Payment terms for outstanding invoices, found with as few calls as the batch allows.

The outstanding list has no due date and no term (research/eboekhouden.md §2.3), so each
new invoice needs its `termOfPayment` from somewhere, in this order:

1. the invoicing module's list (`GET /v1/invoice`, 2000 a page, also gives the PDF link):
   used when many invoices are new, e.g. the first sync, where one page replaces up to
   2000 detail calls;
2. the invoice mutation (`GET /v1/mutation/{id}`): for invoices booked without the
   invoicing module, and for small batches where a few detail calls are cheaper than
   paging through every invoice in the date range;
3. the relation's own term (`GET /v1/relation/{id}`, usually already read by the
   contacts stream), the field being omitted when empty;
4. the administration's default (30 days: the statutory term of art. 6:119a BW).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from adapters.eboekhouden.client import EboekhoudenClient
from connector.errors import NotFound

BULK_THRESHOLD = 25  # more new invoices than this: read the invoice list instead of details


def _term(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TermFinder:
    """Resolves terms for one pull; remembers relation terms and PDF links for the adapter."""

    def __init__(
        self,
        client: EboekhoudenClient,
        *,
        default_term_days: int,
        relation_terms: MutableMapping[int, int | None],
        pdf_links: MutableMapping[str, str],
        bulk_threshold: int = BULK_THRESHOLD,
    ) -> None:
        self.client = client
        self.default_term_days = default_term_days
        self.relation_terms = relation_terms
        self.pdf_links = pdf_links
        self.bulk_threshold = bulk_threshold
        self._from_list: dict[str, tuple[int | None, int | None]] = {}

    def prepare(self, items: list[Mapping[str, Any]]) -> None:
        """Read the invoice list over the items' date range when that beats one call per item."""
        if len(items) <= self.bulk_threshold:
            return
        dates = sorted(str(item.get("date") or "")[:10] for item in items if item.get("date"))
        if not dates:
            return
        wanted = {str(item.get("invoiceNumber") or "") for item in items}
        for page in self.client.invoices(dates[0], dates[-1]):
            self._remember(page, wanted)

    def term(self, item: Mapping[str, Any]) -> int:
        number = str(item.get("invoiceNumber") or "")
        relation_id = _term(item.get("relationId"))
        listed = self._from_list.get(number)
        same_relation = listed is not None and listed[1] in (None, relation_id)
        if listed is not None and listed[0] is not None and (same_relation or relation_id is None):
            return listed[0]
        detail = self.client.mutation(item["mutationId"])
        term = _term(detail.get("termOfPayment"))
        if term is None and relation_id is not None:
            term = self._relation_term(relation_id)
        return self.default_term_days if term is None else term

    def _remember(self, page: Iterable[Mapping[str, Any]], wanted: set[str]) -> None:
        for invoice in page:
            number = str(invoice.get("invoiceNumber") or "")
            if number not in wanted:
                continue
            self._from_list[number] = (_term(invoice.get("termOfPayment")), _term(invoice.get("relationId")))
            if invoice.get("urlPdfFile"):
                self.pdf_links[number] = str(invoice["urlPdfFile"])

    def _relation_term(self, relation_id: int) -> int | None:
        if relation_id not in self.relation_terms:
            try:
                self.relation_terms[relation_id] = _term(self.client.relation(relation_id).get("termOfPayment"))
            except NotFound:
                self.relation_terms[relation_id] = None
        return self.relation_terms[relation_id]
