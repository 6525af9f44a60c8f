"""A local Moneybird REST API v2 that enforces what the real one enforces.

Why: the connector's Moneybird adapter must be exercised end to end (auth, 150-per-5-minutes rate
limit with epoch `Retry-After`, paging by `Link` header, sync endpoints, the 100-mutation cap, writes
without idempotency) without a live administration. Paths, parameters and bodies follow the
official OpenAPI spec (shared/specs/moneybird/openapi.json) and the research note
(shared/research/moneybird.md); every route declares the query parameters it reads so a test can
check them against the spec. Behaviour the sources leave open is marked "[unconfirmed]" and chosen
to be the stricter reading.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.wrappers import Request, Response

from adapters.moneybird.seed import (
    book_on_mutation,
    generate,
    mb_money,
    mb_timestamp,
    recompute_invoice,
)
from adapters.simserver import LocalServer
from connector.clock import SYSTEM_CLOCK, Clock

DEFAULT_TOKEN = "8f3c2a9d41b7e6058c1d2f4a7b9e0c3d5f6a8b1c2d3e4f5a6b7c8d9e0f1a2b3c"
DEFAULT_ADMINISTRATION_ID = "123456789012345678"
DEFAULT_CLIENT_ID = "5a1b7c3d9e2f4a6b8c0d1e3f5a7b9c2d"
DEFAULT_CLIENT_SECRET = "e4d2c0b8a6f4e2d0c8b6a4f2e0d8c6b4a2f0e8d6c4b2a0f8e6d4c2b0a8f6e4d2"
ALL_SCOPES = frozenset({"sales_invoices", "documents", "estimates", "bank", "time_entries", "settings"})
CONTACT_SCOPES = frozenset({"estimates", "sales_invoices", "documents", "bank", "settings"})
INVOICE_STATES = frozenset({"draft", "open", "scheduled", "pending_payment", "late", "reminded", "paid",
                            "uncollectible"})
DEFAULT_PER_PAGE = 50  # [unconfirmed] third parties report 50; the connector always sends per_page
MAX_PER_PAGE = 100
MUTATION_LIST_CAP = 100
OAUTH_CODE_SECONDS = 600  # Doorkeeper's default authorization-code lifetime
INVALID_TOKEN = {"error": "token is invalid", "symbolic": {"request": "invalid_grant"}}  # picqer #188
INVALID_GRANT = {"error": "invalid_grant", "error_description": (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI "
    "used in the authorization request, or was issued to another client.")}
INVALID_CLIENT = {"error": "invalid_client", "error_description": (
    "Client authentication failed due to unknown client, no client authentication included, or "
    "unsupported authentication method.")}
MANUAL_PAYMENT_ACTIONS = {"private_payment": "financial_account_id", "payment_without_proof": None,
                          "cash_payment": "financial_account_id", "rounding_error": None,
                          "bank_transfer": "financial_mutation_id", "balance_settlement": "ledger_account_id",
                          "invoices_settlement": "invoice_id"}
SIMPLE_CONTACT_KEYS = (
    "id administration_id company_name firstname lastname address1 address2 zipcode city country phone "
    "delivery_method customer_id tax_number chamber_of_commerce bank_account is_trusted max_transfer_amount "
    "attention email email_ubl send_invoices_to_attention send_invoices_to_email send_estimates_to_attention "
    "send_estimates_to_email direct_debit sepa_active sepa_iban sepa_iban_account_name sepa_bic "
    "sepa_mandate_id sepa_mandate_date sepa_sequence_type credit_card_number credit_card_reference "
    "credit_card_type tax_number_validated_at tax_number_valid invoice_workflow_id estimate_workflow_id "
    "si_identifier si_identifier_type moneybird_payments_mandate created_at updated_at version "
    "sales_invoices_url notes custom_fields contact_people archived"
).split()


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the simulator answered it, for tests that count calls or check pacing."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    at: float


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """A served operation: its rule, method, the query parameters it may read and the scopes it needs."""

    endpoint: str
    method: str
    rule: str
    handler: str
    query_params: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()  # any one of these; empty means no scope needed
    api: bool = True  # under /api/v2, bearer-authenticated and rate-limited


class ApiError(Exception):
    """An error answer with Moneybird's status and body."""

    def __init__(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status, self.body, self.headers = status, body, headers or {}


def _not_found(key: str = "id") -> ApiError:
    return ApiError(404, {"error": "record not found", "symbolic": {key: "not_found"}})


def _unprocessable(field_name: str, message: str, code: str) -> ApiError:
    """422 in the spec's non-symbolic shape, with Rails' `details` as in the spec's examples."""
    return ApiError(422, {"error": {field_name: [message]}, "details": {field_name: [{"error": code}]}})


def _bad_filter(message: str) -> ApiError:
    return ApiError(400, {"error": message, "symbolic": {"filter": "invalid"}})


class _Digits(BaseConverter):
    regex = r"\d+"


@dataclass
class _Token:
    scope: str  # space-separated, as granted
    expires_at: float | None = None

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())


@dataclass
class _Window:
    start: float
    count: int = 0


@dataclass
class _Call:
    """What a handler gets: the request, its route, path variables; reads only declared parameters."""

    request: Request
    route: RouteSpec
    args: dict[str, str]
    body_cache: object = field(default=None)

    def param(self, name: str) -> str | None:
        if name not in self.route.query_params:
            raise AssertionError(f"{self.route.endpoint} reads undeclared query parameter {name!r}")
        return self.request.args.get(name)

    def body(self) -> dict:
        if self.body_cache is None:
            raw = self.request.get_data(as_text=True)
            try:
                self.body_cache = json.loads(raw, parse_float=Decimal) if raw.strip() else {}
            except ValueError as exc:
                raise ApiError(400, {"error": f"Invalid JSON in request body: {exc}",
                                     "symbolic": {"body": "invalid"}}) from exc
            if not isinstance(self.body_cache, dict):
                raise ApiError(400, {"error": "Request body must be a JSON object",
                                     "symbolic": {"body": "invalid"}})
        return self.body_cache


