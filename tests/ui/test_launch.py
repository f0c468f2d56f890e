"""The launch step (app/ui/launch.py): the icon first, the slow imports in a worker thread
while the GUI thread keeps handling events, a click in that time remembered."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.cli import COMMAND_MODULES, TRAY_MODULE, modules_for
from app.ui.launch import (
    STARTING_TEXT,
    LaunchTray,
    import_all,
    lighter_import_hook,
    pump_while,
)


def test_the_gui_thread_handles_events_while_the_work_runs(_ui_app: QApplication) -> None:
    fired = threading.Event()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(fired.set)  # runs on the GUI thread, only if it handles events
    timer.start(20)

    def work() -> str:
        # Finishes only once the GUI thread has handled the timer: a pump that did not
        # handle events would leave this waiting until the deadline.
        if not fired.wait(10):
            raise TimeoutError("the GUI thread handled no events while the work ran")
        return "done"

    assert pump_while(_ui_app, work) == "done"


def test_what_the_work_raises_reaches_the_caller(_ui_app: QApplication) -> None:
    def work() -> None:
        raise ValueError("bad settings file")

    with pytest.raises(ValueError, match="bad settings file"):
        pump_while(_ui_app, work)


def test_failed_imports_are_named_and_the_rest_still_load() -> None:
    sys.modules.pop("colorsys", None)
    failed = import_all(["app.no_such_module", "json.tool"])
    assert failed == ["app.no_such_module"]
    assert "json.tool" in sys.modules


def test_the_lighter_import_hook_keeps_no_module_source(_ui_app) -> None:
    import linecache

    lighter_import_hook()
    linecache.clearcache()
    sys.modules.pop("colorsys", None)
    __import__("colorsys")  # an import after PySide6: its hook reads the source
    assert "colorsys" in sys.modules
    assert not [f for f in linecache.cache if f.endswith("colorsys.py")]


def test_the_launch_icon_says_it_is_starting_and_remembers_a_click(_ui_app) -> None:
    launch = LaunchTray()
    try:
        assert launch.icon.toolTip() == STARTING_TEXT
        assert not launch.icon.icon().isNull()
        assert not launch.popup_wanted
        launch.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)
        assert not launch.popup_wanted  # the menu click is not a popup request
        launch.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
        assert launch.popup_wanted
        icon = launch.hand_over()
        launch.popup_wanted = False
        icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
        assert not launch.popup_wanted  # handed over: clicks are the new owner's now
    finally:
        launch.icon.hide()


@pytest.mark.parametrize(
    ("argv", "light"),
    [
        ([], True),
        (["-v"], True),
        (["tray", "--local"], True),
        (["-v", "tray", "--server", "http://127.0.0.1:1"], True),
        (["--help"], False),
        (["status"], False),
        (["serve", "--port", "0"], False),
    ],
)
def test_only_the_tray_command_is_registered_when_the_tray_runs(argv, light) -> None:
    expected = (TRAY_MODULE,) if light else COMMAND_MODULES
    assert modules_for(argv) == expected
