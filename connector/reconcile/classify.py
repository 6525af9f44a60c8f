"""Money that comes in but is not a customer paying an invoice.

Payment providers (Mollie, Stripe, Adyen, Buckaroo, Pay.nl, ...) settle many web sales in
one payout, so no single invoice fits and the payout must be booked against the PSP's
clearing account; tax refunds, bank interest, loans, subsidies and own transfers are no
customer payments at all. Such lines get a flag instead of an invoice, unless the line
quotes an invoice of ours with exactly its open amount (a PSP forwarding one payment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

_PSP = re.compile(
    r"\b(mollie|stripe|adyen|buckaroo|pay\.?\s?nl|paynl|multisafepay|multi safepay|paypal|sisow|"
    r"ingenico|worldline|sumup|i?zettle|mypos|klarna|afterpay|riverty|icepay|targetpay|"
    r"ginger payments|payvision|global collect|viva wallet|ccv payment\w*|cm\.com)\b",
    re.IGNORECASE,
)
# "Stichting Derdengelden X" alone is no provider: notaries, bailiffs and lawyers hold client
# money that way too (a provider's is found by its own name, "... Buckaroo").
_PSP_GENERIC = re.compile(r"\b(stichting [\w.]+ payments)\b", re.IGNORECASE)
_PSP_NAMES = {
    "pay nl": "Pay.nl",
    "pay.nl": "Pay.nl",
    "paynl": "Pay.nl",
    "multisafepay": "MultiSafepay",
    "paypal": "PayPal",
    "izettle": "Zettle",
    "zettle": "Zettle",
    "sumup": "SumUp",
}
_PAYOUT = re.compile(
    r"\b(uitbetaling\w*|uitbet|payout|pay-out|settlement|afrekening|verzamel\w*|"
    r"batch|transfer(?: id)?|st\.?nr|periode)\b",
    re.IGNORECASE,
)
_TAX = re.compile(
    r"belastingdienst|\bbelastingen\b|omzetbelasting|\bvpb\b|toeslag", re.IGNORECASE
)
_REFUND = re.compile(
    r"teruggaa?f|teruggave|restitutie|terugbetaling|terugstorting|\bcredit ?nota|\bcreditfactuur",
    re.IGNORECASE,
)
#: One of our own outgoing payments sent back by the payee's bank (SEPA return reason codes).
_RETURNED = re.compile(
    r"\bterugboeking\b|\bstorno\b|\brtrn\b|\bretour(?:boeking)?\b.{0,60}\b(?:AC0[1-6]|AG0[12]|"
    r"AM0[1-9]|MD0[1-7]|MS0[23]|RR0[1-4]|BE0[1-6]|RC01|FF01)\b|\bonjuist rekeningnummer\b",
    re.IGNORECASE,
)
_INTEREST = re.compile(
    r"\b(?:credit|spaar)?rente(?:vergoeding)?\b|\binterest(?: payment)?\b", re.IGNORECASE
)
_FUNDING = re.compile(
    r"\blening\b|\bkrediet|\bfinanciering|\bqredits\b|\bhypothe|kapitaalstorting|"
    r"\bdividend|\bsubsidie|\buwv\b|\bsvb\b|\bsalaris\b|\bschadeuitkering|"
    r"\buitkering\b",
    re.IGNORECASE,
)
_OWN = re.compile(
    r"eigen rekening|spaarrekening|\bvan spaar|\bnaar spaar|interne overboeking|"
    r"overboeking eigen|kasstorting|\bstorting\b|\bspaarpot\b|rekening[- ]?courant|"
    r"\brc (?:holding|dga)\b",
    re.IGNORECASE,
)

# Cheap hints that must occur before the full expressions are worth running (one scan
# over all texts joined, instead of several regular expressions per payment).
_PSP_HINT = re.compile(
    r"mollie|stripe|adyen|buckaroo|pay\.?\s?nl|multi ?safepay|paypal|sisow|ingenico|"
    r"worldline|sumup|zettle|mypos|klarna|afterpay|riverty|icepay|targetpay|ginger|"
    r"payvision|collect|viva|ccv|cm\.com|derdengelden|payments"
)
_OTHER_HINT = re.compile(
    r"belasting|teruggaa|teruggave|restitutie|vpb|toeslag|rente|interest|lening|krediet|"
    r"financiering|qredits|hypothe|kapitaal|dividend|subsidie|uwv|svb|salaris|uitkering|"
    r"eigen rek|spaar|interne|overboeking eigen|storting|courant|terugbetaling|terugstorting|"
    r"creditnota|credit nota|creditfactuur|rc holding|rc dga|terugboeking|storno|rtrn|retour|"
    r"onjuist rekeningnummer"
)


_PSP_WORDS = (
    "mollie",
    "stripe",
    "adyen",
    "buckaroo",
    "pay.nl",
    "paynl",
    "pay nl",
    "safepay",
    "paypal",
    "sisow",
    "ingenico",
    "worldline",
    "sumup",
    "zettle",
    "mypos",
    "klarna",
    "afterpay",
    "riverty",
    "icepay",
    "targetpay",
    "ginger",
    "payvision",
    "collect",
    "viva",
    "ccv",
    "cm.com",
    "derdengelden",
    "payments",
)


# Words whose presence a payout text needs (a superset of what `_PSP_HINT` finds: "pay"
# stands for every spelling of Pay.nl), to pick the few descriptions worth the regexes.
_PAYOUT_HINT_WORDS = tuple(w for w in _PSP_WORDS if not w.startswith("pay")) + ("pay",)
# `_OTHER_HINT` is plain words joined by "|", so a substring search finds exactly its matches.
_OTHER_WORDS = tuple(_OTHER_HINT.pattern.split("|"))
assert all(w.replace(" ", "").isalpha() for w in _OTHER_WORDS)


def _rows_mentioning(texts: list[str], words: tuple[str, ...]) -> np.ndarray:
    """Rows whose lower-cased text contains one of `words`: str.find over all texts joined
    (a C-speed scan per word), instead of a regular expression per row. The texts are
    joined with NUL, which no word contains, so no find spans two rows."""
    out = np.zeros(len(texts), dtype=bool)
    if not texts:
        return out
    joined = "\0".join(texts)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # a few characters lower to two ("İ"): lower one by one
        texts = [t.lower() for t in texts]
        lowered = "\0".join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    found = []
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            found.append(at)
            at = lowered.find(word, at + 1)
    if found:
        out[np.searchsorted(starts, np.asarray(found, dtype=np.int64), side="right") - 1] = True
    return out


class Screening:
    """What the counterparty and description say about the kind of money, per payment.

    The payment provider by counterparty name is found for all payments at once. The
    description tests run only for the payments that get that far: `payout_hint` and
    `other_words` find the words they need for many payments in one scan per word
    (payments they have not seen are tested one by one), and the payout regexes run only
    where the words occur.
    """

    def __init__(
        self, names: list[str], descriptions: list[str], extra_psp: tuple[str, ...] = ()
    ) -> None:
        self.names = names
        self.descriptions = descriptions
        # names repeat (one customer, many payments): each distinct name is looked at once
        codes, distinct = pd.factorize(np.asarray(names, dtype=object))
        provider = np.full(len(distinct) + 1, "", dtype=object)
        distinct = distinct.tolist()
        words = _PSP_WORDS + tuple(w.lower() for w in extra_psp if w)
        for k in np.flatnonzero(_rows_mentioning(distinct, words)).tolist():
            provider[k] = psp_name(distinct[k], extra_psp)
        self.psp = provider[codes]
        self._payout: dict[int, bool] = {}
        self._payout_hint = np.ones(len(names), dtype=bool)  # True until screened
        self._payout_screened = np.zeros(len(names), dtype=bool)
        self._other = np.full(len(names), -1, dtype=np.int8)  # -1: not screened yet

    def payout_hint(self, rows: np.ndarray) -> np.ndarray:
        """False where the description cannot be a payout text (`payout_text` is then false);
        the descriptions of these payments not seen yet are scanned at once."""
        todo = rows[~self._payout_screened[rows]]
        if len(todo):
            descriptions = [self.descriptions[r] for r in todo.tolist()]
            self._payout_hint[todo] = _rows_mentioning(descriptions, _PAYOUT_HINT_WORDS)
            self._payout_screened[todo] = True
        return self._payout_hint[rows]

    def other_words(self, rows: np.ndarray) -> np.ndarray:
        """`maybe_other` for many payments at once (those not seen yet scanned together)."""
        todo = rows[self._other[rows] < 0].tolist()
        if todo:
            texts = [f"{self.names[r]} {self.descriptions[r]}" for r in todo]
            self._other[todo] = _rows_mentioning(texts, _OTHER_WORDS)
        return self._other[rows] > 0

    def payout_text(self, row: int) -> bool:
        """The description names a payment provider and a payout."""
        found = self._payout.get(row)
        if found is None:
            text = self.descriptions[row]
            found = self._payout[row] = bool(
                self._payout_hint[row]
                and _PSP_HINT.search(text.lower())
                and _PSP.search(text)
                and _PAYOUT.search(text)
            )
        return found

    def maybe_other(self, row: int) -> bool:
        """Counterparty or description has a word of tax, interest, loans or own transfers."""
        known = self._other[row]
        if known >= 0:
            return bool(known)
        return bool(_OTHER_HINT.search(f"{self.names[row]} {self.descriptions[row]}".lower()))


def screen(names: list[str], descriptions: list[str], extra_psp: tuple[str, ...] = ()) -> Screening:
    return Screening(names, descriptions, extra_psp)


PSP_PAYOUT = "psp_payout"
NOT_CUSTOMER = "not_a_customer_payment"


@dataclass(frozen=True, slots=True)
class Classification:
    kind: str
    reason: str


def psp_name(counterparty: str, extra: tuple[str, ...] = ()) -> str:
    """The payment provider's name when the counterparty is one, else ''."""
    m = _PSP.search(counterparty)
    if m:
        word = m.group(1).lower()
        return _PSP_NAMES.get(
            word, m.group(1).title() if word.islower() or word.isupper() else m.group(1)
        )
    m = _PSP_GENERIC.search(counterparty)
    if m:
        return m.group(1)
    low = counterparty.lower()
    for name in extra:
        if name and name in low:
            return name
    return ""