def parse_money(value: object) -> Decimal | None:
    """A money field from a request: "363.0", "10,95", 363 or a JSON number (parsed as Decimal)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount


def parse_period(text: str, today: date) -> tuple[date, date]:
    """Moneybird's `period` filter value as an inclusive date range (presets, YYYYMM.., YYYYMMDD..)."""
    def month_end(day: date) -> date:
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)

    def shift_months(day: date, months: int) -> date:
        index = day.year * 12 + day.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)

    presets = {"this": 0, "prev": -1, "next": 1}
    head, _, unit = text.partition("_")
    if head in presets and unit in ("week", "month", "quarter", "year"):
        step = presets[head]
        if unit == "week":
            start = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
            return start, start + timedelta(days=6)
        if unit == "month":
            start = shift_months(today.replace(day=1), step)
            return start, month_end(start)
        if unit == "quarter":
            start = shift_months(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3 * step)
            return start, month_end(shift_months(start, 2))
        return date(today.year + step, 1, 1), date(today.year + step, 12, 31)
    low, dots, high = text.partition("..")
    if dots and (not low or not high):
        raise ApiError(400, {"error": "Period must have both a start and end date"})
    try:
        start = _period_bound(low, first=True)
        end = _period_bound(high or low, first=False)
    except ValueError as exc:
        raise ApiError(400, {"error": "Period is invalid"}) from exc
    if start > end:
        raise ApiError(400, {"error": "Period is invalid"})
    return start, end


def _period_bound(text: str, *, first: bool) -> date:
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) == 6 and text.isdigit():
        start = date(int(text[:4]), int(text[4:]), 1)
        if first:
            return start
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    raise ValueError(text)


def parse_filter(text: str | None, *, dated: bool) -> dict[str, str]:
    """`key:value,key:value` terms. For `dated` resources (invoices, bank lines) a filter without a
    `period` term means `period:this_year`, whether or not other terms were passed: the spec's
    default, in the stricter of its two readings [unconfirmed], so a client that forgets the period
    loses older records here as it may against the real API."""
    terms: dict[str, str] = {}
    for term in (text or "").split(","):
        key, colon, value = term.partition(":")
        if colon:
            terms[key.strip()] = value.strip()
    if dated:
        terms.setdefault("period", "this_year")
    return terms


def _choices(value: str, allowed: frozenset[str] | set[str], what: str = "Status") -> set[str] | None:
    """Pipe-separated values, checked; None means `all`."""
    values = {v.strip() for v in value.split("|") if v.strip()}
    if not values or not values <= allowed:
        raise _bad_filter(f"{what} is not included in the list")
    return None if "all" in values else values


