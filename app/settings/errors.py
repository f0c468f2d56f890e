"""Errors of the settings package; `.message` is one line for the user (in English: the CLI
and the log show it as is).

A message the UI shows translated also carries its `template` (marked for Qt's lupdate with
`QT_TRANSLATE_NOOP("messages", ...)`, Qt-free) and the `params` that fill its {names}: the UI
translates the template and formats it (app/ui/i18n.py `message_text`). Build those errors
with `SomeError.marked(template, **params)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from app.texts import QT_TRANSLATE_NOOP

__all__ = [
    "QT_TRANSLATE_NOOP",  # re-exported: the settings' modules and the UI import it from here
    "AutostartError",
    "CredentialsDamaged",
    "CredentialsMissing",
    "KeyringFailed",
    "KeyringUnavailable",
    "SecretsFileError",
    "SettingValueError",
    "SettingsError",
    "SettingsFileError",
]


class SettingsError(Exception):
    """Settings or secrets could not be read or written."""

    def __init__(
        self,
        message: str,
        *,
        template: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.template = template
        self.params: Mapping[str, object] = dict(params or {})

    @classmethod
    def marked(cls, template: str, **params: object) -> Self:
        """An error whose message is `template` (marked with QT_TRANSLATE_NOOP) filled in."""
        return cls(template.format(**params), template=template, params=params)


class SettingsFileError(SettingsError):
    """settings.toml is unreadable or holds a bad value."""


class SettingValueError(SettingsError, ValueError):
    """One setting has a bad value; `key` is its TOML name (dotted inside a table)."""

    TEMPLATE = QT_TRANSLATE_NOOP("messages", "bad value for '{key}': {detail}")

    def __init__(self, key: str, value: Any, expected: str, why: str | None = None) -> None:
        self.key = key
        self.value = value
        self.expected = expected
        self.why = why
        super().__init__(
            self.TEMPLATE.format(key=key, detail=self.describe()),
            template=self.TEMPLATE,
            params={"key": key, "detail": self.describe()},
        )

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
