"""Which Exact endpoints the simulator serves, with the fields it knows for each.

Every route names the entity of Exact's reference it imitates (the keys of
`shared/specs/exact/exact_rest_entities_2025-07_with_descriptions.json`), so a test can check
paths, methods and every field name against the scraped metadata.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


class SimError(Exception):
    """An error answer of the simulated API: status, Exact's error text, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


TERM_FIELDS = (
    "Timestamp",
    "ID",
    "LineType",
    "Status",
    "Account",
    "AccountCode",
    "AccountName",
    "InvoiceNumber",
    "EntryNumber",
    "InvoiceDate",
    "EntryDate",
    "DueDate",
    "Currency",
    "AmountFC",
    "AmountDC",
    "TransactionAmountFC",
    "TransactionAmountDC",
    "PaymentReference",
    "PaymentMethod",
    "IsFullyPaid",
    "YourRef",
    "Description",
    "GLAccount",
    "EntryID",
    "EndDate",
    "Division",
)
ACCOUNT_FIELDS = (
    "Timestamp",
    "ID",
    "Code",
    "Name",
    "Email",
    "Phone",
    "Language",
    "ChamberOfCommerce",
    "VATNumber",
    "AddressLine1",
    "Postcode",
    "City",
    "Country",
    "Status",
    "IsSales",
    "Blocked",
    "Modified",
    "Division",
)
BANK_ACCOUNT_FIELDS = (
    "ID",
    "Account",
    "AccountName",
    "BankAccount",
    "Main",
    "Type",
    "Modified",
    "Division",
)
DELETED_FIELDS = ("Timestamp", "ID", "EntityKey", "EntityType", "DeletedDate", "Division")
JOURNAL_FIELDS = (
    "ID",
    "Code",
    "Description",
    "Type",
    "GLAccount",
    "BankAccountIBAN",
    "Currency",
    "Division",
)
BANK_ENTRY_FIELDS = (
    "EntryID",
    "EntryNumber",
    "JournalCode",
    "Currency",
    "Status",
    "Division",
    "Created",
)
BANK_LINE_FIELDS = (
    "ID",
    "EntryID",
    "EntryNumber",
    "LineNumber",
    "Date",
    "AmountFC",
    "AmountDC",
    "Description",
    "Notes",
    "Account",
    "OurRef",
    "GLAccount",
    "Modified",
    "Division",
)
TRANSACTION_LINE_FIELDS = (
    "ID",
    "EntryID",
    "EntryNumber",
    "LineNumber",
    "Date",
    "Type",
    "JournalCode",
    "Status",
    "Account",
    "AccountCode",
    "GLAccount",
    "InvoiceNumber",
    "Description",
    "AmountDC",
    "AmountFC",
    "Currency",
    "FinancialYear",
    "FinancialPeriod",
    "Division",
)
NOTE_FIELDS = (
    "ID",
    "Account",
    "AccountName",
    "Subject",
    "Notes",
    "Date",
    "Document",
    "Created",
    "Division",
    "HID",
)
TASK_FIELDS = (
    "ID",
    "Account",
    "AccountName",
    "Description",
    "Notes",
    "ActionDate",
    "Document",
    "Created",
    "Division",
    "HID",
)
DOCUMENT_FIELDS = (
    "ID",
    "Account",
    "Subject",
    "Type",
    "DocumentDate",
    "Body",
    "Created",
    "Division",
    "HID",
)
ATTACHMENT_FIELDS = ("ID", "Document", "FileName", "FileSize", "Attachment", "Url")
DIVISION_FIELDS = (
    "Code",
    "Description",
    "Status",
    "DivisionMoveDate",
    "Country",
    "Currency",
    "Current",
)
ME_FIELDS = (
    "UserID",
    "CurrentDivision",
    "FullName",
    "Email",
    "DivisionCustomerName",
    "LanguageCode",
    "UserName",
)

# bulk/Cashflow/Receivables: "Only the following filters are supported for this endpoint"
RECEIVABLE_BULK_FILTERS = frozenset(
    {
        "Account",
        "Document",
        "EndDate",
        "EndToEndID",
        "EntryDate",
        "EntryID",
        "GLAccount",
        "ID",
        "InvoiceDate",
        "InvoiceNumber",
        "Source",
        "Status",
        "TransactionID",
        "TransactionType",
    }
)


def _receivable(row: Row) -> bool:
    return row.get("LineType") == 20


@dataclass(frozen=True, slots=True)
class Route:
    """One entity endpoint below `/api/v1/{division}/`.

    Attributes:
        kind: "sync" (1,000 a page, Timestamp order, only Timestamp filterable, $select required),
            "bulk" (1,000 a page, $select required, whitelisted filters) or "normal" (60 a page).
        key: the property paging continues from (`$skiptoken`).
        where: which rows of the table belong to this endpoint.
        post_fields: properties a POST may set; `line_fields` for the nested lines of a POST.
    """

    path: str
    entity: str
    table: str
    kind: str
    fields: tuple[str, ...]
    key: str = "ID"
    methods: tuple[str, ...] = ("GET",)
    where: Callable[[Row], bool] | None = None
    filterable: frozenset[str] | None = None
    post_fields: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    line_entity: str = ""
    line_fields: frozenset[str] = frozenset()

    @property
    def page_size(self) -> int:
        return 60 if self.kind == "normal" else 1000


