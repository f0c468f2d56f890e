"""Settings model, TOML store, secrets in the OS keyring, platform paths, start at login."""

from typing import TYPE_CHECKING

from app.settings.errors import (
    AutostartError,
    KeyringFailed,
    KeyringUnavailable,
    SecretsFileError,
    SettingsError,
    SettingsFileError,
    SettingValueError,
)
from app.settings.model import AuthMethod, Hotkeys, IdlePolicy, Settings

if TYPE_CHECKING:
    from app.settings.store import load_settings, save_settings
else:

    def __getattr__(name: str) -> object:
        # The TOML store loads on first use: the tray imports this package before its icon
        # shows and reads the file only afterwards (app/ui/launch.py).
        if name in ("load_settings", "save_settings"):
            from app.settings import store

            return getattr(store, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AuthMethod",
    "AutostartError",
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
