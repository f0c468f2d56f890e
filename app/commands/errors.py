"""The commands' one-line error and the exit codes `pacetray` ends with.

Here, not in cli.py: the command modules raise it and cli.py imports them, so it lives with
them (commands never import cli)."""

from __future__ import annotations

EXIT_ERROR = 1  # the command ran and failed (server said no, unreachable, ...)
EXIT_USAGE = 2  # the command line itself is wrong
EXIT_INTERNAL = 70  # a bug (EX_SOFTWARE)
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """An error whose message is shown to the user as one line, with exit code 2."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
