"""`TrackingClient.delete_work_log` (issue 15): against the real server's ASGI app, and the
answers 7pace may give that the local server does not (other bodies, someone else's log)."""

from __future__ import annotations

import httpx
import pytest

from app.api.client import TrackingClient
from app.api.errors import (
    AnswerTooLarge,
    ClientRequestError,
    ForbiddenError,
    NotFoundError,
    ServerError,
)
from app.api.models import RestWorkLogCreate
from tests.api.conftest import RecordingTransport, SleepRecorder, json_response, mock_client

LOG_ID = "6f1c2b7e-0a4d-4c55-9e1f-3b2a1d0c9e8f"


async def test_a_deleted_work_log_is_gone(client: TrackingClient) -> None:
    kept = await client.create_work_log(
        RestWorkLogCreate(timestamp="2026-07-01T09:00:00", length=1800, comment="kept")
    )
    wrong = await client.create_work_log(
        RestWorkLogCreate(timestamp="2026-07-01T09:15:00", length=600, comment="overlaps")
    )
    assert await client.delete_work_log(wrong.id) is None
    assert [log.id for log in await client.work_logs()] == [kept.id]
    with pytest.raises(NotFoundError) as info:
        await client.delete_work_log(wrong.id)
    assert info.value.status == 404 and info.value.error_code == "EntityNotFound"


async def test_a_running_work_log_is_refused(client: TrackingClient) -> None:
    started = await client.start_tracking(work_item_id=1201)
    log_id = started.track.work_log_id
    assert log_id is not None
    with pytest.raises(ClientRequestError) as info:
        await client.delete_work_log(log_id)
    assert info.value.status == 409 and info.value.error_code == "WorkLogIsRunning"
    assert "stop tracking" in info.value.message
    assert [log.id for log in await client.work_logs()] == [log_id]


async def test_an_id_is_one_path_segment(client: TrackingClient, recorder: RecordingTransport):
    with pytest.raises(NotFoundError):
        await client.delete_work_log("../me")
    [request] = recorder.requests
    assert request.url.raw_path.decode() == "/api/rest/workLogs/..%2Fme?api-version=3.2"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, json={"data": None}),
        httpx.Response(200, json={"data": {"id": LOG_ID}}),  # 7pace states no type for data
        httpx.Response(200, json={"data": True}),
        httpx.Response(204),
    ],
)
async def test_any_success_answer_means_deleted(answer: httpx.Response) -> None:
    async with mock_client(lambda r: answer) as client:
        assert await client.delete_work_log(LOG_ID) is None


async def test_someone_elses_work_log_is_forbidden() -> None:
    body = {"error": {"statusCode": 403, "errorCode": "AccessDenied", "message": "Not yours"}}
    async with mock_client(json_response(403, body)) as client:
        with pytest.raises(ForbiddenError) as info:
            await client.delete_work_log(LOG_ID)
    assert info.value.error_code == "AccessDenied" and "Not yours" in info.value.message


async def test_a_failed_delete_is_not_retried() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, headers={"Retry-After": "1"})

    sleeps = SleepRecorder()
    async with mock_client(handler, sleeps=sleeps) as client:
        with pytest.raises(ServerError):
            await client.delete_work_log(LOG_ID)
    assert len(seen) == 1 and sleeps.delays == []


async def test_an_oversized_answer_is_refused() -> None:
    answer = json_response(200, {"data": "x" * 4000})
    async with mock_client(answer, max_answer_bytes=1000) as client:
        with pytest.raises(AnswerTooLarge):
            await client.delete_work_log(LOG_ID)
