"""Keep secrets and full IBANs out of every log line, trace and error message."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SENSITIVE_PARAMS = frozenset(
    {"access_token", "refresh_token", "token", "code", "client_secret", "api_key", "apikey", "password",
     "sessiontoken", "session_token"}
)

_IBAN = re.compile(r"\b([A-Z]{2}\d{2})((?:\s?[A-Z0-9]){8,30})\b")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")


def mask_iban(iban: str) -> str:
    """NL91ABNA0417164300 -> NL91****4300: enough to recognise, not enough to misuse."""
    compact = iban.replace(" ", "")
    if len(compact) <= 8:
        return "****"
    return f"{compact[:4]}****{compact[-4:]}"


def redact_text(text: str) -> str:
    """Mask IBANs and bearer tokens inside free text (log messages, error bodies)."""
    text = _BEARER.sub(r"\1[redacted]", text)
    return _IBAN.sub(lambda m: mask_iban(m.group(0)), text)


def redact_url(url: str) -> str:
    """The URL with secret query parameters replaced, kept otherwise whole for the trace."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (key, "[redacted]" if key.lower() in SENSITIVE_PARAMS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query, safe=":/,[]()$' ")))
