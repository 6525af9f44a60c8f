"""What the Exact simulator's data does: records created by POSTs, and knobs tests turn.

A mix-in of `ExactSimulator`: every change bumps the row's `Timestamp` from the division's
row-version counter (as Exact's sync endpoints see it), deletions land in `sync/Deleted`, and
a bank entry line that names a customer (`Account`) and an invoice number (`OurRef`) pays that
invoice's open term, the way a matched bank line would.
"""

from __future__ import annotations

import base64
import binascii
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from adapters.exact_online.odata import wall_now
from adapters.exact_online.seed import DivisionData, Row, new_id
from adapters.exact_online.sim_odata import FilterError, parse_body_date
from adapters.exact_online.sim_routes import ROUTES_BY_PATH, SimError

if TYPE_CHECKING:
    from collections import Counter
    from threading import RLock

    from adapters.exact_online.sim_oauth import SimulatedLogin
    from connector.clock import Clock

ENTITY_TYPES = {"terms": 10, "accounts": 2, "bank_accounts": 48, "bank_lines": 1}


@dataclass(frozen=True, slots=True)
class TokenStall:
    """The token endpoint hangs until `release` is set (at most `longest` s: no test can hang)."""

    processed: bool
    release: threading.Event = field(default_factory=threading.Event)
    longest: float = 30.0


