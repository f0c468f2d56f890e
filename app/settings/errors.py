"""Errors of the settings package; `.message` is one line for the user."""

from __future__ import annotations

from typing import Any


class SettingsError(Exception):
    """Settings or secrets could not be read or written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsFileError(SettingsError):
    """settings.toml is unreadable or holds a bad value."""


class SettingValueError(SettingsError, ValueError):
    """One setting has a bad value; `key` is its TOML name (dotted inside a table)."""

    def __init__(self, key: str, value: Any, expected: str, why: str | None = None) -> None:
        self.key = key
        self.value = value
        self.expected = expected
        self.why = why
        super().__init__(f"bad value for {key!r}: {self.describe()}")

    def describe(self) -> str:
        """`5 (expected str)`, or with the reason: `'x' (unknown key name <x>; expected ...)`."""
        why = f"{self.why}; " if self.why else ""
        return f"{self.value!r} ({why}expected {self.expected})"


class KeyringUnavailable(SettingsError):
    """No usable OS keyring backend, so secrets cannot be stored safely."""


class KeyringFailed(SettingsError):
    """The keyring exists but refused the operation (locked, denied, D-Bus error)."""


class SecretsFileError(SettingsError):
    """The opt-in secrets file (no keyring) is unreadable, damaged or readable by others."""


class AutostartError(SettingsError):
    """Start at login could not be set up (unsupported platform, unwritable folder)."""


class CredentialsMissing(SettingsError):
    """No server or no sign-in was given or saved (the user has to name one)."""


class CredentialsDamaged(SettingsError):
    """A saved sign-in cannot be read back (pair or log in again)."""
