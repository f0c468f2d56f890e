"""The --server/--token options and their environment variables, apart from connection.py so
that registering a command (and starting the tray) does not import what resolving needs."""

from __future__ import annotations

import argparse

from app.settings.credentials import SERVER_ENV, TOKEN_ENV

__all__ = ["SERVER_ENV", "TOKEN_ENV", "add_connection_args", "add_server_arg"]


def add_server_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        metavar="URL",
        help=f"Timetracker address: org name, https URL, or http://127.0.0.1:PORT "
        f"(default: ${SERVER_ENV}, else the saved server)",
    )


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    add_server_arg(parser)
    parser.add_argument(
        "--token",
        metavar="T",
        help=f"API token (default: ${TOKEN_ENV}, else the saved one from the OS keyring); "
        "prefer the variable: command lines are visible to other users",
    )
