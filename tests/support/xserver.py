"""A private Xvfb for tests, plus xdotool.

Usage::

    with XServer() as x:                 # RECORD (and XTEST) on
        x.xdotool("mousemove", "10", "10")
        env = x.env()                    # os.environ with DISPLAY set to this server

    with XServer(record=False) as x:     # RECORD off; note: this also turns XTEST off in Xvfb,
        ...                              # so xdotool does nothing on this server

The display number is chosen by Xvfb itself (`-displayfd`), so parallel runs never collide,
and the server is ready when that number has been written. `stop()` terminates it and waits.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Mapping
from types import TracebackType

START_TIMEOUT = 10.0


class XServerError(RuntimeError):
    """Xvfb could not be started."""


def have_xvfb() -> bool:
    return shutil.which("Xvfb") is not None and shutil.which("xdotool") is not None


class XServer:
    def __init__(
        self, *, record: bool = True, screen: str = "1280x800x24", extra_args: tuple[str, ...] = ()
    ) -> None:
        self.record = record
        self.screen = screen
        self.extra_args = extra_args
        self.display = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> XServer:
        read_fd, write_fd = os.pipe()
        args = [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            self.screen,
            "-nolisten",
            "tcp",
            "-noreset",
            "+extension" if self.record else "-extension",
            "RECORD",
            *self.extra_args,
        ]
        try:
            self._proc = subprocess.Popen(
                args,
                pass_fds=(write_fd,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        finally:
            os.close(write_fd)
        try:
            self.display = ":" + self._read_display_number(read_fd)
        except BaseException:
            self.stop()
            raise
        finally:
            os.close(read_fd)
        return self

    def _read_display_number(self, fd: int) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        data = b""
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise XServerError(f"Xvfb did not report a display within {START_TIMEOUT} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 64)
            if not chunk:  # Xvfb exited before it was ready
                raise XServerError(f"Xvfb exited during start-up: {self._stderr_tail()}")
            data += chunk
        return data.decode().strip()

    def _stderr_tail(self) -> str:
        if self._proc is None or self._proc.stderr is None:
            return ""
        try:
            self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "(still running)"
        return self._proc.stderr.read().decode(errors="replace").strip()[-500:]

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A copy of `base` (default: os.environ) talking to this server only."""
        env = dict(os.environ if base is None else base)
        env["DISPLAY"] = self.display
        env.pop("WAYLAND_DISPLAY", None)
        env["XDG_SESSION_TYPE"] = "x11"
        return env

    def xdotool(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        """Run xdotool against this server; raises if it fails."""
        return subprocess.run(
            ["xdotool", *args],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
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

    def __enter__(self) -> XServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
