"""`pacetray tray` (also `pacetray` alone): the tray app.

Local mode — the embedded local server, no account needed — when `--local` is given or no
server is configured anywhere (--server, $PACETRAY_SERVER, settings). Credentials are found as
for every client command (connection.py): --token, $PACETRAY_TOKEN, then the OS keyring.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from app.commands.connection_args import SERVER_ENV, add_connection_args
from app.commands.errors import UserError

if TYPE_CHECKING:
    from app.settings.credentials import Credentials
    from app.ui.options import AppOptions


def register(sub: Any) -> None:
    tray = sub.add_parser(
        "tray",
        help="run the tray app (the default command)",
        description="Run the Pacetray tray app. With no server configured (or with --local) it "
        "runs against the embedded local Timetracker server. A second launch opens the "
        "running tray's popup and exits.",
    )
    tray.add_argument(
        "--local",
        action="store_true",
        help="use the embedded local server even when a 7pace account is configured",
    )
    add_connection_args(tray)
    tray.add_argument("--no-hotkeys", action="store_true", help="do not register global hotkeys")
    tray.set_defaults(handler=run_tray)


def run_tray(args: argparse.Namespace) -> int:
    if args.local and (args.server or args.token):
        raise UserError("--local runs the embedded server: leave out --server and --token")
    problem = no_display()
    if problem:
        raise UserError(problem, exit_code=1)
    from app.ui.app import run

    # Settings and credentials are read once the icon shows (app.run calls this then); an
    # error in them ends the run with its one-line message, the icon gone at once.
    return run(lambda: tray_options(args))


def no_display() -> str | None:
    """Why no window can show here (Linux without X11 or Wayland), else None. Without it Qt
    aborts with advice about reinstalling and missing libraries, which misleads."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no graphical session here (DISPLAY and WAYLAND_DISPLAY are not set): start Pacetray "
        "from your desktop session; in a terminal, the commands work without one "
        "(`pacetray status`, `pacetray start --work-item N`, `pacetray stop`)"
    )


def tray_options(args: argparse.Namespace) -> AppOptions:
    from app.ui.options import AppOptions, load_settings_or_default, tray_wait_from_env

    settings, problem = load_settings_or_default()
    explicit = args.server or os.environ.get(SERVER_ENV)
    common: dict[str, Any] = {
        "tray_wait": tray_wait_from_env(),
        "hotkeys": not args.no_hotkeys,
        "settings": settings,
        "connection_problem": problem,
    }
    if args.local or (not explicit and not settings.server_url):
        return AppOptions(local=True, **common)
    from app.commands.connection import resolve_connection, resolve_server

    if explicit:
        # A command-line choice that cannot work: say so and stop.
        connection = resolve_connection(args)
        return AppOptions(base_url=connection.base_url, connection=connection, **common)

    def resolve() -> tuple[Credentials | None, str | None]:
        # The saved account: its secret comes from the keyring off the GUI thread; a missing
        # one is shown by the tray (Settings fixes it), not fatal.
        try:
            return resolve_connection(args), None
        except UserError as exc:
            return None, exc.message

    return AppOptions(base_url=resolve_server(args), resolve=resolve, **common)
