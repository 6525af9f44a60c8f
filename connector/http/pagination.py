"""Paging helpers for the three styles our vendors use: Link headers, limit/offset, next-URL in the body.

Each yields pages (decoded JSON) and stops on a repeated cursor instead of looping forever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from connector.errors import ApiError
from connector.http.client import HttpClient


def link_header_pages(client: HttpClient, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
    """Follow `Link: <...>; rel="next"` (Moneybird). The next URL carries the query, so params are dropped."""
    url: str | None = path
    query = dict(params or {})
    seen: set[str] = set()
    while url:
        response = client.request("GET", url, params=query or None)
        yield client.parse_json(response)
        next_link = response.links.get("next", {}).get("url")
        if next_link in seen:
            raise ApiError(f"{client.vendor}: pagination loop at {next_link}")
        if next_link:
            seen.add(next_link)
        url, query = next_link, {}


def offset_pages(
    client: HttpClient,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    page_size: int,
    items: Callable[[Any], list[Any]] = lambda body: body,
    limit_param: str = "limit",
    offset_param: str = "offset",
) -> Iterator[list[Any]]:
    """limit/offset paging (e-Boekhouden): stop at the first short page."""
    offset = 0
    while True:
        body = client.get_json(path, params={**(params or {}), limit_param: page_size, offset_param: offset})
        page = items(body) or []
        yield page
        if len(page) < page_size:
            return
        offset += page_size


def next_url_pages(
    client: HttpClient,
    path: str,
    params: Mapping[str, Any] | None = None,
    *,
    next_url: Callable[[Any], str | None],
) -> Iterator[Any]:
    """A next-page URL inside the body (Exact's OData `__next`)."""
    url: str | None = path
    query = dict(params or {})
    seen: set[str] = set()
    while url:
        body = client.get_json(url, params=query or None)
        yield body
        following = next_url(body)
        if following in seen:
            raise ApiError(f"{client.vendor}: pagination loop at {following}")
        if following:
            seen.add(following)
        url, query = following, {}
