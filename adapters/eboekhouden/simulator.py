"""A local e-Boekhouden REST v1 server for tests, demos and `connector simulate eboekhouden`.

It speaks the parts of the API the adapter uses, with the field names of rest-docs: the
session flow (API token -> session token that expires on the injected clock), the
outstanding-invoice list, relations, invoices (with shareable PDF links; concepts that were
never booked are listed there only), ledgers and mutations (read, and create type 3
payments), `limit`/`offset` paging with the documented bounds, the `param[op]` filters and
the JSON error body with e-Boekhouden's codes.
State-changing methods (pay_invoice, change_invoices, block_administration, ...) let tests
play the bookkeeper's side.
"""

from __future__ import annotations

import argparse
import hashlib
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Self

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from adapters.eboekhouden import simjson as views
from adapters.eboekhouden.jsonnum import loads
from adapters.eboekhouden.seed import SimData, SimInvoice, seed_administration
from adapters.eboekhouden.simendpoints import (
    DETAIL_ENDPOINTS,
    QUERY_PARAMS,
    ROUTES,
    ApiFailure,
    Endpoints,
    InjectedFailure,
    LoggedRequest,
    SimState,
)
from adapters.simserver import LocalServer
from connector.clock import SYSTEM_CLOCK, Clock
from connector.money import quantize


