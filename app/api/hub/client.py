"""`HubClient`: the tracking hub at `{base_url}/signalr/trackingHub/v3.2`, over either SignalR.

One connection at a time, on the TrackingClient's own httpx client (base URL, auth, TLS,
proxies, transport). `run()` negotiates, connects, dispatches pushes to a `HubListener` and
reconnects with capped, jittered backoff until it is cancelled or `aclose()`d. `invoke()` may
be called from any task while `run()` is going; without a live connection it raises
`HubNotConnected` (a `ConnectionFailed`), so callers fall back to REST.

Protocol choice (`protocol="auto"`): POST `negotiate?negotiateVersion=1` (ASP.NET Core) first;
a 404/405 or an answer shaped like classic SignalR's → GET `negotiate?clientProtocol=1.5`
(classic 2.x); 404 there too → no hub: `hub_unavailable`, next try after `unavailable_retry`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from httpx_ws import AsyncWebSocketSession

from app.api.client import (
    TrackingClient,
    _check_soft_error,
    read_selected,
    select_body,
    start_body,
)
from app.api.errors import (
    ApiError,
    ClientRequestError,
    ConnectionFailed,
    ForbiddenError,
    HubNotConnected,
    HubUnavailable,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    RequestTimeout,
    UnauthorizedError,
)
from app.api.hub import classic, core
from app.api.hub.completion import hub_error
from app.api.hub.websocket import connect, receive_text, send_text
from app.api.models import (
    AdjustRequest,
    LatestResult,
    SearchByQueryRequest,
    SearchResult,
    SnoozeOption,
    StopReason,
    Track,
    TrackingState,
)
from app.api.responses import read_json, validate
from app.api.retry import RetryPolicy
from app.api.session import Sleep, build_target

log = logging.getLogger("app.api.hub")

HUB_PATH = "signalr/trackingHub/v3.2"
STATE_CHANGED = "trackingStateChanged"
MAX_MESSAGE = 8 * 1024 * 1024
CORE_KEEPALIVE = 15.0  # ASP.NET Core's KeepAliveInterval; silence limit is twice it
HANDSHAKE_TIMEOUT = 15.0
ABORT_TIMEOUT = 2.0
RECONNECT_BASE = 1.0
# A refused token does not start working by asking every minute, and every negotiate may count
# against 7pace's hourly request budget (50 on the smallest plan): ask again this much later.
REFUSED_RETRY = 600.0

HubProtocol = Literal["auto", "core", "classic"]


class HubListener(Protocol):
    def hub_state(self, state: TrackingState) -> None:
        """A pushed `trackingStateChanged`, parsed."""

    def hub_message(self, name: str, args: list[Any]) -> None:
        """Any server message not understood (unknown target, unparsable state)."""

    def hub_connected(self, connected: bool, protocol: str | None) -> None:
        """True with "core" | "classic" once a connection is up; False, None when it ends."""

    def hub_unavailable(self, reason: str) -> None:
        """The server has no hub; the next try is `unavailable_retry` seconds later."""


@dataclass
class _Link:
    """One live connection: where invocations go and which of them wait for an answer."""

    protocol: Literal["core", "classic"]
    ws: AsyncWebSocketSession
    pending: dict[str, tuple[str, asyncio.Future[Any]]] = field(default_factory=dict)


class _Ended(Exception):
    """The server ended the connection in an orderly way (close message, disconnect)."""


class HubClient:
    """The tracking hub, either protocol, on `client`'s session.

    - `sleep`, `rng`: injected for tests; `sleep` waits out reconnect and unavailable delays.
    - `keepalive`: Core sends `{"type":6}` this often (default 15 s). A connection without any
      message from the server for twice that is dead; classic uses the server's
      `KeepAliveTimeout` instead unless `keepalive` is given.
    - `reconnect_max`: cap of the jittered exponential reconnect delay (1 s, 2 s, 4 s, …;
      each delay drawn from [half, all] of its step). A 429 waits its Retry-After; a refused
      token (401/403) waits `REFUSED_RETRY` (10 min) or `unavailable_retry`, the shorter.
    - `unavailable_retry`: after `hub_unavailable`, the next negotiate comes this much later.
    - `invoke_timeout`: the default deadline of every `invoke`.
    - `max_message`: a larger server message closes the connection (then reconnects).
    """

    def __init__(
        self,
        client: TrackingClient,
        *,
        protocol: HubProtocol = "auto",
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        keepalive: float | None = None,
        reconnect_max: float = 60.0,
        unavailable_retry: float = 3600.0,
        invoke_timeout: float = 10.0,
        max_message: int = MAX_MESSAGE,
    ) -> None:
        if protocol not in ("auto", "core", "classic"):
            raise ValueError(f"protocol must be auto, core or classic, not {protocol!r}")
        self._session = client.session
        self._choice: HubProtocol = protocol
        self._learned: Literal["core", "classic"] | None = None
        self._sleep = sleep
        chance: Callable[[], float] = (rng or random.Random()).random
        self._backoff = RetryPolicy(
            base_delay=min(RECONNECT_BASE, reconnect_max),
            max_delay=reconnect_max,
            jitter=0.5,
            random=chance,
        )
        self._keepalive = keepalive
        self._unavailable_retry = unavailable_retry
        self._invoke_timeout = invoke_timeout
        self._max_message = max_message
        self._link: _Link | None = None
        self._next_id = 0
        self._closed = False
        self._task: asyncio.Task[Any] | None = None
        self._cancelled_by_aclose = False

    # --- state ---------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._link is not None

    @property
    def protocol(self) -> str | None:
        link = self._link
        return None if link is None else link.protocol

    # --- calls ---------------------------------------------------------------------------

    async def invoke(self, method: str, *args: Any, timeout: float | None = None) -> Any:
        """Call a hub method; its raw result. Raises HubNotConnected without a connection,
        RequestTimeout after the deadline, and the REST error classes for hub errors."""
        link = self._link
        if link is None:
            raise HubNotConnected(f"hub call {method}: the hub is not connected; use REST.")
        self._next_id += 1
        invocation_id = str(self._next_id)
        if link.protocol == "core":
            text = core.invocation(invocation_id, method, list(args))
        else:
            text = classic.invocation(invocation_id, method, list(args))
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        link.pending[invocation_id] = (method, answer)
        deadline = self._invoke_timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(deadline):  # a stuck send counts against it too
                await send_text(link.ws, text)
                return await answer
        except TimeoutError:
            raise RequestTimeout(
                f"hub call {method}: no answer within {deadline:g} s. It may still have "
                "taken effect: re-read the current state."
            ) from None
        finally:
            link.pending.pop(invocation_id, None)

    async def _state(self, method: str, *args: Any) -> TrackingState:
        payload = await self.invoke(method, *args)
        state = validate("TrackingState", payload, TrackingState.from_wire)
        return _check_soft_error(state)

    async def current(self, expand: bool = False) -> TrackingState:
        return await self._state("current", expand)

    async def activity_check(self) -> TrackingState:
        return await self._state("activityCheck")

    async def idle_check(self, option: SnoozeOption) -> TrackingState:
        return await self._state("idleCheck", int(SnoozeOption(option)))

    async def ping(self) -> Any:
        return await self.invoke("ping")

    async def start_tracking(
        self,
        work_item_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
        is_billable: bool | None = None,
    ) -> TrackingState:
        body = start_body(self._session.now(), work_item_id, remark, activity_type_id, is_billable)
        return await self._state("startTracking", body)

    async def stop_tracking(self, reason: StopReason | None = None) -> TrackingState:
        if reason is None:
            return await self._state("stopTracking")
        return await self._state("stopTracking", int(StopReason(reason)))

    async def adjust(
        self, remark: str | None = None, activity_type_id: str | None = None
    ) -> TrackingState:
        body = AdjustRequest(remark=remark, activity_type_id=activity_type_id).to_wire()
        return await self._state("adjust", body)

    async def selected(
        self,
        work_item_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
        calculate_totals: bool | None = None,
    ) -> Track:
        body = select_body(work_item_id, remark, activity_type_id, calculate_totals)
        return read_selected(await self.invoke("selected", body))

    async def latest(self, count: int | None = None) -> LatestResult:
        payload = await (self.invoke("latest") if count is None else self.invoke("latest", count))
        return validate("LatestResult", payload, LatestResult.from_wire)

    async def search(self, work_item_id: int) -> SearchResult:
        if isinstance(work_item_id, bool) or not isinstance(work_item_id, int):
            raise TypeError("work_item_id must be an int")
        payload = await self.invoke("search", work_item_id)
        return validate("SearchResult", payload, SearchResult.from_wire)

    async def search_by_query(self, query: str) -> SearchResult:
        body = SearchByQueryRequest(query=query).to_wire()
        payload = await self.invoke("searchByQuery", body)
        return validate("SearchResult", payload, SearchResult.from_wire)

    # --- life cycle ----------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connection and make `run()` return."""
        self._closed = True
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            self._cancelled_by_aclose = True
            task.cancel()
            await asyncio.wait({task})

    async def run(self, listener: HubListener) -> None:
        """Connect, dispatch and reconnect until cancelled or `aclose()`d."""
        task = asyncio.current_task()
        if self._task is not None:
            raise RuntimeError("HubClient.run() is already running")
        self._task = task
        try:
            await self._run(listener)
        except asyncio.CancelledError:
            if self._cancelled_by_aclose and task is not None and task.uncancel() == 0:
                return
            raise
        finally:
            self._task = None

    async def _run(self, listener: HubListener) -> None:
        failures = 0
        while not self._closed:
            await asyncio.sleep(0)  # an injected sleep may not yield; aclose() must get in
            at_least = 0.0
            try:
                await self._connect_once(listener)
            except HubUnavailable as exc:
                if self._learned is not None:  # the server changed: try both protocols again
                    log.info("hub: %s Trying both protocols again.", exc.message)
                    self._learned = None
                    continue
                log.warning("hub: %s Next try in %.0f s.", exc.message, self._unavailable_retry)
                _notify(listener.hub_unavailable, exc.message)
                failures = 0
                await self._sleep(self._unavailable_retry)
                continue
            except _Ended as exc:
                log.info("hub: %s", exc)
                failures = 0
            except RateLimitedError as exc:
                log.info("hub: %s", exc.message)
                at_least = min(exc.retry_after or 0.0, self._unavailable_retry)
            except (UnauthorizedError, ForbiddenError) as exc:
                log.info("hub: %s", exc.message)
                at_least = min(REFUSED_RETRY, self._unavailable_retry)
            except ApiError as exc:
                log.info("hub: %s", exc.message)
            except Exception:  # a bug here must not end the push channel for good
                log.exception("hub: the connection failed unexpectedly")
            if self._closed:
                return
            failures += 1
            delay = max(self._backoff.backoff(failures), at_least)
            log.info("hub: reconnecting in %.1f s (attempt %d)", delay, failures)
            await self._sleep(delay)

    async def _connect_once(self, listener: HubListener) -> None:
        choice, negotiation = await self._negotiate()
        if isinstance(negotiation, core.Negotiation):
            await self._run_core(negotiation, listener)
        else:
            assert choice == "classic"
            await self._run_classic(negotiation, listener)

    # --- negotiate -----------------------------------------------------------------------

    async def _negotiate(self) -> tuple[str, core.Negotiation | classic.Negotiation]:
        # Once a protocol worked, reconnects go straight to it (one request less each time).
        choice = self._learned or self._choice
        if choice in ("auto", "core"):
            try:
                response = await self._session.request(
                    "POST",
                    f"{HUB_PATH}/negotiate",
                    query=[("negotiateVersion", core.NEGOTIATE_VERSION)],
                    idempotent=False,
                    retry=RetryPolicy.none(),  # the reconnect loop has its own backoff
                )
            except (NotFoundError, ClientRequestError) as exc:
                if not _absent(exc):
                    raise
                if choice == "core":
                    raise HubUnavailable(
                        "The server has no ASP.NET Core SignalR hub (negotiate answered "
                        f"{exc.status})."
                    ) from None
            else:
                payload = read_json(response)
                if not core.is_classic_answer(payload):
                    try:
                        negotiation = core.parse_negotiation(payload)
                    except core.Redirect as exc:
                        raise HubUnavailable(exc.message) from None
                    if not negotiation.websockets:
                        raise HubUnavailable("The hub offers no WebSocket transport.")
                    return "core", negotiation
                if choice == "core":
                    raise ProtocolError("The hub answered negotiate as classic SignalR does.")
        try:
            response = await self._session.request(
                "GET",
                f"{HUB_PATH}/negotiate",
                query=classic.negotiate_query(),
                idempotent=False,
                retry=RetryPolicy.none(),
            )
        except (NotFoundError, ClientRequestError) as exc:
            if not _absent(exc):
                raise
            which = "either SignalR protocol" if choice == "auto" else "classic SignalR"
            raise HubUnavailable(
                f"The server has no tracking hub for {which} (negotiate answered {exc.status})."
            ) from None
        answer = classic.parse_negotiation(read_json(response))
        if not answer.try_websockets:
            raise HubUnavailable("The classic hub does not offer WebSockets.")
        return "classic", answer

    # --- ASP.NET Core SignalR ------------------------------------------------------------

    async def _run_core(self, negotiation: core.Negotiation, listener: HubListener) -> None:
        target = build_target(HUB_PATH, [("id", negotiation.connection_token)])
        keepalive = self._keepalive if self._keepalive is not None else CORE_KEEPALIVE
        buffer = core.RecordBuffer(self._max_message)
        async with self._websocket(target) as ws:
            await send_text(ws, core.HANDSHAKE)
            records: list[str] = []
            try:
                async with asyncio.timeout(HANDSHAKE_TIMEOUT):
                    while not records:
                        records = buffer.feed(await self._receive(ws, None))
            except TimeoutError:
                raise RequestTimeout("The hub did not answer the handshake in time.") from None
            core.parse_handshake(records.pop(0))
            link = _Link("core", ws)
            pinger = asyncio.create_task(_core_pings(ws, keepalive))
            self._up(link, listener)
            ended: BaseException | None = None
            try:
                while True:
                    for record in records:
                        await self._on_core(link, core.parse_message(record), listener)
                    records = buffer.feed(await self._receive(ws, 2 * keepalive))
            except BaseException as exc:
                ended = exc
                raise
            finally:
                pinger.cancel()
                self._down(link, listener, ended)

    async def _on_core(self, link: _Link, message: core.Message, listener: HubListener) -> None:
        if isinstance(message, core.Completion):
            self._complete(link, message.invocation_id, message.result, message.error, None)
        elif isinstance(message, core.Invocation):
            if message.invocation_id is not None:  # the server wants a result: we have none
                reply = core.completion_error(message.invocation_id, "Client has no such method.")
                await _send_quietly(link.ws, reply)
            self._push(message.target, message.arguments, listener)
        elif isinstance(message, core.Close):
            why = f": {message.error}" if message.error else ""
            raise _Ended(f"the server closed the hub connection{why}")
        elif isinstance(message, core.Other):
            log.debug("hub: ignoring a message of type %d", message.type)

    # --- classic ASP.NET SignalR ---------------------------------------------------------

    async def _run_classic(self, negotiation: classic.Negotiation, listener: HubListener) -> None:
        query = classic.connection_query(negotiation)
        silence = 2 * self._keepalive if self._keepalive is not None else None
        silence = silence or negotiation.keep_alive_timeout
        server_ended = False
        try:
            async with self._websocket(build_target(f"{HUB_PATH}/connect", query)) as ws:
                early: list[classic.Event] = []
                try:
                    async with asyncio.timeout(HANDSHAKE_TIMEOUT):
                        while not any(isinstance(e, classic.Init) for e in early):
                            early += classic.parse_message(await self._receive(ws, None))
                except TimeoutError:
                    raise RequestTimeout(
                        "The hub did not confirm the connection in time."
                    ) from None
                started = await self._session.request(
                    "GET",
                    f"{HUB_PATH}/start",
                    query=query,
                    idempotent=False,
                    retry=RetryPolicy.none(),
                )
                if not classic.is_started(read_json(started)):
                    raise ProtocolError("The hub did not confirm start.")
                link = _Link("classic", ws)
                self._up(link, listener)
                ended: BaseException | None = None
                try:
                    events = early
                    while True:
                        for event in events:
                            self._on_classic(link, event, listener)
                        events = classic.parse_message(await self._receive(ws, silence))
                except BaseException as exc:
                    ended = exc
                    raise
                finally:
                    self._down(link, listener, ended)
        except (_Ended, ConnectionFailed):
            server_ended = True
            raise
        finally:
            if not server_ended:  # we end it: tell the server, as the JS client does
                await self._abort(query)

    def _on_classic(self, link: _Link, event: classic.Event, listener: HubListener) -> None:
        if isinstance(event, classic.Result):
            self._complete(link, event.invocation_id, event.result, event.error, event.error_data)
        elif isinstance(event, classic.Push):
            if event.hub.lower() == classic.HUB_NAME:
                self._push(event.method, event.arguments, listener)
            else:
                _notify(listener.hub_message, f"{event.hub}.{event.method}", event.arguments)
        elif isinstance(event, classic.Disconnect):
            raise _Ended("the server ended the hub connection")
        elif isinstance(event, classic.Reconnect):
            raise _Ended("the server asked the hub client to reconnect")

    async def _abort(self, query: list[tuple[str, str]]) -> None:
        with contextlib.suppress(ApiError, TimeoutError):
            async with asyncio.timeout(ABORT_TIMEOUT):
                await self._session.request(
                    "POST",
                    f"{HUB_PATH}/abort",
                    query=query,
                    idempotent=False,
                    retry=RetryPolicy.none(),
                )

    # --- shared --------------------------------------------------------------------------

    def _websocket(self, target: str) -> AbstractAsyncContextManager[AsyncWebSocketSession]:
        return connect(
            self._session.http,
            target,
            base_url=self._session.base_url,
            limit=self._max_message,
        )

    async def _receive(self, ws: AsyncWebSocketSession, timeout: float | None) -> str:
        return await receive_text(ws, timeout, self._max_message)

    def _up(self, link: _Link, listener: HubListener) -> None:
        self._link = link
        if self._choice == "auto":
            self._learned = link.protocol
        log.info("hub: connected (%s)", link.protocol)
        _notify(listener.hub_connected, True, link.protocol)

    def _down(self, link: _Link, listener: HubListener, ended: BaseException | None) -> None:
        if self._link is link:
            self._link = None
        if isinstance(ended, ApiError):
            why = f" ({ended.message})"
        elif isinstance(ended, _Ended):
            why = f" ({ended})"
        else:
            why = ""
        for method, answer in link.pending.values():
            if not answer.done():
                answer.set_exception(
                    ConnectionFailed(
                        f"hub call {method}: the hub connection ended before the answer{why}. "
                        "It may still have taken effect: re-read the current state."
                    )
                )
        link.pending.clear()
        log.info("hub: disconnected (%s)", link.protocol)
        _notify(listener.hub_connected, False, None)

    def _complete(
        self, link: _Link, invocation_id: str, result: Any, error: str | None, data: Any
    ) -> None:
        waiting = link.pending.get(invocation_id)
        if waiting is None or waiting[1].done():
            log.debug("hub: an answer nobody waits for (timed out?)")
            return
        method, answer = waiting
        if error is not None:
            answer.set_exception(hub_error(method, error, data))
        else:
            answer.set_result(result)

    def _push(self, name: str, args: list[Any], listener: HubListener) -> None:
        if name.lower() == STATE_CHANGED.lower() and len(args) == 1:
            try:
                state = TrackingState.from_wire(args[0])
            except ValueError:  # WireError, or a parser's own
                log.info("hub: a pushed state could not be read")
            else:
                _notify(listener.hub_state, state)
                return
        _notify(listener.hub_message, name, args)


def _absent(exc: ApiError) -> bool:
    """404 (no such path) or 405 (the path exists, not for this method): no hub here."""
    return getattr(exc, "status", None) in (404, 405)


def _notify(callback: Callable[..., None], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:  # a listener's bug must not drop the connection
        log.exception("hub: the listener failed")


async def _core_pings(ws: AsyncWebSocketSession, interval: float) -> None:
    with contextlib.suppress(ApiError):
        while True:
            await asyncio.sleep(interval)
            await send_text(ws, core.PING_RECORD)


async def _send_quietly(ws: AsyncWebSocketSession, text: str) -> None:
    with contextlib.suppress(ApiError):
        await send_text(ws, text)
