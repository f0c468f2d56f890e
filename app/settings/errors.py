"""Errors of the settings package; `.message` is one line for the user."""

from __future__ import annotations


class SettingsError(Exception):
    """Settings or secrets could not be read or written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsFileError(SettingsError):
    """settings.toml is unreadable or holds a bad value."""


class KeyringUnavailable(SettingsError):
    """No usable OS keyring backend, so secrets cannot be stored safely."""


class KeyringFailed(SettingsError):
    """The keyring exists but refused the operation (locked, denied, D-Bus error)."""
