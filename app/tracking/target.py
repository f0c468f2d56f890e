"""`TrackTarget`: what to track, as one value.

The work item, remark, activity type and billable flag travel together from where the user
says them (the popup, the idle prompt's "book to another work item", the CLI's `start` and
`select`, restarting a recent work log or a track the server stopped) to the API client call
that writes the wire body. They are built once and passed on unchanged.

`work_item_id` is our one name for the work item; only the wire has others (`tfsId` in the
Tracking API, `workItemId` in REST), and `app.api` keeps those.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.api.client import TrackingClient
from app.api.models import LatestWorkLog, RestWorkLog, Track, TrackingState


@dataclass(frozen=True)
class TrackTarget:
    """Each part may be None: the server's choice (a `select` ignores `is_billable`)."""

    work_item_id: int | None = None
    remark: str | None = None
    activity_type_id: str | None = None
    is_billable: bool | None = None

    @property
    def is_empty(self) -> bool:
        """Neither a work item nor a remark: 7pace has nothing to book the time to."""
        return self.work_item_id is None and not (self.remark or "").strip()

    @classmethod
    def of_track(cls, track: Track) -> TrackTarget:
        """What `track` tracks (to start it again: after the server stopped it, after idle)."""
        return cls(track.tfs_id, track.remark, track.activity_type_id, track.is_billable)

    @classmethod
    def of_work_log(cls, work_log: LatestWorkLog | RestWorkLog) -> TrackTarget:
        """What a recent work log tracked (`latest` has no billable flag: the server's choice)."""
        if isinstance(work_log, LatestWorkLog):
            work_item = work_log.work_item
            return cls(
                work_item.id if work_item is not None else None,
                work_log.remark,
                work_log.activity_type_id,
            )
        activity = work_log.activity_type
        return cls(
            work_log.work_item_id,
            work_log.comment,
            activity.id if activity is not None else None,
            work_log.flags.is_billable,
        )


# The one place a target becomes the API client's parameters (the client writes the wire body).


async def send_start(client: TrackingClient, target: TrackTarget) -> TrackingState:
    """`startTracking` with `target`."""
    return await client.start_tracking(
        work_item_id=target.work_item_id,
        remark=target.remark,
        activity_type_id=target.activity_type_id,
        is_billable=target.is_billable,
    )


async def send_select(client: TrackingClient, target: TrackTarget) -> Track:
    """`selected` with `target` (a selection has no billable flag); the server's track."""
    return await client.selected(
        work_item_id=target.work_item_id,
        remark=target.remark,
        activity_type_id=target.activity_type_id,
    )
