"""The settings model: every setting and its default, declared once, here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AuthMethod(StrEnum):
    """How the client proves who it is; the secret itself lives only in the OS keyring."""

    NONE = "none"  # nothing saved: --token / PACETRAY_TOKEN must be given
    TOKEN = "token"  # a 7pace API token (Settings > Reporting & API)
    PIN = "pin"  # OAuth tokens obtained by PIN pairing, refreshed automatically


@dataclass(frozen=True)
class Settings:
    """User settings as stored in settings.toml. Never holds a secret."""

    server_url: str | None = None  # normalised base URL of the Timetracker
    auth_method: AuthMethod = AuthMethod.NONE
