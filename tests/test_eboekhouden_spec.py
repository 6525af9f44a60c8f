"""The simulator (and what the adapter sends) checked against e-Boekhouden's REST reference.

rest-docs (shared/specs/eboekhouden/rest-docs) is generated from the published OpenAPI:
one *Api.md per resource (operations, parameters, return model) and one file per model.
Every simulator route must be a documented operation, every query parameter it accepts a
documented parameter, and every field in its responses a documented field of the
operation's return model; the adapter's request bodies must use documented fields only.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests

from adapters.base import PaymentBooking, Stream, StreamState
from adapters.eboekhouden.simulator import QUERY_PARAMS, ROUTES, EboekhoudenSimulator
from connector.clock import FakeClock
from tests.pairs.eboekhouden import make_adapter

REST_DOCS = Path(__file__).resolve().parents[1].parent / "shared" / "specs" / "eboekhouden" / "rest-docs"
pytestmark = pytest.mark.skipif(not REST_DOCS.is_dir(), reason="shared/specs/eboekhouden/rest-docs not present")

_OPERATION = re.compile(r"^\| \[\*\*(\w+)\*\*\]\(\w+\.md#\w+\)\s*\| \*\*(\w+)\*\* (\S+)\s*\|")
_ROW = re.compile(r"^\| \*\*([\w#]+)\*\*\s*\|([^|]*)\|")
_MODEL = re.compile(r"models::(\w+)")


def camel(name: str) -> str:
    head, *rest = name.removeprefix("r#").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@cache
def operations() -> dict[str, dict[str, Any]]:
    """operation id -> {method, path, params, returns}"""
    found: dict[str, dict[str, Any]] = {}
    for api in sorted(REST_DOCS.glob("*Api.md")):
        text = api.read_text(encoding="utf-8")
        for line in text.splitlines():
            match = _OPERATION.match(line)
            if match:
                found[match[1]] = {"method": match[2], "path": match[3], "params": set(), "returns": None}
        for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
            name = section.split("\n", 1)[0].strip()
            if name not in found:
                continue
            params_part, _, returns_part = section.partition("### Return type")
            for line in params_part.splitlines():
                row = _ROW.match(line)
                if row and "models::" not in row[2]:
                    found[name]["params"].add(camel(row[1]))
            model = _MODEL.search(returns_part.split("###", 1)[0])
            found[name]["returns"] = model[1] if model else None
    return found


@cache
def model_fields(model: str) -> dict[str, str | None]:
    """camelCase field -> nested model name (or None for plain values)"""
    path = REST_DOCS / f"{model}.md"
    fields: dict[str, str | None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = _ROW.match(line)
        if row:
            nested = _MODEL.search(row[2])
            nested_name = nested[1] if nested and (REST_DOCS / f"{nested[1]}.md").exists() else None
            nested_text = (REST_DOCS / f"{nested_name}.md").read_text(encoding="utf-8") if nested_name else ""
            if nested_name and not any(_ROW.match(text) for text in nested_text.splitlines()):
                nested_name = None  # an enum such as VatCode or MutationType: a plain value
            fields[camel(row[1])] = nested_name
    return fields


def undocumented(value: Any, model: str, where: str = "") -> list[str]:
    """Every key in `value` that `model` (recursively) does not document."""
    problems: list[str] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            problems += undocumented(item, model, f"{where}[{index}]")
        return problems
    if not isinstance(value, dict):
        return problems
    fields = model_fields(model)
    for key, item in value.items():
        if key not in fields:
            problems.append(f"{where}.{key} not in {model}")
        elif fields[key] and isinstance(item, (dict, list)):
            problems += undocumented(item, fields[key], f"{where}.{key}")
    return problems


def spec_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_the_reference_parses() -> None:
    ops = operations()
    assert ops["get_outstanding_invoices"] == {
        "method": "GET", "path": "/v1/mutation/invoice/outstanding",
        "params": {"credDeb", "limit", "offset", "invoiceNumber"}, "returns": "OutstandingInvoicesList"}
    assert model_fields("OutstandingInvoicesList") == {"items": "OutstandingInvoiceListItem", "count": None}
    assert "emailAddressReminder" in model_fields("Relation")


def test_every_route_is_a_documented_operation() -> None:
    ops = operations()
    for rule in ROUTES.iter_rules():
        if not rule.rule.startswith("/v1/"):
            assert rule.endpoint == "invoice_pdf"  # the host behind urlPdfFile links, not the REST API
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        spec = ops.get(rule.endpoint)
        assert spec is not None, f"{rule.endpoint} is not an operation in rest-docs"
        assert (spec["method"], spec["path"]) == (methods[0], spec_path(rule.rule)), rule.endpoint


def test_accepted_query_parameters_are_documented() -> None:
    ops = operations()
    for endpoint, params in QUERY_PARAMS.items():
        assert params <= ops[endpoint]["params"], (endpoint, params - ops[endpoint]["params"])


@pytest.fixture
def simulator():
    with EboekhoudenSimulator(clock=FakeClock(), invoices=60) as sim:
        yield sim


def _session(sim: EboekhoudenSimulator) -> requests.Session:
    http = requests.Session()
    answer = http.post(f"{sim.base_url}/v1/session", json={"accessToken": sim.api_token, "source": "Test"})
    assert set(answer.json()) <= set(model_fields("Session"))
    http.headers["Authorization"] = answer.json()["token"]
    return http


def test_every_response_field_is_documented(simulator: EboekhoudenSimulator) -> None:
    http = _session(simulator)
    first = simulator.open_invoices()[0]
    mutation_only = next(inv for inv in simulator.data.invoices.values() if inv.document_id is None)
    relation = next(iter(simulator.data.relations))
    calls = {
        "get_outstanding_invoices": ("/v1/mutation/invoice/outstanding", {"credDeb": "D", "limit": 5}),
        "get_mutations": ("/v1/mutation", {"limit": 5}),
        "get_mutation": (f"/v1/mutation/{mutation_only.mutation_id}", {}),
        "get_relations": ("/v1/relation", {"limit": 5}),
        "get_relation": (f"/v1/relation/{relation}", {}),
        "get_invoices": ("/v1/invoice", {"limit": 5}),
        "get_invoice": (f"/v1/invoice/{first.document_id}", {}),
        "get_ledgers": ("/v1/ledger", {}),
        "get_ledger": (f"/v1/ledger/{simulator.data.ledgers[0].id}", {}),
    }
    served = {rule.endpoint for rule in ROUTES.iter_rules() if rule.methods & {"GET"}} - {"invoice_pdf"}
    assert served == set(calls)
    for endpoint, (path, params) in calls.items():
        answer = http.get(simulator.base_url + path, params=params)
        assert answer.status_code == 200, (endpoint, answer.text)
        body = answer.json()
        assert body, endpoint
        assert undocumented(body, operations()[endpoint]["returns"], endpoint) == []


def test_error_bodies_are_documented(simulator: EboekhoudenSimulator) -> None:
    http = _session(simulator)
    refusals = [
        http.get(f"{simulator.base_url}/v1/mutation/invoice/outstanding"),  # MUTA_006
        http.get(f"{simulator.base_url}/v1/relation", params={"limit": 5000}),  # PAGE_001
        requests.get(f"{simulator.base_url}/v1/relation"),  # SECURITY_010
        http.post(f"{simulator.base_url}/v1/mutation", json={"type": 3}),  # MUT_003
    ]
    simulator.block_administration()
    refusals.append(http.get(f"{simulator.base_url}/v1/ledger"))
    codes = [answer.json().get("code") for answer in refusals]
    assert codes == ["MUTA_006", "PAGE_001", "SECURITY_010", "MUT_003", "SECURITY_005"]
    for answer in refusals:
        body = answer.json()
        assert body["status"] == answer.status_code
        model = "SecurityError" if body["type"] == "security" else "Error"
        assert undocumented(body, model) == []


def test_what_the_adapter_sends_is_documented(simulator: EboekhoudenSimulator) -> None:
    clock = simulator.clock
    adapter = make_adapter(simulator, clock, book_payments=True, bank_ledger_code="1100")
    for stream in (Stream.CONTACTS, Stream.INVOICES):
        list(adapter.pull(stream, StreamState()))
    invoice = simulator.open_invoices()[0]
    adapter.register_payment(PaymentBooking(invoice_id=str(invoice.mutation_id), mutation_id="bank-1",
                                            amount=Decimal("10.00"), payment_date=date(2026, 11, 1)), "key-1")
    assert adapter.was_applied("payment", {"invoice_id": str(invoice.mutation_id)}, "key-1") is True
    adapter.invoice_pdf(str(invoice.mutation_id))
    adapter.close()
    ops = operations()
    by_endpoint = {rule.endpoint: rule for rule in ROUTES.iter_rules()}
    for entry in simulator.request_log:
        assert entry.status < 400, entry
        if entry.endpoint == "invoice_pdf":
            continue
        assert entry.endpoint in by_endpoint
        names = {re.sub(r"\[\w+\]$", "", key) for key in entry.args}
        assert names <= ops[entry.endpoint]["params"], (entry.endpoint, names)
    session_bodies = [e.body for e in simulator.request_log if e.endpoint == "start_session"]
    assert session_bodies and all(set(body) <= set(model_fields("SessionRequest")) for body in session_bodies)
    created = [e.body for e in simulator.request_log if e.endpoint == "create_mutation"]
    assert len(created) == 1
    assert undocumented(created[0], "CreateMutation") == []
    assert undocumented(created[0]["rows"], "CreateMutationRow") == []
