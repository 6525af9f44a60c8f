"""A local Exact Online: OAuth host, division-scoped OData endpoints and Exact's limits.

It behaves the way the research note says Exact behaves, so the adapter is tested against
the rules rather than against our assumptions of them: rotating single-use refresh tokens
(reuse ends the grant), `TooEarlyToRefreshTokens`, 60 calls per clock minute and 5,000 per
day per division with `X-RateLimit-*` headers in epoch milliseconds (only the minutely ones
on a minutely 429), the block after 10 errors per endpoint per hour, `$select` required on
bulk/sync endpoints, only `Timestamp` filterable on sync endpoints, 1,000-row pages there and
60 elsewhere, `__next` paging, URLs of at most 6,000 characters, `/Date(ms)/` values in
Amsterdam wall time. Data: seed.py.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from adapters.exact_online.odata import wall_now
from adapters.exact_online.seed import DivisionData, Row, seed_division
from adapters.exact_online.sim_limits import URL_LIMIT, SimulatorLimits
from adapters.exact_online.sim_oauth import SimulatedLogin
from adapters.exact_online.sim_odata import exact_dumps
from adapters.exact_online.sim_queries import SimulatorQueries
from adapters.exact_online.sim_routes import ME_ROUTE, ROUTES_BY_PATH, SimError
from adapters.exact_online.sim_state import SimulatorState, TokenStall
from adapters.simserver import LocalServer
from connector.clock import SYSTEM_CLOCK, Clock

MAIN_DIVISION = 101234
OTHER_DIVISION = 101235
COUNTED_ERRORS = frozenset({400, 401, 403, 404})
CLIENT_ID = "exact-sim-client-id"
CLIENT_SECRET = "exact-sim-client-secret"
REDIRECT_URI = "http://localhost:8400/callback"


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    status: int
    division: int | None


class ExactSimulator(SimulatorLimits, SimulatorQueries, SimulatorState):
    """Start with `start()` (returns the base URL: OAuth under /api/oauth2, API under /api/v1)."""

    def __init__(
        self,
        *,
        clock: Clock = SYSTEM_CLOCK,
        seed: int = 1,
        invoices: int = 60,
        paid: int | None = None,
        payables: int | None = None,
        accounts: int | None = None,
        bank_lines: int | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        minute_limit: int = 60,
        day_limit: int = 5000,
        error_block: int = 10,
        access_lifetime: float = 600.0,
        min_refresh_age: float = 570.0,
        refresh_lifetime: float = 30 * 86400.0,
    ) -> None:
        self.clock = clock
        self.login = SimulatedLogin(
            clock=clock,
            client_id=client_id,
            client_secret=client_secret,
            access_lifetime=access_lifetime,
            min_refresh_age=min_refresh_age,
            refresh_lifetime=refresh_lifetime,
        )
        self.client_id, self.client_secret, self.redirect_uri = (
            client_id,
            client_secret,
            REDIRECT_URI,
        )
        self.minute_limit, self.day_limit, self.error_block = minute_limit, day_limit, error_block
        today = wall_now(clock.now()).date()
        self.division = MAIN_DIVISION
        self.divisions: dict[int, DivisionData] = {
            MAIN_DIVISION: seed_division(
                code=MAIN_DIVISION,
                name="Installatiebedrijf Van Dijk B.V.",
                seed=seed,
                invoices=invoices,
                today=today,
                paid=paid,
                payables=payables,
                accounts=accounts,
                bank_lines=bank_lines,
            ),
            OTHER_DIVISION: seed_division(
                code=OTHER_DIVISION,
                name="Lunchroom De Linde V.O.F.",
                seed=seed,
                invoices=max(3, invoices // 10),
                today=today,
            ),
        }
        self.request_log: list[LoggedRequest] = []
        self.stats: Counter[str] = Counter()
        self.failures: dict[str, list[Any]] = {}
        self.token_stall: TokenStall | None = None
        self._usage: dict[int, dict[str, int]] = defaultdict(
            lambda: {"minute": -1, "minutes": 0, "day": -1, "days": 0}
        )
        self._errors: dict[tuple[int, str], list[float]] = defaultdict(list)
        self._sorted: dict[tuple[int, str, str], tuple[int, list[Row], list[Any]]] = {}
        self._versions: Counter[tuple[int, str]] = Counter()
        self._lock = threading.RLock()
        self._http = LocalServer("exact-simulator")
        self.base_url = ""
        self.url_map = Map(
            [
                Rule("/api/oauth2/auth", endpoint="authorize", methods=["GET"]),
                Rule("/api/oauth2/token", endpoint="token", methods=["POST"]),
                Rule("/api/v1/current/Me", endpoint="me", methods=["GET"]),
                Rule(
                    "/api/v1/<int:division>/<path:resource>",
                    endpoint="entity",
                    methods=["GET", "POST", "PUT", "DELETE"],
                ),
                Rule("/_sim/state", endpoint="sim_state", methods=["GET"]),
            ]
        )

    # -- server ----------------------------------------------------------------------------------

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        self.base_url = self._http.start(self.wsgi_app, host=host, port=port)
        return self.base_url

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> Self:
        if not self.base_url:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def request_count(self) -> int:
        """API calls served (the login endpoints excluded)."""
        return sum(1 for r in self.request_log if r.path.startswith("/api/v1/"))

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        division: int | None = None
        try:
            endpoint, args = self.url_map.bind_to_environ(environ).match()
            division = args.get("division")
            response = getattr(self, f"_on_{endpoint}")(request, **args)
        except SimError as exc:
            response = self._error(exc.status, str(exc), exc.headers)
        except NotFound:
            response = self._error(404, f"Endpoint not found: {request.path}")
        except MethodNotAllowed:
            response = self._error(405, f"Method {request.method} is not allowed here")
        except HTTPException as exc:
            response = self._error(exc.code or 500, exc.description or "error")
        with self._lock:
            self.request_log.append(
                LoggedRequest(
                    request.method,
                    request.path,
                    request.query_string.decode(),
                    response.status_code,
                    division,
                )
            )
        return response(environ, start_response)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(
            exact_dumps(body), status=status, headers=headers, content_type="application/json"
        )

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return self._json(
            {"error": {"code": "", "message": {"lang": "", "value": message}}}, status, headers
        )

    # -- OAuth -----------------------------------------------------------------------------------

    def _on_authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("response_type") != "code":
            raise SimError(400, "response_type must be code")
        code = self.login.authorize(args.get("client_id", ""), args.get("redirect_uri", ""))
        if code is None:
            raise SimError(400, "Unknown client_id or missing redirect_uri")
        query = urlencode({"code": code, **({"state": args["state"]} if "state" in args else {})})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _on_token(self, request: Request) -> Response:
        stall = self.token_stall
        if stall is not None and not stall.processed:
            stall.release.wait(stall.longest)
            raise SimError(503, "Service unavailable")  # hung before the login server got it
        answer = self.login.token({k: v for k, v in request.form.items()})
        if stall is not None:
            stall.release.wait(stall.longest)  # the tokens were issued, the answer is late
        return Response(
            json.dumps(answer.body),
            status=answer.status,
            headers=answer.headers,
            content_type="application/json",
        )

    def _on_me(self, request: Request) -> Response:
        reason = self.login.check_bearer(request.headers.get("Authorization", ""))
        if reason:
            raise SimError(401, reason)
        me = {
            "UserID": "5f0a3c1e-8b7d-4e2a-9c6f-0d1e2f3a4b5c",
            "CurrentDivision": self.division,
            "FullName": "Anne de Boer",
            "Email": "anne@accountantskantoor.example.nl",
            "DivisionCustomerName": self.divisions[self.division].name,
            "LanguageCode": "nl-NL",
            "UserName": "anne@accountantskantoor.example.nl",
        }
        fields = self._select(ME_ROUTE, request.args.get("$select"))
        return self._json({"d": {"results": [self._project(ME_ROUTE, me, fields, request)]}})

    def _on_sim_state(self, request: Request) -> Response:
        return Response(
            json.dumps({"login": dict(self.login.stats), "stats": dict(self.stats)}),
            content_type="application/json",
        )

    # -- entities --------------------------------------------------------------------------------

    def _on_entity(self, request: Request, division: int, resource: str) -> Response:
        url = request.host_url.rstrip("/") + request.full_path.rstrip("?")
        if len(url) > URL_LIMIT:
            self.stats["url_too_long"] += 1
            raise SimError(414, f"The URL is longer than {URL_LIMIT} characters")
        path, _, key_part = resource.partition("(")
        route = ROUTES_BY_PATH.get(path.strip("/").lower())
        if route is None:
            raise SimError(404, f"Endpoint not found: {path}")
        status, headers = 500, {}
        try:
            if request.method not in route.methods:
                raise SimError(405, f"{request.method} is not supported on {route.path}")
            reason = self.login.check_bearer(request.headers.get("Authorization", ""))
            if reason:
                raise SimError(401, reason)
            if division not in self.divisions:
                raise SimError(403, f"Forbidden: no access to division {division}")
            self._check_block(division, route)
            headers = self._count_call(division)
            self._injected_failure(route)
            with self._lock:
                if request.method == "POST":
                    body, status = self._post(route, self.divisions[division], request), 201
                else:
                    body, status = (
                        self._get(route, self.divisions[division], request, key_part.rstrip(")")),
                        200,
                    )
            return self._json(body, status, headers)
        except SimError as exc:
            status = exc.status
            if status in COUNTED_ERRORS:
                with self._lock:
                    self._errors[(division, route.path)].append(self.clock.now())
                self.stats["errors"] += 1
            raise SimError(exc.status, str(exc), {**headers, **exc.headers}) from None


def main(argv: list[str] | None = None) -> int:
    """Run in the foreground; print what a person needs to connect (`connector simulate exact`)."""
    parser = argparse.ArgumentParser(prog="exact-simulator", description=main.__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invoices", type=int, default=60)
    args = parser.parse_args(argv)
    simulator = ExactSimulator(seed=args.seed, invoices=args.invoices)
    url = simulator.start(args.port)
    tokens = simulator.grant()
    authorize = f"{url}/api/oauth2/auth?" + urlencode(
        {
            "client_id": simulator.client_id,
            "response_type": "code",
            "redirect_uri": simulator.redirect_uri,
            "state": "demo",
        }
    )
    main_name = simulator.divisions[simulator.division].name
    other = ", ".join(
        f"{d.code} ({d.name})" for d in simulator.divisions.values() if d.code != simulator.division
    )
    print(
        f"""Exact Online simulator running at {url}  (Ctrl-C to stop)
  division        {simulator.division} ({main_name}); also {other}
  client_id       {simulator.client_id}
  client_secret   {simulator.client_secret}
  redirect_uri    {simulator.redirect_uri}

A login made just now (access token valid 600 s; the refresh token rotates on every use):
  access_token    {tokens["access_token"]}
  refresh_token   {tokens["refresh_token"]}

Or log in the OAuth way (consent is automatic):
  1. curl -si '{authorize}' | grep -i location     # -> ...?code=SIM%21...
  2. curl -s -X POST {url}/api/oauth2/token -d grant_type=authorization_code \\
       -d client_id={simulator.client_id} -d client_secret={simulator.client_secret} \\
       -d redirect_uri={simulator.redirect_uri} --data-urlencode 'code=<the code, %21 decoded to !>'
Then: curl -H 'Authorization: Bearer <access_token>' '{url}/api/v1/current/Me'

Config for an administration:  exact: {{division: {simulator.division}, base_url: "{url}"}}""",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
