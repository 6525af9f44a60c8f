"""Read the :86: information field of an MT940 entry: counterparty, remittance text, references.

Every Dutch bank fills :86: its own way, so this tries the layouts from most to least
structured, on content rather than on the bank's name:

* `/TAG/value` codes (NVB "MT940 structured"): ING (/CNTP/ /REMI/USTD//...), ABN AMRO SEPA
  (/TRTP/ /IBAN/ /NAME/), Rabobank (/ORDP//NAME/, /BENM//NAME/), bunq, Triodos, Knab,
  Van Lanschot. Wrapped lines are joined without a separator: these banks break mid-word.
* German `?xx` sub-fields (handled by mt-940's own processor).
* Old Triodos `>2x` sub-fields.
* de Volksbank (ASN, SNS, RegioBank): first line "IBAN name", then 65-column text.
* ABN AMRO 2014 labels (IBAN: / BIC: / NAAM: / OMSCHRIJVING:), Knab "REK: .../NAAM: ...".
* Anything else is free text: no counterparty, the whole text as description.

Never raises: an unreadable :86: is text, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import mt940

from connector.bankfiles.text import collapse, iban_or_empty, is_iban_shaped

_SLASH_KEYS = (
    "CDTRREFTP", "CDTRREF", "TRTP", "IBAN", "BIC", "NAME", "CNTP", "REMI", "EREF", "ORDP", "BENM",
    "ULTC", "ULTD", "ULTB", "PREF", "MARF", "CSID", "RTRN", "ISDT", "ADDR", "BUSP", "PURP", "ACCW",
    "SUM", "ID", "CD", "ISSR", "EXCH", "OCMT", "CHGS", "SVCL",
)
_SLASH_KEY = re.compile(r"/(" + "|".join(sorted(_SLASH_KEYS, key=len, reverse=True)) + r")/")
_SLASH_START = re.compile(r"^\s*/(" + "|".join(_SLASH_KEYS) + r")/")
_PARTIES = frozenset({"CNTP", "BENM", "ORDP"})
_ULTIMATES = frozenset({"ULTD", "ULTC", "ULTB"})
_PARTY_SUBFIELDS = frozenset({"NAME", "ID", "ADDR"})
_REMI_PREFIX = re.compile(r"^(?:USTD|STRD/(?:CUR|ISO|[A-Z]{0,4}))?/+")
_NOT_PROVIDED = frozenset({"", "NOTPROVIDED", "NONREF"})
_STRUCTURED_REMI = re.compile(r"^\s*STRD/")  # ING: /REMI/STRD/CUR/<betalingskenmerk>/, STRD/ISO/<RF...>/
_ISSUER_REFERENCE = re.compile(r"\bISSUER:\s*\S+\s+REF:\s*(?P<reference>\S+)")  # ABN AMRO acceptgiro
_LABELS = re.compile(
    r"(?P<label>IBAN|BIC|NAAM|OMSCHRIJVING|BETALINGSKENM\.|KENMERK|ID DEBITEUR|ID INCASSANT|"
    r"INCASSANT|MACHTIGING):\s*"
)
_KNAB_TAIL = re.compile(r"(?:^|\s)REK:\s*(?P<account>[^/\s]*)\s*/\s*NAAM:\s*(?P<name>[^\n]*?)\s*$")
_KNAB_NAME = re.compile(r"(?:^|\n)\s*NAAM:\s*(?P<name>[^\n]*?)\s*$")
_VOLKSBANK_FIRST = re.compile(r"^\s*(?P<iban>[A-Z]{2}\d{2}[A-Z0-9]{10,30})(?:\s+(?P<name>.*?))?\s*$")
_TRIODOS = re.compile(r">(\d{2})")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_FULL_LINE = 65  # SWIFT width of an :86: line; a full line was wrapped, not ended


@dataclass(frozen=True, slots=True)
class Details:
    """What an :86: says about the payment."""

    name: str = ""
    iban: str = ""
    description: str = ""
    end_to_end_id: str = ""
    ultimate: str = ""
    return_reason: str = ""
    creditor_reference: str = ""


def join_wrapped(lines: Sequence[str]) -> str:
    """Join free-text lines: a line filling the 65-column width was wrapped (no space), else ended (space).

    De Volksbank pads every line to 65 columns, so its text joins as printed; ABN AMRO's old
    64-column layout and short lines get a space.
    """
    out = ""
    for index, text in enumerate(lines):
        out += text
        if index < len(lines) - 1 and len(text) < _FULL_LINE:
            out += " "
    return out


def interpret(lines: Sequence[str], *, volksbank: bool = False) -> Details:
    """Read :86: text given as its raw lines (first line without the ":86:" tag)."""
    if not any(text.strip() for text in lines):
        return Details()
    raw = "".join(lines)
    if _SLASH_START.match(raw):
        return _slash_codes(raw)
    if re.match(r"^\s*\d{3}\?\d{2}", raw):
        return _german_subfields(raw)
    if re.match(r"^\s*\d{3}>\d{2}", raw) or raw.lstrip().startswith(">2"):
        return _triodos_subfields(raw)
    if volksbank:
        return _volksbank(lines)
    text = "\n".join(lines)
    if re.search(r"\bIBAN:\s*[A-Z]{2}\d{2}", text) and "NAAM:" in text:
        return _abn_labels(lines)
    if _KNAB_TAIL.search(text) or _KNAB_NAME.search(text):
        return _knab(text)
    return Details(description=collapse(join_wrapped(lines)))


def _split_slash_codes(raw: str) -> list[tuple[str, str]]:
    """`/EREF/x//CNTP/a/b/c//REMI/y/` -> [("EREF", "x"), ("CNTP", "a/b/c"), ("REMI", "y")]."""
    matches = list(_SLASH_KEY.finditer(raw))
    pairs = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        value = raw[match.end():end]
        # ING ends every value with "/" before the next "/KEY/" (hence the "//" between codes).
        pairs.append((match.group(1), value.removesuffix("/")))
    return pairs


def _clean_remittance(value: str) -> str:
    """Drop "USTD//" / "STRD/CUR/" and the slashes around the text; keep the text itself."""
    return collapse(_REMI_PREFIX.sub("", value.strip(), count=1).strip("/"))


def _slash_codes(raw: str) -> Details:
    name = iban = remittance = e2e = ultimate = reason = creditor_reference = ""
    party = ""
    for key, value in _split_slash_codes(raw):
        text = collapse(value)
        if key in _PARTIES or key in _ULTIMATES:
            party = key
            subfields = [collapse(part) for part in value.split("/")]
            if key in _PARTIES:
                iban = iban or iban_or_empty(subfields[0])
                name = name or (subfields[2] if len(subfields) > 2 else "")
            elif subfields[0]:
                ultimate = ultimate or subfields[0]
            continue
        if key == "NAME":
            if party in _ULTIMATES:
                ultimate = ultimate or text
            else:
                name = name or text
        elif key == "IBAN":
            iban = iban or iban_or_empty(text)
        elif key == "REMI" and not remittance:
            remittance = _clean_remittance(value)
            if _STRUCTURED_REMI.match(value):
                creditor_reference = creditor_reference or remittance
            elif issued := _ISSUER_REFERENCE.search(remittance):
                creditor_reference = creditor_reference or issued.group("reference")
        elif key == "CDTRREF":
            creditor_reference = text
        elif key == "EREF":
            e2e = e2e or ("" if text.upper() in _NOT_PROVIDED else text)
        elif key == "RTRN":
            reason = reason or collapse(value.split("/")[0])
        if key not in _PARTY_SUBFIELDS:
            party = ""
    if creditor_reference and creditor_reference not in remittance:
        remittance = f"{remittance} {creditor_reference}".strip()
    return Details(name=name, iban=iban, description=remittance, end_to_end_id=e2e,
                   ultimate=ultimate, return_reason=reason, creditor_reference=creditor_reference)


def _german_subfields(raw: str) -> Details:
    """`109?00SEPA...?20...?31IBAN?32NAME`: mt-940's processor knows these sub-fields."""
    context = mt940.models.Transactions(options=mt940.Options.all())
    tag = mt940.tags.TransactionDetails()
    data = {"transaction_details": raw}
    result = mt940.processors.transaction_details_post_processor(context, tag, data, dict(data))
    e2e = collapse(result.get("end_to_end_reference"))
    return Details(
        name=collapse(result.get("applicant_name")), iban=iban_or_empty(result.get("applicant_iban")),
        description=collapse(result.get("purpose") or result.get("posting_text")),
        end_to_end_id="" if e2e.upper() in _NOT_PROVIDED else e2e,
    )


