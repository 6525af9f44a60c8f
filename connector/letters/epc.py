"""EPC QR code (SEPA credit transfer, EPC069-12 version 002) for the pay block of a PDF letter.

segno builds the code (`segno.helpers.make_epc_qr`); this module only decides what goes in:
a structured RF reference when there is one, otherwise the reference as remittance text. The
character set is always UTF-8 (EPC069-12 character set 1): left to itself segno picks the
smallest one (ISO 8859-1 for most Dutch names), and banking apps read UTF-8 most reliably.
"""

from __future__ import annotations

from decimal import Decimal

import segno
from segno import helpers

from connector.legal.references import is_valid_rf, normalise_reference

__all__ = ["MAX_EPC_AMOUNT", "epc_qr", "epc_svg_data_uri"]

MAX_EPC_AMOUNT = Decimal("999999999.99")


def epc_qr(*, name: str, iban: str, amount: Decimal, reference: str, bic: str = "") -> segno.QRCode | None:
    """The QR code, or None when it cannot be made (no IBAN, nothing to pay, amount out of range)."""
    if not iban or amount <= 0 or amount > MAX_EPC_AMOUNT:
        return None
    structured = normalise_reference(reference) if reference and is_valid_rf(reference) else None
    text = None if structured else (reference[:140] or None)
    return helpers.make_epc_qr(
        name=name[:70], iban=iban.replace(" ", ""), amount=amount.quantize(Decimal("0.01")),
        reference=structured, text=text, bic=bic or None, encoding="utf-8",
    )


def epc_svg_data_uri(**fields: object) -> str:
    """A `data:image/svg+xml` URI for <img src>, or "" when no code can be made."""
    qr = epc_qr(**fields)  # type: ignore[arg-type]
    if qr is None:
        return ""
    return qr.svg_data_uri(scale=4, border=2)
