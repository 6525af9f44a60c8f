"""The Moneybird simulator, over real HTTP: routes match the official spec, and it enforces what the
real API enforces (auth, rate limit with epoch Retry-After, paging, sync, caps, error bodies), so the
adapter's tests against it mean something."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import stdnum.iso11649
from schwifty import IBAN

from adapters.moneybird.seed import generate
from adapters.moneybird.simulator import (
    DEFAULT_ADMINISTRATION_ID,
    DEFAULT_TOKEN,
    LoggedRequest,
    MoneybirdSimulator,
    RouteSpec,
    _Call,
)
from connector.clock import FakeClock

SPEC = Path(__file__).resolve().parents[1] / ".." / "shared" / "specs" / "moneybird" / "openapi.json"
TODAY = date(2026, 11, 18)
NOON = datetime(2026, 11, 18, 12, tzinfo=UTC).timestamp()
MONEY = re.compile(r"^-?\d+\.\d{1,2}$")
WIDE = "period:20200101..20271231"
NEEDED_INVOICE_FIELDS = (
    "id administration_id contact_id contact invoice_id state invoice_date due_date payment_conditions "
    "reference currency total_price_incl_tax total_paid total_unpaid payment_reference url version "
    "updated_at payments details workflow_id document_style_id identity_id reminder_count paused"
).split()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOON)


@pytest.fixture
def sim(clock):
    with MoneybirdSimulator(today=TODAY, clock=clock) as simulator:
        yield simulator


@pytest.fixture
def api(sim):
    """A session on the simulator's administration: api.get("sales_invoices.json", ...)."""
    return Api(sim, sim.token)


class Api:
    def __init__(self, sim: MoneybirdSimulator, token: str | None) -> None:
        self.sim, self.session = sim, requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return f"{self.sim.base_url}/{self.sim.administration_id}/{path}"

    def get(self, path: str, **params) -> requests.Response:
        return self.session.get(self.url(path), params=params)

    def post(self, path: str, body: object) -> requests.Response:
        return self.session.post(self.url(path), json=body)

    def patch(self, path: str, body: object) -> requests.Response:
        return self.session.patch(self.url(path), json=body)

    def sync_ids(self, resource: str, filter_: str) -> list[str]:
        response = self.get(f"{resource}/synchronization.json", filter=filter_)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()]


def loads(response: requests.Response):
    return json.loads(response.text, parse_float=Decimal)


def first(sim: MoneybirdSimulator, **wanted) -> dict:
    return next(i for i in sim.invoices() if all(i[k] == v for k, v in wanted.items()))


# ---- the spec -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spec() -> dict:
    if not SPEC.exists():
        pytest.skip("shared/specs/moneybird/openapi.json not available")
    return json.loads(SPEC.read_text())


def _resolve(spec: dict, node: dict) -> dict:
    if "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return target
    return node


def test_every_route_is_a_spec_operation_with_spec_parameters_and_scopes(sim, spec):
    checked = 0
    for rule in sim.routes.iter_rules():
        route = sim.route_specs[rule.endpoint]
        assert rule.methods - {"HEAD", "OPTIONS"} == {route.method}
        if not route.api:  # OAuth lives outside the REST spec (research note, section 1)
            assert rule.rule in ("/oauth/authorize", "/oauth/token")
            continue
        assert rule.rule.startswith("/api/v2/") and rule.rule.endswith(".json")
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v2"):-len(".json")]) + "{format}"
        assert template in spec["paths"], f"{rule.rule} is not in the spec"
        operation = spec["paths"][template].get(route.method.lower())
        assert operation is not None, f"{route.method} {template} is not in the spec"
        parameters = [_resolve(spec, p) for p in operation.get("parameters", [])]
        spec_query = {p["name"] for p in parameters if p["in"] == "query"}
        assert route.query_params <= spec_query, f"{template}: {route.query_params - spec_query} not in spec"
        assert {p["name"] for p in parameters if p["in"] == "path"} == set(rule.arguments) | {"format"}
        spec_scopes = {scope for requirement in operation.get("security", spec["security"])
                       for scope in requirement.get("bearerAuth", [])}
        assert route.scopes == spec_scopes, template
        checked += 1
    assert checked >= 18