def _triodos_subfields(raw: str) -> Details:
    """Old Triodos: `>20`..`>29` text (SEPA: `>20` BIC, `>21` IBAN first), `>31` account, `>32/33` name."""
    parts = _TRIODOS.split(raw)
    fields: dict[str, list[str]] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(code, []).append(value)
    text_codes = sorted(code for code in fields if code.startswith("2"))
    texts = ["".join(fields[code]) for code in text_codes]
    iban = ""
    if len(texts) >= 2 and _BIC.match(texts[0].strip()) and is_iban_shaped(texts[1].strip()[:34]):
        iban = texts[1].strip()
        texts = texts[2:]
    name = collapse("".join(fields.get("32", [])) + "".join(fields.get("33", [])))
    return Details(name=name, iban=iban_or_empty(iban), description=collapse("".join(texts)))


def _volksbank(lines: Sequence[str]) -> Details:
    """ASN / SNS / RegioBank: "IBAN name" on the first line, then 65-column padded text lines."""
    first = _VOLKSBANK_FIRST.match(lines[0])
    rest = list(lines[1:])
    name = iban = ""
    if first:
        iban, name = first.group("iban"), collapse(first.group("name"))
    elif lines[0].strip():
        rest.insert(0, lines[0])
    description = collapse(join_wrapped(rest))
    if _SLASH_START.match(description):
        # A forwarded structured record (e.g. an ABN AMRO direct debit) inside the text.
        forwarded = _slash_codes(description)
        return Details(name=name or forwarded.name, iban=iban or forwarded.iban,
                       description=forwarded.description or description,
                       end_to_end_id=forwarded.end_to_end_id, creditor_reference=forwarded.creditor_reference)
    return Details(name=name, iban=iban_or_empty(iban), description=description)


