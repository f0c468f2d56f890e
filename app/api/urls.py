"""Server addresses as the user types them -> one canonical base URL.

`acme` -> `https://acme.timehub.7pace.com`; a full URL keeps its path prefix (on-premises
`https://tt.example.com/api/DefaultCollection`). Plain http:// is accepted only for this
machine, because a bearer token must never cross a network in clear text.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from app.api.errors import InsecureUrlError, InvalidUrlError

CLOUD_DOMAIN = "timehub.7pace.com"
_ORG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(text: str) -> str:
    """The base URL without a trailing slash; raises InvalidUrlError/InsecureUrlError."""
    raw = text.strip()
    if not raw:
        raise InvalidUrlError(
            "No server address given: pass your 7pace organisation name (e.g. 'acme') "
            "or the server's URL."
        )
    if _ORG_RE.match(raw) and raw.lower() != "localhost":
        return f"https://{raw.lower()}.{CLOUD_DOMAIN}"
    if "://" not in raw:
        host_part = raw.split("/", 1)[0]
        host_only = host_part.rsplit(":", 1)[0] if host_part.count(":") == 1 else host_part
        scheme = "http" if is_loopback_host(host_only) else "https"
        raw = f"{scheme}://{raw}"
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrlError(
            f"The server address {text.strip()!r} is not a valid URL ({exc})."
        ) from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https"):
        raise InvalidUrlError(
            f"The server address must start with https:// (got {parts.scheme}://)."
        )
    if not host or any(c.isspace() for c in raw):
        raise InvalidUrlError(f"The server address {text.strip()!r} has no valid host name.")
    if parts.username is not None or parts.password is not None:
        raise InvalidUrlError(
            "The server address must not contain a user name or password; "
            "use a token or PIN pairing instead."
        )
    if parts.query or parts.fragment:
        raise InvalidUrlError(
            "The server address must not contain '?' or '#': give only the base URL "
            "(e.g. https://acme.timehub.7pace.com)."
        )
    if scheme == "http" and not is_loopback_host(host):
        raise InsecureUrlError(
            f"Plain http:// is only allowed for this machine; use https://{host} "
            "so the access token is not sent in clear text."
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    return f"{scheme}://{netloc}{path}"
