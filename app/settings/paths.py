"""Where Pacetray keeps its files, per platform (platformdirs), overridable for tests."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "pacetray"
SETTINGS_FILE = "settings.toml"
JOURNAL_FILE = "journal.sqlite"
SECRETS_FILE = "secrets.json"

# Explicit overrides win over the platform defaults: tests and portable installs use them.
CONFIG_DIR_ENV = "PACETRAY_CONFIG_DIR"
DATA_DIR_ENV = "PACETRAY_DATA_DIR"


def config_dir() -> Path:
    """Settings live here (e.g. ~/.config/pacetray on Linux)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # here, not at the top: the tray imports this module before its icon

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Data that is not configuration: the local server's database, journals."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def server_data_dir() -> Path:
    """Default data dir of the local Timetracker server (`pacetray serve`, embedded server)."""
    return data_dir() / "server"


def journal_path() -> Path:
    """The offline journal (app.tracking.journal.Journal) of the tray and `pacetray status`."""
    return data_dir() / JOURNAL_FILE


def secrets_path() -> Path:
    """The opt-in secrets file used only where no OS keyring exists (see secrets.py)."""
    return data_dir() / SECRETS_FILE
