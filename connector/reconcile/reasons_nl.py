"""The engine's match and flag reasons in Dutch, for the accountant's summary.

The engine writes every reason in English (the CSV and `connector matches` show it as is),
from a fixed set of clauses: a sentence opens with the evidence ("The description holds
invoice number ...", "Paid from <IBAN>, a known account of ...") and goes on with clauses
joined by "; ", ", but", " and " or "(...)". `CLAUSES` holds each English clause with its
Dutch counterpart; `in_dutch` walks a reason clause by clause. A reason with any part that
no clause recognises comes back unchanged: English is better than a garbled sentence.

A clause is written like the engine's f-string: `{name:kind}` stands for a value, and the
kind says what it looks like in English and how Dutch writes it. Amounts (`eur`: "EUR
1234.56" becomes "€ 1.234,56"), the reason for a small difference (`why`), how a typed
number differs (`note`) and percentages (`pct`) are rewritten; names, invoice numbers,
IBANs and quoted text are kept exactly.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency

#: an invoice number: no spaces, commas, semicolons or brackets, and no sentence-ending full stop
_NUM = r"[^\s;,()']*[^\s;,()'.]"

#: What a value of each kind looks like in the English text.
_LOOKS = {
    "eur": r"-?EUR \d+\.\d{2}",
    "num": _NUM,
    "nums": rf"{_NUM}(?:, {_NUM})*",
    "text": r".+?",
    "quoted": r".*?",
    "count": r"\d+",
    "pct": r"\d+(?:\.\d+)?",
}


@dataclass(frozen=True, slots=True)
class Clause:
    pattern: re.Pattern[str]
    dutch: str


def _clause(english: str, dutch: str, *, before: str = "") -> Clause:
    """`english` with its values as named groups; `before`: what must follow (a regex)."""
    parts = []
    for literal, name, kind, _ in string.Formatter().parse(english):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P<{name}>{_LOOKS[kind]})")
    if before:
        parts.append(f"(?={before})")
    return Clause(re.compile("".join(parts)), dutch)


def _any_of(table: tuple[Clause, ...]) -> str:
    """A table's phrases as one regex without named groups (to sit inside a clause)."""
    return "(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", c.pattern.pattern) for c in table) + ")"


#: Why a payment a little below the open amount may still pay it in full (rulebook.shortfall).
WHY = (
    _clause("{pct:pct}% payment discount deducted", "{pct:pct}% betalingskorting ingehouden"),
    _clause("rounding difference", "afrondingsverschil"),
    _clause("bank or payment-provider costs deducted?", "bank- of transactiekosten ingehouden?"),
)
#: How a mistyped number differs from the invoice's (typos.SUBSTITUTED, typos.SWAPPED).
NOTE = (
    _clause("one digit different", "op één cijfer na"),
    _clause("two digits swapped", "maar met twee cijfers omgewisseld"),
)
_LOOKS["why"] = _any_of(WHY)
_LOOKS["note"] = _any_of(NOTE)