def test_a_handler_cannot_read_an_undeclared_parameter(sim):
    route = RouteSpec("x", "GET", "/x.json", "x", frozenset({"filter"}))
    request = type("R", (), {"args": {"filter": "a", "sort": "b"}})()
    call = _Call(request, route, {})
    assert call.param("filter") == "a"
    with pytest.raises(AssertionError, match="undeclared query parameter 'sort'"):
        call.param("sort")


def test_workflows_have_the_spec_shape_and_carry_the_invoice_language(sim, api, spec):
    schemas = spec["components"]["schemas"]
    workflows = api.get("workflows.json").json()
    assert {w["language"] for w in workflows} == {"nl", "en"} and sum(w["default"] for w in workflows) == 1
    for workflow in workflows:
        assert set(workflow) == set(schemas["workflow_response"]["properties"])
        for step in workflow["steps"]:
            assert set(step) <= set(schemas["workflow_step_response"]["properties"])
    used = {c["invoice_workflow_id"] for c in sim.contacts()}
    assert used <= {w["id"] for w in workflows} and len(used) == 3


# ---- auth, errors, rate limit ---------------------------------------------------------------------
def test_requests_without_or_with_a_wrong_or_revoked_token_get_401(sim):
    invalid = {"error": "token is invalid", "symbolic": {"request": "invalid_grant"}}
    assert Api(sim, None).get("contacts.json").status_code == 401
    assert Api(sim, None).get("contacts.json").json() == invalid
    assert Api(sim, "not-the-token").get("contacts.json").json() == invalid
    assert Api(sim, sim.token).get("contacts.json").status_code == 200
    sim.revoke_token(sim.token)
    response = Api(sim, sim.token).get("contacts.json")
    assert (response.status_code, response.json()) == (401, invalid)
    assert MoneybirdSimulator(invoices=1).token == DEFAULT_TOKEN


def test_unknown_ids_administrations_and_routes_get_404_bodies(sim, api):
    response = api.get("sales_invoices/1.json")
    not_found = {"error": "record not found", "symbolic": {"id": "not_found"}}
    assert (response.status_code, response.json()) == (404, not_found)
    assert api.get("contacts/1.json").status_code == 404
    assert api.get("financial_mutations/1.json").status_code == 404
    other = api.session.get(f"{sim.base_url}/987654321/sales_invoices.json")
    assert other.status_code == 404 and other.json()["symbolic"] == {"administration_id": "not_found"}
    assert api.get("sales_invoices.xml").status_code == 404
    assert api.session.get(f"{sim.base_url}/administrations.json").json()[0]["id"] == DEFAULT_ADMINISTRATION_ID


def test_request_151_in_a_window_gets_429_until_the_epoch_in_retry_after(sim, api, clock):
    start = clock.now()
    for _ in range(150):
        clock.advance(1)
        assert api.get("contacts/synchronization.json").status_code == 200
    throttled = api.get("contacts/synchronization.json")
    assert throttled.status_code == 429
    assert throttled.json() == "Retry later"
    reset = int(start + 1 + 300)  # the window opened with the first request, one second after start
    assert throttled.headers["Retry-After"] == str(reset)  # absolute epoch seconds, not a delta
    assert throttled.headers["RateLimit-Reset"] == str(reset)
    assert throttled.headers["RateLimit-Limit"] == "150"
    assert throttled.headers["RateLimit-Remaining"] == "0"
    clock.advance(reset - clock.now() - 1)
    assert api.get("contacts/synchronization.json").status_code == 429
    clock.advance(1)
    assert api.get("contacts/synchronization.json").status_code == 200
    assert [r.status for r in sim.request_log].count(429) == 2
    assert isinstance(sim.request_log[0], LoggedRequest) and sim.request_log[0].query == {}


