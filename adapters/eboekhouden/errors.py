"""e-Boekhouden's JSON error body turned into messages an accountant can act on.

Every REST error carries `{"type", "title", "status", "code", "message"?, "propertyName"?,
"errors"?, "traceId"?}` (rest-docs Error.md / SecurityError.md). The `title` is short and
English ("Access denied."); for the codes that stop a run we say what to do instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from connector.errors import ApiError, AuthenticationFailed, HostError

EXPLANATIONS: Mapping[str, str] = {
    "SECURITY_001": "the API token's user has no permission for this; give that user full rights in "
                    "e-Boekhouden (Beheer > Gebruikers)",
    "SECURITY_002": "no administration is opened in this session; create a new API token from inside "
                    "the administration",
    "SECURITY_003": "the API token has no access to this administration",
    "SECURITY_005": "e-Boekhouden has closed this administration because a payment to e-Boekhouden is "
                    "overdue; the owner must pay the e-Boekhouden invoice before the API works again",
    "SECURITY_007": "the period is closed by the accountant; book in an open period or ask the "
                    "accountant to reopen it",
    "SECURITY_010": "not authenticated: the session token is missing or no longer valid",
    "SECURITY_011": "this account is registered under another domain; set base_url to "
                    "https://api.e-boekhouden.be for a Belgian administration (or .nl for a Dutch one)",
    "API_SESSION_001": "the connector sent no `source` when opening a session",
    "API_SESSION_002": "the `source` setting must be 1-10 letters, digits, '_' or spaces",
    "API_SESSION_003": "the API token is empty; store it again with the connector's secret command",
    "API_SESSION_004": "the API token has expired; create a new one in e-Boekhouden (Beheer > Inrichting "
                       "> Koppelingen > API) and store it again",
    "EP_001": "this endpoint is only available to accountants",
    "MODULE_001": "the free-trial limit of this administration is reached",
    "MODULE_002": "the free-trial limit of this administration is reached",
    "MUT_005": "the period is closed; book in an open period or ask the accountant to reopen it",
    "MUT_115": "e-Boekhouden does not know this invoice number as an open item",
    "MUTA_006": "credDeb (C or D) is missing on the outstanding-invoices request",
    "MUTA_008": "a mutation with this payment reference already exists (the payment was booked before)",
    "PAGE_001": "limit must be between 1 and 2000",
    "PAGE_002": "offset must be 0 or more",
    "ERR_001": "e-Boekhouden reports an internal error; try again later",
}

CREDENTIAL_CODES = frozenset(
    {"SECURITY_001", "SECURITY_002", "SECURITY_003", "SECURITY_010", "SECURITY_011",
     "API_SESSION_003", "API_SESSION_004"}
)


class AdministrationBlocked(ApiError):
    """SECURITY_005: the administration is closed for an overdue e-Boekhouden subscription payment."""


class PeriodClosed(ApiError):
    """SECURITY_007 / MUT_005: the accountant closed the period the booking falls in."""


def error_body(response: requests.Response) -> Mapping[str, Any]:
    """The decoded error object, keys as sent; {} when the body is not a JSON object."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def error_code(body: Mapping[str, Any]) -> str:
    return str(body.get("code") or body.get("Code") or "")


def describe(body: Mapping[str, Any], fallback: str = "") -> str:
    """One line: the explanation or title, the offending property, validation details and the code."""
    code = error_code(body)
    title = str(body.get("title") or body.get("Title") or fallback or "unknown error")
    text = EXPLANATIONS.get(code, title.rstrip("."))
    details = [str(body[key]) for key in ("message", "Message") if body.get(key)]
    errors = body.get("errors") or body.get("Errors")
    if isinstance(errors, list):
        details.extend(str(item) for item in errors[:5])
    prop = body.get("propertyName") or body.get("PropertyName")
    if prop:
        text += f" (field {prop})"
    if details:
        text += ": " + "; ".join(details)
    if code:
        text += f" [{code}]"
    return text


def error_message(response: requests.Response) -> str:
    """The `error_message` hook for connector.http.HttpClient."""
    body = error_body(response)
    if not body:
        return response.text[:200] or response.reason or f"HTTP {response.status_code}"
    return describe(body, response.reason or "")


def refusal(vendor: str, response: requests.Response) -> HostError:
    """A 400 or 403: bad input, a credential problem, or a condition a person must resolve."""
    body = error_body(response)
    code = error_code(body)
    status = response.status_code
    where = f"{response.request.method} {response.request.path_url.split('?')[0]}"
    message = f"{vendor}: {where} was refused ({status}): {describe(body, response.reason or '')}"
    if code == "SECURITY_005":
        return AdministrationBlocked(message, status=status, body=body)
    if code in ("SECURITY_007", "MUT_005"):
        return PeriodClosed(message, status=status, body=body)
    if code in CREDENTIAL_CODES or (status == 403 and not code):
        return AuthenticationFailed(message)
    return ApiError(message, status=status, body=body)