#: Tried in this order at each position of a reason; the first that matches there is taken.
CLAUSES = (
    # -- what the description names (rulebook.quote_words, decide._weak) ---------------------
    _clause(
        "The description holds payment reference {ref:text} of invoice {num:num}",
        "De omschrijving bevat betalingskenmerk {ref:text} van factuur {num:num}",
    ),
    _clause(
        "The description holds invoice number {num:num}",
        "De omschrijving bevat factuurnummer {num:num}",
    ),
    _clause(
        " (written '{quoted:quoted}')",
        " (geschreven als '{quoted:quoted}')",
    ),
    _clause(
        "The description lists invoices {nums:nums}",
        "De omschrijving noemt de facturen {nums:nums}",
    ),
    _clause(
        "The description has '{quoted:quoted}', which matches no invoice",
        "De omschrijving bevat '{quoted:quoted}', dat bij geen enkele factuur past",
    ),
    _clause(
        "The description has a reference, which matches no invoice",
        "De omschrijving bevat een kenmerk dat bij geen enkele factuur past",
    ),
    _clause(
        "; invoice {num:num} (reference {ref:text}) is the same with {note:note}",
        "; factuur {num:num} (kenmerk {ref:text}) is gelijk, {note:note}",
    ),
    _clause(
        "The description's '{quoted:quoted}' fits invoice {num:num} but is short or fits several "
        "invoices",
        "De omschrijving bevat '{quoted:quoted}', dat past bij factuur {num:num}, maar kort is of "
        "bij meer facturen past",
    ),
    _clause(
        "The description's '{quoted:quoted}' matches the end of invoice number {num:num}",
        "De omschrijving bevat '{quoted:quoted}', het einde van factuurnummer {num:num}",
    ),
    # -- one named invoice against the amount (decide_strong, fastpath, fastpath_short) -------
    _clause(
        " and the amount equals the open amount, but it was paid from the account of {name:text}, "
        "who has an open invoice of exactly this amount too.",
        " en het bedrag is gelijk aan het openstaande bedrag, maar er is betaald vanaf de rekening "
        "van {name:text}, die zelf ook een openstaande factuur van precies dit bedrag heeft.",
    ),
    _clause(
        " and the amount equals the open amount {open:eur}, forwarded by payment provider "
        "{psp:text} for this invoice alone.",
        " en het bedrag is gelijk aan het openstaande bedrag van {open:eur}, doorgestort door "
        "betaalprovider {psp:text} voor alleen deze factuur.",
        before=" |$",
    ),
    _clause(
        " and the amount equals the open amount {open:eur}; not automatic because it came through "
        "payment provider {psp:text}.",
        " en het bedrag is gelijk aan het openstaande bedrag van {open:eur}; niet automatisch, "
        "omdat de betaling via betaalprovider {psp:text} binnenkwam.",
        before=" |$",
    ),
    _clause(
        " and the amount equals the open amount {open:eur}.",
        " en het bedrag is gelijk aan het openstaande bedrag van {open:eur}.",
    ),
    _clause(
        " and the amount equals the open amount.",
        " en het bedrag is gelijk aan het openstaande bedrag.",
    ),
    _clause(
        " Paid from the account of another customer ({name:text}), e.g. a parent company or "
        "partner.",
        " Betaald vanaf de rekening van een andere klant ({name:text}), bijvoorbeeld een "
        "moederbedrijf of partner.",
    ),
    _clause(
        ", but the payment is {rest:eur} short of the open amount {open:eur} ({why:why}); "
        "{left:eur} would stay open unless written off.",
        ", maar de betaling is {rest:eur} lager dan het openstaande bedrag van {open:eur} "
        "({why:why}); {left:eur} blijft openstaan, tenzij het wordt afgeboekt.",
    ),
    _clause(
        "; the payment of {paid:eur} equals its open {open:eur} minus open credit note "
        "{num:num} of this customer, which the description does not name.",
        "; de betaling van {paid:eur} is het openstaande bedrag van {open:eur} min de "
        "openstaande creditnota {num:num} van deze klant, die de omschrijving niet noemt.",
    ),
    _clause(
        "; the payment of {paid:eur} is {rest:eur} less than the open {open:eur} and the "
        "description says something was deducted: decide whether to accept the deduction or "
        "chase the rest.",
        "; de betaling van {paid:eur} is {rest:eur} minder dan het openstaande bedrag van "
        "{open:eur} en de omschrijving noemt een inhouding: beslis of u die accepteert of de "
        "rest invordert.",
    ),
    _clause(
        "; the payment of {paid:eur} is a part payment of the open {open:eur}, so {rest:eur} "
        "stays open.",
        "; de betaling van {paid:eur} is een deelbetaling op het openstaande bedrag van "
        "{open:eur}, dus {rest:eur} blijft openstaan.",
    ),
    _clause(
        "; the payment of {paid:eur} covers part of the open {open:eur} ({rest:eur} would stay "
        "open).",
        "; de betaling van {paid:eur} dekt een deel van het openstaande bedrag van {open:eur} "
        "({rest:eur} zou blijven openstaan).",
    ),
    _clause(
        "; the payment of {paid:eur} equals invoices {nums:nums} of this customer together.",
        "; de betaling van {paid:eur} is gelijk aan de facturen {nums:nums} van deze klant samen.",
    ),
    _clause(
        ", but the payment of {paid:eur} is {excess:eur} more than the open {open:eur}.",
        ", maar de betaling van {paid:eur} is {excess:eur} meer dan het openstaande bedrag van "
        "{open:eur}.",
    ),
    _clause(
        "The amount equals the open amount of invoice {num:num} of the same customer, although "
        "the description names {named:num}.",
        "Het bedrag is gelijk aan het openstaande bedrag van factuur {num:num} van dezelfde klant, "
        "hoewel de omschrijving {named:num} noemt.",
    ),
    _clause(
        "Paid {excess:eur} more than invoice {num:num} has open: refund it or keep it as a credit "
        "for this customer.",
        "Er is {excess:eur} meer betaald dan er op factuur {num:num} openstaat: terugbetalen of "
        "als tegoed voor deze klant laten staan.",
    ),
    _clause(
        ", but that invoice is already paid: this looks like a double payment of {paid:eur} "
        "(refund it or agree to settle it with a later invoice).",
        ", maar die factuur is al betaald: dit lijkt een dubbele betaling van {paid:eur} "
        "(terugbetalen of afspreken dat het met een volgende factuur wordt verrekend).",
    ),
    # -- several listed invoices (rulebook.listed_paid_exactly, decide_strong) ----------------
    _clause(
        "; the payment of {paid:eur} equals their open amounts together.",
        "; de betaling van {paid:eur} is gelijk aan hun openstaande bedragen samen.",
    ),
    _clause(
        "; the payment of {paid:eur} equals the open amount of {num:num} alone.",
        "; de betaling van {paid:eur} is gelijk aan het openstaande bedrag van alleen {num:num}.",
    ),
    _clause(
        "; the payment of {paid:eur} equals {nums:nums} together.",
        "; de betaling van {paid:eur} is gelijk aan de facturen {nums:nums} samen.",
    ),
    _clause(
        " (open {total:eur} together); the payment of {paid:eur} is {short:eur} short",
        " (samen {total:eur} open); de betaling van {paid:eur} is {short:eur} te weinig",
    ),
    _clause(
        " ({why:why})",
        " ({why:why})",
        before=", allocated",
    ),
    _clause(
        ", allocated oldest first.",
        ", toegewezen aan de oudste facturen eerst.",
    ),
    _clause(
        "; the payment is {excess:eur} more than their open amounts together.",
        "; de betaling is {excess:eur} meer dan hun openstaande bedragen samen.",
    ),
    _clause(
        "Paid {excess:eur} more than invoices {nums:nums} have open.",
        "Er is {excess:eur} meer betaald dan er op de facturen {nums:nums} openstaat.",
    ),
    # -- a typed number that only nearly fits, against the amount (decide._weak) -------------
    _clause(
        "; the amount equals the open amount {open:eur}.",
        "; het bedrag is gelijk aan het openstaande bedrag van {open:eur}.",
    ),
    _clause(
        "; the payment is {short:eur} short ({why:why}).",
        "; de betaling is {short:eur} te weinig ({why:why}).",
    ),
    _clause(
        "; it is an open invoice of this customer ({open:eur} open).",
        "; het is een openstaande factuur van deze klant ({open:eur} open).",
    ),
    # -- the paying account, the name, the amount alone (decide_customer, fastpath) -----------
    _clause(
        "Paid from {iban:text}, a known account of {name:text}",
        "Betaald vanaf {iban:text}, een bekende rekening van {name:text}",
        before="; ",
    ),
    _clause(
        "The name '{payer:quoted}' resembles customer {name:text} ({score:count}%)",
        "De naam '{payer:quoted}' lijkt op klant {name:text} ({score:count}%)",
        before="; ",
    ),
    _clause(
        "; invoice {num:num} is this customer's only open invoice of {paid:eur}.",
        "; factuur {num:num} is de enige openstaande factuur van deze klant van {paid:eur}.",
    ),
    _clause(
        "; invoice {num:num} is open for exactly {paid:eur}",
        "; factuur {num:num} staat open voor precies {paid:eur}",
    ),
    _clause(
        ", but other invoices of this customer add up to it too.",
        ", maar andere facturen van deze klant komen samen ook op dit bedrag.",
    ),
    _clause(
        " (one of {count:count} such invoices).",
        " (een van {count:count} facturen met dit bedrag).",
    ),
    _clause(
        "; invoices {nums:nums} together are {paid:eur} as well.",
        "; de facturen {nums:nums} zijn samen ook {paid:eur}.",
    ),
    _clause(
        "; {count:count} of this customer's open invoices are {paid:eur} each (e.g. a monthly "
        "fee), so which one is paid is not certain",
        "; {count:count} openstaande facturen van deze klant zijn elk {paid:eur} (bijvoorbeeld "
        "een vast maandbedrag), dus het is niet zeker welke betaald is",
    ),
    _clause(
        "; the description's '{quoted:quoted}' fits invoice {num:num}.",
        "; de omschrijving bevat '{quoted:quoted}', dat past bij factuur {num:num}.",
    ),
    _clause(
        "; oldest first.",
        "; de oudste eerst.",
    ),
    _clause(
        "; the payment of {paid:eur} equals everything this customer has open ({nums:nums}).",
        "; de betaling van {paid:eur} is gelijk aan alles wat deze klant open heeft staan "
        "({nums:nums}).",
    ),
    _clause(
        "; the payment of {paid:eur} equals invoices {nums:nums} together",
        "; de betaling van {paid:eur} is gelijk aan de facturen {nums:nums} samen",
    ),
    _clause(
        " (other combinations fit too; oldest shown).",
        " (er passen ook andere combinaties; hier de oudste).",
    ),
    _clause(
        "; invoice {num:num} is open for {open:eur}, {extra:eur} less than paid (rounding).",
        "; factuur {num:num} staat open voor {open:eur}, {extra:eur} minder dan betaald "
        "(afronding).",
    ),
    _clause(
        "; invoice {num:num} is open for {open:eur}, {rest:eur} more than paid ({why:why}).",
        "; factuur {num:num} staat open voor {open:eur}, {rest:eur} meer dan betaald ({why:why}).",
    ),
    _clause(
        "; the payment of {paid:eur} is more than everything open for this customer "
        "({total:eur}).",
        "; de betaling van {paid:eur} is meer dan alles wat voor deze klant openstaat "
        "({total:eur}).",
    ),
    _clause(
        "; paid {excess:eur} more than this customer has open.",
        "; er is {excess:eur} meer betaald dan deze klant open heeft staan.",
    ),
    _clause(
        "; no open invoice matches {paid:eur}, but invoice {num:num} of exactly this amount is "
        "already paid: possibly paid twice.",
        "; geen openstaande factuur past bij {paid:eur}, maar factuur {num:num} van precies dit "
        "bedrag is al betaald: mogelijk twee keer betaald.",
    ),
    _clause(
        "; no invoice or combination matches {paid:eur}: maybe a part payment of invoice "
        "{num:num} ({open:eur} open).",
        "; geen factuur of combinatie past bij {paid:eur}: misschien een deelbetaling van factuur "
        "{num:num} ({open:eur} open).",
    ),
    _clause(
        "; no invoice or combination matches {paid:eur}: maybe it pays invoice {num:num} "
        "({open:eur} open) and {rest:eur} of something else.",
        "; geen factuur of combinatie past bij {paid:eur}: misschien betaalt dit factuur "
        "{num:num} ({open:eur} open) en {rest:eur} voor iets anders.",
    ),
    _clause(
        "Only the amount fits: invoice {num:num} is the only open invoice of {paid:eur}; nothing "
        "else (reference, account, name) confirms it.",
        "Alleen het bedrag past: factuur {num:num} is de enige openstaande factuur van "
        "{paid:eur}; verder bevestigt niets (kenmerk, rekening, naam) dit.",
    ),
    _clause(
        ".",
        ".",
    ),
    # -- money that is no customer paying an invoice (classify) -------------------------------
    _clause(
        "Money from one of the administration's own accounts (own transfer)",
        "Geld van een eigen rekening van de administratie (eigen overboeking)",
    ),
    _clause(
        "Payout from payment provider a payment provider: ",
        "Uitbetaling van een betaalprovider: ",
    ),
    _clause(
        "Payout from payment provider {psp:text}: ",
        "Uitbetaling van betaalprovider {psp:text}: ",
    ),
    _clause(
        "it settles many sales in one amount, so book it against the provider's clearing "
        "account, not against one invoice.",
        "deze bundelt veel verkopen in één bedrag, dus boek het op de tussenrekening van de "
        "betaalprovider en niet op één factuur.",
    ),
    _clause(
        "Looks like a tax refund or allowance (Belastingdienst)",
        "Lijkt op een belastingteruggave of toeslag (Belastingdienst)",
    ),
    _clause(
        "Looks like a refund (restitutie, teruggave, terugbetaling) from a supplier, insurer or "
        "authority",
        "Lijkt op een terugbetaling (restitutie, teruggave, terugbetaling) van een leverancier, "
        "verzekeraar of overheidsinstantie",
    ),
    _clause(
        "Looks like interest paid by the bank",
        "Lijkt op een rentebijschrijving van de bank",
    ),
    _clause(
        "Looks like a loan, subsidy, dividend or benefit",
        "Lijkt op een lening, subsidie, dividend of uitkering",
    ),
    _clause(
        "Looks like a transfer between own accounts or a cash deposit",
        "Lijkt op een overboeking tussen eigen rekeningen of een kasstorting",
    ),
    _clause(
        ": not a customer payment.",
        ": geen betaling door een klant.",
    ),
    # -- payments competing for one invoice (allocate.settle_conflicts) -----------------------
    _clause(
        " (The other invoices of this amount are paid by other payments in this batch.)",
        " (De andere facturen van dit bedrag worden betaald door andere betalingen in deze "
        "verwerking.)",
    ),
    _clause(
        " Not automatic: another payment in this batch claims the same invoice.",
        " Niet automatisch: een andere betaling in deze verwerking lijkt dezelfde factuur te "
        "betalen.",
    ),
    _clause(
        "Several payments claim invoice {nums:nums}; decide which one pays it (the other may be a "
        "double payment).",
        "Meerdere betalingen lijken factuur {nums:nums} te betalen; beslis welke het is (de andere "
        "is mogelijk een dubbele betaling).",
    ),
    _clause(
        "The name '{payer:quoted}' is customer {name:text} ({score:count}%), the description's "
        "'{quoted:quoted}' fits invoice {num:num}, and the amount equals its open amount "
        "{open:eur}.",
        "De naam '{payer:quoted}' is klant {name:text} ({score:count}%), '{quoted:quoted}' in de "
        "omschrijving past bij factuur {num:num}, en het bedrag is gelijk aan het openstaande "
        "bedrag van {open:eur}.",
    ),
    _clause(
        "Looks like one of our own outgoing payments returned by the bank: not a customer payment.",
        "Lijkt een eigen uitgaande betaling die door de bank is teruggeboekt: geen betaling door "
        "een klant.",
    ),
    _clause(
        "It points at invoice {num:num}, which another payment in this batch pays in full: "
        "possibly paid twice.",
        "De betaling wijst naar factuur {num:num}, die een andere betaling in deze reeks al "
        "volledig betaalt: mogelijk dubbel betaald.",
    ),
    _clause(
        "Invoice {num:num} is paid already by an earlier payment of this payer in this batch "
        "(same account, same amount); this one is a double payment: refund it or keep it as "
        "credit.",
        "Factuur {num:num} is al betaald door een eerdere betaling van deze betaler in deze reeks "
        "(zelfde rekening, zelfde bedrag); dit is een dubbele betaling: terugbetalen of als "
        "tegoed houden.",
    ),
)