class SimulatorState:
    clock: Clock
    login: SimulatedLogin
    division: int
    divisions: dict[int, DivisionData]
    failures: dict[str, list[Any]]
    token_stall: TokenStall | None
    _lock: RLock
    _versions: Counter[tuple[int, str]]
    _usage: dict[int, dict[str, int]]
    day_limit: int
    minute_limit: int

    # -- helpers ---------------------------------------------------------------------------------

    def _data(self, division: int | None) -> DivisionData:
        return self.divisions[division or self.division]

    def _now(self) -> datetime:
        return wall_now(self.clock.now())

    def _touch(self, data: DivisionData, table: str) -> None:
        self._versions[(data.code, table)] += 1

    def _bump(self, data: DivisionData, table: str, row: Row) -> None:
        if "Timestamp" in row:
            row["Timestamp"] = data.next_ts()
        if "Modified" in row:
            row["Modified"] = self._now()
        self._touch(data, table)

    def _find(self, data: DivisionData, table: str, row_id: str, key: str = "ID") -> Row:
        for row in data.table(table):
            if str(row.get(key)).lower() == str(row_id).lower():
                return row
        raise KeyError(f"{table}: no row {row_id}")

    def _rng(self) -> random.Random:
        return random.Random(f"sim-{self.clock.now()}-{sum(self._versions.values())}")

    # -- records made by POSTs -------------------------------------------------------------------

    def _account_name(self, data: DivisionData, account: Any) -> str | None:
        if account in (None, ""):
            return None
        try:
            return self._find(data, "accounts", str(account))["Name"]
        except KeyError:
            raise _bad(f"Account {account} does not exist") from None

    def _date(self, value: Any) -> datetime | None:
        try:
            return parse_body_date(value)
        except FilterError as exc:
            raise _bad(str(exc)) from None

    def _activity(
        self, data: DivisionData, table: str, body: dict[str, Any], date_field: str
    ) -> Row:
        row = {
            "ID": new_id(self._rng()),
            "Account": _lower(body.get("Account")),
            "AccountName": self._account_name(data, body.get("Account")),
            "Notes": body.get("Notes"),
            date_field: self._date(body.get(date_field)) or self._now(),
            "Document": _lower(body.get("Document")),
            "Created": self._now(),
            "Division": data.code,
            "HID": len(data.table(table)) + 1,
        }
        data.table(table).append(row)
        return row

    def _create_notes(self, data: DivisionData, body: dict[str, Any]) -> Row:
        row = self._activity(data, "notes", body, "Date")
        row["Subject"] = body.get("Subject")
        return row

    def _create_tasks(self, data: DivisionData, body: dict[str, Any]) -> Row:
        row = self._activity(data, "tasks", body, "ActionDate")
        row["Description"] = body.get("Description")
        return row

    def _create_documents(self, data: DivisionData, body: dict[str, Any]) -> Row:
        self._account_name(data, body.get("Account"))
        row = {
            "ID": new_id(self._rng()),
            "Account": _lower(body.get("Account")),
            "Subject": body["Subject"],
            "Type": int(body["Type"]),
            "DocumentDate": self._date(body.get("DocumentDate")) or self._now(),
            "Body": body.get("Body"),
            "Created": self._now(),
            "Division": data.code,
            "HID": len(data.table("documents")) + 1,
        }
        data.table("documents").append(row)
        return row

    def _create_attachments(self, data: DivisionData, body: dict[str, Any]) -> Row:
        try:
            self._find(data, "documents", str(body["Document"]))
        except KeyError:
            raise _bad(f"Document {body['Document']} does not exist") from None
        try:
            content = base64.b64decode(str(body["Attachment"]), validate=True)
        except (binascii.Error, ValueError):
            raise _bad("Attachment is not valid Base64") from None
        row_id = new_id(self._rng())
        row = {
            "ID": row_id,
            "Document": str(body["Document"]).lower(),
            "FileName": body["FileName"],
            "FileSize": Decimal(len(content)),
            "Attachment": body["Attachment"],
            "Url": f"/docs/SysAttachment.aspx?ID={row_id}",
        }
        data.table("attachments").append(row)
        return row

    def _create_bank_entries(self, data: DivisionData, body: dict[str, Any]) -> Row:
        journal = next(
            (j for j in data.table("journals") if j["Code"] == str(body["JournalCode"])), None
        )
        if journal is None or journal["Type"] != 12:
            raise _bad(f"Journal {body['JournalCode']} is not a bank journal")
        lines = body["BankEntryLines"]
        if not isinstance(lines, list) or not lines:
            raise _bad("Mandatory: BankEntryLines")
        allowed = ROUTES_BY_PATH["financialtransaction/bankentries"].line_fields
        for line in lines:
            unknown = sorted(set(line) - allowed)
            if unknown:
                raise _bad(
                    f"Property '{unknown[0]}' does not exist or cannot be set on BankEntryLines"
                )
            if line.get("AmountFC") in (None, "") or not line.get("GLAccount"):
                raise _bad("Mandatory: AmountFC, GLAccount")
            self._account_name(data, line.get("Account"))
        entry = {
            "EntryID": new_id(self._rng()),
            "EntryNumber": 20000000 + len(data.table("bank_entries")) + 1,
            "JournalCode": journal["Code"],
            "Currency": body.get("Currency") or "EUR",
            "Status": 20,
            "Division": data.code,
            "Created": self._now(),
        }
        data.table("bank_entries").append(entry)
        for number, line in enumerate(lines, start=1):
            amount = Decimal(str(line["AmountFC"]))
            row = {
                "ID": new_id(self._rng()),
                "EntryID": entry["EntryID"],
                "EntryNumber": entry["EntryNumber"],
                "LineNumber": number,
                "Date": self._date(line.get("Date")) or self._now(),
                "AmountFC": amount,
                "AmountDC": amount,
                "Description": line.get("Description"),
                "Notes": line.get("Notes"),
                "Account": _lower(line.get("Account")),
                "OurRef": line.get("OurRef"),
                "GLAccount": str(line["GLAccount"]).lower(),
                "Modified": self._now(),
                "Division": data.code,
            }
            data.table("bank_lines").append(row)
            if row["Account"] and row["OurRef"]:
                self._apply_payment(data, row["Account"], int(row["OurRef"]), amount)
        self._touch(data, "bank_lines")
        return entry

    def _apply_payment(
        self, data: DivisionData, account: str, invoice_number: int, amount: Decimal
    ) -> None:
        for term in data.table("terms"):
            if (
                term["LineType"] == 20
                and term["Account"] == account
                and term["InvoiceNumber"] == invoice_number
                and term["Status"] in (20, 30, 40)
            ):
                self._settle(data, term, amount)
                return

    def _settle(self, data: DivisionData, term: Row, amount: Decimal) -> None:
        left = term["AmountFC"] - amount
        if left == 0 or (term["AmountFC"] > 0) != (left > 0):
            term.update(Status=50, IsFullyPaid=True, EndDate=self._now())
        else:
            term.update(AmountFC=left, AmountDC=left)
        self._bump(data, "terms", term)

    # -- knobs for tests and demos ---------------------------------------------------------------

    def grant(self) -> dict[str, Any]:
        """Tokens of a consent made just now (ends any earlier grant: one token chain per login)."""
        return self.login.grant()

    def invoice_ids(self, division: int | None = None) -> list[str]:
        """IDs of the open receivable terms."""
        with self._lock:
            return [
                t["ID"]
                for t in self._data(division).table("terms")
                if t["LineType"] == 20 and t["Status"] in (20, 30, 40)
            ]

    def term(self, term_id: str, division: int | None = None) -> Row:
        with self._lock:
            return dict(self._find(self._data(division), "terms", term_id))

    def change_invoices(self, k: int, division: int | None = None) -> list[str]:
        """Move the due date of k open receivables a week on (their sync Timestamp changes)."""
        with self._lock:
            data = self._data(division)
            changed = []
            for term in [
                t for t in data.table("terms") if t["LineType"] == 20 and t["Status"] == 20
            ][:k]:
                term["DueDate"] = term["DueDate"] + timedelta(days=7)
                self._bump(data, "terms", term)
                changed.append(term["ID"])
            return changed

    def pay_invoice(
        self, term_id: str, amount: Decimal | None = None, division: int | None = None
    ) -> None:
        """Match the receivable (fully, or `amount` of it) as a bank line matched in Exact would."""
        with self._lock:
            data = self._data(division)
            term = self._find(data, "terms", term_id)
            self._settle(data, term, term["AmountFC"] if amount is None else amount)

    def delete(self, table: str, row_id: str, division: int | None = None) -> None:
        """Delete a row; Exact's sync/Deleted then lists it with its EntityType."""
        with self._lock:
            data = self._data(division)
            row = self._find(data, table, row_id)
            data.table(table).remove(row)
            self._touch(data, table)
            data.table("deleted").append(
                {
                    "Timestamp": data.next_ts(),
                    "ID": new_id(self._rng()),
                    "EntityKey": str(row_id).lower(),
                    "EntityType": ENTITY_TYPES[table],
                    "DeletedDate": self._now(),
                    "Division": data.code,
                }
            )
            self._touch(data, "deleted")

    def forget_deletions(self, division: int | None = None) -> None:
        """Exact keeps `sync/Deleted` for about two months; then a deletion leaves no trace."""
        with self._lock:
            data = self._data(division)
            data.table("deleted").clear()
            self._touch(data, "deleted")

    def change_row(
        self, table: str, row_id: str, division: int | None = None, **fields: Any
    ) -> None:
        with self._lock:
            data = self._data(division)
            row = self._find(data, table, row_id)
            row.update(fields)
            self._bump(data, table, row)

    def add_row(self, table: str, row: Row, division: int | None = None) -> Row:
        with self._lock:
            data = self._data(division)
            row = {"ID": new_id(self._rng()), "Division": data.code, **row}
            data.table(table).append(row)
            self._bump(data, table, row)
            return row

    def rows(
        self, table: str, division: int | None = None, where: Callable[[Row], bool] | None = None
    ) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self._data(division).table(table) if where is None or where(r)]

    def fail_endpoint(
        self,
        path: str,
        status: int = 500,
        *,
        times: int | None = None,
        message: str = "Internal server error",
    ) -> None:
        """Answer `status` on that endpoint (e.g. "sync/Cashflow/PaymentTerms") `times` times,
        or until cleared."""
        with self._lock:
            self.failures[path] = [status, message, times]

    def stall_token_endpoint(self, *, processed: bool) -> Callable[[], None]:
        """Make the token endpoint hang; returns the function that ends the hang.

        `processed`: Exact carries the refresh out (the old refresh token is spent, new tokens
        issued) and only the answer hangs. Otherwise the request hangs before the login server
        sees it and then fails with 503, leaving the login as it was.
        """
        stall = TokenStall(processed)
        self.token_stall = stall

        def release() -> None:
            self.token_stall = None
            stall.release.set()

        return release

    def clear_failures(self) -> None:
        with self._lock:
            self.failures.clear()

    def set_calls_left_today(self, remaining: int, division: int | None = None) -> None:
        """As if other runs of this app had used the rest of today's 5,000 calls."""
        with self._lock:
            usage = self._usage[division or self.division]
            usage["day"], usage["days"] = int(self.clock.now() // 86400), self.day_limit - remaining

    def set_calls_left_this_minute(self, remaining: int, division: int | None = None) -> None:
        """As if another process of this app had just used this minute's calls."""
        with self._lock:
            usage = self._usage[division or self.division]
            usage["minute"], usage["minutes"] = (
                int(self.clock.now() // 60),
                self.minute_limit - remaining,
            )

    def move_division(self, division: int | None = None) -> None:
        """Exact moved the division to another database: Timestamps restart from a low number."""
        with self._lock:
            data = self._data(division)
            data.move_date = self._now()
            data.timestamp = 100
            for table in ("terms", "accounts", "deleted"):
                for row in sorted(data.table(table), key=lambda r: r["Timestamp"]):
                    row["Timestamp"] = data.next_ts()
                self._touch(data, table)


def _lower(value: Any) -> str | None:
    return str(value).lower() if value not in (None, "") else None


def _bad(message: str) -> SimError:
    return SimError(400, message)
