"""What the start-at-login backends that are one per-user file share (the XDG Desktop Entry,
the macOS LaunchAgent): the file is the entry; writing and removing it, with errors that name
it."""

from __future__ import annotations

from pathlib import Path

from app.settings.atomic import write_atomic
from app.settings.errors import QT_TRANSLATE_NOOP, AutostartError


def tilde(path: Path) -> str:
    """`path` with the home folder shown as ~ (shorter, and what users recognise)."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


class LoginFile:
    """`path` is the entry; `kind` names it in errors ("autostart entry", "LaunchAgent")."""

    kind = "entry"

    def __init__(self, path: Path) -> None:
        self.path = path

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def _write(self, data: bytes, *, dir_mode: int = 0o777) -> None:
        try:
            # the usual 0644, not the helper's private default: a launcher is no secret, and
            # launchd ignores agents that others may write
            write_atomic(self.path, data, mode=0o644, dir_mode=dir_mode)
        except OSError as exc:
            raise AutostartError.marked(
                QT_TRANSLATE_NOOP(
                    "messages", "cannot write {path}: {reason}; check that the folder is writable"
                ),
                path=self.path,
                reason=exc.strerror,
            ) from exc

    def disable(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError.marked(
                QT_TRANSLATE_NOOP("messages", "cannot remove {path}: {reason}"),
                path=self.path,
                reason=exc.strerror,
            ) from exc
        return True
