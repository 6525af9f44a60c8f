"""Rules for a description that firmly names open invoices (reference or full number).

Exactly paid → automatic (unless a payment provider forwarded it, or the payer is another
customer with an open invoice of exactly this amount); a little short → suggestion naming
the difference; clearly less → part payment (automatic only with a reference or from the
customer's own account); more → combinations of the customer's invoices, else an
overpayment. Several listed invoices are automatic only when they add up exactly.
"""

from __future__ import annotations

from connector.reconcile.allocate import AUTO, SUGGESTED, Collector
from connector.reconcile.context import Context
from connector.reconcile.evidence import REF
from connector.reconcile.model import (
    RULE_IBAN_AMOUNT,
    RULE_NUMBER,
    RULE_NUMBERS,
    RULE_OVER,
    RULE_PARTIAL,
    RULE_REFERENCE,
    RULE_SHORT,
    RULE_SUBSET,
)
from connector.reconcile.names import name_similarity
from connector.reconcile.rulebook import (
    CONF_NUMBER,
    CONF_NUMBERS,
    CONF_PARTIAL,
    CONF_REFERENCE,
    OTHER_PAYER_PENALTY,
    PSP_PENALTY,
    Hit,
    credit_netted_reason,
    deduction_reason,
    eur,
    key_words,
    listed_paid_exactly,
    mentions_deduction,
    part_payment_reason,
    short_payment_reason,
    shortfall,
)
from connector.reconcile.subsets import subsets_summing_to


