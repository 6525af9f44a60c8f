"""Per-payment decisions: which rules apply, in which order (the reference implementation).

`fastpath` and `fastpath_short` do the common cases (a quoted invoice paid exactly or
short, several listed invoices paid exactly, a known IBAN paying the customer's only
invoice of that amount, an unknown account with nothing in the description) for whole
arrays at once and must reach the same verdicts (tests/test_reconcile_fastpath.py);
every other payment comes through `PaymentDecider.decide`.
"""

from __future__ import annotations

import numpy as np

from connector.reconcile.allocate import SUGGESTED, Collector
from connector.reconcile.classify import classify
from connector.reconcile.context import SEVERAL_CONTACTS, Context
from connector.reconcile.decide_customer import CustomerEvidence
from connector.reconcile.decide_strong import StrongEvidence
from connector.reconcile.evidence import SHORT, STRONG_KINDS, TAIL_HIT, TYPO, Hits
from connector.reconcile.model import RULE_SHORT_NUMBER, RULE_TYPO
from connector.reconcile.rulebook import Hit, eur, key_words, shortfall, unique_invoices


class PaymentDecider(StrongEvidence, CustomerEvidence):
    """Runs the rules for one payment at a time; results go to a `Collector`."""

    def __init__(self, ctx: Context, hits: Hits, out: Collector) -> None:
        self.ctx = ctx
        self.out = out
        order = np.argsort(hits.mut, kind="stable")
        self.hits = hits.select(order)
        self.bounds = np.searchsorted(self.hits.mut, np.arange(ctx.n_mutations + 1))

    # -- evidence -------------------------------------------------------------------
    def hits_of(self, row: int) -> list[Hit]:
        lo, hi = self.bounds[row], self.bounds[row + 1]
        h = self.hits
        raw = self.ctx.buffer.raw
        out = []
        for i in range(lo, hi):
            start, end = int(h.start[i]), int(h.end[i])
            quoted = raw[start:end].decode("latin-1") if start >= 0 else ""
            out.append(
                Hit(int(h.inv[i]), int(h.kind[i]), bool(h.labelled[i]), quoted, str(h.note[i]))
            )
        out.sort(key=lambda x: (-x.kind, self.ctx.inv_due[x.inv], x.inv))
        return out

    def psp(self, row: int) -> str:
        return str(self.ctx.screening.psp[row])

    # -- entry ----------------------------------------------------------------------
    def decide_many(self, rows: np.ndarray) -> None:
        """`decide` for each of `rows`; the words the money screening needs are looked up
        for all of them at once first."""
        self.ctx.screening.other_words(rows)
        self.ctx.screening.payout_hint(rows)
        for row in rows.tolist():
            self.decide(row)

    def decide(self, row: int) -> None:
        ctx, out = self.ctx, self.out
        amount = int(ctx.mut_amount[row])
        hits = self.hits_of(row)
        strong = [h for h in hits if h.kind in STRONG_KINDS]
        strong_open = unique_invoices([h for h in strong if ctx.remaining[h.inv] > 0])
        strong_closed = unique_invoices(
            [h for h in strong if ctx.remaining[h.inv] <= 0 < ctx.inv_total[h.inv]]
        )
        if strong_open:
            # credit notes listed with invoices ("2026-0041 minus creditnota 2026-0050") count along
            credits = unique_invoices([h for h in strong if ctx.remaining[h.inv] < 0])
            if self._strong(row, amount, strong_open + credits, hits):
                return
        # The description does not (fully) explain the payment: is it money from a customer at all?
        screening = ctx.screening
        verdict = classify(
            str(ctx.mut_name[row]),
            ctx.description(row),
            known_customer=ctx.mut_contact[row] >= 0,
            own_account=bool(ctx.mut_own_account[row]),
            psp=str(screening.psp[row]),
            payout_text=screening.payout_text(row),
            maybe_other=screening.maybe_other(row),
        )
        if verdict is not None:
            out.discard(row)  # a look-alike number in a payout or tax refund says nothing
            out.flag(row, verdict.kind, verdict.reason, amount)
            return
        for h in strong_closed:
            out.flag(
                row,
                "overpayment",
                f"{key_words(ctx, h)}, but that invoice is already paid: this looks like a double "
                f"payment of {eur(amount)} (refund it or agree to settle it with a later invoice).",
                amount,
                h.inv,
            )
        weak = [h for h in hits if h.kind not in STRONG_KINDS]
        self._weak(row, amount, weak)
        contact = int(ctx.mut_contact[row])
        may_auto = (
            not strong_open
            and not strong_closed
            and not self._weak_conflict(row, amount, weak, contact)
        )
        # A quoted invoice that is already paid explains the payment as a double payment;
        # only an exact fit elsewhere is still worth showing.
        exact_only = bool(strong_closed)
        if contact >= 0:
            self._customer(row, amount, contact, may_auto=may_auto, exact_only=exact_only)
        elif contact == SEVERAL_CONTACTS:
            for shared in ctx.contacts_of_iban(str(ctx.mut_iban[row])):
                self._customer(row, amount, shared, may_auto=False, exact_only=True)
        elif not (may_auto and self._name_number_amount(row, amount, weak)):
            self._by_name(row, amount, exact_only=exact_only)
        if not exact_only:
            self._amount_only(row, amount)

    # -- strong evidence --------------------------------------------------------------
    def _weak(self, row: int, amount: int, weak: list[Hit]) -> None:
        ctx, out = self.ctx, self.out
        payer = int(ctx.mut_contact[row])
        seen: set[int] = set()
        short_count = sum(1 for h in weak if h.kind == SHORT) or 1
        for h in weak:
            if h.inv in seen:
                continue
            seen.add(h.inv)
            open_cents = int(ctx.remaining[h.inv])
            if open_cents <= 0:
                continue
            same = payer >= 0 and payer == ctx.inv_contact[h.inv]
            number = ctx.inv_number[h.inv]
            if amount == open_cents:
                fit, relation, part = (
                    1.0,
                    f"the amount equals the open amount {eur(open_cents)}",
                    amount,
                )
            elif shortfall(amount, open_cents, ctx):
                fit, relation = (
                    0.85,
                    (
                        f"the payment is {eur(open_cents - amount)} short "
                        f"({shortfall(amount, open_cents, ctx)})"
                    ),
                )
                part = amount
            elif same:
                fit = 0.5
                part = min(amount, open_cents)
                relation = f"it is an open invoice of this customer ({eur(open_cents)} open)"
            else:
                continue
            if h.kind == TYPO:
                written = f"'{h.quoted}'" if h.quoted else "a reference"
                conf, rule = 0.8 * fit, RULE_TYPO
                what = (
                    f"The description has {written}, which matches no invoice; invoice {number} "
                    f"(reference {ctx.inv_reference[h.inv] or number}) is the same with "
                    f"{h.note}; {relation}."
                )
            elif h.kind == SHORT:
                conf, rule = 0.6 * fit / short_count**0.5, RULE_SHORT_NUMBER
                what = (
                    f"The description's '{h.quoted}' fits invoice {number} but is short or "
                    "fits several "
                    f"invoices; {relation}."
                )
            else:
                conf, rule = 0.5 * fit, RULE_SHORT_NUMBER
                what = (
                    f"The description's '{h.quoted}' matches the end of invoice number "
                    f"{number}; {relation}."
                )
            if same:
                conf += 0.05
            out.add(
                row, h.inv, part, SUGGESTED, round(min(conf, 0.9), 3), rule, what, open_cents - part
            )

    def _weak_conflict(self, row: int, amount: int, weak: list[Hit], contact: int) -> bool:
        """A weak hit pointing at an invoice other than the one the account and amount pick:
        another invoice of the same customer, or another invoice with exactly this amount."""
        ctx = self.ctx
        exact = set()
        if contact >= 0:
            pool = self._pool(contact, int(ctx.mut_currency[row]))
            exact = set(pool[ctx.remaining[pool] == amount].tolist())
        for h in weak:
            if (
                ctx.remaining[h.inv] <= 0
                or h.inv in exact
                or (h.kind == TAIL_HIT and not h.labelled)
            ):
                continue
            if (contact >= 0 and ctx.inv_contact[h.inv] == contact) or ctx.remaining[
                h.inv
            ] == amount:
                return True
        return False

    # -- customer evidence ------------------------------------------------------------
    def _pool(self, contact: int, currency: int | None = None) -> np.ndarray:
        """The customer's invoices with something still free, oldest due first (credit notes
        too)."""
        rows = self.ctx.invoices_of(contact)
        keep = self.ctx.remaining[rows] != 0
        if currency is not None:
            keep &= self.ctx.inv_currency[rows] == currency
        return rows[keep]
