"""The Today window (issue 15) over the real local server's work logs: each log painted where
the model puts it, the lanes, hover texts, ←/→ and the week strip change the day, Esc closes,
slipped time and work logs ask to be booked or edited, the table says the same as the
timeline, the running bar grows, tracking changes reload. Screenshots (light, dark, German)
go to test-artifacts/today-*.png."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPainter, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from app.api.client import TrackingClient
from app.api.models import (
    RestActivityTypeRef,
    RestWorkLog,
    RestWorkLogCreate,
    Track,
    TrackingState,
    TrackingStateKind,
)
from app.tracking.day import DayLog, Slipped, build_day, build_week, week_bounds
from app.tracking.presence import (
    AwayCause,
    CheckEvent,
    CheckOutcome,
    Presence,
    PresencePeriod,
)
from app.tracking.target import TrackTarget
from app.ui.bridge import TrackerBridge
from app.ui.today_window import TodayData, TodayWindow
from tests.ui.conftest import OTHER_ITEM, WORK_ITEM, wait_signal
from tests.ui.ui_checks import save_screenshot, speaking

TZ = UTC  # the local server's user zone until a track starts (machine offset, UTC here)
DAY = date(2026, 3, 10)  # a Tuesday
NOW = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


PRESENCE = [
    PresencePeriod(at(8, 45), at(12, 0), Presence.PRESENT),
    PresencePeriod(at(12, 0), at(12, 40), Presence.AWAY, AwayCause.IDLE),
    PresencePeriod(at(12, 40), at(15, 0), Presence.PRESENT),
]
CHECKS = [CheckEvent(at(10, 0), CheckOutcome.AUTOMATIC), CheckEvent(at(14, 0), CheckOutcome.USER)]


class ServerDays:
    """A loader over the real server: the week's work logs (REST), `current`, the titles of
    the work items (search), plus presence periods and checks given by the test."""

    def __init__(
        self,
        client: TrackingClient,
        now: datetime = NOW,
        presence: Sequence[PresencePeriod] = PRESENCE,
        checks: Sequence[CheckEvent] = CHECKS,
    ) -> None:
        self.client, self.now, self.presence, self.checks = client, now, presence, checks
        self.calls: list[date] = []
        self.running: TrackingState | None = None  # set to fake nothing: read from `current`

    async def __call__(self, day: date) -> TodayData:
        self.calls.append(day)
        start, end = week_bounds(day, TZ)
        logs = await self.client.work_logs(from_timestamp=start - timedelta(days=1),
                                           to_timestamp=end)  # fmt: skip
        current = self.running or await self.client.current()
        titles: dict[int, str] = {}
        for item in {log.work_item_id for log in logs if log.work_item_id is not None}:
            hits = (await self.client.search(item)).work_items
            if hits and hits[0].work_item.title:
                titles[item] = hits[0].work_item.title
        built = build_day(day, TZ, logs, current, self.presence, self.checks, [], self.now)
        week = build_week(day, TZ, logs, current, [], self.now)
        return TodayData(built, week, titles)


def sample_data() -> TodayData:
    """The seeded day without a server (for the i18n checks): the same logs as `seed`."""
    logs = [
        RestWorkLog(id="l1", timestamp=at(9, 0), length=5400, work_item_id=WORK_ITEM,
                    activity_type=RestActivityTypeRef(id="a-dev", name="Development")),
        RestWorkLog(id="l2", timestamp=at(10, 0), length=1800, work_item_id=OTHER_ITEM),
        RestWorkLog(id="l3", timestamp=at(13, 0), length=3600, comment="Planning"),
    ]  # fmt: skip
    day = build_day(DAY, TZ, logs, None, PRESENCE, CHECKS, [], NOW)
    titles = {WORK_ITEM: "Add card vault API client"}
    return TodayData(day, build_week(DAY, TZ, logs, None, [], NOW), titles)


async def seed(client: TrackingClient) -> None:
    """Three logs on DAY (two overlapping), one on the Thursday, one on the Monday before."""
    for start, minutes, item, comment in (
        (at(9, 0), 90, WORK_ITEM, None),
        (at(10, 0), 30, OTHER_ITEM, None),  # overlaps the first: a second lane
        (at(13, 0), 60, None, "Planning"),
        (at(9, 0, date(2026, 3, 12)), 240, WORK_ITEM, None),
        (at(11, 0, date(2026, 3, 9)), 45, OTHER_ITEM, None),
    ):
        await client.create_work_log(
            RestWorkLogCreate(
                timestamp=start, length=minutes * 60, work_item_id=item, comment=comment
            )
        )


@pytest.fixture
async def loader(client: TrackingClient) -> ServerDays:
    await seed(client)
    return ServerDays(client)


@pytest.fixture
async def window(loader: ServerDays) -> AsyncIterator[TodayWindow]:
    w = TodayWindow(loader, now=lambda: loader.now)
    w.show()
    await wait_signal(w.loaded, trigger=lambda: w.open_day(DAY))
    yield w
    w.close()
    w.deleteLater()


def log_with(window: TodayWindow, item: int | None) -> tuple[DayLog, QRectF]:
    return next((log, rect) for log, rect in window.timeline.log_rects()
                if log.work_item_id == item)  # fmt: skip


async def test_each_log_is_painted_where_its_times_are(window: TodayWindow) -> None:
    timeline = window.timeline
    assert timeline.day is not None and len(timeline.day.logs) == 3
    # Zoomed to the whole hours with data: presence 8:45-15:00 -> 08:00-15:00.
    assert timeline.visible_seconds() == (8 * 3600, 15 * 3600)
    plot = timeline.lanes().logs
    per_second = plot.width() / (7 * 3600)
    for log, rect in timeline.log_rects():
        local = log.start.astimezone(TZ)
        since_eight = (local.hour - 8) * 3600 + local.minute * 60
        assert rect.left() == pytest.approx(plot.left() + since_eight * per_second, abs=0.01)
        assert rect.width() == pytest.approx(log.seconds * per_second, abs=0.01)
    first, first_rect = log_with(window, WORK_ITEM)
    second, second_rect = log_with(window, OTHER_ITEM)
    assert (first.lane, second.lane) == (0, 1)
    assert second_rect.top() > first_rect.top()


async def test_the_lanes_hold_presence_checks_and_slipped_time(window: TodayWindow) -> None:
    timeline = window.timeline
    lanes = timeline.lanes()
    assert lanes.axis.bottom() <= lanes.logs.top() < lanes.presence.top() < lanes.checks.top()
    presence = timeline.presence_rects()
    assert [p.presence for p, _ in presence] == [Presence.PRESENT, Presence.AWAY, Presence.PRESENT]
    assert all(lanes.presence.contains(rect) for _, rect in presence)
    points = timeline.check_points()
    assert [c.outcome for c, _ in points] == [CheckOutcome.AUTOMATIC, CheckOutcome.USER]
    assert points[0][1].x() == pytest.approx(timeline.x_of(10 * 3600))
    # present 8:45-12:00 and 12:40-15:00, tracked 9:00-10:30 and 13:00-14:00
    slipped = [(s.start.time(), s.end.time()) for s, _ in timeline.slipped_rects()]
    assert [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in slipped] == [
        ("08:45", "09:00"), ("10:30", "12:00"), ("12:40", "13:00"), ("14:00", "15:00"),
    ]  # fmt: skip


async def test_hovering_a_log_shows_its_details(window: TodayWindow) -> None:
    _, rect = log_with(window, WORK_ITEM)
    centre = rect.center().toPoint()
    text = window.timeline.tooltip_at(QPointF(centre))
    assert text.splitlines()[0] == f"#{WORK_ITEM} Add card vault API client"
    assert "09:00" in text and "10:30" in text and "1 h 30 min" in text
    event = QHelpEvent(QEvent.Type.ToolTip, centre, window.timeline.mapToGlobal(centre))
    QApplication.sendEvent(window.timeline, event)
    assert QToolTip.text() == text
    QToolTip.hideText()
    empty = QPoint(2, int(window.timeline.lanes().axis.center().y()))
    assert window.timeline.tooltip_at(QPointF(empty)) == ""


async def test_arrow_keys_change_the_day_and_escape_closes(
    window: TodayWindow, loader: ServerDays
) -> None:
    window.prev_button.setFocus()
    await wait_signal(window.loaded, trigger=lambda: QTest.keyClick(window, Qt.Key.Key_Left))
    assert window.shown_date == DAY - timedelta(days=1) and loader.calls[-1] == window.shown_date
    assert [log.work_item_id for log in window.data.day.logs] == [OTHER_ITEM]  # type: ignore[union-attr]
    await wait_signal(window.loaded, trigger=lambda: QTest.keyClick(window.timeline,
                                                                    Qt.Key.Key_Right))  # fmt: skip
    assert window.shown_date == DAY
    await wait_signal(window.loaded, trigger=window.next_button.click)
    assert window.shown_date == DAY + timedelta(days=1)
    QTest.keyClick(window.timeline, Qt.Key.Key_Escape)
    assert not window.isVisible()


async def test_a_click_in_the_week_strip_shows_that_day(window: TodayWindow) -> None:
    strip = window.week_strip
    bars = strip.bar_rects()
    assert [d for d, _ in bars] == [date(2026, 3, 9) + timedelta(days=n) for n in range(7)]
    heights = {d: rect.height() for d, rect in bars}
    assert heights[date(2026, 3, 12)] > heights[DAY] > heights[date(2026, 3, 9)] > 0
    assert heights[date(2026, 3, 15)] == 0
    thursday = next(rect for d, rect in bars if d == date(2026, 3, 12))
    click = lambda: QTest.mouseClick(strip, Qt.MouseButton.LeftButton,  # noqa: E731
                                     pos=thursday.center().toPoint())  # fmt: skip
    await wait_signal(window.loaded, trigger=click)
    assert window.shown_date == date(2026, 3, 12)
    assert window.data is not None and window.data.day.total == 4 * 3600
    assert "4 h 00 min" in window.total_label.text()


async def test_selecting_slipped_time_or_a_log_asks_to_book_or_edit(window: TodayWindow) -> None:
    timeline = window.timeline
    slipped, rect = timeline.slipped_rects()[1]
    args = await wait_signal(window.book_requested, trigger=lambda: QTest.mouseClick(
        timeline, Qt.MouseButton.LeftButton, pos=rect.center().toPoint()))  # fmt: skip
    assert args[0] == slipped and isinstance(slipped, Slipped)
    log, log_rect = log_with(window, WORK_ITEM)
    args = await wait_signal(window.edit_requested, trigger=lambda: QTest.mouseClick(
        timeline, Qt.MouseButton.LeftButton, pos=log_rect.center().toPoint()))  # fmt: skip
    assert args[0] == log
    # by keyboard: Home selects the first part (slipped 8:45-9:00), Down the log after it
    timeline.setFocus()
    QTest.keyClick(timeline, Qt.Key.Key_Home)
    assert timeline.selected == timeline.day.slipped[0]  # type: ignore[union-attr]
    enter = lambda: QTest.keyClick(timeline, Qt.Key.Key_Return)  # noqa: E731
    args = await wait_signal(window.book_requested, trigger=enter)
    assert args[0] == timeline.day.slipped[0]  # type: ignore[union-attr]
    QTest.keyClick(timeline, Qt.Key.Key_Down)
    assert timeline.selected == log
    space = lambda: QTest.keyClick(timeline, Qt.Key.Key_Space)  # noqa: E731
    args = await wait_signal(window.edit_requested, trigger=space)
    assert args[0] == log


async def test_the_table_lists_the_same_rows(window: TodayWindow) -> None:
    QTest.keyClick(window.table_toggle, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.table and window.table.isVisible()
    model = window.table_model
    day = window.timeline.day
    assert day is not None
    rows = model.rows()
    parts = [row.part for row in rows]
    assert sorted(map(id, parts)) == sorted(
        map(id, [*day.logs, *day.slipped, *day.presence, *day.checks])
    )
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Kind", "From", "To", "Duration", "Details"]
    first_log = next(row for row in rows if row.kind == "Work log")
    assert (first_log.start, first_log.end, first_log.duration) == ("09:00", "10:30", "1 h 30 min")
    assert first_log.details.startswith(f"#{WORK_ITEM} Add card vault API client")
    # Enter on a slipped row asks to book it, as a click on the timeline does
    row = next(n for n, r in enumerate(rows) if isinstance(r.part, Slipped))
    window.table.setFocus()
    window.table.selectRow(row)
    enter = lambda: QTest.keyClick(window.table, Qt.Key.Key_Return)  # noqa: E731
    args = await wait_signal(window.book_requested, trigger=enter)
    assert args[0] == rows[row].part


async def test_the_running_log_grows_and_repaints_only_its_strip(
    window: TodayWindow, loader: ServerDays, client: TrackingClient
) -> None:
    logs = await client.work_logs()
    planning = next(log for log in logs if log.comment == "Planning")
    track = Track(work_log_id=planning.id, tracking_state=TrackingStateKind.TRACKING,
                  current_track_started_date_time=at(13, 0))  # fmt: skip
    loader.running = TrackingState(track=track)  # as `current` says while it runs
    loader.now = at(14, 30)
    await wait_signal(window.loaded, trigger=window.reload)
    running, before = next((log, r) for log, r in window.timeline.log_rects() if log.running)
    assert running.end == at(14, 30)
    assert window._live.isActive()
    painted: list[object] = []
    original = window.timeline.update

    def spy(*area: object) -> None:
        painted.append(area)
        original(*area)  # type: ignore[call-overload]

    window.timeline.update = spy  # type: ignore[method-assign]
    loader.now = at(14, 45)
    window.tick()
    after = next(r for log, r in window.timeline.log_rects() if log.running)
    assert after.left() == before.left()
    assert after.right() == pytest.approx(window.timeline.x_of(14.75 * 3600), abs=0.01)
    assert len(painted) == 1 and painted[0]  # one region, not the whole widget
    region = painted[0][0]  # type: ignore[index]
    assert region.width() < window.timeline.width() / 4
    assert "3 h 45 min" in window.total_label.text()  # 1:30 + 0:30 + 1:45


async def test_tracking_changes_reload_the_window(
    loader: ServerDays, bridge: TrackerBridge
) -> None:
    window = TodayWindow(loader, now=lambda: loader.now)
    window.attach(bridge.stateChanged)
    window.show()
    try:
        await wait_signal(window.loaded, trigger=lambda: window.open_day(DAY))
        bridge.stateChanged.emit(bridge.state)  # the first state seen: nothing to reload
        calls = len(loader.calls)
        start = lambda: bridge.run(bridge.start(TrackTarget(work_item_id=WORK_ITEM)))  # noqa: E731
        await wait_signal(window.loaded, timeout=15, trigger=start)
        assert len(loader.calls) == calls + 1
    finally:
        window.close()
        window.deleteLater()


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"), (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.Button, "#2d2e31"), (QPalette.ColorRole.ButtonText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"), (QPalette.ColorRole.Mid, "#5f6368"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
    ):  # fmt: skip
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def restore_palette() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    yield
    app.setPalette(before)


async def test_screenshots_light_dark_and_german(
    window: TodayWindow, loader: ServerDays, restore_palette: None
) -> None:
    light = save_screenshot(window, "today-light.png")
    base_light = window.timeline.grab().toImage().pixelColor(3, 3)
    QApplication.instance().setPalette(dark_palette())  # type: ignore[union-attr]
    QApplication.processEvents()
    dark = save_screenshot(window, "today-dark.png")
    base_dark = window.timeline.grab().toImage().pixelColor(3, 3)
    assert base_light.lightness() > 128 > base_dark.lightness()
    with speaking("de"):
        german = TodayWindow(loader, now=lambda: loader.now)
        german.show()
        try:
            await wait_signal(german.loaded, trigger=lambda: german.open_day(DAY))
            assert german.table_toggle.text() == "Als Tabelle zeigen"
            save_screenshot(german, "today-de.png")
        finally:
            german.close()
            german.deleteLater()
    assert light.is_file() and dark.is_file()


async def test_painting_is_sharp_at_twice_the_pixel_ratio(window: TodayWindow) -> None:
    """Rendered at device pixel ratio 2 the bar's edge falls on the doubled pixel: painting
    scales (no 1x pixmap stretched)."""
    timeline = window.timeline
    image = QImage(timeline.size() * 2, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2)
    image.fill(0)
    painter = QPainter(image)
    timeline.render(painter, QPoint(0, 0))
    painter.end()
    _, rect = log_with(window, WORK_ITEM)
    y = int(rect.center().y() * 2)
    left = rect.left() * 2
    inside = image.pixelColor(int(left) + 3, y)
    outside = image.pixelColor(int(left) - 3, y)
    assert inside != outside