def _without(fields: tuple[str, ...], *names: str) -> tuple[str, ...]:
    return tuple(f for f in fields if f not in names)


ROUTES: tuple[Route, ...] = (
    Route(
        "sync/Cashflow/PaymentTerms",
        "Sync\\Cashflow\\PaymentTerms",
        "terms",
        "sync",
        TERM_FIELDS,
        key="Timestamp",
        filterable=frozenset({"Timestamp"}),
    ),
    Route(
        "bulk/Cashflow/Receivables",
        "Bulk\\Cashflow\\Receivables",
        "terms",
        "bulk",
        _without(TERM_FIELDS, "Timestamp", "LineType"),
        where=_receivable,
        filterable=RECEIVABLE_BULK_FILTERS,
    ),
    Route(
        "cashflow/Receivables",
        "Cashflow\\Receivables",
        "terms",
        "normal",
        _without(TERM_FIELDS, "Timestamp", "LineType"),
        where=_receivable,
    ),
    Route(
        "sync/CRM/Accounts",
        "Sync\\CRM\\Accounts",
        "accounts",
        "sync",
        ACCOUNT_FIELDS,
        key="Timestamp",
        filterable=frozenset({"Timestamp"}),
    ),
    Route(
        "bulk/CRM/Accounts",
        "Bulk\\CRM\\Accounts",
        "accounts",
        "bulk",
        _without(ACCOUNT_FIELDS, "Timestamp"),
    ),
    Route(
        "crm/Accounts", "CRM\\Accounts", "accounts", "normal", _without(ACCOUNT_FIELDS, "Timestamp")
    ),
    Route("crm/BankAccounts", "CRM\\BankAccounts", "bank_accounts", "normal", BANK_ACCOUNT_FIELDS),
    Route(
        "sync/Deleted",
        "Sync\\Deleted",
        "deleted",
        "sync",
        DELETED_FIELDS,
        key="Timestamp",
        filterable=frozenset({"Timestamp"}),
    ),
    Route("financial/Journals", "Financial\\Journals", "journals", "normal", JOURNAL_FIELDS),
    Route(
        "financialtransaction/BankEntries",
        "FinancialTransaction\\BankEntries",
        "bank_entries",
        "normal",
        BANK_ENTRY_FIELDS,
        key="EntryID",
        methods=("GET", "POST"),
        post_fields=frozenset(
            {
                "JournalCode",
                "BankEntryLines",
                "Currency",
                "EntryNumber",
                "OpeningBalanceFC",
                "ClosingBalanceFC",
                "FinancialYear",
                "FinancialPeriod",
            }
        ),
        required=frozenset({"JournalCode", "BankEntryLines"}),
        line_entity="FinancialTransaction\\BankEntryLines",
        line_fields=frozenset(
            {
                "Date",
                "AmountFC",
                "Description",
                "Notes",
                "Account",
                "OurRef",
                "GLAccount",
                "VATCode",
                "Document",
            }
        ),
    ),
    Route(
        "financialtransaction/BankEntryLines",
        "FinancialTransaction\\BankEntryLines",
        "bank_lines",
        "normal",
        BANK_LINE_FIELDS,
    ),
    Route(
        "bulk/Financial/TransactionLines",
        "Bulk\\Financial\\TransactionLines",
        "transaction_lines",
        "bulk",
        TRANSACTION_LINE_FIELDS,
    ),
    Route(
        "activities/CommunicationNotes",
        "Activities\\CommunicationNotes",
        "notes",
        "normal",
        NOTE_FIELDS,
        methods=("GET", "POST"),
        post_fields=frozenset({"Account", "Contact", "Subject", "Notes", "Date", "Document"}),
    ),
    Route(
        "activities/Tasks",
        "Activities\\Tasks",
        "tasks",
        "normal",
        TASK_FIELDS,
        methods=("GET", "POST"),
        post_fields=frozenset(
            {"Account", "Contact", "Description", "Notes", "ActionDate", "Document"}
        ),
    ),
    Route(
        "documents/Documents",
        "Documents\\Documents",
        "documents",
        "normal",
        DOCUMENT_FIELDS,
        methods=("GET", "POST"),
        post_fields=frozenset({"Account", "Subject", "Type", "DocumentDate", "Body"}),
        required=frozenset({"Subject", "Type"}),
    ),
    Route(
        "documents/DocumentAttachments",
        "Documents\\DocumentAttachments",
        "attachments",
        "normal",
        ATTACHMENT_FIELDS,
        methods=("GET", "POST"),
        post_fields=frozenset({"Document", "FileName", "Attachment"}),
        required=frozenset({"Document", "FileName", "Attachment"}),
    ),
    Route(
        "system/Divisions", "System\\Divisions", "divisions", "normal", DIVISION_FIELDS, key="Code"
    ),
)
ROUTES_BY_PATH = {route.path.lower(): route for route in ROUTES}
ME_ROUTE = Route("current/Me", "System\\Me", "me", "normal", ME_FIELDS, key="UserID")
