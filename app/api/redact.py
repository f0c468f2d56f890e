"""Keeping tokens out of logs.

`RedactionFilter` rewrites every record it sees: Authorization headers, `Bearer …` values,
token-like fields (`access_token`, `refresh_token`, `secret`, `code`, `token`, …) in JSON,
form, repr and header forms, and any secret registered at run time by the auth code. Install
it on handlers (app.logsetup does), so records from every logger — httpx and httpcore
included — pass through it.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "[REDACTED]"

_FIELDS = (
    r"access_token|refresh_token|id_token|client_secret|secret|password|token|code|"
    r"accessToken|refreshToken|apiToken|api_token|connectionToken"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer xyz / 'authorization': 'Basic xyz' / (b'Authorization', b'…')
    (
        re.compile(
            r"""(?i)(\bauthorization\b['"]?\s*[:=,]\s*b?['"]?)[^'"\r\n,)}\]]+""",
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/=]+"), r"\1 " + MASK),
    # JSON or repr: "access_token": "xyz" / 'secret': 'xyz' / b'code': b'xyz'
    (
        re.compile(rf"""(?i)(b?['"](?:{_FIELDS})['"]\s*:\s*b?)(['"])(?:\\.|(?!\2).)*\2"""),
        r"\1\2" + MASK + r"\2",
    ),
    # form or query: access_token=xyz&…
    (re.compile(rf"(?i)(?<![A-Za-z0-9_])((?:{_FIELDS})=)[^&\s'\"]+"), r"\1" + MASK),
]

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


def register_secret(value: str) -> None:
    """Mask this exact value wherever it appears in a log record from now on."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactionFilter(logging.Filter):
    """Rewrites the record's message, exception text and stack in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must still be logged, safely
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
