"""Rules for what the account, the name or the amount alone say about a payment.

Known account: the customer's only open invoice of exactly this amount is automatic when
no combination of their other invoices also makes it; everything the customer has open is
automatic when the amount is exactly that; otherwise suggestions (equal fees oldest first,
combinations, near-misses, part payments, or an overpayment flag). Name: a similar name
with an invoice of exactly this amount is a suggestion. Amount alone: only when unique.
"""

from __future__ import annotations

import numpy as np

from connector.reconcile.allocate import AUTO, SUGGESTED, Collector
from connector.reconcile.context import Context
from connector.reconcile.evidence import SHORT, TAIL_HIT
from connector.reconcile.frames import day_to_date
from connector.reconcile.model import (
    RULE_AMOUNT_ONLY,
    RULE_BALANCE,
    RULE_CONTACT_OPEN,
    RULE_IBAN_AMOUNT,
    RULE_NAME_AMOUNT,
    RULE_OVER,
    RULE_SHORT,
    RULE_SUBSET,
)
from connector.reconcile.names import name_similarity, word_keys
from connector.reconcile.rulebook import (
    CONF_BALANCE,
    CONF_IBAN,
    CONF_NAME_NUMBER,
    NAME_CERTAIN,
    ROUNDING_CENTS,
    Hit,
    eur,
    mentions_advance,
    months_named,
    shortfall,
)
from connector.reconcile.subsets import subsets_summing_to


