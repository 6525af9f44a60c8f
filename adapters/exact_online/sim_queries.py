"""How the simulator answers a GET or POST on an entity: `$select`, `$filter`, paging, records.

Sync endpoints are ordered by `Timestamp` and continue with `$skiptoken=<ts>L`; the others by
their key with `$skiptoken=guid'…'`; `__next` repeats the query so a client can follow it
verbatim. A mix-in of `ExactSimulator`.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections import Counter
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from werkzeug.wrappers import Request

from adapters.exact_online.seed import DivisionData, Row
from adapters.exact_online.sim_odata import FilterError, ODataFilter
from adapters.exact_online.sim_routes import Route, SimError


class SimulatorQueries:
    division: int
    divisions: dict[int, DivisionData]
    _lock: threading.RLock
    _sorted: dict[tuple[int, str, str], tuple[int, list[Row], list[Any]]]
    _versions: Counter[tuple[int, str]]

    def _select(self, route: Route, text: str | None) -> tuple[str, ...]:
        if route.kind in ("sync", "bulk") and not text:
            raise SimError(
                400,
                "It is mandatory to provide the $select query option for this endpoint. "
                "Please add a $select or a $top=1 statement to the query string.",
            )
        if not text or text.strip() == "*":
            if route.kind == "sync" and text:
                raise SimError(400, "This endpoint does not support $select=*")
            return route.fields
        fields = tuple(f.strip() for f in text.split(",") if f.strip())
        unknown = [f for f in fields if f not in route.fields]
        if unknown:
            raise SimError(
                400,
                f"Property '{unknown[0]}' does not exist on {route.entity.replace(chr(92), '.')}",
            )
        return fields

    def _project(self, route: Route, row: Row, fields: tuple[str, ...], request: Request) -> Row:
        where = f"{row['Division']}/{route.path}" if row.get("Division") else route.path
        uri = f"{request.host_url}api/v1/{where}({_key_literal(row.get(route.key))})"
        return {
            "__metadata": {
                "uri": uri,
                "type": "Exact.Web.Api.Models." + route.entity.rsplit("\\", 1)[-1],
            },
            **{f: row.get(f) for f in fields},
        }

    def _table(self, route: Route, data: DivisionData) -> tuple[list[Row], list[Any]]:
        """Rows of the route's table sorted by its paging key (cached until the table changes)."""
        if route.table == "divisions":
            rows = self._division_rows()
        else:
            rows = data.table(route.table)
        cache_key = (data.code, route.table, route.key)
        version = self._versions[(data.code, route.table)]
        cached = self._sorted.get(cache_key)
        if (
            route.table != "divisions"
            and cached
            and cached[0] == version
            and len(cached[1]) == len(rows)
        ):
            return cached[1], cached[2]
        ordered = sorted(rows, key=lambda r: r.get(route.key) or 0)
        keys = [r.get(route.key) or 0 for r in ordered]
        self._sorted[cache_key] = (version, ordered, keys)
        return ordered, keys

    def _get(self, route: Route, data: DivisionData, request: Request, key: str) -> Any:
        args = request.args
        if "$skip" in args:
            raise SimError(400, "$skip is not supported on this endpoint; use the __next link")
        fields = self._select(route, args.get("$select"))
        predicate = None
        if args.get("$filter"):
            try:
                predicate = ODataFilter(args["$filter"])
            except FilterError as exc:
                raise SimError(400, str(exc)) from None
            if route.filterable is not None and not predicate.fields <= route.filterable:
                bad = ", ".join(sorted(predicate.fields - route.filterable))
                raise SimError(400, f"Filtering on {bad} is not supported for {route.path}")
        rows, keys = self._table(route, data)
        if key:
            wanted = _key_value(key)
            match = [r for r in rows if str(r.get(route.key)).lower() == str(wanted).lower()]
            if not match:
                raise SimError(404, f"{route.path}({key}) not found")
            return {"d": self._project(route, match[0], fields, request)}
        start = (
            bisect.bisect_right(keys, _key_value(args["$skiptoken"]))
            if args.get("$skiptoken")
            else 0
        )
        top = int(args["$top"]) if args.get("$top", "").isdigit() else None
        size = min(route.page_size, top) if top is not None else route.page_size
        page: list[Row] = []
        more = False
        for row in rows[start:]:
            if (route.where and not route.where(row)) or (predicate and not _safe(predicate, row)):
                continue
            if len(page) == size:
                more = True
                break
            page.append(row)
        body: dict[str, Any] = {"results": [self._project(route, r, fields, request) for r in page]}
        if more and top is None:
            params = {k: v for k, v in args.items() if k != "$skiptoken"}
            params["$skiptoken"] = _key_literal(page[-1].get(route.key))
            query = urlencode(params, quote_via=quote, safe="$,()'")
            body["__next"] = f"{request.base_url}?{query}"
        return {"d": body}

    def _division_rows(self) -> list[Row]:
        return [
            {
                "Code": d.code,
                "Description": d.name,
                "Status": 1,
                "DivisionMoveDate": d.move_date,
                "Country": "NL",
                "Currency": "EUR",
                "Current": d.code == self.division,
            }
            for d in self.divisions.values()
        ]

    # -- POST ------------------------------------------------------------------------------------

    def _post(self, route: Route, data: DivisionData, request: Request) -> Any:
        try:
            body = json.loads(request.get_data() or b"{}", parse_float=Decimal)
        except ValueError:
            raise SimError(400, "The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise SimError(400, "The request body must be a JSON object")
        unknown = sorted(set(body) - route.post_fields)
        if unknown:
            raise SimError(
                400, f"Property '{unknown[0]}' does not exist or cannot be set on {route.path}"
            )
        missing = sorted(f for f in route.required if body.get(f) in (None, "", []))
        if missing:
            raise SimError(400, f"Mandatory: {missing[0]}")
        row = getattr(self, f"_create_{route.table}")(data, body)
        self._touch(data, route.table)
        return {"d": self._project(route, row, route.fields, request)}


def _safe(predicate: ODataFilter, row: Row) -> bool:
    try:
        return predicate(row)
    except FilterError as exc:
        raise SimError(400, str(exc)) from None


def _key_value(text: str) -> Any:
    text = text.strip()
    if text.lower().startswith("guid'"):
        return text[5:-1].lower()
    body = text.rstrip("Ll")
    if body.lstrip("-").isdigit():
        return int(body)
    return text.strip("'").lower()


def _key_literal(value: Any) -> str:
    if isinstance(value, int):
        return f"{value}L"
    return f"guid'{value}'"
