"""One way to replace a file so that a crash leaves either the old file or the new one, never
half of either: write a temporary file beside it, fsync it, rename it over the target, fsync
the folder (so the rename itself survives a power cut).

The temporary file is created 0600 (mkstemp) and changed to `mode` only before the rename, so
a private file never has wider bits, not even for a moment.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PRIVATE = 0o600


def write_atomic(path: Path, data: bytes, *, mode: int = PRIVATE, dir_mode: int = 0o777) -> None:
    """Replace `path` with `data`, creating its folder (with `dir_mode`) if needed.

    Raises OSError; callers turn it into their own error with the path in it.
    """
    path.parent.mkdir(mode=dir_mode, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode != PRIVATE:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Windows cannot open a folder as a file; its rename is as durable as it gets.
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
