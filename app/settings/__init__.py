"""Settings model, TOML store, secrets in the OS keyring, platform paths."""

from app.settings.errors import KeyringFailed, KeyringUnavailable, SettingsError, SettingsFileError
from app.settings.model import AuthMethod, Settings
from app.settings.store import load_settings, save_settings

__all__ = [
    "AuthMethod",
    "KeyringFailed",
    "KeyringUnavailable",
    "Settings",
    "SettingsError",
    "SettingsFileError",
    "load_settings",
    "save_settings",
]
