"""The popup against the real local server through the real bridge and tracker.

Requests are counted (and, for the stale-answer test, held) at a transport wrapper under the
tracker's own TrackingClient; results are checked against what a fresh client reads.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import TracebackType

import httpx
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from app.api.client import TrackingClient
from app.api.models import SearchResult
from app.server.demo import ACTIVITY_TYPES, DEFAULT_ACTIVITY_TYPE_ID
from app.ui.bridge import TrackerBridge
from app.ui.popup import Popup, place_popup
from app.ui.search_model import RECENT_GROUP
from tests.support.wait import wait_until
from tests.ui.conftest import NO_429_RETRY, LiveServer, wait_signal

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TESTING = next(a.id for a in ACTIVITY_TYPES if a.name == "Testing")
SEARCH_CALLS = ("search", "searchByQuery")


class CountingTransport(httpx.AsyncBaseTransport):
    """Real HTTP underneath; records (call, body) of every request, and can hold the requests
    whose body contains `hold_text` until `release` is set."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: list[tuple[str, str]] = []
        self.finished: list[tuple[str, str]] = []
        self.hold_text: str | None = None
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = request.url.path.rsplit("/", 1)[-1]
        body = (await request.aread()).decode()
        self.seen.append((call, body))
        try:
            if self.hold_text is not None and self.hold_text in body:
                await self.release.wait()
            return await self.inner.handle_async_request(request)
        finally:
            self.finished.append((call, body))

    async def aclose(self) -> None:
        await self.inner.aclose()

    def searches(self) -> list[tuple[str, str]]:
        return [(call, body) for call, body in self.seen if call in SEARCH_CALLS]


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
async def client(server: LiveServer, transport: CountingTransport) -> AsyncIterator[TrackingClient]:
    """The tracker's (and so the bridge's) client, over the counting transport."""
    async with server.client(retry=NO_429_RETRY, transport=transport) as c:
        yield c


@pytest.fixture
async def fresh(server: LiveServer) -> AsyncIterator[TrackingClient]:
    """A second client of the same user: what the server really holds."""
    async with server.client() as c:
        yield c


@pytest.fixture
async def popup(bridge: TrackerBridge) -> AsyncIterator[Popup]:
    p = Popup(bridge)
    p.show_at(None)
    await wait_until(lambda: p.activity.count() > 0 and not p.is_busy, what="the popup loaded")
    yield p
    p.hide()  # a Qt.Popup left open would take the key events of later tests
    p.deleteLater()


@pytest.fixture
def no_escaping_errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[BaseException]]:
    """Collects exceptions that reach sys.excepthook or the loop's handler (asyncSlot errors
    land there) and fails on 'ui task failed' log lines."""
    escaped: list[BaseException] = []
    old_hook = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        escaped.append(exc)

    loop = asyncio.get_event_loop()
    old_handler = loop.get_exception_handler()
    loop.set_exception_handler(lambda _l, ctx: escaped.append(ctx.get("exception") or ctx))  # type: ignore[arg-type]
    sys.excepthook = hook
    caplog.set_level(logging.ERROR, logger="app.ui")
    yield escaped
    sys.excepthook = old_hook
    loop.set_exception_handler(old_handler)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def type_search(popup: Popup, text: str) -> None:
    """Replaces the search text by typing it and waits for its results."""
    popup.search.clear()
    await wait_signal(
        popup.searched,
        timeout=10,
        check=lambda shown: shown == text,
        trigger=lambda: QTest.keyClicks(popup.search, text),
    )


def grouped(result: SearchResult) -> list[tuple[str, list[int]]]:
    out: dict[str, list[int]] = {}
    for hit in result.work_items:
        out.setdefault(hit.group_name or "Other work items", []).append(hit.work_item.id)
    return list(out.items())


# --- search -------------------------------------------------------------------------------