class CustomerEvidence:
    """Mixed into `PaymentDecider`; uses its `ctx`, `out` and `_pool`."""

    ctx: Context
    out: Collector

    def _customer(
        self, row: int, amount: int, contact: int, *, may_auto: bool, exact_only: bool = False
    ) -> None:
        """Evidence from a known account: the customer's open invoices against the amount."""
        ctx, out = self.ctx, self.out
        pool = self._pool(contact, int(ctx.mut_currency[row]))
        pool = pool[ctx.inv_day[pool] <= ctx.mut_day[row]]  # not yet invoiced on the payment day
        if len(pool) == 0:
            return
        name = ctx.contact_names[contact] or ctx.contact_ids[contact]
        who = f"Paid from {ctx.mut_iban[row]}, a known account of {name}"
        positive = pool[ctx.remaining[pool] > 0]
        exact = positive[ctx.remaining[positive] == amount].tolist()
        rule = RULE_IBAN_AMOUNT
        if len(exact) == 1:
            inv = exact[0]
            alternative = self._other_combination(positive, inv, amount)
            if may_auto and not alternative:
                out.add(
                    row,
                    inv,
                    amount,
                    AUTO,
                    CONF_IBAN,
                    rule,
                    f"{who}; invoice {ctx.inv_number[inv]} is this customer's only open invoice of "
                    f"{eur(amount)}.",
                    0,
                )
                return
            out.add(
                row,
                inv,
                amount,
                SUGGESTED,
                0.85 if not alternative else 0.7,
                rule,
                f"{who}; invoice {ctx.inv_number[inv]} is open for exactly {eur(amount)}"
                + (
                    ", but other invoices of this customer add up to it too."
                    if alternative
                    else "."
                ),
                0,
            )
            if alternative:
                listed = ", ".join(str(ctx.inv_number[i]) for i in alternative)
                for other in alternative:
                    out.add(
                        row,
                        other,
                        int(ctx.remaining[other]),
                        SUGGESTED,
                        0.6,
                        RULE_SUBSET,
                        f"{who}; invoices {listed} together are {eur(amount)} as well.",
                        0,
                    )
            return
        if len(exact) > 1:
            # a short or partly typed number ("fact 545") puts the invoices it fits first,
            # then those of a month the description names ("abonnement april")
            quoted = {h.inv: h.quoted for h in self.hits_of(row) if h.quoted}
            months = months_named(ctx.description(row))
            exact.sort(key=lambda i: (i not in quoted, self._month_of(i) not in months))
            for k, inv in enumerate(exact):
                fits = (
                    f"; the description's '{quoted[inv]}' fits invoice {ctx.inv_number[inv]}"
                    if inv in quoted
                    else "; oldest first"
                )
                out.add(
                    row,
                    inv,
                    amount,
                    SUGGESTED,
                    round(0.6 - 0.01 * k + (0.05 if inv in quoted else 0), 3),
                    rule,
                    f"{who}; {len(exact)} of this customer's open invoices are {eur(amount)} each "
                    f"(e.g. a monthly fee), so which one is paid is not certain{fits}.",
                    0,
                )
            return
        if exact_only:
            return
        head = pool[: ctx.settings.max_subset_invoices]
        found = subsets_summing_to(ctx.remaining[head], amount)
        months = months_named(ctx.description(row)) if len(found) > 1 else frozenset()
        if months:  # "lease maart en april": the combination of those months first
            found.sort(key=lambda s: {self._month_of(int(head[i])) for i in s} != months)
        if found:
            members = [int(head[i]) for i in found[0]]
            whole = len(members) == len(pool) and len(found) == 1
            listed = ", ".join(str(ctx.inv_number[i]) for i in members)
            if whole and may_auto:
                for inv in members:
                    out.add(
                        row,
                        inv,
                        int(ctx.remaining[inv]),
                        AUTO,
                        CONF_BALANCE,
                        RULE_BALANCE,
                        f"{who}; the payment of {eur(amount)} equals everything this customer "
                        "has open "
                        f"({listed}).",
                        0,
                    )
                return
            conf = 0.75 if len(found) == 1 else 0.5
            for inv in members:
                out.add(
                    row,
                    inv,
                    int(ctx.remaining[inv]),
                    SUGGESTED,
                    conf,
                    RULE_SUBSET,
                    f"{who}; the payment of {eur(amount)} equals invoices {listed} together"
                    + ("." if len(found) == 1 else " (other combinations fit too; oldest shown)."),
                    0,
                )
            return
        over_by = amount - ctx.remaining[positive]
        rounded = positive[(over_by > 0) & (over_by <= ROUNDING_CENTS)].tolist()
        for inv in rounded[:3]:
            extra = amount - int(ctx.remaining[inv])
            out.add(
                row,
                inv,
                int(ctx.remaining[inv]),
                SUGGESTED,
                0.6,
                RULE_OVER,
                f"{who}; invoice {ctx.inv_number[inv]} is open for {eur(int(ctx.remaining[inv]))}, "
                f"{eur(extra)} less than paid (rounding).",
                0,
            )
        if rounded:
            return
        shorts = [(int(i), shortfall(amount, int(ctx.remaining[i]), ctx)) for i in positive]
        shorts = [(i, why) for i, why in shorts if why]
        for inv, why in shorts[:3]:
            rest = int(ctx.remaining[inv]) - amount
            out.add(
                row,
                inv,
                amount,
                SUGGESTED,
                0.6,
                RULE_SHORT,
                f"{who}; invoice {ctx.inv_number[inv]} is open for {eur(int(ctx.remaining[inv]))}, "
                f"{eur(rest)} more than paid ({why}).",
                rest,
            )
        if shorts:
            return
        paid_twice = self._paid_before(contact, amount, int(ctx.mut_currency[row]))
        if paid_twice >= 0:
            out.flag(
                row,
                "overpayment",
                f"{who}; no open invoice matches {eur(amount)}, but invoice "
                f"{ctx.inv_number[paid_twice]} of "
                f"exactly this amount is already paid: possibly paid twice.",
                amount,
                paid_twice,
            )
            return
        total = int(ctx.remaining[positive].sum())
        advance = mentions_advance(ctx.description(row))  # "voorschot", "factuur volgt"
        if len(positive) and amount > total:
            for inv in positive[:5]:
                out.add(
                    row,
                    int(inv),
                    int(ctx.remaining[inv]),
                    SUGGESTED,
                    0.45,
                    RULE_OVER,
                    f"{who}; the payment of {eur(amount)} is more than everything open for "
                    "this customer "
                    f"({eur(total)}).",
                    0,
                )
            if not advance:  # an advance is meant for an invoice still to come
                out.flag(
                    row,
                    "overpayment",
                    f"{who}; paid {eur(amount - total)} more than this customer has open.",
                    amount - total,
                    int(positive[0]),
                )
            return
        # invoices the payment can be a part of first (oldest first), then smaller ones
        larger = ctx.remaining[positive] >= amount
        for k, inv in enumerate(np.concatenate((positive[larger], positive[~larger]))[:3]):
            open_cents = int(ctx.remaining[inv])
            part = min(amount, open_cents)
            guess = (
                f"maybe a part payment of invoice {ctx.inv_number[inv]} ({eur(open_cents)} open)"
                if part == amount
                else f"maybe it pays invoice {ctx.inv_number[inv]} ({eur(open_cents)} open) and "
                f"{eur(amount - part)} of something else"
            )
            out.add(
                row,
                int(inv),
                part,
                SUGGESTED,
                round(0.35 - 0.02 * k, 3),
                RULE_CONTACT_OPEN,
                f"{who}; no invoice or combination matches {eur(amount)}: {guess}.",
                open_cents - part,
            )

    def _other_combination(self, positive: np.ndarray, inv: int, amount: int) -> list[int]:
        """Other open invoices of the customer that together also make exactly `amount`."""
        ctx = self.ctx
        smaller = positive[(ctx.remaining[positive] < amount) & (positive != inv)]
        if len(smaller) < 2 or int(ctx.remaining[smaller].sum()) < amount:
            return []
        smaller = smaller[: ctx.settings.max_subset_invoices]
        found = subsets_summing_to(ctx.remaining[smaller], amount, max_results=1)
        return [int(smaller[i]) for i in found[0]] if found else []

    def _paid_before(self, contact: int, amount: int, currency: int) -> int:
        """A paid invoice of this customer for exactly this amount, or -1: paid before this
        batch, or paid in full by a payment of this batch's first phase."""
        ctx = self.ctx
        for inv in ctx.paid_invoices_of(contact).tolist():
            if ctx.inv_total[inv] == amount and ctx.inv_currency[inv] == currency:
                return int(inv)
        for inv in ctx.invoices_of(contact).tolist():
            if (ctx.remaining[inv] == 0 < ctx.inv_open[inv] == amount
                    and ctx.inv_currency[inv] == currency):
                return int(inv)
        return -1

    def _month_of(self, inv: int) -> int:
        return day_to_date(int(self.ctx.inv_day[inv])).month

    def _name_number_amount(self, row: int, amount: int, weak: list[Hit]) -> bool:
        """Three weak signals that together are certain: the bank's name is the customer's
        (NAME_CERTAIN or better), the description's short number fits the end of that
        customer's invoice ("108" for 2026-0108), and the amount is exactly its open amount,
        with no other open invoice of this amount for anyone of a similar name. Books it and
        returns True; otherwise changes nothing."""
        ctx, out = self.ctx, self.out
        fits = {h.inv: h for h in weak
                if h.kind in (TAIL_HIT, SHORT) and ctx.remaining[h.inv] == amount}
        if len(fits) != 1:
            return False
        (inv, hit), = fits.items()
        name = str(ctx.mut_name[row])
        customer = str(ctx.contact_names[ctx.inv_contact[inv]])
        score = name_similarity(name, customer) if name else 0
        if score < NAME_CERTAIN or ctx.inv_day[inv] > ctx.mut_day[row]:
            return False
        words = word_keys(name)
        same_amount = ctx.open_with_amount(amount, int(ctx.mut_currency[row]))
        for other in same_amount.tolist():
            similar = words & word_keys(str(ctx.contact_names[ctx.inv_contact[other]]))
            if other != inv and similar:
                return False
        out.discard(row)
        out.add(
            row,
            inv,
            amount,
            AUTO,
            CONF_NAME_NUMBER,
            RULE_NAME_AMOUNT,
            f"The name '{name}' is customer {customer} ({score}%), the description's "
            f"'{hit.quoted}' fits invoice {ctx.inv_number[inv]}, and the amount equals its open "
            f"amount {eur(amount)}.",
            0,
        )
        return True

    def _by_name(self, row: int, amount: int, *, exact_only: bool = False) -> None:
        """Customers whose name fits the bank's name and who have an invoice of exactly this amount.

        Candidates come from the amount (an index lookup), and only names sharing a word
        (spelling-tolerant) are compared in full, so a payment costs a handful of comparisons.
        """
        self.name_and_amount(
            row, amount, self.ctx.open_with_amount(amount, int(self.ctx.mut_currency[row]))
        )

    def name_and_amount(self, row: int, amount: int, rows: np.ndarray) -> None:
        """`_by_name` with the open invoices of exactly this amount (`rows`, in row order)
        already looked up (the fast path looks them up for many payments at once)."""
        ctx, out, settings = self.ctx, self.out, self.ctx.settings
        rows = rows[ctx.inv_day[rows] <= ctx.mut_day[row]]  # invoiced by the payment day
        if len(rows) == 0 or len(rows) > 2 * settings.amount_fanout_limit:
            return  # an amount that common says nothing, even with a similar name
        name = str(ctx.mut_name[row])
        words = word_keys(name)
        if not words:
            return
        scores: dict[int, int] = {}
        for contact in {int(c) for c in ctx.inv_contact[rows]}:
            if words & word_keys(str(ctx.contact_names[contact])):
                scores[contact] = name_similarity(name, str(ctx.contact_names[contact]))
        fitting = sorted(
            (c for c, sc in scores.items() if sc >= settings.name_threshold),
            key=lambda c: (-scores[c], c),
        )[:5]
        for contact in fitting:
            score = scores[contact]
            who = f"The name '{name}' resembles customer {ctx.contact_names[contact]} ({score}%)"
            scale = 0.55 + 0.3 * (score - settings.name_threshold) / max(
                1, 100 - settings.name_threshold
            )
            mine = rows[ctx.inv_contact[rows] == contact].tolist()
            for k, inv in enumerate(mine):
                conf = 0.85 * scale if len(mine) == 1 else (0.6 - 0.01 * k) * scale
                out.add(
                    row,
                    inv,
                    amount,
                    SUGGESTED,
                    round(conf, 3),
                    RULE_NAME_AMOUNT,
                    f"{who}; invoice {ctx.inv_number[inv]} is open for exactly {eur(amount)}"
                    + ("." if len(mine) == 1 else f" (one of {len(mine)} such invoices)."),
                    0,
                )

    def _amount_only(self, row: int, amount: int) -> None:
        if self.out.has_rows_for(row):
            return
        self.amount_only(
            row, amount, self.ctx.open_with_amount(amount, int(self.ctx.mut_currency[row]))
        )

    def amount_only(self, row: int, amount: int, rows: np.ndarray) -> None:
        """The single open invoice of exactly this amount (`rows`), as a weak suggestion."""
        ctx, out = self.ctx, self.out
        rows = rows[ctx.inv_day[rows] <= ctx.mut_day[row]]  # invoiced by the payment day
        if len(rows) == 1:
            inv = int(rows[0])
            out.add(
                row,
                inv,
                amount,
                SUGGESTED,
                0.3,
                RULE_AMOUNT_ONLY,
                f"Only the amount fits: invoice {ctx.inv_number[inv]} is the only open invoice of "
                f"{eur(amount)}; nothing else (reference, account, name) confirms it.",
                0,
            )
