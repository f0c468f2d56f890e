"""`pacetray today [--date YYYY-MM-DD] [--json]`: the day at a glance — its work logs, totals,
the week strip and the slipped periods (at the computer, nothing tracked) — gathered by
`app.tracking.today_source` (the tray's Today window uses the same) from the server's work
logs, the running track, the offline journal and the presence log. This module only reads
the arguments and prints.

With the server unreachable it shows what this machine knows (the journal's pending starts and
stops, the presence log) marked "not yet synced", then the one error line, as `status` does.
The presence log is read only when it exists (looking does not create it); the tray keeps its
ongoing period in memory, so the part since the tray's last switch is not in it yet.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from app.commands import output
from app.commands.connection import add_connection_args, call, resolve_connection
from app.commands.durations import format_hms
from app.commands.journal_view import read_journal
from app.settings.credentials import Credentials
from app.settings.errors import SettingsError
from app.settings.model import Settings
from app.settings.store import load_settings
from app.tracking.day import Day, DayLog, LocalZone, Week
from app.tracking.today_source import (
    ClientRunner,
    ServerDays,
    ServerWork,
    TodaySource,
    presence_file,
)
from app.tracking.user_commands import Command

BAR_WIDTH = 24  # the week strip's longest bar, in █
NOT_SYNCED = "not yet synced"


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError:  # the defaults are right for a view; `status` names the problem
        return Settings()


def _pending() -> list[Command]:
    journal = read_journal()
    return [Command(entry.args, entry.at, entry.id) for entry in journal.pending]


def render(day: Day, week: Week) -> list[str]:
    """The readable text of `pacetray today`."""
    tz = day.tz

    def hm(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%H:%M")

    lines = [f"{day.date:%A %Y-%m-%d}" + ("" if day.synced else f" ({NOT_SYNCED})")]
    if not day.logs:
        lines.append("No work logs")
    for log in day.logs:
        end = "now" if log.running else hm(log.end)
        mark = f"  [{NOT_SYNCED}]" if not log.synced else ""
        lines.append(
            f"  {hm(log.start)}-{end:<5}  {format_hms(log.seconds):>8}  {_subject(log)}{mark}"
        )
    lines.append(f"Total: {format_hms(day.total)}")
    if day.totals_by_item:
        lines.append("By work item:")
        for item in day.totals_by_item:
            label = f"#{item.work_item_id}" if item.work_item_id is not None else "(no work item)"
            lines.append(f"  {label:<16} {format_hms(item.seconds):>8}")
    if day.totals_by_activity:
        lines.append("By activity:")
        for activity in day.totals_by_activity:
            name = activity.name or activity.activity_type_id or "(none)"
            lines.append(f"  {name:<16} {format_hms(activity.seconds):>8}")
    longest = max((d.total for d in week.days), default=0.0)
    lines.append(f"Week of {week.monday:%Y-%m-%d}: {format_hms(week.total)}")
    for week_day in week.days:
        bar = "█" * round(BAR_WIDTH * week_day.total / longest) if longest else ""
        here = " <" if week_day.date == day.date else ""
        lines.append(
            f"  {week_day.date:%a} {bar:<{BAR_WIDTH}} {format_hms(week_day.total):>8}{here}"
        )
    threshold = format_hms(day.slip_threshold.total_seconds())
    if day.slipped:
        lines.append(f"Slipped (at the computer, nothing tracked, at least {threshold}):")
        for slip in day.slipped:
            lines.append(f"  {hm(slip.start)}-{hm(slip.end)}  {format_hms(slip.seconds):>8}")
    elif day.presence:
        lines.append("Nothing slipped")
    else:
        lines.append("No presence recorded (the tray records it while it runs)")
    return lines


def _subject(log: DayLog) -> str:
    parts = [f"#{log.work_item_id}" if log.work_item_id is not None else "(no work item)"]
    if log.comment:
        parts.append(f"“{log.comment}”")
    if log.activity_type_name:
        parts.append(log.activity_type_name)
    if log.billable:
        parts.append("billable")
    if log.cut_start or log.cut_end:
        parts.append("(crosses midnight)")
    return "  ".join(parts)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def as_data(day: Day, week: Week) -> dict[str, Any]:
    """The JSON of `pacetray today --json` (camelCase like the API; times ISO-8601 UTC,
    lengths and positions in seconds)."""
    return {
        "date": day.date.isoformat(),
        "dayStart": _iso(day.start),
        "dayLength": day.length_s,
        "synced": day.synced,
        "total": day.total,
        "logs": [
            {
                "id": log.id,
                "start": _iso(log.start),
                "end": _iso(log.end),
                "seconds": log.seconds,
                "offset": log.start_s,
                "lane": log.lane,
                "workItemId": log.work_item_id,
                "comment": log.comment,
                "activityTypeId": log.activity_type_id,
                "activityType": log.activity_type_name,
                "billable": log.billable,
                "running": log.running,
                "synced": log.synced,
            }
            for log in day.logs
        ],
        "totalsByWorkItem": [
            {"workItemId": t.work_item_id, "seconds": t.seconds} for t in day.totals_by_item
        ],
        "totalsByActivity": [
            {"activityTypeId": t.activity_type_id, "name": t.name, "seconds": t.seconds}
            for t in day.totals_by_activity
        ],
        "week": [
            {"date": d.date.isoformat(), "total": d.total, "synced": d.synced} for d in week.days
        ],
        "slipped": [
            {"start": _iso(s.start), "end": _iso(s.end), "seconds": s.seconds} for s in day.slipped
        ],
        "presence": [
            {
                "start": _iso(p.start),
                "end": _iso(p.end),
                "presence": str(p.presence),
                "cause": p.cause,
                "ongoing": p.ongoing,
            }
            for p in day.presence
        ],
        "checks": [{"at": _iso(c.at), "outcome": str(c.outcome)} for c in day.checks],
    }


def _runner(connection: Credentials) -> ClientRunner:
    async def run(work: ServerWork) -> ServerDays:
        return await call(connection, work)

    return run


def today_command(args: argparse.Namespace) -> int:
    tz: tzinfo = LocalZone()
    now = datetime.now(UTC)
    wanted: date = args.date or now.astimezone(tz).date()
    settings = _settings()
    failure: BaseException | None = None
    run: ClientRunner | None = None
    try:
        run = _runner(resolve_connection(args))
    except Exception as exc:  # shown after what this machine knows, as one line
        failure = exc
    source = TodaySource(
        run,
        presence=presence_file(settings.presence_days),
        pending=_pending,
        tz=tz,
        now=lambda: now,
        slip_threshold=timedelta(seconds=settings.slip_threshold_seconds),
        titles=False,  # the text shows work item ids
    )
    data, unreached = asyncio.run(source.gather(wanted))
    failure = failure or unreached
    if args.json:
        print(output.dumps(as_data(data.day, data.week)), flush=True)
    else:
        print("\n".join(render(data.day, data.week)), flush=True)
    if failure is not None:
        raise failure
    return 0


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "today",
        help="the day at a glance: work logs, totals, the week, slipped time",
        description="Show a day's work logs, its totals per work item and activity, the "
        "week's totals (Monday to Sunday) and the slipped periods: at the computer with "
        "nothing tracked. With the server unreachable, shows what the offline journal and "
        "the presence log know, marked 'not yet synced'.",
    )
    add_connection_args(parser)
    parser.add_argument(
        "--date", type=date_arg, metavar="YYYY-MM-DD", help="the day to show (default: today)"
    )
    parser.add_argument("--json", action="store_true", help="print the day as JSON")
    parser.set_defaults(handler=today_command)