async def test_digits_hash_and_text_show_the_servers_results_grouped(
    popup: Popup, transport: CountingTransport, fresh: TrackingClient
) -> None:
    await type_search(popup, "1201")
    assert transport.searches()[-1] == ("search", "1201")  # digits: search by id
    assert popup.model.grouped() == grouped(await fresh.search(1201))
    assert popup.model.grouped() == [("Assigned to me", [1201])]
    row = popup.model.item(1).text()
    assert "Task" in row and "#1201" in row and "Add card vault API client" in row
    assert "Webshop" in row

    await type_search(popup, "#1349")
    assert transport.searches()[-1] == ("search", "1349")  # `#id`: by id too
    assert popup.model.grouped() == [("Other work items", [1349])]

    await type_search(popup, "card")
    assert transport.searches()[-1] == ("searchByQuery", '{"query":"card"}')
    expected = grouped(await fresh.search_by_query("card"))
    assert popup.model.grouped() == expected
    assert [name for name, _ in expected] == ["Assigned to me", "Other work items"]
    assert popup.chosen_work_item() is not None  # the best hit is chosen: Enter starts it
    assert popup.chosen_work_item().id == expected[0][1][0]  # type: ignore[union-attr]

    ARTIFACTS.mkdir(exist_ok=True)
    assert popup.grab().save(str(ARTIFACTS / "popup.png"))

    await type_search(popup, "no such thing at all")
    assert popup.model.grouped() == []
    assert popup.empty.isVisible() and "No work items match" in popup.empty.text()


async def test_a_burst_of_keystrokes_sends_one_search(
    popup: Popup, transport: CountingTransport
) -> None:
    before = len(transport.searches())
    shown = asyncio.Event()
    popup.searched.connect(lambda text: shown.set() if text == "checkout" else None)
    for char in "checkout":
        QTest.keyClicks(popup.search, char)
        await asyncio.sleep(0.04)  # a fast typist's cadence: the loop runs between keys
    await asyncio.wait_for(shown.wait(), 10)
    assert transport.searches()[before:] == [("searchByQuery", '{"query":"checkout"}')]
    assert popup.model.query == "checkout"


async def test_an_older_answer_never_replaces_a_newer_one(
    popup: Popup, transport: CountingTransport
) -> None:
    transport.hold_text = "checkout"
    popup.search.setText("checkout")
    await wait_until(lambda: ("searchByQuery", '{"query":"checkout"}') in transport.seen)
    await type_search(popup, "basket")  # answered while "checkout" is still held
    transport.release.set()
    await wait_until(
        lambda: (
            ("searchByQuery", '{"query":"checkout"}') in transport.finished and not popup.is_busy
        ),
        what="the held search to end",
    )
    assert popup.model.query == "basket"
    ids = [i for _, group in popup.model.grouped() for i in group]
    assert ids and 1105 in ids and 1101 not in ids  # basket items, none of checkout's


async def test_up_down_from_the_search_field_skip_group_headers(popup: Popup) -> None:
    await type_search(popup, "card")
    groups = popup.model.grouped()
    order = [i for _, ids in groups for i in ids]
    seen = [popup.chosen_work_item().id]  # type: ignore[union-attr]
    for _ in order[1:]:
        QTest.keyClick(popup.search, Qt.Key.Key_Down)
        seen.append(popup.chosen_work_item().id)  # type: ignore[union-attr]
    QTest.keyClick(popup.search, Qt.Key.Key_Down)  # stays on the last
    assert popup.chosen_work_item().id == order[-1]  # type: ignore[union-attr]
    QTest.keyClick(popup.search, Qt.Key.Key_Up)
    assert seen == order and popup.chosen_work_item().id == order[-2]  # type: ignore[union-attr]
    assert popup.search.hasFocus() or not QGuiApplication.focusWindow()


# --- start / select -----------------------------------------------------------------------