class EboekhoudenSimulator(Endpoints):
    """A threaded werkzeug server on 127.0.0.1 holding one seeded administration."""

    def __init__(self, *, clock: Clock = SYSTEM_CLOCK, seed: int = 1, invoices: int = 60,
                 relations: int | None = None, session_seconds: int = 3600, today: date | None = None) -> None:
        self.clock = clock
        self.seed = seed
        self.today = today or datetime.fromtimestamp(clock.now(), tz=UTC).date()
        self.data: SimData = seed_administration(seed, invoices, self.today, relations=relations)
        self.api_token = "sim-" + hashlib.sha256(f"eboekhouden-{seed}".encode()).hexdigest()[:32]
        self.session_seconds = session_seconds
        self.request_log: list[LoggedRequest] = []
        self.before_request: Callable[[str, dict[str, str]], None] | None = None  # test hook: (endpoint, args)
        self.routes = ROUTES
        self.base_url = ""
        self.state = SimState()
        self._lock = threading.RLock()
        self._http = LocalServer("eboekhouden-sim")

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, port: int = 0) -> str:
        self.base_url = self._http.start(self._wsgi, port=port)
        return self.base_url

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> Self:
        if not self._http.running:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the bookkeeper's side ------------------------------------------------------------
    def open_invoices(self) -> list[SimInvoice]:
        with self._lock:
            return [inv for inv in self.data.invoices.values() if inv.outstanding != 0]

    def pay_invoice(self, mutation_id: str | int, amount: Decimal | None = None) -> None:
        """Book a payment received (in full when no amount is given)."""
        with self._lock:
            invoice = self.data.invoices[int(mutation_id)]
            invoice.paid += invoice.outstanding if amount is None else amount

    def change_invoices(self, k: int) -> list[str]:
        """Part-pay k open invoices (they stay open with a new paid/outstanding amount)."""
        with self._lock:
            changed = []
            for invoice in self.open_invoices():
                if len(changed) == k:
                    break
                if invoice.total > 0 and invoice.outstanding > Decimal("1.00"):
                    invoice.paid += quantize(invoice.outstanding / 2)
                    changed.append(str(invoice.mutation_id))
            return changed

    def add_invoice(self, *, relation_id: int | None = None, total: Decimal = Decimal("121.00"),
                    term: int | None = 14, in_module: bool = True, invoice_date: date | None = None) -> str:
        with self._lock:
            mutation_id = self.data.next_mutation_id
            self.data.next_mutation_id += 3
            rid = relation_id or next(iter(self.data.relations))
            self.data.invoices[mutation_id] = SimInvoice(
                mutation_id=mutation_id, number=f"F-NEW-{mutation_id}", relation_id=rid,
                date=invoice_date or self.today, total=total, mutation_term=term,
                document_id=mutation_id + 9_000_000 if in_module else None,
                document_term=term if in_module else None, description="Nieuwe factuur",
            )
            return str(mutation_id)

    def update_relation(self, relation_id: int | str, **fields: Any) -> None:
        with self._lock:
            relation = self.data.relations[int(relation_id)]
            for name, value in fields.items():
                setattr(relation, name, value)

    def delete_relation(self, relation_id: int | str) -> None:
        with self._lock:
            del self.data.relations[int(relation_id)]

    def block_administration(self, code: str | None = "SECURITY_005") -> None:
        """SECURITY_005: e-Boekhouden closed the administration for an overdue payment (None lifts it)."""
        self.state.blocked_code = code

    def close_period(self, until: date | None) -> None:
        """The accountant closes every period up to and including `until` (None reopens)."""
        self.state.closed_until = until

    def expire_sessions(self) -> None:
        self.state.sessions.clear()

    def revoke_api_token(self) -> None:
        """The API token was deleted in e-Boekhouden: no new sessions (open ones run on)."""
        self.state.token_valid = False

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke the API token and end every session: the next call fails authentication."""
        del token  # one administration, one API token
        self.revoke_api_token()
        self.expire_sessions()

    def expire_api_token(self) -> None:
        """The API token's optional end date has passed (API_SESSION_004)."""
        self.state.token_expired = True

    def fail_next(self, status: int, *, count: int = 1, code: str | None = None,
                  retry_after: int | None = None) -> None:
        self.state.failures.append(InjectedFailure(status, code, count, retry_after))

    def request_count(self) -> int:
        return len(self.request_log)

    def count(self, *endpoints: str) -> int:
        return sum(1 for entry in self.request_log if entry.endpoint in endpoints)

    def detail_count(self) -> int:
        return sum(1 for entry in self.request_log if entry.endpoint in DETAIL_ENDPOINTS)

    # -- WSGI -----------------------------------------------------------------------------
    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        endpoint, status, body = "", 500, None
        try:
            adapter = self.routes.bind_to_environ(environ)
            endpoint, values = adapter.match()
            response = self._dispatch(request, endpoint, values)
        except HTTPException as exc:
            response = self._json(ApiFailure(exc.code or 500, None, exc.name, kind="notFound").body(),
                                  exc.code or 500)
        except ApiFailure as failure:
            response = self._json(failure.body(), failure.status)
            if failure.status == 429:
                response.headers["Retry-After"] = str(failure.retry_after or 1)
        status = response.status_code
        if request.method == "POST" and request.get_data():
            try:
                body = loads(request.get_data())
            except ValueError:
                body = request.get_data(as_text=True)
        with self._lock:
            self.request_log.append(LoggedRequest(request.method, request.path, endpoint,
                                                  request.args.to_dict(), status, body))
        return response(environ, start_response)

    def _dispatch(self, request: Request, endpoint: str, values: dict[str, Any]) -> Response:
        if self.before_request is not None:
            self.before_request(endpoint, request.args.to_dict())
        if endpoint == "invoice_pdf":
            return self._invoice_pdf(values["key"])
        self._inject_failure()
        if endpoint == "start_session":
            return self._start_session(request)
        self._authenticate(request)
        if endpoint == "end_session":
            self.state.sessions.pop(self._token(request), None)
            return Response(status=204)
        if self.state.blocked_code:
            raise ApiFailure(403, self.state.blocked_code,
                             "Administration is unavailable due to an overdue payment.", kind="security",
                             security_type=1)
        names = set()
        for key in request.args:
            try:
                names.add(views.split_key(key)[0])
            except views.FilterError:
                raise ApiFailure(400, "ERR_002", "Invalid value.", property_name=key) from None
        unknown = names - QUERY_PARAMS.get(endpoint, frozenset())
        if unknown:
            raise ApiFailure(400, "ERR_002", "Invalid value.", property_name=min(unknown))
        with self._lock:
            handler = getattr(self, f"_{endpoint}")
            return handler(request, **values)

    def _inject_failure(self) -> None:
        failures = self.state.failures
        if failures:
            failure = failures[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                failures.pop(0)
            error = ApiFailure(failure.status, failure.code, "Simulated failure.", kind="error")
            error.retry_after = failure.retry_after
            raise error

    # -- session --------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None, *, wait: Callable[[], None] | None = None) -> int:
    """Run the simulator in the foreground, printing where it listens and the API token."""
    parser = argparse.ArgumentParser(prog="connector simulate eboekhouden")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invoices", type=int, default=60)
    args = parser.parse_args(list(argv) if argv is not None else None)
    simulator = EboekhoudenSimulator(seed=args.seed, invoices=args.invoices)
    base_url = simulator.start(port=args.port)
    print(f"e-Boekhouden simulator listening on {base_url}")
    print(f"base_url:  {base_url}")
    print(f"API token: {simulator.api_token}")
    print(f"{len(simulator.open_invoices())} open invoices, {len(simulator.data.relations)} relations; "
          "Ctrl-C stops it.", flush=True)
    try:
        (wait or _wait_forever)()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


def _wait_forever() -> None:
    threading.Event().wait()


if __name__ == "__main__":
    raise SystemExit(main())
