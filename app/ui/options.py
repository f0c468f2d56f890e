"""What the tray starts with (AppOptions) and the helpers that build it: apart from tray_app.py so
that tray_session.py and the `tray` command need not import the app module (no circle)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from app.settings.errors import SettingsError
from app.settings.paths import data_dir
from app.ui.launch import TRAY_WAIT

if TYPE_CHECKING:
    from app.settings.credentials import Credentials
    from app.settings.model import Settings

log = logging.getLogger("app.ui")

TRAY_WAIT_ENV = "PACETRAY_TRAY_WAIT"  # seconds to wait for a tray (tests, odd desktops)


def local_journal_path() -> Path:
    """Local mode keeps its own journal: its commands must never replay against 7pace."""
    return data_dir() / "journal-local.sqlite"


class AppOptions(NamedTuple):
    # A NamedTuple, not a dataclass: `dataclasses` costs ~7 ms before the icon shows.
    settings: Settings
    local: bool = False
    base_url: str | None = None  # the server to use (None in local mode)
    connection: Credentials | None = None  # given on the command line (repr hides the token)
    # The saved account's credentials come from the keyring: looked up once the icon shows
    # (off the GUI thread); returns (Credentials or None, why not).
    resolve: Callable[[], tuple[Credentials | None, str | None]] | None = None
    connection_problem: str | None = None  # why the configured account cannot be used
    tray_wait: float = TRAY_WAIT
    hotkeys: bool = True


def tray_wait_from_env(default: float = TRAY_WAIT) -> float:
    text = os.environ.get(TRAY_WAIT_ENV)
    if not text:
        return default
    try:
        return max(0.0, float(text))
    except ValueError:
        log.warning("%s=%r is not a number of seconds; waiting %s s", TRAY_WAIT_ENV, text, default)
        return default


def load_settings_or_default() -> tuple[Settings, str | None]:
    """The saved settings; a broken file means defaults plus a message (the tray still runs)."""
    from app.settings.model import Settings
    from app.settings.store import load_settings

    try:
        return load_settings(), None
    except SettingsError as exc:
        return Settings(), exc.message