async def test_enter_starts_with_item_remark_activity_and_billable_then_switches(
    popup: Popup, bridge: TrackerBridge, fresh: TrackingClient
) -> None:
    await type_search(popup, "1202")
    QTest.keyClicks(popup.remark, "picker spacing")
    popup.activity.setCurrentIndex(popup.activity.findData(TESTING))
    QTest.keyClick(popup.billable, Qt.Key.Key_Space)
    assert popup.billable.isChecked()
    await wait_signal(popup.closed, trigger=lambda: QTest.keyClick(popup.remark, Qt.Key.Key_Return))

    track = (await fresh.current()).track
    assert track.is_tracking and track.tfs_id == 1202
    assert track.remark == "picker spacing"
    assert track.activity_type_id == TESTING
    assert track.is_billable is True

    # open again: shows what runs, recent list holds it, Start became Switch
    await wait_until(lambda: bridge.state is not None and bridge.state.track.tfs_id == 1202)
    popup.search.clear()
    await wait_signal(popup.searched, check=lambda t: t == "", trigger=lambda: popup.show_at(None))
    assert "Tracking" in popup.status.text() and "#1202" in popup.status.text()
    assert popup.start_button.text().replace("&", "") == "Switch"
    assert popup.model.grouped()[0] == (RECENT_GROUP, [1202])

    await type_search(popup, "1201")
    popup.remark.clear()
    await wait_signal(popup.closed, trigger=lambda: QTest.keyClick(popup.search, Qt.Key.Key_Enter))
    track = (await fresh.current()).track
    assert track.is_tracking and track.tfs_id == 1201
    assert track.activity_type_id == DEFAULT_ACTIVITY_TYPE_ID  # reset when the item changed
    assert not track.remark


async def test_select_without_starting_sets_what_the_next_start_uses(
    popup: Popup, fresh: TrackingClient
) -> None:
    await type_search(popup, "1203")
    QTest.keyClicks(popup.remark, "rates")
    popup.activity.setCurrentIndex(popup.activity.findData(TESTING))
    await wait_signal(popup.closed, trigger=popup.select_button.click)
    assert not (await fresh.current()).track.is_tracking  # selected, not started
    track = (await fresh.start_tracking()).track  # empty start: the selection's values
    assert (track.tfs_id, track.remark, track.activity_type_id) == (1203, "rates", TESTING)


async def test_activity_resets_to_the_default_when_the_work_item_changes(
    popup: Popup, bridge: TrackerBridge
) -> None:
    default = bridge.default_activity_type_id()
    assert default == DEFAULT_ACTIVITY_TYPE_ID  # the server's settings.activityType default
    assert popup.activity_type_id() == default  # preselected
    await type_search(popup, "card")
    first = popup.chosen_work_item()
    popup.activity.setCurrentIndex(popup.activity.findData(TESTING))
    QTest.keyClick(popup.search, Qt.Key.Key_Down)  # same list, another work item
    assert popup.chosen_work_item() != first
    assert popup.activity_type_id() == default
    popup.activity.setCurrentIndex(popup.activity.findData(TESTING))
    QTest.keyClick(popup.search, Qt.Key.Key_Up)
    assert popup.chosen_work_item() == first and popup.activity_type_id() == default


async def test_start_with_nothing_chosen_says_what_to_do(popup: Popup) -> None:
    assert popup.model.grouped() == []  # nothing tracked yet: no recent items
    assert "Nothing tracked yet" in popup.empty.text()
    assert not await popup.start()
    assert popup.isVisible() and popup.error_label.isVisible()
    assert "Choose a work item" in popup.error_label.text()


# --- closing and errors -------------------------------------------------------------------


async def test_escape_closes(popup: Popup) -> None:
    assert popup.isVisible() and popup.search.hasFocus()
    await wait_signal(popup.closed, trigger=lambda: QTest.keyClick(popup.search, Qt.Key.Key_Escape))
    assert not popup.isVisible()


