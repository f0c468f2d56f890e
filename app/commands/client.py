"""Client commands: status, start, stop, select, adjust, latest, search, activity-check, snooze,
pair, login, logout. Each prints a readable summary, or the raw model with `--json`."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from app.api.client import TrackingClient, warning_of
from app.api.errors import NotFoundError
from app.api.models import ActivityType, SnoozeOption, StopReason, TrackingState, WireModel
from app.commands import output
from app.commands.connection import (
    CLI_RETRY,
    Credentials,
    add_connection_args,
    call,
    resolve_connection,
)
from app.commands.durations import duration_arg
from app.commands.errors import UserError
from app.commands.journal_view import JournalView, read_journal
from app.tracking.target import TrackTarget, send_select, send_start

__all__ = ["CLI_RETRY", "register"]

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SNOOZE = {
    "1h": SnoozeOption.ONE_HOUR,
    "tomorrow": SnoozeOption.TOMORROW,
    "monday": SnoozeOption.NEXT_MONDAY,
}
REASONS = {"user": StopReason.USER, "machine": StopReason.MACHINE}

Command = Callable[[TrackingClient, argparse.Namespace], Awaitable["Result"]]


class Result:
    """What a command prints: the model (for --json) and its readable lines."""

    def __init__(self, model: WireModel, lines: list[str], warning: str | None = None) -> None:
        self.model = model
        self.lines = lines
        self.warning = warning


# --- argument types --------------------------------------------------------------------------


def work_item_arg(text: str) -> int:
    digits = text.strip().removeprefix("#")
    if not digits.isdigit() or int(digits) <= 0:
        raise argparse.ArgumentTypeError(f"not a work item id: {text!r} (use a number like 1349)")
    return int(digits)


def count_arg(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 500:
        raise argparse.ArgumentTypeError(f"not a count from 1 to 500: {text!r}")
    return int(text)


# --- running ---------------------------------------------------------------------------------


def run_client_command(command: Command, args: argparse.Namespace) -> int:
    connection = resolve_connection(args)
    result = asyncio.run(_call(connection, command, args))
    if result.warning:
        print(f"pacetray: warning: {result.warning}", file=sys.stderr, flush=True)
    if args.json:
        print(output.to_json(result.model))
    else:
        print("\n".join(result.lines))
    return 0


async def _call(connection: Credentials, command: Command, args: argparse.Namespace) -> Result:
    return await call(connection, lambda client: command(client, args))


def _state_result(state: TrackingState, names: dict[str, str] | None = None) -> Result:
    if names is None:
        names = output.activity_names(output.state_activity_types(state))
    return Result(state, output.describe_state(state, names), warning_of(state))


def _normalise(name: str) -> str:
    return re.sub(r"[\W_]", "", name.casefold())  # "[Not Set]" == "not set"


async def activity_types(client: TrackingClient) -> list[ActivityType]:
    state = await client.current(expand=True)
    types = output.state_activity_types(state)
    if not types:  # a server that ignores $expand: ask the REST endpoint
        types = list((await client.activity_types()).activity_types)
    return types


async def resolve_activity(
    client: TrackingClient, text: str | None
) -> tuple[str | None, dict[str, str] | None]:
    """The activity type id for NAME (case-insensitive) or ID, and the name map if fetched."""
    if text is None:
        return None, None
    if _GUID.match(text.strip()):
        return text.strip(), None
    types = await activity_types(client)
    wanted = _normalise(text)
    for activity in types:
        if _normalise(activity.name) == wanted:
            return activity.id, output.activity_names(types)
    valid = ", ".join(t.name for t in types) or "(the server lists none)"
    raise UserError(f"unknown activity {text!r}; valid names: {valid}")


# --- commands --------------------------------------------------------------------------------


async def _status(client: TrackingClient, args: argparse.Namespace) -> Result:
    return _state_result(await client.current(expand=True))


def _status_command(args: argparse.Namespace) -> int:
    """The server's state plus the offline journal. The journal is local, so it is shown
    even when the server part fails; that failure is then the one error line."""
    if args.watch:
        from app.commands.watch import watch_command

        return watch_command(args)
    journal = read_journal()
    try:
        connection = resolve_connection(args)
        result = asyncio.run(_call(connection, _status, args))
    except Exception:
        _print_status(None, journal, as_json=args.json)
        raise
    if result.warning:
        print(f"pacetray: warning: {result.warning}", file=sys.stderr, flush=True)
    _print_status(result, journal, as_json=args.json)
    if journal.error is not None:
        raise UserError(journal.error, exit_code=1)
    return 0


def _print_status(result: Result | None, journal: JournalView, *, as_json: bool) -> None:
    if as_json:
        # The state as the API names it, with the journal next to its keys.
        data = output.model_data(result.model) if result is not None else {}
        data["journal"] = output.journal_data(journal)
        print(output.dumps(data), flush=True)
    else:
        lines = result.lines if result is not None else []
        print("\n".join([*lines, *output.describe_journal(journal)]), flush=True)


def unknown_work_item(exc: NotFoundError, work_item_id: int | None) -> NotFoundError | UserError:
    """A 404 for the work item asked for reads better as a hint to search for it."""
    if work_item_id is None or exc.error_code != "EntityNotFound":
        return exc
    return UserError(
        f"work item #{work_item_id} was not found on the server — find the right id with "
        "`pacetray search TEXT`",
        exit_code=1,
    )


async def _start(client: TrackingClient, args: argparse.Namespace) -> Result:
    activity_id, names = await resolve_activity(client, args.activity)
    target = TrackTarget(args.work_item_id, args.remark, activity_id, args.billable)
    try:
        state = await send_start(client, target)
    except NotFoundError as exc:
        raise unknown_work_item(exc, target.work_item_id) from None
    if not state.track.is_tracking:
        why = state.track_settings.response_message or "it gave no reason"
        raise UserError(f"the server did not start tracking: {why}", exit_code=1)
    return _state_result(state, names)


async def _stop(client: TrackingClient, args: argparse.Namespace) -> Result:
    reason = REASONS[args.reason] if args.reason else None
    return _state_result(await client.stop_tracking(reason))


async def _select(client: TrackingClient, args: argparse.Namespace) -> Result:
    activity_id, names = await resolve_activity(client, args.activity)
    target = TrackTarget(args.work_item_id, args.remark, activity_id)
    try:
        track = await send_select(client, target)
    except NotFoundError as exc:
        raise unknown_work_item(exc, target.work_item_id) from None
    requested = target.work_item_id
    return Result(track, output.describe_selected(track, names, requested=requested))


async def _adjust(client: TrackingClient, args: argparse.Namespace) -> Result:
    if args.remark is None and args.activity is None:
        raise UserError("nothing to adjust: pass --remark TEXT and/or --activity NAME")
    activity_id, names = await resolve_activity(client, args.activity)
    return _state_result(
        await client.adjust(remark=args.remark, activity_type_id=activity_id), names
    )


async def _latest(client: TrackingClient, args: argparse.Namespace) -> Result:
    result = await client.latest(args.n)
    return Result(result, output.describe_latest(result))


async def _search(client: TrackingClient, args: argparse.Namespace) -> Result:
    text = " ".join(args.text).strip()
    if not text:
        raise UserError("nothing to search for: give a text or #ID")
    by_id = text.removeprefix("#")
    if by_id.isdigit():
        result = await client.search(int(by_id))
    else:
        result = await client.search_by_query(text)
    return Result(result, output.describe_search(result))


async def _activity_check(client: TrackingClient, args: argparse.Namespace) -> Result:
    return _state_result(await client.activity_check())


async def _snooze(client: TrackingClient, args: argparse.Namespace) -> Result:
    return _state_result(await client.idle_check(SNOOZE[args.until]))


def _handler(command: Command) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        return run_client_command(command, args)

    return handle


# --- registration ----------------------------------------------------------------------------


def _add(
    sub: Any, name: str, command: Command, help_text: str, description: str | None = None
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=description or help_text
    )
    add_connection_args(parser)
    parser.add_argument("--json", action="store_true", help="print the raw answer as JSON")
    parser.set_defaults(handler=_handler(command))
    return parser


def _add_work_item_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--work-item", dest="work_item_id", type=work_item_arg, metavar="N", help="work item id"
    )
    parser.add_argument("--remark", metavar="TEXT", help="remark (comment) of the track")
    parser.add_argument(
        "--activity", metavar="NAME|ID", help="activity type, by name (any case) or id"
    )


def register(sub: Any) -> None:
    status = _add(
        sub,
        "status",
        _status,
        "show what is being tracked, and the offline journal",
        "Show what the server is tracking, the commands the offline journal still has to send "
        "(with their local time) and its last sync. The journal is shown even when the server "
        "cannot be reached.",
    )
    status.add_argument(
        "--watch",
        action="store_true",
        help="print every change as it happens, one line each (one JSON object per line "
        "with --json), until Ctrl-C",
    )
    status.add_argument(
        "--interval",
        type=duration_arg,
        default=60.0,
        metavar="DUR",
        help="with --watch, how often to check when the server offers no live updates "
        "(default: 60s)",
    )
    status.set_defaults(handler=_status_command)

    start = _add(sub, "start", _start, "start tracking (a running track is closed first)")
    _add_work_item_args(start)
    start.add_argument(
        "--billable",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mark the time billable or not (default: the server's choice)",
    )

    stop = _add(sub, "stop", _stop, "stop tracking")
    stop.add_argument(
        "--reason",
        choices=list(REASONS),
        help="who stops: the user (default) or the machine (lock, sleep, idle)",
    )

    select = _add(sub, "select", _select, "choose what the next start tracks, without starting")
    _add_work_item_args(select)

    adjust = _add(sub, "adjust", _adjust, "change the remark or activity of the running track")
    adjust.add_argument("--remark", metavar="TEXT", help="new remark")
    adjust.add_argument("--activity", metavar="NAME|ID", help="new activity type")

    latest = _add(sub, "latest", _latest, "list the latest work logs")
    latest.add_argument(
        "-n", type=count_arg, default=None, metavar="N", help="how many (server default: 10)"
    )

    search = _add(sub, "search", _search, "find work items by text, or by id as #ID or digits")
    search.add_argument("text", nargs="+", metavar="TEXT|#ID")

    _add(
        sub,
        "activity-check",
        _activity_check,
        "answer the server's activity check: still working, keep tracking",
    )

    snooze = _add(
        sub,
        "snooze",
        _snooze,
        "answer the activity check and skip further checks for a while",
    )
    snooze.add_argument(
        "until", choices=list(SNOOZE), help="for one hour, until tomorrow or Monday"
    )
