"""The simulator's `POST /v1/mutation`: the validation rules of rest-docs CreateMutation(Row).

A type 3 mutation ("invoice payment received") lowers the open amount of the invoice
named on its row, which is how the outstanding list learns of a payment booked through
the API. Error codes are the documented ones (MUT_1xx for rows, MUTA_008 for a reused
payment reference, SECURITY_007 for a period closed by the accountant).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.eboekhouden.seed import SimData, SimMutation

VAT_CODES = frozenset({
    "HOOG_VERK_21", "LAAG_VERK_9", "VERL_VERK", "VERL_VERK_L9", "AFW", "BU_EU_VERK", "BI_EU_VERK",
    "BI_EU_VERK_D", "AFST_VERK", "LAAG_INK_9", "HOOG_INK_21", "VERL_INK", "AFW_VERK", "BU_EU_INK",
    "BI_EU_INK", "GEEN",
})
INVOICE_PAYMENT_TYPES = (3, 4)
MAX_ROWS = 100
MAX_DESCRIPTION = 50


class MutationError(ValueError):
    def __init__(self, code: str, title: str, *, property_name: str | None = None, status: int = 400) -> None:
        super().__init__(title)
        self.code, self.title, self.property_name, self.status = code, title, property_name, status


def create_mutation(data: SimData, body: Any, *, closed_until: date | None) -> SimMutation:
    """Validate a CreateMutation body, apply a payment to its invoice, store and return it."""
    if not isinstance(body, Mapping):
        raise MutationError("DATA_01", "No body.")
    kind = body.get("type")
    if not isinstance(kind, int) or not 1 <= kind <= 7:
        raise MutationError("ERR_002", "Invalid value.", property_name="type")
    if not body.get("date"):
        raise MutationError("MUT_003", "Date is missing.", property_name="date")
    try:
        booked_on = date.fromisoformat(str(body["date"]))
    except ValueError:
        raise MutationError("ERR_002", "Invalid value.", property_name="date") from None
    if closed_until is not None and booked_on <= closed_until:
        raise MutationError("SECURITY_007", "Period is closed by the accountant.", status=403)
    ledgers = {ledger.id: ledger for ledger in data.ledgers}
    if body.get("ledgerId") in (None, ""):
        raise MutationError("MUTA_001", "Ledger id is missing.", property_name="ledgerId")
    if body["ledgerId"] not in ledgers:
        raise MutationError("MUT_007", "Unknown ledger for mutation.", property_name="ledgerId")
    in_ex = body.get("inExVat")
    if not in_ex:
        raise MutationError("MUTA_005", "In/Ex VAT is missing.", property_name="inExVat")
    if in_ex not in ("IN", "EX"):
        raise MutationError("MUT_017", "In/Ex VAT must be 'IN' or 'EX'.", property_name="inExVat")
    if len(str(body.get("description") or "")) > MAX_DESCRIPTION:
        raise MutationError("ERR_002", "Description is too long.", property_name="description")
    if len(str(body.get("invoiceNumber") or "")) > 50:
        raise MutationError("MUT_018", "Invoice number is too long.", property_name="invoiceNumber")
    relation_id = body.get("relationId")
    if relation_id is not None and relation_id not in data.relations:
        raise MutationError("MUT_013", "Relation not found.", property_name="relationId")
    reference = str(body.get("paymentReference") or "")
    if reference and body.get("checkPaymentReference") and any(
        existing.payment_reference == reference for existing in data.mutations.values()
    ):
        raise MutationError("MUTA_008", "Payment reference already exists.", property_name="paymentReference")
    rows = body.get("rows")
    if not rows:
        raise MutationError("MUT_100", "Rows are missing.", property_name="rows")
    if len(rows) > MAX_ROWS:
        raise MutationError("MUT_101", "Too many rows.", property_name="rows")
    payments = [_check_row(data, kind, index, row, ledgers) for index, row in enumerate(rows)]

    for invoice_number, amount in payments:
        if invoice_number is not None:
            invoice = next(inv for inv in data.invoices.values() if inv.number == invoice_number)
            invoice.paid += amount
    data.next_mutation_id += 1
    mutation = SimMutation(
        id=data.next_mutation_id, type=kind, date=booked_on, ledger_id=int(body["ledgerId"]),
        description=str(body.get("description") or ""), invoice_number=str(body.get("invoiceNumber") or ""),
        relation_id=relation_id, in_ex_vat=in_ex, payment_reference=reference,
        entry_number=str(body.get("entryNumber") or ""), term_of_payment=body.get("termOfPayment"),
        rows=[{key: row.get(key) for key in ("ledgerId", "vatCode", "vatAmount", "costCenterId", "amount",
                                               "description", "invoiceNumber", "relationId")} for row in rows],
    )
    data.mutations[mutation.id] = mutation
    return mutation


def _check_row(data: SimData, kind: int, index: int, row: Any, ledgers: Mapping[int, Any]
               ) -> tuple[str | None, Decimal]:
    """Validate one row; for a payment return (invoice number, amount) to apply."""
    where = f"rows[{index}]"
    if not isinstance(row, Mapping):
        raise MutationError("ERR_002", "Invalid value.", property_name=where)
    if row.get("vatCode") not in VAT_CODES:
        raise MutationError("MUT_109", "Invalid VAT code.", property_name=f"{where}.vatCode")
    try:
        amount = Decimal(str(row["amount"]))
    except (KeyError, InvalidOperation):
        raise MutationError("ERR_002", "Invalid value.", property_name=f"{where}.amount") from None
    if isinstance(row["amount"], str):
        raise MutationError("ERR_002", "Amount must be a number.", property_name=f"{where}.amount")
    ledger_id = row.get("ledgerId")
    if ledger_id is None and kind not in INVOICE_PAYMENT_TYPES:
        raise MutationError("MUTA_004", "Ledger ID for row is missing.", property_name=f"{where}.ledgerId")
    if ledger_id is not None and ledger_id not in ledgers:
        raise MutationError("MUT_104", "Unknown ledger for row.", property_name=f"{where}.ledgerId")
    if kind not in INVOICE_PAYMENT_TYPES:
        return None, amount
    if ledger_id is not None and ledgers[ledger_id].category not in ("DEB", "CRED"):
        raise MutationError("MUT_106", "Invalid ledger category for row.", property_name=f"{where}.ledgerId")
    number = row.get("invoiceNumber")
    if not number:
        raise MutationError("MUT_120", "Invoice number is missing.", property_name=f"{where}.invoiceNumber")
    if row.get("relationId") is None:
        raise MutationError("MUT_112", "Relation is missing.", property_name=f"{where}.relationId")
    if row["relationId"] not in data.relations:
        raise MutationError("MUT_113", "Relation not found.", property_name=f"{where}.relationId")
    if not any(inv.number == number and inv.relation_id == row["relationId"] for inv in data.invoices.values()):
        raise MutationError("MUT_115", "Invoice not found.", property_name=f"{where}.invoiceNumber")
    return str(number), amount
