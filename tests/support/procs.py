"""Daemons started by tests that report readiness with one line on a pipe (Xvfb, dbus-daemon)."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Callable

START_TIMEOUT = 10.0


def spawn_reporting(
    args_for: Callable[[int], list[str]], *, what: str, error: type[Exception] = RuntimeError
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `args_for(fd)`, which writes one line to `fd` once ready; return (process, line).

    The line is the daemon's own choice (a display number, a bus address), so parallel runs
    never collide. A daemon that exits or stays silent is stopped and reported as `error`.
    """
    read_fd, write_fd = os.pipe()
    try:
        proc = subprocess.Popen(
            args_for(write_fd),
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write_fd)
    try:
        return proc, _read_line(read_fd, proc, what, error)
    except BaseException:
        terminate(proc)
        raise
    finally:
        os.close(read_fd)


def _read_line(fd: int, proc: subprocess.Popen[bytes], what: str, error: type[Exception]) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise error(f"{what} did not report readiness within {START_TIMEOUT} s")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 512)
        if not chunk:
            raise error(f"{what} exited during start-up: {_stderr_tail(proc)}")
        data += chunk
    return data.decode().strip()


def _stderr_tail(proc: subprocess.Popen[bytes]) -> str:
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        return "(still running)"
    assert proc.stderr is not None
    return proc.stderr.read().decode(errors="replace").strip()[-500:]


def terminate(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop a daemon: SIGTERM, then SIGKILL if it lingers; always reaps it."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    if proc.stderr is not None:
        proc.stderr.close()
