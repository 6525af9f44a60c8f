"""The simulator's routes, methods, field names and value types, and the adapter's `$select` lists,
checked against Exact's entity metadata in ../shared/specs/exact/."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.exact_online import client, mapping
from adapters.exact_online.adapter import DIVISION_FIELDS
from adapters.exact_online.odata import is_guid
from adapters.exact_online.sim_routes import ME_ROUTE, ROUTES, Route
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock

SPECS = Path(__file__).resolve().parents[1] / ".." / "shared" / "specs" / "exact"
ENTITIES_FILE = SPECS / "exact_rest_entities_2025-07_with_descriptions.json"
pytestmark = pytest.mark.skipif(
    not ENTITIES_FILE.exists(), reason="../shared/specs/exact is not available"
)

ADAPTER_SELECTS = {
    "Sync\\Cashflow\\PaymentTerms": mapping.TERM_FIELDS,
    "Sync\\CRM\\Accounts": mapping.ACCOUNT_FIELDS,
    "CRM\\Accounts": mapping.ACCOUNT_PLAIN_FIELDS,
    "CRM\\BankAccounts": mapping.BANK_ACCOUNT_FIELDS,
    "Sync\\Deleted": mapping.DELETED_FIELDS,
    "Financial\\Journals": mapping.JOURNAL_FIELDS,
    "FinancialTransaction\\BankEntryLines": mapping.BANK_LINE_FIELDS,
    "System\\Me": client.ME_FIELDS,
    "System\\Divisions": DIVISION_FIELDS,
    "Bulk\\Cashflow\\Receivables": ("ID",),
}


@pytest.fixture(scope="module")
def entities() -> dict:
    return json.loads(ENTITIES_FILE.read_text(encoding="utf-8"))["entities"]


@pytest.fixture(scope="module")
def index() -> set[str]:
    rows = (
        (SPECS / "exact_rest_endpoint_index_2025-07.tsv").read_text(encoding="utf-8").splitlines()
    )
    return {line.split("\t")[2].strip() for line in rows if line.count("\t") >= 2}


ALL_ROUTES = [*ROUTES, ME_ROUTE]


def _uri(route: Route) -> str:
    return "/api/v1/current/Me" if route is ME_ROUTE else f"/api/v1/{{division}}/{route.path}"


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda r: r.path)
def test_every_route_is_an_exact_endpoint_with_its_methods_and_fields(
    route, entities, index
) -> None:
    entity = entities[route.entity]
    assert entity["endpoint"] == _uri(route)
    assert _uri(route) in index
    assert set(route.methods) <= set(entity["methods"])
    properties = entity["properties"]
    assert set(route.fields) <= set(properties), set(route.fields) - set(properties)
    postable = {name for name, p in properties.items() if "POST" in p["methods"]}
    assert route.post_fields <= postable, route.post_fields - postable
    assert route.required <= route.post_fields
    if route.line_entity:
        lines = entities[route.line_entity]["properties"]
        assert route.line_fields <= {name for name, p in lines.items() if "POST" in p["methods"]}
    if route.kind in ("sync", "bulk"):
        assert "1000" in entity["notes"] or route.kind == "sync", "bulk endpoints page by 1,000"
    if route.kind == "sync":
        assert properties["Timestamp"]["type"] == "Edm.Int64" and route.key == "Timestamp"


@pytest.mark.parametrize("entity_name", sorted(ADAPTER_SELECTS))
def test_the_adapter_selects_only_fields_exact_has(entity_name, entities) -> None:
    selected = set(ADAPTER_SELECTS[entity_name])
    assert selected <= set(entities[entity_name]["properties"]), selected - set(
        entities[entity_name]["properties"]
    )


def _python_type_fits(edm: str, value: object) -> bool:
    if value is None:
        return True
    if edm == "Edm.Guid":
        return is_guid(value)
    if edm == "Edm.Double":
        return isinstance(value, Decimal)
    if edm.startswith("Edm.Int") or edm == "Edm.Byte":
        return isinstance(value, int) and not isinstance(value, bool)
    if edm == "Edm.Boolean":
        return isinstance(value, bool)
    if edm == "Edm.DateTime":
        return isinstance(value, date)
    return isinstance(value, str)


def test_seeded_values_have_the_types_exact_declares(entities) -> None:
    simulator = ExactSimulator(clock=FakeClock(), invoices=30)
    checked = 0
    for route in ROUTES:
        if route.table == "divisions":
            rows = simulator._division_rows()
        else:
            rows = simulator.rows(route.table)
        properties = entities[route.entity]["properties"]
        for row in rows:
            for name in route.fields:
                if name in row:
                    assert _python_type_fits(properties[name]["type"], row[name]), (
                        route.path,
                        name,
                        row[name],
                    )
                    checked += 1
    assert checked > 1000


def test_every_stored_field_is_served_by_some_route() -> None:
    simulator = ExactSimulator(clock=FakeClock(), invoices=30)
    served: dict[str, set[str]] = {}
    for route in ROUTES:
        served.setdefault(route.table, set()).update(route.fields)
    for table, fields in served.items():
        if table == "divisions":
            continue
        for row in simulator.rows(table):
            assert set(row) <= fields, (table, set(row) - fields)
