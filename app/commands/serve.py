"""`pacetray serve` (the local Timetracker server) and `pacetray server approve-pin` (admin)."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from app.api.urls import is_loopback_host, normalize_base_url
from app.commands.connection import SERVER_ENV, TOKEN_ENV
from app.commands.durations import duration_arg, format_duration
from app.commands.errors import UserError
from app.server.config import ServerConfig
from app.settings.paths import server_data_dir

_DEFAULTS = ServerConfig()


def positive_float_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r} (e.g. 1, 10 or 60)")
    return value


def port_arg(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port from 0 to 65535: {text!r}")
    return int(text)


def register(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the local Timetracker server",
        description="Run a local Timetracker server speaking the 7pace Tracking API 3.2. "
        "The first line printed is `Listening on http://HOST:PORT`; Ctrl-C or SIGTERM stop it.",
    )
    serve.add_argument(
        "--host", default=_DEFAULTS.host, help="address to bind (default: %(default)s)"
    )
    serve.add_argument(
        "--port",
        type=port_arg,
        default=_DEFAULTS.port,
        help="port (default: %(default)s; 0 picks a free one)",
    )
    serve.add_argument(
        "--token",
        metavar="T",
        help="the bearer token clients must send (default: one generated once and kept in the "
        "data dir)",
    )
    serve.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help=f"where the database and token live (default: {server_data_dir()})",
    )
    for flag, dest, default, what in (
        (
            "--activity-check-interval",
            "activity_check_interval",
            _DEFAULTS.activity_check_interval,
            "tracking time before the server asks whether the user still works",
        ),
        (
            "--activity-check-wait",
            "activity_check_wait",
            _DEFAULTS.activity_check_wait,
            "how long the activity check waits for an answer before stopping the track",
        ),
        ("--max-track", "max_track", _DEFAULTS.max_track, "maximum single track length"),
    ):
        serve.add_argument(
            flag,
            dest=dest,
            type=duration_arg,
            default=default,
            metavar="DUR",
            help=f"{what}, like 90s, 15m, 8h or 1h30m (default: {format_duration(default)})",
        )
    serve.add_argument(
        "--approve-pins",
        action="store_true",
        help="approve every pairing PIN at once (tests, local use)",
    )
    serve.add_argument(
        "--public",
        action="store_true",
        help="allow binding to an address other machines can reach (needs --token)",
    )
    serve.add_argument(
        "--clock-speed",
        type=positive_float_arg,
        default=_DEFAULTS.clock_speed,
        metavar="X",
        help="run the server's clock X times faster (tests, demos; default: 1)",
    )
    serve.set_defaults(handler=run_serve)

    server = sub.add_parser("server", help="administer a running local server")
    server_sub = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    approve = server_sub.add_parser(
        "approve-pin",
        help="approve a pairing PIN, as a user would on 7pace's Apps page",
    )
    approve.add_argument("pin", help="the PIN that `pacetray pair` shows")
    approve.add_argument(
        "--server",
        metavar="URL",
        help=f"the local server (default: ${SERVER_ENV}, else http://127.0.0.1:{_DEFAULTS.port})",
    )
    approve.add_argument(
        "--token",
        metavar="T",
        help=f"the server's token (default: ${TOKEN_ENV}, else the token file in --data)",
    )
    approve.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help=f"the server's data dir, to read its token file (default: {server_data_dir()})",
    )
    approve.set_defaults(handler=run_approve_pin)


# --- serve -----------------------------------------------------------------------------------


def build_config(args: argparse.Namespace) -> ServerConfig:
    host = args.host.strip()
    if not host:
        raise UserError("--host is empty; use 127.0.0.1 for this machine only")
    if not is_loopback_host(host) and not args.public:
        raise UserError(
            f"--host {host} lets other machines reach the server; "
            "add --public if that is what you want"
        )
    token = args.token.strip() if args.token is not None else None
    if token == "":
        raise UserError("--token is empty")
    if not is_loopback_host(host) and token is None:
        raise UserError(f"listening publicly on {host} needs an explicit --token")
    return ServerConfig(
        host=host,
        port=args.port,
        token=token,
        data_dir=args.data or server_data_dir(),
        activity_check_interval=args.activity_check_interval,
        activity_check_wait=args.activity_check_wait,
        max_track=args.max_track,
        clock_speed=args.clock_speed,
        approve_pins=args.approve_pins,
        public=args.public,
    )


def listen_url(host: str, port: int) -> str:
    netloc = f"[{host}]" if ":" in host else host
    return f"http://{netloc}:{port}"


def run_serve(args: argparse.Namespace) -> int:
    from app.local_server import serve_foreground
    from app.server.runner import ServerConfigError, ServerInfo

    config = build_config(args)
    assert config.data_dir is not None
    try:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot use {config.data_dir} as the data dir ({exc.strerror}); pick another "
            "with --data DIR",
            exit_code=1,
        ) from None

    def announce(info: ServerInfo) -> None:
        # Scripts and tests wait for exactly this first line: keep its form.
        print(f"Listening on {info.url}", flush=True)
        print(token_note(config), flush=True)

    try:
        asyncio.run(serve_foreground(config, announce))
    except ServerConfigError as exc:
        raise UserError(str(exc), exit_code=1) from None
    except (OSError, sqlite3.Error) as exc:
        # The database or token file in the data dir cannot be opened or written.
        raise UserError(
            f"the server cannot use its data dir {config.data_dir}: {exc}; pick another with "
            "--data DIR",
            exit_code=1,
        ) from None
    except KeyboardInterrupt:  # where signal handlers cannot be installed (Windows)
        pass
    return 0


def token_note(config: ServerConfig) -> str:
    """Where the token is, never the token itself."""
    if config.token is not None:
        return "Token: the one given with --token (not stored)"
    from app.server.auth import TOKEN_FILE

    assert config.data_dir is not None
    return f"Token: kept in {config.data_dir / TOKEN_FILE} (clients send it as {TOKEN_ENV})"


# --- server approve-pin ----------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect would carry the Authorization header elsewhere


def _opener() -> urllib.request.OpenerDirector:
    """urllib without environment proxies or redirects: the token goes to --server only."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def run_approve_pin(args: argparse.Namespace) -> int:
    pin = args.pin.strip()
    if not pin.isdigit():
        raise UserError(f"not a PIN: {args.pin!r} (the digits `pacetray pair` shows)")
    base_url = normalize_base_url(
        args.server or os.environ.get(SERVER_ENV) or f"http://127.0.0.1:{_DEFAULTS.port}"
    )
    token = args.token or os.environ.get(TOKEN_ENV) or _read_token_file(args.data)
    url = f"{base_url}/_pacetray/pins/{urllib.parse.quote(pin)}/approve"
    request = urllib.request.Request(
        url, method="POST", data=b"", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with _opener().open(request, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise UserError(_admin_error(exc, pin), exit_code=1) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(
            f"cannot reach {base_url} — is `pacetray serve` running? ({reason})", exit_code=1
        ) from None
    print(f"PIN {pin} approved")
    return 0


def _admin_error(exc: urllib.error.HTTPError, pin: str) -> str:
    detail = ""
    try:
        body = json.loads(exc.read())
        error = body.get("error", {}) if isinstance(body, dict) else {}
        detail = str(error.get("message") or error.get("errorCode") or "")
    except (ValueError, OSError):
        pass
    if exc.code == 401:
        return "the server rejected the token — pass the server's token with --token or --data"
    if exc.code == 404:
        return f"no pending PIN {pin} on the server — it may have expired; pair again"
    return f"the server refused to approve PIN {pin}: {exc.code} {detail or exc.reason}"


def _read_token_file(data: Path | None) -> str:
    from app.server.auth import TOKEN_FILE

    path = (data or server_data_dir()) / TOKEN_FILE
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError:
        raise UserError(
            f"no token given and none readable in {path}: pass --token T or set {TOKEN_ENV}"
        ) from None
    if not token:
        raise UserError(f"the token file {path} is empty: pass --token T")
    return token