async def test_unreachable_server_shows_an_inline_error(
    popup: Popup, server: LiveServer, no_escaping_errors: list[BaseException]
) -> None:
    server.thread.stop()
    QTest.keyClicks(popup.search, "card")
    await wait_until(lambda: popup.error_label.isVisible(), what="the inline error")
    text = popup.error_label.text()
    assert text and "Traceback" not in text and "\n" not in text.strip()
    assert "reach" in text.lower() or "connect" in text.lower()
    await wait_until(lambda: not popup.is_busy, what="the busy indicator to go")
    assert not popup.busy.isVisible()
    assert not await popup.start()  # a start fails the same way: inline, popup stays open
    assert popup.isVisible() and popup.error_label.isVisible()
    assert no_escaping_errors == []


async def test_busy_indicator_while_a_call_runs(popup: Popup, server: LiveServer) -> None:
    await asyncio.to_thread(server.set_faults, latency=0.5)
    QTest.keyClicks(popup.search, "1201")
    await wait_until(lambda: popup.busy.isVisible(), what="the busy indicator")
    await wait_until(lambda: popup.model.query == "1201" and not popup.busy.isVisible())


# --- placement ----------------------------------------------------------------------------


def test_placement_next_to_the_tray_inside_the_screen() -> None:
    screen = QRect(0, 0, 1280, 800)
    top_panel = QRect(1240, 0, 24, 24)
    x, y = place_popup((400, 300), top_panel, screen)
    assert (x + 400, y) == (1280, 24 + 8)  # below the icon, pushed inside the right edge
    bottom_panel = QRect(600, 776, 24, 24)
    x, y = place_popup((400, 300), bottom_panel, screen)
    assert (x, y + 300) == (612 - 200, 776 - 8)  # centred above the icon
    x, y = place_popup((400, 300), None, screen)
    assert (x + 400, y + 300) == (1280 - 8, 800 - 8)  # no tray: bottom-right


async def test_show_at_places_the_window_on_the_screen(popup: Popup) -> None:
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert available.contains(popup.frameGeometry())
    corner = QPoint(available.right() - 8, available.bottom() - 8)
    assert popup.geometry().bottomRight().x() <= corner.x()
    tray = QRect(available.right() - 30, available.top(), 24, 24)
    popup.show_at(tray)
    assert available.contains(popup.frameGeometry())
    assert popup.y() >= tray.bottom()


async def test_typing_then_enter_at_once_starts_the_best_hit(
    popup: Popup, fresh: TrackingClient
) -> None:
    """Enter before the debounce fired: the pending search runs first, then the start."""
    QTest.keyClicks(popup.search, "#1349")
    assert popup.search_timer.isActive()
    await wait_signal(popup.closed, trigger=lambda: QTest.keyClick(popup.search, Qt.Key.Key_Return))
    track = (await fresh.current()).track
    assert track.is_tracking and track.tfs_id == 1349


async def test_tab_order_and_accessible_names(popup: Popup) -> None:
    expected = [
        popup.results,
        popup.remark,
        popup.activity,
        popup.billable,
        popup.start_button,
        popup.select_button,
    ]
    chain = []
    widget = popup.search
    for _ in expected:
        widget = widget.nextInFocusChain()
        while widget not in expected and widget is not popup.search:
            widget = widget.nextInFocusChain()
        chain.append(widget)
    assert chain == expected
    for control in [popup.search, *expected, popup.status, popup.error_label, popup.busy]:
        assert control.accessibleName(), control.objectName()


async def test_enter_on_the_result_list_starts_the_current_item(
    popup: Popup, fresh: TrackingClient
) -> None:
    await type_search(popup, "card")
    popup.results.setFocus()
    QTest.keyClick(popup.search, Qt.Key.Key_Down)  # second hit
    chosen = popup.chosen_work_item()
    assert chosen is not None
    await wait_signal(
        popup.closed, trigger=lambda: QTest.keyClick(popup.results, Qt.Key.Key_Return)
    )
    track = (await fresh.current()).track
    assert track.is_tracking and track.tfs_id == chosen.id
