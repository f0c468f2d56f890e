from __future__ import annotations

import json

from app.api.models import LatestResult, SearchResult, TrackingState
from app.commands import output

DEV = "11111111-1111-1111-1111-111111111111"
NAMES = {DEV: "Development"}


def state(**track: object) -> TrackingState:
    return TrackingState.from_wire({"track": track, "timestamp": 7})


def test_tracking_summary_names_item_length_and_activity() -> None:
    s = state(
        tfsId=1349,
        workItem={"id": 1349, "title": "Fix login timeout"},
        trackingState="tracking",
        currentTrackLength=725,
        activityTypeId=DEV.upper(),
        totalMeTodayLength=3723,
    )
    assert output.describe_state(s, NAMES) == [
        "Tracking #1349 Fix login timeout — 0:12:05 (Development)",
        "Today: 1:02:03",
    ]


def test_idle_summary() -> None:
    assert output.describe_state(state(trackingState=1)) == ["Not tracking"]


def test_selected_item_while_idle_is_shown() -> None:
    lines = output.describe_state(state(trackingState="Idle", tfsId=7, remark="review"))
    assert lines == ["Not tracking", "Selected for the next start: #7 “review”"]


def test_running_activity_check_tells_how_to_answer() -> None:
    s = state(
        trackingState="activityCheck",
        tfsId=5,
        currentTrackLength=60,
        activityCheck={"isRunning": True, "secondsLeft": 42},
    )
    lines = output.describe_state(s)
    assert lines[0] == "Tracking #5 — 0:01:00"
    assert "within 42 s" in lines[1]
    assert "pacetray activity-check" in lines[1]


def test_stopped_by_the_server_says_why() -> None:
    s = state(trackingState=4, stoppedTrackType=1)
    assert output.describe_state(s)[1] == (
        "The last track was stopped: nobody answered the activity check."
    )
    s = state(trackingState=4, stoppedTrackType=4)
    assert "maximum single track length" in output.describe_state(s)[1]


def test_latest_lists_work_logs() -> None:
    result = LatestResult.from_wire(
        {
            "count": 1,
            "workLogs": [
                {
                    "startTime": "2026-09-29T08:00:00",
                    "endTime": "2026-09-29T08:30:00",
                    "periodLength": 1800,
                    "remark": "pairing",
                    "activityTypeId": DEV,
                    "workItem": {"id": 12, "title": "Build"},
                }
            ],
        }
    )
    assert output.describe_latest(result, NAMES) == [
        "2026-09-29 08:00-08:30  0:30:00  #12 Build “pairing” (Development)"
    ]
    assert output.describe_latest(LatestResult()) == ["No work logs yet"]


def test_search_groups_hits() -> None:
    result = SearchResult.from_wire(
        {
            "query": "login",
            "count": 2,
            "workItems": [
                {"groupName": "Assigned to me", "workItem": {"id": 1, "title": "A", "type": "Bug"}},
                {"groupName": "Assigned to me", "workItem": {"id": 2, "title": "B"}},
            ],
        }
    )
    assert output.describe_search(result) == ["Assigned to me:", "  #1 A  [Bug]", "  #2 B"]
    assert output.describe_search(SearchResult(query="zz")) == ["No work items found for 'zz'"]


def test_json_uses_the_wire_names() -> None:
    data = json.loads(output.to_json(state(tfsId=3, trackingState=0)))
    assert data["track"]["tfsId"] == 3
    assert data["track"]["trackingState"] == "tracking"
    assert data["timestamp"] == 7


def test_selected_while_tracking_names_both() -> None:
    running = state(trackingState="tracking", tfsId=5, workItem={"id": 5, "title": "Now"}).track
    assert output.describe_selected(running, requested=9) == [
        "Selected #9 for the next start; still tracking #5 Now"
    ]
    idle = state(trackingState="idle", tfsId=9, activityTypeId=DEV).track
    assert output.describe_selected(idle, NAMES, requested=9) == [
        "Selected #9 (Development); `pacetray start` tracks it"
    ]