# ---- lists, paging, filters -----------------------------------------------------------------------
def test_paging_follows_link_headers_and_covers_the_sync_list(sim, api):
    filter_ = f"state:all,{WIDE}"
    seen, url, pages = [], api.url("sales_invoices.json") + f"?filter={filter_}&per_page=7", 0
    while url:
        response = api.session.get(url)
        assert response.status_code == 200
        seen += [i["id"] for i in response.json()]
        pages += 1
        links = requests.utils.parse_header_links(response.headers.get("Link", ""))
        rels = {link["rel"]: link["url"] for link in links if "rel" in link}
        if pages > 1:
            assert parse_qs(urlparse(rels["prev"]).query)["page"] == [str(pages - 1)]
        url = rels.get("next")
    assert len(seen) == len(set(seen)) == len(api.sync_ids("sales_invoices", filter_)) == 60
    assert pages == 9
    assert api.get("sales_invoices.json", filter=filter_, per_page=101).json() == \
        {"error": "per_page does not have a valid value"}
    assert api.get("sales_invoices.json", filter=filter_, page=0).json() == \
        {"error": "page does not have a valid value"}
    assert api.get("sales_invoices.json", filter=filter_, page=99).json() == []


def test_invoice_filters_follow_the_spec(sim, api):
    everything = api.sync_ids("sales_invoices", f"state:all,{WIDE}")
    this_year = api.get("sales_invoices.json", per_page=100).json()  # default filter: period:this_year
    assert 0 < len(this_year) < len(everything)
    assert all(i["invoice_date"] is None or i["invoice_date"] >= "2026-01-01" for i in this_year)
    due = set(api.sync_ids("sales_invoices", f"state:late|reminded,{WIDE}"))
    assert due == {i["id"] for i in sim.invoices() if i["state"] in ("late", "reminded")}
    unknown_key = f"state:late|reminded,{WIDE},colour:blue"  # unknown keys are ignored
    assert set(api.sync_ids("sales_invoices", unknown_key)) == due
    # A filter without a period still means this year, on the list and the sync endpoint alike.
    assert set(api.sync_ids("sales_invoices", "state:all")) == {i["id"] for i in this_year}
    assert api.sync_ids("sales_invoices", "state:all") == api.sync_ids("sales_invoices", "period:this_year")
    assert len(api.sync_ids("sales_invoices", f"state:all,{WIDE}")) == 60
    bad = api.get("sales_invoices/synchronization.json", filter="state:overdue")
    assert (bad.status_code, bad.json()) == (400, {"error": "Status is not included in the list",
                                                    "symbolic": {"filter": "invalid"}})
    assert api.get("sales_invoices.json", filter="period:20260101..").json() == \
        {"error": "Period must have both a start and end date"}
    contact = sim.contacts()[0]["id"]
    assert set(api.sync_ids("sales_invoices", f"contact_id:{contact},{WIDE}")) == \
        {i["id"] for i in sim.invoices() if i["contact_id"] == contact}


