"""The simulator's request handlers: one method per REST operation, named after its operation id.

Split from simulator.py (server lifecycle and the bookkeeper's side). The mixin expects
`data`, `state`, `clock`, `seed`, `api_token` and `session_seconds` on the instance.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from adapters.eboekhouden import simjson as views
from adapters.eboekhouden.jsonnum import dumps, loads
from adapters.eboekhouden.seed import SimData, SimInvoice
from adapters.eboekhouden.simmutations import MutationError, create_mutation
from connector.clock import Clock

MAX_LIMIT = 2000
DEFAULT_LIMIT = 100
SOURCE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ ")

ROUTES = Map([
    Rule("/v1/session", methods=["POST"], endpoint="start_session"),
    Rule("/v1/session", methods=["DELETE"], endpoint="end_session"),
    Rule("/v1/mutation/invoice/outstanding", methods=["GET"], endpoint="get_outstanding_invoices"),
    Rule("/v1/mutation", methods=["GET"], endpoint="get_mutations"),
    Rule("/v1/mutation", methods=["POST"], endpoint="create_mutation"),
    Rule("/v1/mutation/<int:id>", methods=["GET"], endpoint="get_mutation"),
    Rule("/v1/relation", methods=["GET"], endpoint="get_relations"),
    Rule("/v1/relation/<int:id>", methods=["GET"], endpoint="get_relation"),
    Rule("/v1/invoice", methods=["GET"], endpoint="get_invoices"),
    Rule("/v1/invoice/<int:id>", methods=["GET"], endpoint="get_invoice"),
    Rule("/v1/ledger", methods=["GET"], endpoint="get_ledgers"),
    Rule("/v1/ledger/<int:id>", methods=["GET"], endpoint="get_ledger"),
    # not part of the REST API: the host behind `urlPdfFile` links
    Rule("/share/invoice/<key>.pdf", methods=["GET"], endpoint="invoice_pdf"),
], strict_slashes=False)

# query parameters each list endpoint accepts (names as in rest-docs); anything else is refused
QUERY_PARAMS: dict[str, frozenset[str]] = {
    "get_outstanding_invoices": frozenset({"credDeb", "limit", "offset", "invoiceNumber"}),
    "get_mutations": frozenset({"limit", "offset", "type", "id", "description", "invoiceNumber", "date"}),
    "get_relations": frozenset({"limit", "offset", "code", "type", "email", "name", "contact", "city"}),
    "get_invoices": frozenset({"limit", "offset", "invoiceNumber", "relationId", "date"}),
    "get_ledgers": frozenset({"limit", "offset", "code", "category"}),
}
DETAIL_ENDPOINTS = frozenset({"get_mutation", "get_relation", "get_invoice", "get_ledger"})


class ApiFailure(Exception):
    """An error answered with e-Boekhouden's error body."""

    def __init__(self, status: int, code: str | None, title: str, *, kind: str = "validation",
                 property_name: str | None = None, security_type: int | None = None) -> None:
        super().__init__(title)
        self.status, self.code, self.title, self.kind = status, code, title, kind
        self.property_name, self.security_type = property_name, security_type
        self.retry_after: int | None = None

    def body(self) -> dict[str, Any]:
        body = views.compact({"type": self.kind, "title": self.title, "status": self.status, "code": self.code,
                              "propertyName": self.property_name, "traceId": uuid.uuid4().hex})
        if self.kind == "validation":
            body["errors"] = [self.title]
        if self.security_type is not None:
            body["securityType"] = self.security_type
        return body


@dataclass
class LoggedRequest:
    """One served request, for tests that count calls or inspect what the adapter sent."""

    method: str
    path: str
    endpoint: str
    args: dict[str, str]
    status: int
    body: Any = None


@dataclass
class InjectedFailure:
    """`fail_next`: answer the next `remaining` requests with this status."""

    status: int
    code: str | None
    remaining: int
    retry_after: int | None = None


@dataclass
class SimState:
    """Sessions and the switches tests flip (blocked administration, closed period, token state)."""

    sessions: dict[str, float] = field(default_factory=dict)
    blocked_code: str | None = None
    closed_until: date | None = None
    token_valid: bool = True
    token_expired: bool = False
    failures: list[InjectedFailure] = field(default_factory=list)