def classify(
    counterparty: str,
    description: str,
    *,
    known_customer: bool,
    own_account: bool,
    psp: str = "",
    payout_text: bool = False,
    maybe_other: bool = True,
) -> Classification | None:
    """Why this incoming line is not a customer paying an invoice, or None when it may be one.

    `psp`, `payout_text` and `maybe_other` come from `screen` (done for all payments at
    once); the defaults make this function usable on its own. A counterparty whose IBAN
    belongs to a customer is taken as that customer paying, whatever words the description
    holds ("incl. rente" is a customer paying interest).
    """
    if own_account:
        return Classification(
            NOT_CUSTOMER,
            "Money from one of the administration's own accounts "
            "(own transfer): not a customer payment.",
        )
    if not psp and payout_text:
        m = _PSP.search(description)
        psp = psp_name(m.group(0)) if m else "a payment provider"
    if psp:
        return Classification(
            PSP_PAYOUT,
            f"Payout from payment provider {psp}: it settles many sales "
            "in one amount, so book it against the provider's clearing "
            "account, not against one invoice.",
        )
    if known_customer or not maybe_other:
        return None
    text = f"{counterparty} {description}"
    if _TAX.search(text):
        return Classification(
            NOT_CUSTOMER,
            "Looks like a tax refund or allowance (Belastingdienst): not a customer payment.",
        )
    if _REFUND.search(text):
        return Classification(
            NOT_CUSTOMER,
            "Looks like a refund (restitutie, teruggave, terugbetaling) from a supplier, insurer or "
            "authority: "
            "not a customer payment.",
        )
    if _RETURNED.search(text):
        return Classification(
            NOT_CUSTOMER,
            "Looks like one of our own outgoing payments returned by the bank: not a customer "
            "payment.",
        )
    if _INTEREST.search(text):
        return Classification(
            NOT_CUSTOMER, "Looks like interest paid by the bank: not a customer payment."
        )
    if _FUNDING.search(text):
        return Classification(
            NOT_CUSTOMER, "Looks like a loan, subsidy, dividend or benefit: not a customer payment."
        )
    if _OWN.search(text):
        return Classification(
            NOT_CUSTOMER,
            "Looks like a transfer between own accounts or a cash deposit: not a customer payment.",
        )
    return None