def test_touched_invoices_get_new_versions_and_match_updated_after(sim, api, clock):
    listing = f"sales_invoices/synchronization.json?filter={WIDE}"
    before = {r["id"]: r["version"] for r in api.get(listing).json()}
    clock.advance(3600)
    stamp = datetime.fromtimestamp(clock.now() - 1, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    touched = sim.touch_invoices(3)
    after = {r["id"]: r["version"] for r in api.get(listing).json()}
    assert {i for i in after if after[i] != before[i]} == set(touched)
    assert all(after[i] > before[i] for i in touched)
    assert set(api.sync_ids("sales_invoices", f"updated_after:{stamp},{WIDE}")) == set(touched)


def test_open_invoices_fall_due_as_the_clock_moves_on_with_a_new_version(sim, api, clock):
    listing = f"sales_invoices/synchronization.json?filter={WIDE}"
    before = {r["id"]: r["version"] for r in api.get(listing).json()}
    due_soon = [i for i in sim.invoices() if i["state"] == "open" and Decimal(i["total_price_incl_tax"]) > 0
                and TODAY <= date.fromisoformat(i["due_date"]) < TODAY + timedelta(days=10)]
    assert due_soon, "the seed has invoices falling due within ten days"
    clock.advance(10 * 86400)
    after = {r["id"]: r["version"] for r in api.get(listing).json()}
    assert sim.today() == TODAY + timedelta(days=10)
    states = {i["id"]: i["state"] for i in sim.invoices()}
    assert all(states[i["id"]] == "late" and after[i["id"]] > before[i["id"]] for i in due_soon)


def test_financial_mutation_list_is_capped_at_100_and_the_sync_api_is_not(clock):
    with MoneybirdSimulator(today=TODAY, clock=clock, invoices=800) as big:
        api = Api(big, big.token)
        response = api.get("financial_mutations.json", filter=WIDE)
        assert (response.status_code, response.json()) == \
            (400, {"error": "Too many financial mutations to return, please use sync API"})
        ids = api.sync_ids("financial_mutations", WIDE)
        assert len(ids) > 100
        narrow = f"{WIDE},state:unprocessed,mutation_type:credit"
        unprocessed = api.get("financial_mutations.json", filter=narrow)
        assert unprocessed.status_code == 200
        assert all(m["state"] == "unprocessed" and Decimal(m["amount"]) > 0 for m in unprocessed.json())


# ---- synchronization ------------------------------------------------------------------------------
@pytest.mark.parametrize("resource,filter_", [("sales_invoices", f"state:all,{WIDE}"), ("contacts", ""),
                                              ("financial_mutations", WIDE)])
def test_sync_list_then_fetch_returns_full_records_at_most_100(clock, resource, filter_):
    with MoneybirdSimulator(today=TODAY, clock=clock, invoices=1000) as big:
        api = Api(big, big.token)
        ids = api.sync_ids(resource, filter_)
        assert len(ids) > 100
        fetched = api.post(f"{resource}/synchronization.json", {"ids": ids[:100]})
        assert fetched.status_code == 200 and {r["id"] for r in fetched.json()} == set(ids[:100])
        more = api.post(f"{resource}/synchronization.json", {"ids": [int(i) for i in ids[:150]]}).json()
        assert len(more) == 100  # spec: "a maximum of 100 ... even if more ids are provided"
        missing = api.post(f"{resource}/synchronization.json", {})
        required = {"error": "Ids is required", "symbolic": {"ids": "required"}}
        assert (missing.status_code, missing.json()) == (400, required)


def test_synced_invoices_carry_what_a_receivables_connector_needs(sim, api):
    invoices = loads(api.post("sales_invoices/synchronization.json",
                              {"ids": api.sync_ids("sales_invoices", f"state:all,{WIDE}")}))
    for invoice in invoices:
        for key in NEEDED_INVOICE_FIELDS:
            assert key in invoice
        for key in ("total_price_incl_tax", "total_paid", "total_unpaid"):
            assert isinstance(invoice[key], str) and MONEY.match(invoice[key]), invoice[key]
        assert invoice["contact"]["id"] == invoice["contact_id"]
        total, paid = Decimal(invoice["total_price_incl_tax"]), Decimal(invoice["total_paid"])
        assert Decimal(invoice["total_unpaid"]) == total - paid
        if invoice["invoice_id"]:
            assert re.fullmatch(r"20\d\d-\d{4}", invoice["invoice_id"])
            assert stdnum.iso11649.is_valid(invoice["payment_reference"])
            assert stdnum.iso11649.is_valid(invoice["short_payment_reference"])


# ---- writes -----------------------------------------------------------------------------------------
def test_a_payment_makes_the_invoice_paid_and_a_second_post_books_twice(sim, api):
    invoice = first(sim, state="late", paused=False, total_paid="0.0")
    body = {"payment": {"payment_date": "2026-11-18", "price": invoice["total_unpaid"]}}
    created = api.post(f"sales_invoices/{invoice['id']}/payments.json", body)
    assert created.status_code == 201 and created.json()["price"] == invoice["total_unpaid"]
    paid = api.get(f"sales_invoices/{invoice['id']}.json").json()
    assert (paid["state"], paid["total_unpaid"], paid["paid_at"]) == ("paid", "0.0", "2026-11-18")
    assert paid["version"] > invoice["version"]
    assert api.post(f"sales_invoices/{invoice['id']}/payments.json", body).status_code == 201  # no idempotency
    twice = api.get(f"sales_invoices/{invoice['id']}.json").json()
    assert Decimal(twice["total_paid"]) == 2 * Decimal(invoice["total_unpaid"]) and len(twice["payments"]) == 2
    no_price = {"payment": {"payment_date": "2026-11-18"}}
    blank = api.post(f"sales_invoices/{invoice['id']}/payments.json", no_price)
    assert (blank.status_code, blank.json()["error"]) == (422, {"price": ["can't be blank"]})
    assert api.post("sales_invoices/1/payments.json", body).status_code == 404


def test_a_partial_payment_linked_to_a_bank_line_leaves_the_invoice_open(sim, api):
    invoice = first(sim, state="late", paused=False, total_paid="0.0")
    half = str((Decimal(invoice["total_unpaid"]) / 2).quantize(Decimal("0.01")))
    line = sim.add_financial_mutation(amount=half, message=f"deel {invoice['invoice_id']}")
    body = {"payment": {"payment_date": "2026-11-18", "price": half, "financial_mutation_id": line["id"],
                        "manual_payment_action": "bank_transfer"}}
    assert api.post(f"sales_invoices/{invoice['id']}/payments.json", body).status_code == 201
    after = api.get(f"sales_invoices/{invoice['id']}.json").json()
    assert after["state"] == "late"
    assert Decimal(after["total_unpaid"]) == Decimal(invoice["total_unpaid"]) - Decimal(half)
    booked = api.get(f"financial_mutations/{line['id']}.json").json()
    assert (booked["state"], booked["amount_open"]) == ("processed", "0.0")
    assert booked["payments"][0]["invoice_id"] == invoice["id"]


def test_link_booking_books_a_bank_line_on_an_invoice(sim, api):
    invoice = first(sim, state="reminded", paused=False, total_paid="0.0")
    amount = invoice["total_unpaid"]
    line = sim.add_financial_mutation(amount=amount, message=f"Factuur {invoice['invoice_id']}")
    linked = api.patch(f"financial_mutations/{line['id']}/link_booking.json",
                       {"booking_type": "SalesInvoice", "booking_id": invoice["id"], "price_base": amount})
    assert (linked.status_code, linked.json()) == (200, 200)
    assert api.get(f"sales_invoices/{invoice['id']}.json").json()["state"] == "paid"
    booked = api.get(f"financial_mutations/{line['id']}.json").json()
    assert (booked["state"], booked["amount_open"]) == ("processed", "0.0")
    other = sim.add_financial_mutation(amount="10.00")
    path = f"financial_mutations/{other['id']}/link_booking.json"
    assert api.patch(path, {"booking_type": "SalesInvoice", "booking_id": invoice["id"]}).json() == \
        {"error": "Price can't be nil", "symbolic": {"price": "nils"}}
    assert api.patch(path, {"booking_type": "SalesInvoice", "booking_id": invoice["id"],
                            "price_base": "-10.0"}).status_code == 400
    unknown = {"booking_type": "SalesInvoice", "booking_id": "1", "price_base": "10.0"}
    assert api.patch(path, unknown).json() == \
        {"error": "record not found", "symbolic": {"booking_id": "not_found"}}


def _reminder(invoice: dict, **extra) -> dict:
    group = {k: invoice[k] for k in ("contact_id", "workflow_id", "document_style_id", "identity_id")}
    return {"sales_invoice_reminders": [{**group, "sales_invoice_ids": [invoice["id"]], **extra}]}


def test_send_reminders_marks_invoices_reminded_and_counts(sim, api):
    invoice = next(i for i in sim.invoices()
                   if i["state"] == "late" and i["contact"]["delivery_method"] in ("Email", "Manual"))
    body = _reminder(invoice, delivery_method="Email", reminder_text="Geachte {recipient.name}, ...")
    response = api.post("sales_invoices/send_reminders.json", body)
    assert (response.status_code, response.json()) == (200, 200)
    after = api.get(f"sales_invoices/{invoice['id']}.json").json()
    assert (after["state"], after["reminder_count"]) == ("reminded", invoice["reminder_count"] + 1)
    assert after["events"][-1]["action"] == "sales_invoice_send_reminder_email"
    assert sim.sent_reminders[-1]["sales_invoice_ids"] == [invoice["id"]]
    not_due = first(sim, state="open")
    refused = api.post("sales_invoices/send_reminders.json", _reminder(not_due, delivery_method="Email"))
    assert refused.status_code == 422 and "sales_invoice_ids" in refused.json()["error"]
    assert api.post("sales_invoices/send_reminders.json", {}).status_code == 400
    by_post = next(i for i in sim.invoices()
                   if i["contact"]["delivery_method"] == "Post" and i["state"] == "reminded")
    refused = api.post("sales_invoices/send_reminders.json", _reminder(by_post))  # Post is not allowed
    assert refused.status_code == 422 and "delivery_method" in refused.json()["error"]


def test_notes_are_added_to_invoices_and_contacts(sim, api):
    invoice = sim.invoices()[0]
    path = f"sales_invoices/{invoice['id']}/notes.json"
    created = api.post(path, {"note": {"note": "Herinnering 1 verstuurd"}})
    assert created.status_code == 201 and created.json()["entity_type"] == "SalesInvoice"
    notes = api.get(f"sales_invoices/{invoice['id']}.json").json()["notes"]
    assert notes[-1]["note"] == "Herinnering 1 verstuurd"
    path = f"contacts/{invoice['contact_id']}/notes.json"
    assert api.post(path, {"note": {"note": "Gebeld", "todo": True}}).json()["todo"] is True
    assert api.post(path, {"note": {"note": ""}}).status_code == 422
    unknown = api.post("contacts/1/notes.json", {"note": {"note": "x"}})
    assert unknown.status_code == 400 and unknown.json()["symbolic"]["entity"] == "not_found"


# ---- OAuth --------------------------------------------------------------------------------------------
CALLBACK = "https://app.example/cb"


def _authorize(sim, scope: str = "sales_invoices bank settings") -> str:
    response = requests.get(f"{sim.root_url}/oauth/authorize", allow_redirects=False, params={
        "client_id": sim.client_id, "redirect_uri": CALLBACK, "response_type": "code", "scope": scope,
        "state": "xyz"})
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "app.example" and query["state"] == ["xyz"]
    return query["code"][0]


def _token(sim, **form) -> requests.Response:
    return requests.post(f"{sim.root_url}/oauth/token",
                         data={"client_id": sim.client_id, "client_secret": sim.client_secret, **form})


def test_oauth_code_and_refresh_flows_issue_working_tokens(sim):
    code = _authorize(sim)
    issued = _token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert issued.status_code == 200
    tokens = issued.json()
    assert tokens["token_type"] == "bearer" and tokens["scope"] == "sales_invoices bank settings"
    assert isinstance(tokens["created_at"], int) and "expires_in" not in tokens
    assert Api(sim, tokens["access_token"]).get("financial_mutations/synchronization.json").status_code == 200
    reused = _token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")
    refreshed = _token(sim, grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert Api(sim, refreshed["access_token"]).get("contacts.json").status_code == 200
    assert Api(sim, tokens["access_token"]).get("contacts.json").status_code == 401
    again = _token(sim, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
    wrong_secret = requests.post(f"{sim.root_url}/oauth/token", data={
        "client_id": sim.client_id, "client_secret": "nope", "grant_type": "refresh_token",
        "refresh_token": refreshed["refresh_token"]})
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")


def test_oauth_tokens_are_limited_to_their_scopes_and_may_expire(clock):
    with MoneybirdSimulator(today=TODAY, clock=clock, oauth_token_lifetime=3600) as sim:
        code = _authorize(sim, scope="sales_invoices")
        tokens = _token(sim, grant_type="authorization_code", code=code, redirect_uri=CALLBACK).json()
        assert tokens["expires_in"] == 3600
        api = Api(sim, tokens["access_token"])
        assert api.get("sales_invoices/synchronization.json").status_code == 200
        denied = api.get("financial_mutations/synchronization.json")
        assert (denied.status_code, denied.json()) == (401, {"error": "No access to bank"})
        clock.advance(3600)
        assert api.get("sales_invoices/synchronization.json").status_code == 401


# ---- seeded data --------------------------------------------------------------------------------------
def test_the_seed_is_deterministic_for_a_seed_and_a_day():
    def dump(seed: int, day: date) -> str:
        data = generate(seed=seed, invoices=200, today=day, administration_id="1")
        return json.dumps([data.contacts, data.invoices, data.mutations])

    assert dump(7, TODAY) == dump(7, TODAY)
    assert dump(7, TODAY) != dump(8, TODAY)
    assert dump(7, TODAY) != dump(7, date(2026, 11, 19))


def test_the_demo_set_covers_every_age_state_and_reconciliation_case():
    data = generate(seed=1, invoices=60, today=TODAY, administration_id="1")
    unpaid = [i for i in data.invoices if i["state"] in ("open", "late", "reminded")]
    overdue = {(TODAY - date.fromisoformat(i["due_date"])).days for i in unpaid}
    for low, high in ((-60, 0), (1, 30), (31, 60), (61, 90), (91, 10_000)):
        assert any(low <= days <= high for days in overdue), (low, high)
    states = {i["state"] for i in data.invoices}
    assert states == {"draft", "scheduled", "open", "pending_payment", "late", "reminded", "paid",
                      "uncollectible"}
    assert {i["reminder_count"] for i in data.invoices if i["state"] == "reminded"} == {1, 2}
    assert sum(1 for i in data.invoices if Decimal(i["total_price_incl_tax"]) < 0) == 2  # credit notes
    assert any(i["paused"] and i["notes"] for i in data.invoices)  # the disputed one
    assert any(i["payments"] and Decimal(i["total_unpaid"]) > 0 for i in data.invoices)  # partial / instalments
    names = {c["company_name"] for c in data.contacts}
    assert any(n.endswith("Holding B.V.") for n in names) and any(n.endswith("V.O.F.") for n in names)
    assert any(not n for n in names)  # consumers
    for contact in data.contacts:
        if contact["bank_account"]:
            IBAN(contact["bank_account"])  # raises when invalid
    lines = [m for m in data.mutations if m["state"] == "unprocessed"]
    messages = " | ".join(m["message"] for m in lines)
    for needle in ("Mollie Payments", "OMZETBELASTING", "namens", " en ", "RF", "termijn", "Deelbetaling"):
        assert needle in messages, needle
    assert any(Decimal(m["amount"]) < 0 for m in lines) and any(m["message"] == "" for m in lines)
    assert all(MONEY.match(m["amount"]) for m in data.mutations)


def test_twenty_thousand_invoices_seed_fast():
    started = time.process_time()  # CPU time: immune to other processes on a busy machine
    data = generate(seed=3, invoices=20_000, today=TODAY, administration_id="1")
    elapsed = time.process_time() - started
    assert len(data.invoices) == 20_000 and 2300 <= len(data.contacts) <= 2700
    assert elapsed < 2.0, f"seeding 20,000 invoices took {elapsed:.2f} s"
