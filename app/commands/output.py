"""Readable summaries of the wire models, and their raw JSON for `--json`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from app.api.models import (
    NOT_SET_ACTIVITY_ID,
    ActivityType,
    LatestResult,
    SearchResult,
    StoppedTrackType,
    StopReason,
    Track,
    TrackingState,
    TrackingStateKind,
    WireModel,
)
from app.api.wire import dump
from app.commands.durations import format_hms
from app.commands.journal_view import JournalEntry, JournalView
from app.tracking.display import track_subject, work_item_label
from app.tracking.user_commands import AdjustArgs, SelectArgs, StartArgs, StopArgs

_STOP_REASONS = {
    StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK: "nobody answered the activity check",
    StoppedTrackType.STOPPED_BY_PING: "the client stopped answering the server",
    StoppedTrackType.STOPPED_BY_CLIENT_CONDITION: "a client condition stopped it",
    StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED: (
        "it reached the maximum single track length"
    ),
    StoppedTrackType.IDLE: "the machine was idle",
    StoppedTrackType.STOPPED_BY_CONCURENCY: "tracking was started elsewhere",
}


def to_json(model: WireModel) -> str:
    """The model as the API names it (camelCase), every field, pretty-printed."""
    return dumps(model_data(model))


def model_data(model: WireModel) -> dict[str, Any]:
    return dump(model)  # every field: null ones as null


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def activity_names(types: list[ActivityType]) -> dict[str, str]:
    return {t.id.lower(): t.name for t in types}


def state_activity_types(state: TrackingState) -> list[ActivityType]:
    """The activity types an expanded `current` carries (empty without `$expand`)."""
    if state.settings is None or state.settings.activity_type is None:
        return []
    return list(state.settings.activity_type.activity_types)


def _activity_suffix(activity_id: str | None, names: dict[str, str]) -> str:
    if not activity_id or activity_id == NOT_SET_ACTIVITY_ID:
        return ""
    name = names.get(activity_id.lower())
    return f" ({name})" if name else ""


def describe_state(state: TrackingState, names: dict[str, str] | None = None) -> list[str]:
    """`Tracking #1349 Fix login timeout — 0:12:05 (Development)`, `Not tracking`, ..."""
    names = names or {}
    track = state.track
    activity = _activity_suffix(track.activity_type_id, names)
    lines: list[str] = []
    if track.is_tracking:
        length = format_hms(track.current_track_length)
        lines.append(f"Tracking {track_subject(track)} — {length}{activity}")
        if track.check_running:
            left = track.activity_check.seconds_left if track.activity_check else None
            within = f" within {left} s" if left is not None else ""
            lines.append(
                f"Activity check: still working? Answer{within} with `pacetray activity-check`"
                " (or `pacetray snooze 1h`), or tracking stops."
            )
    else:
        lines.append("Not tracking")
        if track.tracking_state == TrackingStateKind.CLIENT_INPUT_REQUIRED:
            reason = _STOP_REASONS.get(track.stopped_track_type, "the server stopped it")
            lines.append(f"The last track was stopped: {reason}.")
        if track.tfs_id is not None or track.remark:
            lines.append(f"Selected for the next start: {track_subject(track)}{activity}")
    if track.total_me_today_length is not None:
        lines.append(f"Today: {format_hms(track.total_me_today_length)}")
    return lines


def describe_selected(
    track: Track, names: dict[str, str] | None = None, requested: int | None = None
) -> list[str]:
    """`selected` answers with the running track while tracking, not with the selection."""
    if track.is_tracking and requested is not None and track.tfs_id != requested:
        return [
            f"Selected #{requested} for the next start; still tracking {track_subject(track)}",
        ]
    activity = _activity_suffix(track.activity_type_id, names or {})
    return [f"Selected {track_subject(track)}{activity}; `pacetray start` tracks it"]


def _time(value: datetime | None) -> str:
    if value is None:
        return "?"
    local = value.astimezone() if value.tzinfo is not None else value
    return local.strftime("%Y-%m-%d %H:%M")


def describe_latest(result: LatestResult, names: dict[str, str] | None = None) -> list[str]:
    names = names or {}
    if not result.work_logs:
        return ["No work logs yet"]
    lines: list[str] = []
    for log in result.work_logs:
        span = _time(log.start_time)
        if log.end_time is not None:
            span += "-" + _time(log.end_time)[-5:]
        track = Track(work_item=log.work_item, remark=log.remark)
        activity = _activity_suffix(log.activity_type_id, names)
        lines.append(f"{span}  {format_hms(log.period_length)}  {track_subject(track)}{activity}")
    return lines


def describe_search(result: SearchResult) -> list[str]:
    if not result.work_items:
        query = f" for {result.query!r}" if result.query else ""
        return [f"No work items found{query}"]
    lines: list[str] = []
    group: str | None = None
    for hit in result.work_items:
        if hit.group_name and hit.group_name != group:
            group = hit.group_name
            lines.append(f"{group}:")
        item = hit.work_item
        details = " · ".join(part for part in (item.type, item.team_project) if part)
        indent = "  " if group else ""
        lines.append(f"{indent}{work_item_label(item)}" + (f"  [{details}]" if details else ""))
    return lines


# --- the offline journal (`status`) --------------------------------------------------------

_KIND_NAMES = {
    "start": "start",
    "stop": "stop",
    "select": "select",
    "adjust": "adjust",
    "activity_check": "answer activity check",
    "idle_check": "snooze activity checks",
    "trim_idle": "trim idle time off a work log",
    "add_work_log": "add a work log",
}


def _local_seconds(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def describe_journal_entry(entry: JournalEntry) -> str:
    """`start #1349 “fix login”`: the kind, and what it is about where it says."""
    text = _KIND_NAMES.get(entry.kind, entry.kind)
    args = entry.args
    match args:
        case StartArgs(target=target) | SelectArgs(target=target):
            subject = Track(tfs_id=target.work_item_id, remark=target.remark)
        case AdjustArgs():
            subject = Track(remark=args.remark)
        case StopArgs(reason=StopReason.MACHINE):
            return text + " (machine: lock, sleep or idle)"
        case _:
            return text
    if subject.tfs_id is not None or subject.remark:
        text += " " + track_subject(subject)
    return text


def describe_journal(view: JournalView) -> list[str]:
    """The commands waiting to be sent (local time, kind), those set aside, the last sync."""
    if view.error is not None:
        return ["Offline journal: cannot be read (see the error below)"]
    lines: list[str] = []
    count = len(view.pending)
    if count == 0:
        lines.append("Offline journal: nothing waiting to be sent")
    else:
        noun = "command" if count == 1 else "commands"
        lines.append(f"Offline journal: {count} {noun} waiting to be sent")
        lines.extend(f"  {_local_seconds(e.at)}  {describe_journal_entry(e)}" for e in view.pending)
    if view.set_aside:
        lines.append(f"Set aside for a conflict, not sent: {len(view.set_aside)}")
        lines.extend(
            f"  {_local_seconds(e.at)}  {describe_journal_entry(e)} — {e.reason}"
            for e in view.set_aside
        )
    last = _local_seconds(view.last_sync) if view.last_sync is not None else "never"
    lines.append(f"Last sync: {last}")
    return lines


def _entry_data(entry: JournalEntry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": entry.id,
        "kind": entry.kind,
        "at": entry.at.isoformat(),
        "summary": describe_journal_entry(entry),
    }
    if entry.reason is not None:
        data["reason"] = entry.reason
    return data


def journal_data(view: JournalView) -> dict[str, Any]:
    """The `journal` key of `status --json`; times are ISO 8601 in UTC."""
    data: dict[str, Any] = {
        "path": str(view.path),
        "pending": [_entry_data(e) for e in view.pending],
        "setAside": [_entry_data(e) for e in view.set_aside],
        "lastSync": view.last_sync.isoformat() if view.last_sync is not None else None,
    }
    if view.error is not None:
        data["error"] = view.error
    return data
