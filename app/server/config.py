"""Configuration of the local Timetracker server (one frozen value, built by `pacetray serve`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FaultConfig:
    """Fault injection for tests, off by default; mutable at run time (admin endpoint)."""

    latency: float = 0.0  # seconds added before every answer
    error_rate: float = 0.0  # share of requests answered with `error_status`
    error_status: int = 500
    rate_limit_rate: float = 0.0  # share of requests answered 429
    retry_after: int = 1  # seconds sent in Retry-After with a 429
    drop_rate: float = 0.0  # share of connections closed without an answer
    seed: int | None = None  # makes the shares reproducible


@dataclass(frozen=True)
class HubConfig:
    """The SignalR hub's timings and limits (both protocols); tests shorten them."""

    keep_alive_interval: float = 15.0  # Core: server ping when nothing else was sent
    client_timeout: float = 30.0  # Core: close a connection the client left silent this long
    handshake_timeout: float = 5.0  # Core: the handshake must arrive this soon after connecting
    classic_keep_alive: float = 10.0  # classic: `{}` this often; KeepAliveTimeout is twice it
    classic_disconnect_timeout: float = 30.0  # classic: a dropped connection may reconnect
    negotiate_ttl: float = 30.0  # an unused negotiation (its connection token) expires
    max_connections: int = 200  # open hub connections, all users
    max_connections_per_user: int = 100
    max_negotiations: int = 200  # negotiated but not (yet) connected
    max_message_size: int = 64 * 1024  # one hub message (record) from a client, in bytes
    send_queue: int = 64  # frames queued for one connection; beyond: a slow consumer, dropped


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None  # None: generated once and kept in the data dir
    data_dir: Path | None = None  # must be set to serve: app.local_server picks the user's
    activity_check_interval: float = 15 * 60.0  # seconds of tracking before "still working?"
    activity_check_wait: float = 60.0  # seconds the check waits for an answer
    max_track: float = 12 * 3600.0  # max single track length
    clock_speed: float = 1.0  # >1 accelerates the server's clock (tests, benchmarks)
    approve_pins: bool = False  # approve every PIN at once (tests, local pairing)
    public: bool = False  # binding to a non-loopback host needs this and a token
    demo_data: bool = True
    faults: FaultConfig = field(default_factory=FaultConfig)
    access_token_ttl: float = 3600.0  # seconds an access token from /token stays valid
    refresh_token_ttl: float = 30 * 86400.0  # seconds a refresh token stays usable
    pin_ttl: float = 60.0  # seconds a pairing PIN stays valid (7pace: one minute)
    tick_interval: float = 0.2  # real seconds between clock ticks (divided by clock_speed)
    hub: HubConfig = field(default_factory=HubConfig)
    # Bound to a public address, a connection that has not sent a request's complete
    # headers within this many seconds is closed (slow clients, slowloris).
    header_timeout: float = 10.0
