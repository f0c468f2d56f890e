"""`pacetray` entry point: builds the parser from the command modules and runs one command.

Every expected failure ends as ONE line on stderr (`pacetray: error: ...`) and a non-zero exit
code; a traceback is shown only for a bug, and only with `--verbose`.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

from app import __version__
from app.commands.errors import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UserError,
)

if TYPE_CHECKING:
    from app.ui.options import AppOptions

# Each module registers its sub-commands; imported lazily so `pacetray serve` never pays for Qt.
TRAY_MODULE = "app.commands.tray"
COMMAND_MODULES = (
    "app.commands.serve",
    "app.commands.client",
    "app.commands.credentials",  # pair, login, logout
    "app.commands.activity",
    "app.commands.today",
    TRAY_MODULE,
)

Handler = Callable[[argparse.Namespace], int]

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "UserError",
    "build_parser",
    "main",
]


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line naming the problem and where help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """Only the tray's module when the tray is what runs (`pacetray`, `pacetray tray ...`):
    the other commands import the client stack, and the tray shows its icon before that."""
    words = [arg for arg in argv if not arg.startswith("-")]
    asks = {"-h", "--help", "--version"} & set(argv)
    if (not words and not asks) or (words and words[0] == "tray"):
        return (TRAY_MODULE,)
    return COMMAND_MODULES


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = Parser(
        prog="pacetray",
        description="Desktop tray client for 7pace Timetracker, and a local Timetracker server.",
    )
    parser.add_argument("--version", action="version", version=f"pacetray {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    parser.set_defaults(subparsers=sub)
    for name in modules:
        command_module(name).register(sub)
    if TRAY_MODULE in modules:
        sub.choices["tray"].set_defaults(handler=run_tray)
    return parser


def command_module(name: str) -> ModuleType:
    """One of COMMAND_MODULES, imported now. Plain imports (mypy and a reader see them),
    inside the function so only the modules the command line needs are loaded."""
    if name == TRAY_MODULE:
        from app.commands import tray

        return tray
    if name == "app.commands.serve":
        from app.commands import serve

        return serve
    if name == "app.commands.client":
        from app.commands import client

        return client
    if name == "app.commands.credentials":
        from app.commands import credentials

        return credentials
    if name == "app.commands.activity":
        from app.commands import activity

        return activity
    if name == "app.commands.today":
        from app.commands import today

        return today
    raise ValueError(f"not a command module: {name}")


def run_tray(args: argparse.Namespace) -> int:
    """`pacetray tray`: the command line's checks, then the tray app (the two front ends meet
    here, not in each other)."""
    from app.commands.tray import check_args

    check_args(args)
    from app.ui.tray_app import run

    # Settings and credentials are read once the icon shows (app.run calls this then); an
    # error in them ends the run with its one-line message, the icon gone at once.
    return run(lambda: tray_options(args))


def tray_options(args: argparse.Namespace) -> AppOptions:
    from app.commands.tray import tray_choice
    from app.ui.options import AppOptions, load_settings_or_default, tray_wait_from_env

    settings, problem = load_settings_or_default()
    choice = tray_choice(args, settings)
    return AppOptions(
        settings=settings,
        local=choice.local,
        base_url=choice.base_url,
        connection=choice.connection,
        resolve=choice.resolve,
        connection_problem=problem,
        tray_wait=tray_wait_from_env(),
        hotkeys=not args.no_hotkeys,
    )


def fail(message: str) -> None:
    """Print one error line; newlines in a server's message are folded so it stays one."""
    line = " ".join(message.split())
    print(f"pacetray: error: {line}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    # Summaries use typographic quotes and dashes: show "?" where a console lacks them.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(modules_for(words))
    args = parser.parse_args(words)
    if args.verbose:
        import logging

        from app.logsetup import configure_logging

        configure_logging(logging.DEBUG)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        # `pacetray` alone starts the tray, where the tray command exists.
        if "tray" in args.subparsers.choices:
            args = parser.parse_args([*words, "tray"])
            handler = args.handler
        else:
            parser.print_help()
            return EXIT_USAGE
    assert handler is not None
    return run_handler(handler, args)


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except UserError as exc:
        fail(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`pacetray latest | head -1`): quiet, and no second error when
        # Python flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:
        # Expected failures of the lower layers carry a user-facing `.message`.
        message = _expected_message(exc)
        if message is not None:
            fail(message)
            return EXIT_ERROR
        if getattr(args, "verbose", False):
            raise
        fail(
            f"internal error ({type(exc).__name__}: {exc}); "
            "run again with --verbose for the details and please report it"
        )
        return EXIT_INTERNAL


def _expected_message(exc: Exception) -> str | None:
    from app.settings.errors import SettingsError

    if isinstance(exc, SettingsError):
        return exc.message
    try:
        from app.api.errors import ApiError
    except ImportError:  # pragma: no cover - the API package is always there once built
        return None
    if isinstance(exc, ApiError):
        return exc.message
    return None