def _money(english: str) -> str:
    """"EUR 1234.56" as letters and the summary write it: "€ 1.234,56" (a no-break space)."""
    sign, number = ("-", english[5:]) if english.startswith("-") else ("", english[4:])
    return sign + format_currency(Decimal(number), "EUR", locale="nl_NL")


class _Dutch(string.Formatter):
    """`str.format` for the Dutch side of a clause: each value written as its kind says."""

    def format_field(self, value: str, kind: str) -> str:
        if kind == "eur":
            return _money(value)
        if kind == "pct":
            return value.replace(".", ",")
        if kind == "why":
            return _phrase(value, WHY)
        if kind == "note":
            return _phrase(value, NOTE)
        return value


_DUTCH = _Dutch()


def _phrase(english: str, table: tuple[Clause, ...]) -> str:
    """One of `table`'s phrases in Dutch (the clause that captured it only takes these)."""
    for clause in table:
        found = clause.pattern.fullmatch(english)
        if found:
            return _DUTCH.format(clause.dutch, **found.groupdict())
    raise ValueError(f"not one of the phrases: {english!r}")


def in_dutch(reason: str) -> str:
    """The reason in Dutch; unchanged when any part of it is not one of the engine's clauses."""
    out: list[str] = []
    at = 0
    while at < len(reason):
        for clause in CLAUSES:
            found = clause.pattern.match(reason, at)
            if found:
                out.append(_DUTCH.format(clause.dutch, **found.groupdict()))
                at = found.end()
                break
        else:
            return reason
    return "".join(out)