def _after(value: str) -> str:
    """An exclusive ISO 8601 lower bound (UTC), as a timestamp string comparable with ours."""
    text = value.strip()
    text = text[:-4] + "+00:00" if text.endswith(" UTC") else text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad_filter(f"Invalid time {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return mb_timestamp(moment.timestamp())


def _page_number(raw: str | None, name: str, default: int, maximum: int | None) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        raise ApiError(400, {"error": f"{name} does not have a valid value"})
    return int(raw)


def _json(status: int, body: object, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, headers=headers or {},
                    content_type="application/json; charset=utf-8")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class _ReadEndpoints:
    """GET operations and the synchronization pairs: filters, paging, sync list/fetch."""

    def administrations(self, call: _Call) -> tuple:
        return 200, [self._data.administration]

    def workflows_index(self, call: _Call) -> tuple:
        return 200, [self._render_workflow(w) for w in self._data.workflows.values()]

    def sales_invoices_index(self, call: _Call) -> tuple:
        match = self._invoice_matcher(parse_filter(call.param("filter"), dated=True))
        rows = sorted((i for i in self._invoices.values() if match(i)),
                      key=lambda i: (i["invoice_date"] or "9999", int(i["id"])), reverse=True)
        page, headers = self._paginate(call, rows)
        return 200, [self._render_invoice(i) for i in page], headers

    def sales_invoice_show(self, call: _Call) -> tuple:
        return 200, self._render_invoice(self._invoice(call.args["id"]))

    def sales_invoices_sync_list(self, call: _Call) -> tuple:
        match = self._invoice_matcher(parse_filter(call.param("filter"), dated=True))
        return 200, [{"id": i["id"], "version": i["version"]}
                     for i in _sorted(self._invoices) if match(i)]

    def sales_invoices_sync_fetch(self, call: _Call) -> tuple:
        return 200, [self._render_invoice(i) for i in self._fetch(call, self._invoices)]

    def contacts_index(self, call: _Call) -> tuple:
        words = (call.param("query") or "").lower().split()
        archived = (call.param("include_archived") or "").lower() == "true"
        rows = [c for c in _sorted(self._contacts)
                if (archived or not c["archived"]) and all(_contact_has(c, w) for w in words)]
        page, headers = self._paginate(call, rows)
        return 200, page, headers

    def contact_show(self, call: _Call) -> tuple:
        contact = self._contacts.get(call.args["id"])
        archived = (call.param("include_archived") or "").lower() == "true"
        if contact is None or (contact["archived"] and not archived):
            raise _not_found()
        return 200, contact

    def contacts_sync_list(self, call: _Call) -> tuple:
        match = self._contact_matcher(parse_filter(call.param("filter"), dated=False))
        archived = (call.param("include_archived") or "").lower() == "true"
        contacts = _sorted(self._contacts)
        return 200, [{"id": c["id"], "version": c["version"]} for c in contacts
                     if (archived or not c["archived"]) and match(c)]

    def contacts_sync_fetch(self, call: _Call) -> tuple:
        return 200, self._fetch(call, self._contacts)

    def financial_mutations_index(self, call: _Call) -> tuple:
        """Not paginated: above 100 matches the real API refuses and points to the sync API."""
        match = self._mutation_matcher(parse_filter(call.param("filter"), dated=True), listing=True)
        rows = [m for m in _sorted(self._mutations) if match(m)]
        if len(rows) > MUTATION_LIST_CAP:
            raise ApiError(400, {"error": "Too many financial mutations to return, please use sync API"})
        return 200, rows

    def financial_mutation_show(self, call: _Call) -> tuple:
        return 200, self._mutation(call.args["id"])

    def financial_mutations_sync_list(self, call: _Call) -> tuple:
        match = self._mutation_matcher(parse_filter(call.param("filter"), dated=True), listing=False)
        return 200, [{"id": m["id"], "version": m["version"]}
                     for m in _sorted(self._mutations) if match(m)]

    def financial_mutations_sync_fetch(self, call: _Call) -> tuple:
        return 200, self._fetch(call, self._mutations)

    # ---- helpers -----------------------------------------------------------------------------
    def _invoice(self, invoice_id: str, key: str = "id") -> dict:
        invoice = self._invoices.get(invoice_id)
        if invoice is None:
            raise _not_found(key)
        return invoice

    def _mutation(self, mutation_id: str, key: str = "id") -> dict:
        mutation = self._mutations.get(mutation_id)
        if mutation is None:
            raise _not_found(key)
        return mutation

    @staticmethod
    def _fetch(call: _Call, store: dict[str, dict]) -> list[dict]:
        """POST synchronization: records for the given ids; "a maximum of 100 ... even if more ids are
        provided" (spec), so extra ids are dropped rather than refused; unknown ids are skipped."""
        ids = call.body().get("ids")
        if not isinstance(ids, list) or not ids:
            raise ApiError(400, {"error": "Ids is required", "symbolic": {"ids": "required"}})
        found = sorted({str(i) for i in ids if str(i) in store}, key=int)
        return [store[i] for i in found[:MAX_PER_PAGE]]

    def _invoice_matcher(self, terms: dict[str, str]) -> Callable[[dict], bool]:
        today = self.today()
        checks: list[Callable[[dict], bool]] = []
        if "state" in terms:
            states = _choices(terms["state"], INVOICE_STATES | {"all"})
            if states is not None:
                checks.append(lambda i: i["state"] in states)
        start, end = parse_period(terms["period"], today)  # always there: parse_filter(dated=True)
        low, high, undated = start.isoformat(), end.isoformat(), start <= today <= end
        checks.append(lambda i: low <= i["invoice_date"] <= high if i["invoice_date"] else undated)
        if "reference" in terms:
            references = set(terms["reference"].split("|"))
            checks.append(lambda i: i["reference"] in references)
        for key in ("contact_id", "recurring_sales_invoice_id", "workflow_id"):
            if key in terms:
                checks.append(lambda i, key=key, value=terms[key]: str(i[key]) == value)
        checks += _time_checks(terms)
        return lambda record: all(check(record) for check in checks)

    def _mutation_matcher(self, terms: dict[str, str], *, listing: bool) -> Callable[[dict], bool]:
        """Mutation filter; `amount_from`/`amount_to` and `auto_booked` exist only on the list endpoint."""
        start, end = parse_period(terms["period"], self.today())  # always there: parse_filter(dated=True)
        low, high = start.isoformat(), end.isoformat()
        checks: list[Callable[[dict], bool]] = [lambda m: low <= m["date"] <= high]
        if "state" in terms:
            allowed = {"all", "unprocessed", "processed"} | ({"auto_booked"} if listing else set())
            states = _choices(terms["state"], allowed)
            if states is not None:
                checks.append(lambda m: m["state"] in states)
        if "mutation_type" in terms:
            kinds = _choices(terms["mutation_type"], {"all", "debit", "credit"}, "Mutation type")
            if kinds is not None:
                checks.append(lambda m: ("credit" if Decimal(m["amount"]) > 0 else "debit") in kinds)
        if "financial_account_id" in terms:
            account = terms["financial_account_id"]
            checks.append(lambda m: m["financial_account_id"] == account)
        for key in ("amount_from", "amount_to") if listing else ():
            if key in terms:
                try:
                    bound = abs(parse_money(terms[key]) or Decimal(0))
                except ValueError as exc:
                    raise _bad_filter(f"{key} is invalid") from exc
                if key == "amount_from":
                    checks.append(lambda m, b=bound: abs(Decimal(m["amount"])) >= b)
                else:
                    checks.append(lambda m, b=bound: abs(Decimal(m["amount"])) <= b)
        return lambda record: all(check(record) for check in checks)

    @staticmethod
    def _contact_matcher(terms: dict[str, str]) -> Callable[[dict], bool]:
        """The `/contacts/filter` keys, which the contacts synchronization shares (spec)."""
        checks = _time_checks(terms)
        for key, attr in (("first_name", "firstname"), ("last_name", "lastname")):
            if key in terms:
                checks.append(lambda c, attr=attr, v=terms[key].lower(): (c[attr] or "").lower() == v)
        for key in ("invoice_workflow_id", "estimate_workflow_id"):
            if key in terms:
                checks.append(lambda c, key=key, v=terms[key]: str(c[key]) == v)
        kind = terms.get("contact_type", "all")
        if kind not in ("all", "company", "private_individual"):
            raise _bad_filter("Contact type is not included in the list")
        if kind != "all":
            checks.append(lambda c: bool(c["company_name"]) == (kind == "company"))
        method = terms.get("delivery_method", "all").lower()
        if method not in ("all", "email", "post", "manual", "peppol", "simplerinvoicing"):
            raise _bad_filter("Delivery method is not included in the list")
        if method != "all":
            checks.append(lambda c: (c["delivery_method"] or "").lower() == method)
        trusted = terms.get("trusted_type", "all")
        if trusted != "all":
            checks.append(lambda c: c["is_trusted"] == (trusted == "trusted"))
        return lambda record: all(check(record) for check in checks)


SEARCHED_CONTACT_FIELDS = ("company_name", "attention", "firstname", "lastname", "address1", "address2",
                           "zipcode", "city", "country", "email", "phone", "customer_id", "tax_number",
                           "chamber_of_commerce", "bank_account")


def _time_checks(terms: dict[str, str]) -> list[Callable[[dict], bool]]:
    """`created_after` / `updated_after`: exclusive, UTC, compared with the record's timestamps."""
    checks: list[Callable[[dict], bool]] = []
    for key, stamp in (("created_after", "created_at"), ("updated_after", "updated_at")):
        if key in terms:
            bound = _after(terms[key])
            checks.append(lambda record, stamp=stamp, bound=bound: record[stamp] > bound)
    return checks


def _contact_has(contact: dict, word: str) -> bool:
    return any(word in (contact[f] or "").lower() for f in SEARCHED_CONTACT_FIELDS)


class _WriteEndpoints:
    """POST/PATCH operations. None is idempotent: posting twice books twice, as in Moneybird."""

    def payment_create(self, call: _Call) -> tuple:
        invoice = self._invoice(call.args["sales_invoice_id"])
        payment = call.body().get("payment")
        if not isinstance(payment, dict):
            raise ApiError(400, {"error": "Payment is required", "symbolic": {"payment": "required"}})
        for name in ("payment_date", "price"):
            if payment.get(name) in (None, ""):
                raise _unprocessable(name, "can't be blank", "blank")
        try:
            day = date.fromisoformat(str(payment["payment_date"])[:10])
        except ValueError as exc:
            raise _unprocessable("payment_date", "is invalid", "invalid") from exc
        price = self._money_field(payment, "price")
        if invoice["currency"] != "EUR" and payment.get("price_base") in (None, ""):
            raise _unprocessable("price_base", "can't be blank", "blank")
        action = payment.get("manual_payment_action")
        if action is not None and action not in MANUAL_PAYMENT_ACTIONS:
            raise _unprocessable("manual_payment_action", "is not included in the list", "inclusion")
        needed = MANUAL_PAYMENT_ACTIONS.get(action or "")
        if needed and payment.get(needed) in (None, ""):
            raise _unprocessable(needed, "can't be blank", "blank")
        account = payment.get("financial_account_id")
        if account not in (None, "") and str(account) != self._factory.account_id:
            raise _unprocessable("financial_account_id", "is invalid", "invalid")
        mutation = None
        if payment.get("financial_mutation_id") not in (None, ""):
            mutation = self._mutations.get(str(payment["financial_mutation_id"]))
            if mutation is None:
                raise _unprocessable("financial_mutation_id", "is invalid", "invalid")
        if invoice["state"] in ("draft", "scheduled"):
            raise _unprocessable("base", "cannot pay an invoice that was not sent", "invalid")
        now = self.clock.now()
        extra = {"manual_payment_action": action,
                 "price_base": mb_money(self._money_field(payment, "price_base") or price)}
        if payment.get("transaction_identifier"):
            extra["transaction_identifier"] = str(payment["transaction_identifier"])
        created = self._factory.pay(invoice, day, price, mutation, at=now, **extra)
        self._after_payment(invoice, created)
        return 201, created

    def link_booking(self, call: _Call) -> tuple:
        """Book a bank line on a SalesInvoice (positive amount, direction from the line) or a ledger."""
        mutation = self._mutation(call.args["id"])
        body = call.body()
        booking_type = body.get("booking_type")
        if booking_type in (None, ""):
            raise ApiError(400, {"error": "Booking type can't be blank",
                                 "symbolic": {"booking_type": "blank"}})
        if booking_type not in LINK_BOOKING_TYPES:
            raise ApiError(400, {"error": "Booking type is not included in the list",
                                 "symbolic": {"booking_type": "inclusion"}})
        if booking_type not in ("SalesInvoice", "LedgerAccount"):
            raise ApiError(400, {"error": f"Booking type {booking_type} is not simulated",
                                 "symbolic": {"booking_type": "not_simulated"}})
        amount = self._money_field(body, "price_base", status=400)
        if amount is None:
            raise ApiError(400, {"error": "Price can't be nil", "symbolic": {"price": "nils"}})
        sign = Decimal(1) if Decimal(mutation["amount"]) > 0 else Decimal(-1)
        now = self.clock.now()
        if booking_type == "LedgerAccount":
            if body.get("booking_id") in (None, ""):
                raise _not_found("booking_id")
            at = mb_timestamp(now)
            mutation["ledger_account_bookings"].append({
                "id": self._factory.ids(), "administration_id": self.administration_id,
                "financial_mutation_id": mutation["id"], "ledger_account_id": str(body["booking_id"]),
                "project_id": None, "description": body.get("description") or "",
                "price": mb_money(sign * amount), "created_at": at, "updated_at": at})
            book_on_mutation(mutation, sign * amount, at)
            return 200, 200
        if amount <= 0:  # spec: "always positive"; refusing [unconfirmed] makes a sign bug visible
            raise ApiError(400, {"error": "Price base must be positive for booking type SalesInvoice",
                                 "symbolic": {"price_base": "greater_than"}})
        invoice = self._invoice(str(body.get("booking_id") or ""), key="booking_id")
        day = date.fromisoformat(mutation["date"])
        created = self._factory.pay(invoice, day, sign * amount, mutation, at=now,
                                    manual_payment_action=None, price_base=mb_money(sign * amount))
        self._after_payment(invoice, created)
        return 200, 200

    def send_reminders(self, call: _Call) -> tuple:
        """Validate every reminder group first, then apply: all or nothing."""
        groups = call.body().get("sales_invoice_reminders")
        if not isinstance(groups, list) or not groups:
            raise ApiError(400, {"error": "Sales invoice reminders is required",
                                 "symbolic": {"sales_invoice_reminders": "required"}})
        plans = [self._reminder_plan(group) for group in groups]
        now, today = self.clock.now(), self.today()
        for plan in plans:
            action = "email" if plan["delivery_method"] == "Email" else "manually"
            for invoice in plan["invoices"]:
                interval = self._data.workflows[invoice["workflow_id"]]["reminder_interval_days"]
                invoice["reminder_count"] = (invoice["reminder_count"] or 0) + 1
                invoice["state"] = "reminded"
                invoice["next_reminder"] = (today + timedelta(days=interval)).isoformat()
                self._event(invoice, f"sales_invoice_send_reminder_{action}", now)
                self._touch(invoice)
            self.sent_reminders.append({**{k: v for k, v in plan.items() if k != "invoices"},
                                        "sales_invoice_ids": [i["id"] for i in plan["invoices"]], "at": now})
        return 200, 200

    def sales_invoice_note(self, call: _Call) -> tuple:
        return self._add_note(call, self._invoices.get(call.args["sales_invoice_id"]), "SalesInvoice")

    def contact_note(self, call: _Call) -> tuple:
        return self._add_note(call, self._contacts.get(call.args["contact_id"]), "Contact")

    # ---- helpers -----------------------------------------------------------------------------
    def _reminder_plan(self, group: object) -> dict:
        if not isinstance(group, dict):
            raise ApiError(400, {"error": "Sales invoice reminders must be objects",
                                 "symbolic": {"sales_invoice_reminders": "invalid"}})
        for name in ("contact_id", "workflow_id", "document_style_id", "identity_id", "sales_invoice_ids"):
            if group.get(name) in (None, "", []):
                raise ApiError(400, {"error": f"{name} is required", "symbolic": {name: "required"}})
        contact = self._contacts.get(str(group["contact_id"]))
        if contact is None:
            raise _not_found("contact_id")
        ids = {name: str(group[name]) for name in ("workflow_id", "document_style_id", "identity_id")}
        known = {"workflow_id": self._data.workflows, "document_style_id": self._data.document_style_ids,
                 "identity_id": (self._data.identity_id,)}
        for name, value in ids.items():
            if value not in known[name]:
                raise _not_found(name)
        if not isinstance(group["sales_invoice_ids"], list):
            raise ApiError(400, {"error": "sales_invoice_ids must be a list",
                                 "symbolic": {"sales_invoice_ids": "invalid"}})
        invoices = [self._invoice(str(i), key="sales_invoice_id") for i in group["sales_invoice_ids"]]
        for invoice in invoices:
            problem = None
            if invoice["contact_id"] != contact["id"]:
                problem = f"{invoice['invoice_id']} belongs to another contact"
            elif any(invoice[name] != value for name, value in ids.items()):
                problem = f"{invoice['invoice_id']} has another workflow, identity or document style"
            elif invoice["state"] not in ("late", "reminded"):  # [unconfirmed] only overdue ones
                problem = f"{invoice['invoice_id']} is {invoice['state']}, not late or reminded"
            if problem:
                raise _unprocessable("sales_invoice_ids", problem, "invalid")
        method = group.get("delivery_method") or contact["delivery_method"]
        if method not in ("Email", "Manual"):
            raise _unprocessable("delivery_method", "is not included in the list", "inclusion")
        email = group.get("email_address") or contact["send_invoices_to_email"] or contact["email"]
        if method == "Email" and not email:
            raise _unprocessable("email_address", "can't be blank", "blank")
        return {"contact_id": contact["id"], **ids, "delivery_method": method,
                "email_address": email if method == "Email" else None,
                "reminder_text": group.get("reminder_text"), "invoices": invoices}

    def _add_note(self, call: _Call, entity: dict | None, entity_type: str) -> tuple:
        if entity is None:  # the spec's example answer for a wrong contact id
            message = f"Entity is invalid; User has no permissions to notes for {entity_type}"
            raise ApiError(400, {"error": message,
                                 "symbolic": {"entity": "not_found", "user": "insufficient_permissions"}})
        note = call.body().get("note")
        note = note if isinstance(note, dict) else {}
        if not str(note.get("note") or "").strip():
            raise _unprocessable("note", "can't be blank", "blank")
        at = mb_timestamp(self.clock.now())
        assignee = note.get("assignee_id")
        todo = note.get("todo") in (True, "true") or assignee not in (None, "")
        record = {"id": self._factory.ids(), "administration_id": self.administration_id,
                  "entity_id": entity["id"], "entity_type": entity_type, "user_id": self._data.user_id,
                  "assignee_id": str(assignee) if assignee not in (None, "") else None, "todo": todo,
                  "note": str(note["note"]), "completed_at": None, "completed_by_id": None,
                  "todo_type": None, "data": {}, "created_at": at, "updated_at": at}
        entity["notes"].append(record)
        return 201, record

    def _after_payment(self, invoice: dict, payment: dict) -> None:
        was = invoice["state"]
        recompute_invoice(invoice, self.today())
        now = self.clock.now()
        self._event(invoice, "payment_registered", now, payment["id"])
        if invoice["state"] != was:
            self._event(invoice, f"sales_invoice_state_changed_to_{invoice['state']}", now)
        self._touch(invoice)

    def _event(self, invoice: dict, action: str, now: float, payment_id: str | None = None) -> None:
        at = mb_timestamp(now)
        invoice["events"].append({"administration_id": self.administration_id, "user_id": self._data.user_id,
                                  "action": action, "link_entity_id": payment_id,
                                  "link_entity_type": "Payment" if payment_id else None, "data": {},
                                  "created_at": at, "updated_at": at})

    @staticmethod
    def _money_field(body: dict, name: str, status: int = 422) -> Decimal | None:
        try:
            return parse_money(body.get(name))
        except ValueError as exc:
            if status == 400:
                raise ApiError(400, {"error": f"{name} is not a number",
                                     "symbolic": {name: "not_a_number"}}) from exc
            raise _unprocessable(name, "is not a number", "not_a_number") from exc


LINK_BOOKING_TYPES = frozenset(
    "SalesInvoice Document LedgerAccount PaymentTransactionBatch PurchaseTransaction NewPurchaseInvoice "
    "NewReceipt PaymentTransaction PurchaseTransactionBatch ExternalSalesInvoice Payment VatDocument".split())


class _OAuthEndpoints:
    """OAuth2 authorization-code flow at /oauth (outside the REST spec; research note section 1).

    The simulator approves every authorization request at once: there is no user to ask.
    """

    def oauth_authorize(self, call: _Call) -> Response:
        args = call.request.args
        if args.get("client_id") != self.client_id:
            raise ApiError(401, INVALID_CLIENT)
        redirect_uri, state = args.get("redirect_uri", ""), args.get("state")
        if not redirect_uri:
            raise ApiError(400, {"error": "invalid_request", "error_description": "Missing redirect_uri"})
        scopes = (args.get("scope") or "sales_invoices").split()  # none asked: sales_invoices [3rd-party]
        error = None
        if args.get("response_type") != "code":
            error = "unsupported_response_type"
        elif not set(scopes) <= ALL_SCOPES:
            error = "invalid_scope"
        if error:
            return self._redirect(redirect_uri, {"error": error, "state": state})
        code = secrets.token_hex(32)
        self._codes[code] = {"redirect_uri": redirect_uri, "scope": " ".join(scopes),
                             "expires_at": self.clock.now() + OAUTH_CODE_SECONDS}
        if redirect_uri == "urn:ietf:wg:oauth:2.0:oob":  # copy-paste flow of the official CLI
            return Response(f"<html><body><p>Authorization code:</p><code>{code}</code></body></html>",
                            content_type="text/html; charset=utf-8")
        return self._redirect(redirect_uri, {"code": code, "state": state})

    def oauth_token(self, call: _Call) -> tuple:
        form = call.request.form
        auth = call.request.authorization
        client_id = form.get("client_id") or (auth.username if auth else None)
        client_secret = form.get("client_secret") or (auth.password if auth else None)
        if client_id != self.client_id or client_secret != self.client_secret:
            raise ApiError(401, INVALID_CLIENT)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self._codes.pop(form.get("code") or "", None)  # single use, even when refused below
            if (code is None or self.clock.now() >= code["expires_at"]
                    or form.get("redirect_uri") != code["redirect_uri"]):
                raise ApiError(400, INVALID_GRANT)
            scope = code["scope"]
        elif grant == "refresh_token":
            old = self._refresh.pop(form.get("refresh_token") or "", None)
            if old is None:
                raise ApiError(400, INVALID_GRANT)
            old_access, scope = old
            self._tokens.pop(old_access, None)  # [unconfirmed] refreshing revokes the old access token
        else:
            raise ApiError(400, {"error": "unsupported_grant_type", "error_description":
                                 "The authorization grant type is not supported by the authorization server."})
        now = self.clock.now()
        access, refresh = secrets.token_hex(32), secrets.token_hex(32)
        lifetime = self.oauth_token_lifetime
        self._tokens[access] = _Token(scope=scope, expires_at=now + lifetime if lifetime else None)
        self._refresh[refresh] = (access, scope)
        body: dict = {"access_token": access, "token_type": "bearer", "refresh_token": refresh,
                      "scope": scope, "created_at": int(now)}
        if lifetime:
            body["expires_in"] = lifetime
        return 200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"}

    @staticmethod
    def _redirect(uri: str, params: dict[str, str | None]) -> Response:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        location = uri + ("&" if "?" in uri else "?") + query
        return Response("", status=302, headers={"Location": location})


class MoneybirdSimulator(_ReadEndpoints, _WriteEndpoints, _OAuthEndpoints):
    """One Moneybird administration (contacts, sales invoices, bank lines) served over local HTTP.

    State lives in dicts in the API's JSON shape; every request runs under one lock, so the threaded
    server behaves like a serial API and tests see consistent snapshots.
    """

    def __init__(self, *, seed: int = 1, invoices: int = 60, today: date | None = None,
                 clock: Clock | None = None, rate_limit: int = 150, window_seconds: int = 300,
                 administration_id: str = DEFAULT_ADMINISTRATION_ID, token: str = DEFAULT_TOKEN,
                 client_id: str = DEFAULT_CLIENT_ID, client_secret: str = DEFAULT_CLIENT_SECRET,
                 oauth_token_lifetime: int | None = None) -> None:
        """`oauth_token_lifetime`: seconds an OAuth access token lives, sent as `expires_in`; None
        (the default) issues non-expiring tokens without `expires_in`, as most sources report."""
        self.clock: Clock = clock or SYSTEM_CLOCK
        self._fixed_today = today
        self._started = self.clock.now()
        self.administration_id, self.token = administration_id, token
        self.client_id, self.client_secret = client_id, client_secret
        self.rate_limit, self.window_seconds = rate_limit, window_seconds
        self.oauth_token_lifetime = oauth_token_lifetime
        self._data = generate(seed=seed, invoices=invoices, today=self.today(),
                              administration_id=administration_id)
        self._factory = self._data.factory
        self._contacts = {c["id"]: c for c in self._data.contacts}
        self._invoices = {i["id"]: i for i in self._data.invoices}
        self._mutations = {m["id"]: m for m in self._data.mutations}
        self._tokens: dict[str, _Token] = {token: _Token(scope=" ".join(sorted(ALL_SCOPES)))}
        self._refresh: dict[str, tuple[str, str]] = {}  # refresh token -> (its access token, scope)
        self._codes: dict[str, dict] = {}
        self._windows: dict[str, _Window] = {}
        self._lock = threading.RLock()
        self.request_log: list[LoggedRequest] = []
        self.sent_reminders: list[dict] = []
        self.route_specs: dict[str, RouteSpec] = {r.endpoint: r for r in ROUTES}
        self.routes = Map([Rule(r.rule, endpoint=r.endpoint, methods=[r.method]) for r in ROUTES],
                          converters={"digits": _Digits}, strict_slashes=False)
        self._aged_on = self.today()  # the seed already gave every invoice its state for today
        self._http = LocalServer("moneybird-simulator")
        self.root_url = self.base_url = ""

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a background thread; returns the API base URL (http://127.0.0.1:PORT/api/v2)."""
        self.root_url = self._http.start(self._wsgi, host=host, port=port)
        self.base_url = self.root_url + "/api/v2"
        return self.base_url

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> MoneybirdSimulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def today(self) -> date:
        """The simulator's date: the given `today`, moved on by the days the clock has run since
        (so a demo over simulated weeks sees invoices fall due), else the clock's UTC date."""
        if self._fixed_today is None:
            return datetime.fromtimestamp(self.clock.now(), UTC).date()
        return self._fixed_today + timedelta(days=max(0, int((self.clock.now() - self._started) // 86400)))

    def _fall_due(self) -> None:
        """Open invoices whose due date has passed become late, as Moneybird moves them each night
        (a state change: a new version, so the synchronization endpoint lists them)."""
        today = self.today()
        if today == self._aged_on:
            return
        self._aged_on = today
        for invoice in self._invoices.values():
            if invoice["state"] == "open" and Decimal(invoice["total_price_incl_tax"]) > 0 \
                    and date.fromisoformat(invoice["due_date"]) < today:
                invoice["state"] = "late"
                self._touch(invoice)

    # ---- state for tests and the demo ----------------------------------------------------------
    def invoices(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(self._render_invoice(i)) for i in _sorted(self._invoices)]

    def contacts(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(c) for c in _sorted(self._contacts)]

    def financial_mutations(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(m) for m in _sorted(self._mutations)]

    def revoke_token(self, token: str) -> None:
        """Later requests with `token` get 401, as after revoking it in Moneybird's settings."""
        with self._lock:
            self._tokens.pop(token, None)
            for refresh, (access, _) in list(self._refresh.items()):
                if access == token:
                    del self._refresh[refresh]

    def touch_invoices(self, k: int) -> list[str]:
        """Change `k` unpaid invoices (new `updated_at` and `version`), as an edit in Moneybird would."""
        with self._lock:
            unpaid = [i for i in _sorted(self._invoices) if i["state"] in ("open", "late", "reminded")]
            chosen = self._factory.rng.sample(unpaid, min(k, len(unpaid)))
            for invoice in chosen:
                self._touch(invoice)
            return [i["id"] for i in chosen]

    def add_invoice(self, *, contact_id: str | None = None, amount_excl_tax: Decimal | str = "100.00",
                    invoice_date: date | None = None, tax_rate: Decimal | str = "0.21") -> dict:
        """A new sent invoice (numbered, with payment reference) for `contact_id` or the first contact."""
        with self._lock:
            contact = self._contacts[contact_id] if contact_id else self._data.contacts[0]
            day = invoice_date or self.today()
            invoice = self._factory.invoice(contact, invoice_date=day, excl=Decimal(amount_excl_tax),
                                            tax_rate=Decimal(tax_rate), at=self.clock.now())
            prefix = f"{day.year}-"
            used = [int(i["invoice_id"][len(prefix):]) for i in self._invoices.values()
                    if (i["invoice_id"] or "").startswith(prefix)]
            self._factory.assign_number(invoice, max(used, default=0) + 1)
            recompute_invoice(invoice, self.today())
            self._invoices[invoice["id"]] = invoice
            return copy.deepcopy(self._render_invoice(invoice))

    def add_financial_mutation(self, *, amount: Decimal | str, message: str = "",
                               contra_account_name: str | None = None,
                               contra_account_number: str = "", day: date | None = None) -> dict:
        """A new unprocessed bank line, as after a bank statement import."""
        with self._lock:
            mutation = self._factory.mutation(day or self.today(), Decimal(amount), message,
                                              contra_account_name, contra_account_number,
                                              at=self.clock.now())
            self._mutations[mutation["id"]] = mutation
            return copy.deepcopy(mutation)

    def _touch(self, record: dict) -> None:
        now = self.clock.now()
        record["updated_at"] = max(record["updated_at"], mb_timestamp(now))
        record["version"] = max(record["version"] + 1, int(now))

    # ---- HTTP plumbing -------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Callable) -> object:
        request = Request(environ)
        with self._lock:
            self._fall_due()
            response = self._respond(request)
            query = {k: request.args.getlist(k) for k in request.args}
            self.request_log.append(LoggedRequest(request.method, request.path, query,
                                                  response.status_code, self.clock.now()))
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            endpoint, args = self.routes.bind_to_environ(request.environ).match()
        except Exception:  # NotFound, MethodNotAllowed: Rails answers an unknown route with 404
            return _json(404, {"error": "Not Found"})
        route = self.route_specs[endpoint]
        try:
            if route.api:
                self._authorize(request, route)
                if args.pop("administration_id", self.administration_id) != self.administration_id:
                    raise _not_found("administration_id")  # [unconfirmed] exact body
            result = getattr(self, route.handler)(_Call(request, route, args))
        except ApiError as err:
            return _json(err.status, err.body, err.headers)
        except Exception:  # a simulator bug: show it in the test output, answer like a crashed server
            traceback.print_exc()
            return _json(500, {"error": "Internal server error"})
        if isinstance(result, Response):
            return result
        status, body, *rest = result
        return _json(status, body, rest[0] if rest else None)

    def _authorize(self, request: Request, route: RouteSpec) -> None:
        """Bearer token, then the rate limit per token, then the operation's scopes."""
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else ""
        info = self._tokens.get(token) if token else None
        now = self.clock.now()
        if info is None or (info.expires_at is not None and now >= info.expires_at):
            raise ApiError(401, INVALID_TOKEN)
        window = self._windows.get(token)
        if window is None or now >= window.start + self.window_seconds:
            window = self._windows[token] = _Window(start=now)
        if window.count >= self.rate_limit:
            reset = str(math.ceil(window.start + self.window_seconds))  # epoch seconds (spec)
            raise ApiError(429, "Retry later", {
                "RateLimit-Limit": str(self.rate_limit), "RateLimit-Remaining": "0",
                "RateLimit-Reset": reset, "Retry-After": reset})
        window.count += 1
        if route.scopes and not route.scopes & info.scopes:
            raise ApiError(401, {"error": "No access to " + _join(sorted(route.scopes))})

    def _paginate(self, call: _Call, rows: list[dict]) -> tuple[list[dict], dict[str, str]]:
        per_page = _page_number(call.param("per_page"), "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        page = _page_number(call.param("page"), "page", 1, None)
        links = []
        if page * per_page < len(rows):
            links.append(f'<{self._page_url(call, page + 1)}>; rel="next"')
        if page > 1:
            links.append(f'<{self._page_url(call, page - 1)}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else {}
        return rows[(page - 1) * per_page: page * per_page], headers

    @staticmethod
    def _page_url(call: _Call, page: int) -> str:
        query = [(k, v) for k, v in call.request.args.items(multi=True) if k != "page"]
        return f"{call.request.base_url}?{urlencode(query + [('page', str(page))])}"

    def _render_workflow(self, workflow: dict) -> dict:
        """`workflow_response`: the invoice language lives here, not on the contact (spec)."""
        stamp = f"{self._data.administration['period_start_date']}T08:00:00.000Z"
        aid = self.administration_id
        steps = [(workflow["payment_term_days"], None),
                 (workflow["reminder_interval_days"], "Geachte {recipient.name},\n\n{reminders_table}")]
        return {
            "id": workflow["id"], "administration_id": aid, "type": "InvoiceWorkflow", "name": workflow["name"],
            "default": workflow["default"], "currency": "EUR", "language": workflow["language"], "active": True,
            "prices_are_incl_tax": False, "payment_methods": [], "collection_method": None,
            "number_of_collections": 0, "show_qr_code": True, "created_at": stamp, "updated_at": stamp,
            "steps": [{"id": str(int(workflow["id"]) + 100 * (order + 1)), "administration_id": aid,
                       "step_order": order, "due_interval": interval, "reminder_delay": 0,
                       "reminder_text": text, "reminder_auto_send": False, "action": None,
                       "created_at": stamp, "updated_at": stamp}
                      for order, (interval, text) in enumerate(steps)],
        }

    def _render_invoice(self, invoice: dict) -> dict:
        contact = self._contacts[invoice["contact_id"]]
        out: dict = {}
        for key, value in invoice.items():
            out[key] = value
            if key == "contact_id":
                out["contact"] = {k: contact[k] for k in SIMPLE_CONTACT_KEYS}
        return out


def _sorted(store: dict[str, dict]) -> list[dict]:
    return sorted(store.values(), key=_by_id)


def _by_id(record: dict) -> int:
    return int(record["id"])


def _api(endpoint: str, method: str, path: str, params: str = "",
         scopes: frozenset[str] = frozenset({"sales_invoices"})) -> RouteSpec:
    return RouteSpec(endpoint, method, "/api/v2" + path, endpoint, frozenset(params.split()), scopes)


AID = "/<digits:administration_id>"
INVOICES, CONTACTS, MUTATIONS = AID + "/sales_invoices", AID + "/contacts", AID + "/financial_mutations"
BANK = frozenset({"bank"})
ROUTES: tuple[RouteSpec, ...] = (
    _api("administrations", "GET", "/administrations.json", scopes=frozenset()),
    _api("workflows_index", "GET", AID + "/workflows.json", scopes=CONTACT_SCOPES),  # the spec's same five
    _api("sales_invoices_index", "GET", INVOICES + ".json", "filter page per_page"),
    _api("sales_invoice_show", "GET", INVOICES + "/<digits:id>.json"),
    _api("sales_invoices_sync_list", "GET", INVOICES + "/synchronization.json", "filter"),
    _api("sales_invoices_sync_fetch", "POST", INVOICES + "/synchronization.json"),
    _api("send_reminders", "POST", INVOICES + "/send_reminders.json"),
    _api("payment_create", "POST", INVOICES + "/<digits:sales_invoice_id>/payments.json"),
    _api("sales_invoice_note", "POST", INVOICES + "/<digits:sales_invoice_id>/notes.json"),
    _api("contacts_index", "GET", CONTACTS + ".json", "page per_page query include_archived",
         CONTACT_SCOPES),
    _api("contact_show", "GET", CONTACTS + "/<digits:id>.json", "include_archived", CONTACT_SCOPES),
    _api("contacts_sync_list", "GET", CONTACTS + "/synchronization.json", "filter include_archived",
         CONTACT_SCOPES),
    _api("contacts_sync_fetch", "POST", CONTACTS + "/synchronization.json", scopes=CONTACT_SCOPES),
    _api("contact_note", "POST", CONTACTS + "/<digits:contact_id>/notes.json", scopes=CONTACT_SCOPES),
    _api("financial_mutations_index", "GET", MUTATIONS + ".json", "filter", BANK),
    _api("financial_mutation_show", "GET", MUTATIONS + "/<digits:id>.json", scopes=BANK),
    _api("financial_mutations_sync_list", "GET", MUTATIONS + "/synchronization.json", "filter", BANK),
    _api("financial_mutations_sync_fetch", "POST", MUTATIONS + "/synchronization.json", scopes=BANK),
    _api("link_booking", "PATCH", MUTATIONS + "/<digits:id>/link_booking.json", scopes=BANK),
    RouteSpec("oauth_authorize", "GET", "/oauth/authorize", "oauth_authorize", api=False),
    RouteSpec("oauth_token", "POST", "/oauth/token", "oauth_token", api=False),
)


def main(argv: list[str] | None = None) -> int:
    """Run the simulator in the foreground until Ctrl-C, for demos and manual testing."""
    parser = argparse.ArgumentParser(prog="moneybird-simulator", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="YYYY-MM-DD (default: the current date)")
    options = parser.parse_args(argv)
    simulator = MoneybirdSimulator(seed=options.seed, invoices=options.invoices, today=options.today)
    base_url = simulator.start(options.host, options.port)
    print(f"Moneybird simulator at {base_url}")
    print(f"administration id: {simulator.administration_id}")
    print(f"token:             {simulator.token}")
    print(f"OAuth client:      {simulator.client_id} / {simulator.client_secret}")
    print(f"OAuth endpoints:   {simulator.root_url}/oauth/authorize and /oauth/token")
    print("Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
