"""Settings model, TOML store, secrets in the OS keyring, platform paths, start at login."""

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
from app.settings.store import load_settings, save_settings

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