class StrongEvidence:
    """Mixed into `PaymentDecider`; uses its `ctx`, `out`, `psp` and `_pool`."""

    ctx: Context
    out: Collector

    def _strong(self, row: int, amount: int, hits: list[Hit], all_hits: list[Hit]) -> bool:
        """Returns True when the payment is fully explained (nothing else should be suggested)."""
        ctx, out = self.ctx, self.out
        psp = self.psp(row)
        payer = int(ctx.mut_contact[row])
        if len(hits) == 1:
            h = hits[0]
            inv = h.inv
            open_cents = int(ctx.remaining[inv])
            words = key_words(ctx, h)
            base = CONF_REFERENCE if h.kind == REF else CONF_NUMBER
            other_payer = payer >= 0 and payer != ctx.inv_contact[inv]
            payer_words = self._other_payer_words(payer) if other_payer else ""
            conf = base - (OTHER_PAYER_PENALTY if other_payer else 0.0)
            rule = RULE_REFERENCE if h.kind == REF else RULE_NUMBER
            if amount == open_cents and other_payer and self._payer_has_amount(payer, amount, inv):
                out.add(
                    row,
                    inv,
                    amount,
                    SUGGESTED,
                    0.75,
                    rule,
                    (
                        f"{words} and the amount equals the open amount, but it was paid from the "
                        "account of "
                        f"{ctx.contact_names[payer]}, who has an open invoice of exactly this "
                        "amount too."
                    ),
                    0,
                )
                return False
            if amount == open_cents:
                if psp and not ctx.screening.payout_text(row):
                    # one customer's own payment forwarded by the provider (iDEAL, a payment
                    # link): the provider quotes the invoice and passes on its exact amount
                    out.add(
                        row,
                        inv,
                        amount,
                        AUTO,
                        conf - PSP_PENALTY,
                        rule,
                        f"{words} and the amount equals the open amount {eur(open_cents)}, "
                        f"forwarded by payment provider {psp} for this invoice alone.",
                        0,
                    )
                    return True
                if psp:
                    out.add(
                        row,
                        inv,
                        amount,
                        SUGGESTED,
                        0.9,
                        rule,
                        f"{words} and the amount equals the open amount {eur(open_cents)}; "
                        "not automatic "
                        f"because it came through payment provider {psp}.",
                        0,
                    )
                    return True
                out.add(
                    row,
                    inv,
                    amount,
                    AUTO,
                    conf,
                    rule,
                    (
                        f"{words} and the amount equals the open amount "
                        f"{eur(open_cents)}.{payer_words}"
                    ),
                    0,
                )
                return True
            if amount < open_cents:
                return self._strong_short(row, amount, h, open_cents, words, payer, psp)
            return self._strong_over(row, amount, h, open_cents, words, payer)
        return self._strong_several(row, amount, hits, psp)

    def _strong_short(self, row, amount, h: Hit, open_cents, words, payer, psp) -> bool:
        ctx, out = self.ctx, self.out
        inv = h.inv
        rest = open_cents - amount
        credit = self._credit_note_of(inv, rest)
        if credit >= 0:  # paid net of the customer's open credit note, which it does not name
            reason = credit_netted_reason(words, amount, open_cents, str(ctx.inv_number[credit]))
            out.add(row, inv, open_cents, SUGGESTED, 0.9, RULE_SUBSET, reason, 0)
            out.add(row, credit, -rest, SUGGESTED, 0.9, RULE_SUBSET, reason, 0)
            return True
        why = shortfall(amount, open_cents, ctx)
        if why:
            other_payer = payer >= 0 and payer != ctx.inv_contact[inv]
            conf = (0.88 if "discount" in why else 0.85) - (0.15 if other_payer else 0.0)
            out.add(
                row,
                inv,
                amount,
                SUGGESTED,
                conf,
                RULE_SHORT,
                short_payment_reason(words, rest, open_cents, why),
                rest,
            )
            return not other_payer  # from another customer's account: look at that customer too
        same_customer = self._same_customer(row, payer, inv)
        # A typo can land on another customer's invoice; a check digit or the customer's own
        # account rules that out.
        firm = h.kind == REF or same_customer
        rivals = self._exact_rivals(inv, amount, payer)
        deducted = mentions_deduction(ctx.description(row))
        if deducted:  # "minus retour 2 dozen 38,50": the customer disputes the rest
            out.add(
                row,
                inv,
                amount,
                SUGGESTED,
                0.8,
                RULE_SHORT,
                deduction_reason(words, amount, open_cents, rest),
                rest,
            )
            return True
        if firm and not rivals and not psp:
            out.add(
                row,
                inv,
                amount,
                AUTO,
                CONF_PARTIAL,
                RULE_PARTIAL,
                part_payment_reason(words, amount, open_cents, rest),
                rest,
            )
            return True
        out.add(
            row,
            inv,
            amount,
            SUGGESTED,
            0.7,
            RULE_PARTIAL,
            f"{words}; the payment of {eur(amount)} covers part of the open {eur(open_cents)} "
            f"({eur(rest)} would stay open).",
            rest,
        )
        for other in rivals:
            out.add(
                row,
                other,
                amount,
                SUGGESTED,
                0.65,
                RULE_IBAN_AMOUNT,
                f"The amount equals the open amount of invoice {ctx.inv_number[other]} of the same "
                f"customer, although the description names {ctx.inv_number[inv]}.",
                0,
            )
        return False

    def _strong_over(self, row, amount, h: Hit, open_cents, words, payer) -> bool:
        ctx, out = self.ctx, self.out
        inv = h.inv
        pool = self._pool(int(ctx.inv_contact[inv]), int(ctx.inv_currency[inv]))
        if len(pool):
            pick = [i for i, r in enumerate(pool) if r == inv]
            found = [
                s for s in subsets_summing_to(ctx.remaining[pool], amount) if pick and pick[0] in s
            ]
            if found:
                members = [int(pool[i]) for i in found[0]]
                names = ", ".join(str(ctx.inv_number[i]) for i in members)
                conf = 0.8 if len(found) == 1 else 0.6
                for m in members:
                    out.add(
                        row,
                        m,
                        int(ctx.remaining[m]),
                        SUGGESTED,
                        conf,
                        RULE_SUBSET,
                        f"{words}; the payment of {eur(amount)} equals invoices {names} of "
                        "this customer "
                        "together.",
                        0,
                    )
                return True
        excess = amount - open_cents
        same_customer = self._same_customer(row, payer, inv)
        rivals = self._exact_rivals(inv, amount, payer)
        out.add(
            row,
            inv,
            open_cents,
            SUGGESTED,
            0.8 if (same_customer or h.kind == REF) and not rivals else 0.5,
            RULE_OVER,
            f"{words}, but the payment of {eur(amount)} is {eur(excess)} more than the open "
            f"{eur(open_cents)}.",
            0,
        )
        for other in rivals:
            out.add(
                row,
                other,
                amount,
                SUGGESTED,
                0.65,
                RULE_IBAN_AMOUNT,
                f"The amount equals the open amount of invoice {ctx.inv_number[other]} of the same "
                f"customer, although the description names {ctx.inv_number[inv]}.",
                0,
            )
        if rivals or not (same_customer or h.kind == REF):
            return False  # maybe a mistyped number (another invoice fits exactly): keep looking
        out.flag(
            row,
            "overpayment",
            f"Paid {eur(excess)} more than invoice {ctx.inv_number[inv]} has open: refund it "
            "or keep it "
            "as a credit for this customer.",
            excess,
            inv,
        )
        return True

    def _same_customer(self, row: int, payer: int, inv: int) -> bool:
        """The payer's account is the invoice customer's, or (account unknown) the name fits."""
        ctx = self.ctx
        if payer >= 0:
            return payer == ctx.inv_contact[inv]
        name = str(ctx.contact_names[ctx.inv_contact[inv]])
        return name_similarity(str(ctx.mut_name[row]), name) >= ctx.settings.name_threshold

    def _strong_several(self, row, amount, hits: list[Hit], psp: str) -> bool:
        ctx, out = self.ctx, self.out
        invs = [h.inv for h in hits]
        opens = ctx.remaining[invs]
        total = int(opens.sum())
        names = ", ".join(str(ctx.inv_number[i]) for i in invs)
        if amount == total:
            status = SUGGESTED if psp else AUTO
            conf = CONF_NUMBERS if not psp else 0.9
            for inv, o in zip(invs, opens.tolist(), strict=True):
                out.add(
                    row,
                    inv,
                    int(o),
                    status,
                    conf,
                    RULE_NUMBERS,
                    listed_paid_exactly(names, amount),
                    0,
                )
            return True
        exact = [inv for inv, o in zip(invs, opens.tolist(), strict=True) if o == amount]
        if len(exact) == 1:
            out.add(
                row,
                exact[0],
                amount,
                SUGGESTED,
                0.9,
                RULE_NUMBER,
                f"The description lists invoices {names}; the payment of {eur(amount)} equals "
                "the open "
                f"amount of {ctx.inv_number[exact[0]]} alone.",
                0,
            )
            return True
        found = subsets_summing_to(opens, amount)
        if found:
            conf = 0.8 if len(found) == 1 else 0.6
            members = [invs[i] for i in found[0]]
            listed = ", ".join(str(ctx.inv_number[i]) for i in members)
            for inv in members:
                out.add(
                    row,
                    inv,
                    int(ctx.remaining[inv]),
                    SUGGESTED,
                    conf,
                    RULE_SUBSET,
                    f"The description lists invoices {names}; the payment of {eur(amount)} "
                    f"equals {listed} "
                    "together.",
                    0,
                )
            return True
        if amount < total:
            why = shortfall(amount, total, ctx)
            left = amount
            for inv, o in zip(invs, opens.tolist(), strict=True):
                part = min(left, int(o))
                if part <= 0:
                    break
                left -= part
                out.add(
                    row,
                    inv,
                    part,
                    SUGGESTED,
                    0.75 if why else 0.6,
                    RULE_SHORT if why else RULE_PARTIAL,
                    f"The description lists invoices {names} (open {eur(total)} together); "
                    "the payment of "
                    f"{eur(amount)} is {eur(total - amount)} short"
                    + (f" ({why})" if why else "")
                    + ", allocated oldest first.",
                    int(o) - part,
                )
            return True
        for inv, o in zip(invs, opens.tolist(), strict=True):
            out.add(
                row,
                inv,
                int(o),
                SUGGESTED,
                0.75,
                RULE_OVER,
                f"The description lists invoices {names}; the payment is "
                f"{eur(amount - total)} more than "
                "their open amounts together.",
                0,
            )
        out.flag(
            row,
            "overpayment",
            f"Paid {eur(amount - total)} more than invoices {names} have open.",
            amount - total,
            invs[0],
        )
        return True

    def _credit_note_of(self, inv: int, shortfall_cents: int) -> int:
        """An open credit note of the invoice's customer for exactly the shortfall, or -1."""
        ctx = self.ctx
        pool = self._pool(int(ctx.inv_contact[inv]), int(ctx.inv_currency[inv]))
        found = pool[ctx.remaining[pool] == -shortfall_cents]
        return int(found[0]) if len(found) else -1

    def _exact_rivals(self, inv: int, amount: int, payer: int) -> list[int]:
        ctx = self.ctx
        rivals = []
        for contact in {int(ctx.inv_contact[inv]), payer}:
            if contact < 0:
                continue
            pool = self._pool(contact, int(ctx.inv_currency[inv]))
            rivals += pool[(ctx.remaining[pool] == amount) & (pool != inv)].tolist()
        return rivals

    def _payer_has_amount(self, payer: int, amount: int, inv: int) -> bool:
        pool = self._pool(payer, int(self.ctx.inv_currency[inv]))
        return bool((self.ctx.remaining[pool] == amount).any())

    def _other_payer_words(self, payer: int) -> str:
        name = self.ctx.contact_names[payer] or self.ctx.contact_ids[payer]
        return (
            f" Paid from the account of another customer ({name}), e.g. a parent company "
            "or partner."
        )

    # -- weak evidence ----------------------------------------------------------------
