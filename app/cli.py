"""`pacetray` entry point: builds the parser from the command modules and runs one command."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from app import __version__

# Each module registers its sub-commands; imported lazily so `pacetray serve` never pays for Qt.
COMMAND_MODULES = (
    "app.commands.serve",
    "app.commands.client",
    "app.commands.activity",
    "app.commands.tray",
)

Handler = Callable[[argparse.Namespace], int]


class UserError(Exception):
    """An error whose message is shown to the user as one line, with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pacetray",
        description="Desktop tray client for 7pace Timetracker, and a local Timetracker server.",
    )
    parser.add_argument("--version", action="version", version=f"pacetray {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug output to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(subparsers=sub)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet: skip, a missing dependency is a real error
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        import logging

        from app.logsetup import configure_logging

        configure_logging(logging.DEBUG)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        # `pacetray` alone starts the tray, where the tray command exists.
        if "tray" in args.subparsers.choices:
            args = parser.parse_args([*(argv or sys.argv[1:]), "tray"])
            handler = args.handler
        else:
            parser.print_help()
            return 2
    assert handler is not None
    try:
        return handler(args)
    except UserError as exc:
        print(f"pacetray: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