class Endpoints:
    """Handlers for the routes in ROUTES; `_<endpoint>(request, **path values)` -> Response."""

    data: SimData
    state: SimState
    clock: Clock
    seed: int
    api_token: str
    session_seconds: int

    def _start_session(self, request: Request) -> Response:
        try:
            body = loads(request.get_data() or b"{}") or {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiFailure(400, "DATA_01", "No body.")
        source = body.get("source")
        if not source:
            raise ApiFailure(400, "API_SESSION_001", "Source is missing.", property_name="source")
        if len(source) > 10 or not set(source) <= SOURCE_CHARS:
            raise ApiFailure(400, "API_SESSION_002", "Source does not match pattern.", property_name="source")
        token = body.get("accessToken")
        if not token:
            raise ApiFailure(400, "API_SESSION_003", "Access token is missing or empty.",
                             property_name="accessToken")
        if token == self.api_token and self.state.token_expired:
            raise ApiFailure(400, "API_SESSION_004", "Access token has expired.", property_name="accessToken")
        if token != self.api_token or not self.state.token_valid:
            raise ApiFailure(401, None, "Access token is invalid.", kind="security", security_type=0)
        session = uuid.uuid4().hex
        self.state.sessions[session] = self.clock.now() + self.session_seconds
        return self._json({"token": session, "expiresIn": self.session_seconds})

    def _token(self, request: Request) -> str:
        value = request.headers.get("Authorization", "").strip()
        return value[7:].strip() if value.lower().startswith("bearer ") else value

    def _authenticate(self, request: Request) -> None:
        expires = self.state.sessions.get(self._token(request))
        if expires is None or self.clock.now() >= expires:
            raise ApiFailure(401, "SECURITY_010", "Not authenticated. Check the Authorization header.",
                             kind="security", security_type=0)

    # -- endpoints ------------------------------------------------------------------------
    def _get_outstanding_invoices(self, request: Request) -> Response:
        cred_deb = request.args.get("credDeb")
        if not cred_deb:
            raise ApiFailure(400, "MUTA_006", "Credit/Debit is missing.", property_name="credDeb")
        if cred_deb not in ("C", "D"):
            raise ApiFailure(400, "ERR_002", "Invalid value.", property_name="credDeb")
        rows = [] if cred_deb == "C" else [inv for inv in self.data.invoices.values() if inv.outstanding != 0]
        number = request.args.get("invoiceNumber")
        if number:
            rows = [inv for inv in rows if inv.number == number]
        return self._page(request, rows, lambda inv: views.outstanding_item(inv, self.data.relations[inv.relation_id]))

    def _get_mutations(self, request: Request) -> Response:
        tests = self._filters(request, {"type": int, "id": int, "date": views.parse_day},
                              text=("description", "invoiceNumber"))
        candidates: list[tuple[dict[str, Any], str, date]] = []
        if "type" not in tests or tests["type"](views.INVOICE_SENT):
            candidates += [(views.invoice_mutation_item(inv), inv.description, inv.date)
                           for inv in self.data.invoices.values()]
        candidates += [(views.api_mutation_item(mut), mut.description, mut.date)
                       for mut in self.data.mutations.values()]

        def keep(item: dict[str, Any], description: str, day: date) -> bool:
            values = {"type": item["type"], "id": item["id"], "invoiceNumber": item.get("invoiceNumber"),
                      "description": description, "date": day}
            return all(test(values[name]) for name, test in tests.items())

        rows = [item for item, description, day in candidates if keep(item, description, day)]
        return self._page(request, rows, lambda item: item)

    def _create_mutation(self, request: Request) -> Response:
        try:
            body = loads(request.get_data() or b"null")
        except ValueError:
            raise ApiFailure(400, "DATA_01", "No body.") from None
        try:
            created = create_mutation(self.data, body, closed_until=self.state.closed_until)
        except MutationError as exc:
            raise ApiFailure(exc.status, exc.code, exc.title, property_name=exc.property_name,
                             kind="security" if exc.status == 403 else "validation",
                             security_type=1 if exc.status == 403 else None) from None
        return self._json({"id": created.id})

    def _get_mutation(self, request: Request, id: int) -> Response:
        if id in self.data.invoices:
            return self._json(views.invoice_mutation_detail(self.data.invoices[id]))
        if id in self.data.mutations:
            return self._json(views.api_mutation_detail(self.data.mutations[id]))
        raise ApiFailure(404, "MUT_001", "Mutation not found.", kind="notFound")

    def _get_relations(self, request: Request) -> Response:
        tests = self._filters(request, {}, text=("code", "type", "email", "name", "contact", "city"))
        fields = {"email": "email_address", "code": "code", "type": "type", "name": "name",
                  "contact": "contact", "city": "city"}
        rows = [rel for rel in self.data.relations.values()
                if all(test(getattr(rel, fields[name])) for name, test in tests.items())]
        return self._page(request, rows, views.relation_item)

    def _get_relation(self, request: Request, id: int) -> Response:
        relation = self.data.relations.get(id)
        if relation is None:
            raise ApiFailure(404, "REL_001", "Relation not found.", kind="notFound")
        return self._json(views.relation_detail(relation))

    def _get_invoices(self, request: Request) -> Response:
        tests = self._filters(request, {"relationId": int, "date": views.parse_day}, text=("invoiceNumber",))
        getters: dict[str, Callable[[SimInvoice], Any]] = {
            "relationId": lambda inv: inv.relation_id, "date": lambda inv: inv.date,
            "invoiceNumber": lambda inv: inv.number}
        rows = [inv for inv in self._documents() if all(test(getters[name](inv)) for name, test in tests.items())]
        return self._page(request, rows, lambda inv: views.invoice_item(inv, self._pdf_url(request, inv)))

    def _get_invoice(self, request: Request, id: int) -> Response:
        for invoice in self._documents():
            if invoice.document_id == id:
                return self._json(views.invoice_detail(invoice, self._pdf_url(request, invoice)))
        raise ApiFailure(404, "FACT_001", "Invoice not found.", kind="notFound")

    def _get_ledgers(self, request: Request) -> Response:
        tests = self._filters(request, {}, text=("code", "category"))
        rows = [ledger for ledger in self.data.ledgers
                if all(test(getattr(ledger, name)) for name, test in tests.items())]
        return self._page(request, rows, views.ledger_item)

    def _get_ledger(self, request: Request, id: int) -> Response:
        for ledger in self.data.ledgers:
            if ledger.id == id:
                return self._json(views.ledger_item(ledger))
        raise ApiFailure(404, "LEDG_008", "Ledger not found.", kind="notFound")

    def _invoice_pdf(self, key: str) -> Response:
        for invoice in self._documents():
            if self._pdf_key(invoice) == key:
                return Response(minimal_pdf(f"Factuur {invoice.number}"), mimetype="application/pdf")
        return Response("not found", status=404)

    # -- helpers --------------------------------------------------------------------------
    def _documents(self) -> list[SimInvoice]:
        """The invoicing module's documents: booked invoices made there, then unbooked concepts."""
        return [inv for inv in self.data.invoices.values() if inv.document_id is not None] + self.data.concepts

    def _pdf_key(self, invoice: SimInvoice) -> str:
        return hashlib.sha256(f"{self.seed}-{invoice.document_id}".encode()).hexdigest()[:24]

    def _pdf_url(self, request: Request, invoice: SimInvoice) -> str:
        return f"{request.host_url.rstrip('/')}/share/invoice/{self._pdf_key(invoice)}.pdf"

    def _filters(self, request: Request, ordered: dict[str, Callable[[str], Any]],
                 text: Sequence[str]) -> dict[str, Callable[[Any], bool]]:
        tests: dict[str, Callable[[Any], bool]] = {}
        try:
            for key, value in request.args.items():
                name, op = views.split_key(key)
                if name in ordered:
                    tests[name] = views.ordered_filter(name, op, value, ordered[name])
                elif name in text:
                    tests[name] = views.text_filter(name, op, value)
        except views.FilterError as exc:
            raise ApiFailure(400, "ERR_002", str(exc), property_name=exc.name) from None
        return tests

    def _page(self, request: Request, rows: Sequence[Any], view: Callable[[Any], dict[str, Any]]) -> Response:
        limit = _int_arg(request, "limit", DEFAULT_LIMIT)
        offset = _int_arg(request, "offset", 0)
        if not 1 <= limit <= MAX_LIMIT:
            raise ApiFailure(400, "PAGE_001", "Limit must be between 1 and 2000.", property_name="limit")
        if offset < 0:
            raise ApiFailure(400, "PAGE_002", "Offset must be greater than or equal to 0.", property_name="offset")
        items = [view(row) for row in rows[offset:offset + limit]]
        return self._json({"items": items, "count": len(items)})

    @staticmethod
    def _json(body: Any, status: int = 200) -> Response:
        return Response(dumps(body), status=status, mimetype="application/json")


def _int_arg(request: Request, name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiFailure(400, "ERR_002", "Invalid value.", property_name=name) from None


def minimal_pdf(title: str) -> bytes:
    """A one-page PDF with a title line: enough for a reminder attachment in tests."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
