"""A client that sends a huge request body over a raw socket (declared with Content-Length or
chunked), reads the server's answer as soon as one comes, and stops sending then; plus the
peak RSS of a process (Linux /proc). Used by tests/server/test_limits.py and the bench."""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BLOCK = 64 * 1024


@dataclass
class Refusal:
    status: int
    headers: dict[str, str]
    body: Any
    body_bytes_sent: int
    seconds: float


def send_big_body(
    host: str, port: int, path: str, total: int, *, chunked: bool, token: str | None = None
) -> Refusal:
    """POST `total` bytes of a JSON string to `path`; the answer the server gave."""
    head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    started = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sock.setblocking(False)
        block = b'"' + b"x" * (BLOCK - 2) + b'"'
        payload = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
        pending = b""
        while True:
            want_write = [sock] if sent < total else []
            readable, writable, _ = select.select([sock], want_write, [], 30)
            if readable:
                break  # an answer (or a close): stop sending, read it
            if not writable and not readable:
                raise TimeoutError("the server neither read the body nor answered in 30 s")
            if not pending:
                pending = payload
            try:
                n = sock.send(pending)
            except (BrokenPipeError, ConnectionResetError):
                break
            pending = pending[n:]
            if not pending:
                sent += len(block)
        sock.setblocking(True)
        sock.settimeout(30)
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # closed with our unread body in its buffer: what arrived is the answer
    return _parse(answer, sent, time.monotonic() - started)


def _parse(raw: bytes, sent: int, seconds: float) -> Refusal:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/1.1 "):
        raise AssertionError(f"no HTTP answer: {raw[:200]!r}")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Refusal(status, headers, json.loads(body) if body else None, sent, seconds)


def peak_rss_kib(pid: int) -> int:
    """VmHWM: the highest resident set size the process has had, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc (not Linux?)")


class ServeProcess:
    """`pacetray serve` as a real process on a free loopback port, with a known token."""

    def __init__(self, data_dir: Path, token: str, *extra: str) -> None:
        self.token = token
        args = ["serve", "--port", "0", "--data", str(data_dir), "--token", token, *extra]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            # Not read: a pipe nobody drains would block the server once its log fills it.
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()
        if not first.startswith("Listening on http://"):
            self.stop()
            raise RuntimeError(f"pacetray serve did not start: {first!r}")
        self.url = first.removeprefix("Listening on ")
        host_port = self.url.removeprefix("http://")
        self.host, _, port = host_port.rpartition(":")
        self.port = int(port)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()
