"""Settings model, TOML store, secrets in the OS keyring, platform paths, start at login."""

from typing import TYPE_CHECKING

from app.settings.errors import (
    AutostartError,
    CredentialsDamaged,
    CredentialsMissing,
    KeyringFailed,
    KeyringUnavailable,
    SecretsFileError,
    SettingsError,
    SettingsFileError,
    SettingValueError,
)

if TYPE_CHECKING:
    from app.settings.model import AuthMethod, Hotkeys, IdlePolicy, Settings
    from app.settings.store import load_settings, save_settings
else:

    def __getattr__(name: str) -> object:
        # The model and the TOML store load on first use: the tray imports this package
        # (paths, errors) before its icon shows and reads settings only afterwards.
        if name in ("load_settings", "save_settings"):
            from app.settings import store

            return getattr(store, name)
        if name in ("AuthMethod", "Hotkeys", "IdlePolicy", "Settings"):
            from app.settings import model

            return getattr(model, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AuthMethod",
    "AutostartError",
    "CredentialsDamaged",
    "CredentialsMissing",
    "Hotkeys",
    "IdlePolicy",
    "KeyringFailed",
    "KeyringUnavailable",
    "SecretsFileError",
    "SettingValueError",
    "Settings",
    "SettingsError",
    "SettingsFileError",
    "load_settings",
    "save_settings",
]