def _abn_labels(lines: Sequence[str]) -> Details:
    """ABN AMRO 2014: a type, then `IBAN:`/`BIC:`/`NAAM:` columns, `OMSCHRIJVING:` and other labels."""
    values: list[list[str]] = []  # [label, text]
    for text in lines:
        matches = list(_LABELS.finditer(text))
        if not matches and values:
            values[-1][1] += " " + text
            continue
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            values.append([match.group("label"), text[match.end():end]])
    found = {label: collapse(value) for label, value in reversed(values)}
    rest = [collapse(value) if label == "OMSCHRIJVING" else f"{label}: {collapse(value)}"
            for label, value in values if label not in ("IBAN", "BIC", "NAAM") and collapse(value)]
    return Details(name=found.get("NAAM", ""), iban=iban_or_empty(found.get("IBAN")), description=" ".join(rest))


def _knab(text: str) -> Details:
    """Knab: the text, then "REK: <account>/NAAM: <name>" (or only "NAAM: <name>" for card payments)."""
    match = _KNAB_TAIL.search(text)
    if match:
        body = text[:match.start()]
        return Details(name=collapse(match.group("name")), iban=iban_or_empty(match.group("account")),
                       description=collapse(join_wrapped(body.split("\n"))))
    match = _KNAB_NAME.search(text)
    body = text[:match.start()] if match else text
    return Details(name=collapse(match.group("name")) if match else "",
                   description=collapse(join_wrapped(body.split("\n"))))
