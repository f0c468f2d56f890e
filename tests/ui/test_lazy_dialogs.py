"""The popup, the prompts and the fallback window are built when first needed, not when the
tray starts (controller.py); the first question still reaches the user, and later ones reach
the prompts directly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.tracking.events import ActivityCheckPrompt
from app.ui.bridge import TrackerBridge
from app.ui.controller import Controller
from tests.support.wait import wait_until


@pytest.fixture
async def controller(bridge: TrackerBridge) -> AsyncIterator[Controller]:
    c = Controller(bridge, local_mode=True, tray_wait=600, hotkeys=False)
    c.start()
    yield c
    await c.close()
    c.deleteLater()


async def test_nothing_is_built_at_start_and_the_first_question_builds_the_prompts(
    controller: Controller, bridge: TrackerBridge
) -> None:
    assert controller.popup is None
    assert controller.prompts is None
    assert controller.fallback is None
    assert controller.settings_dialog is None and controller.adjust_dialog is None

    bridge.activityCheckPrompt.emit(ActivityCheckPrompt(60, None, "first question"))
    prompts = controller.prompts
    assert prompts is not None
    assert prompts.check.isVisible()
    assert "first question" in prompts.check.question.text()
    # the next question goes to the prompts themselves (the controller stepped aside)
    bridge.activityCheckPrompt.emit(ActivityCheckPrompt(60, None, "second question"))
    assert controller.prompts is prompts
    assert "second question" in prompts.check.question.text()
    prompts.check.hide()


async def test_the_fallback_window_is_built_when_no_tray_came(controller: Controller) -> None:
    assert controller.fallback is None
    controller.watcher.unavailable.emit()  # what the watcher says after its wait
    window = await wait_until(lambda: controller.fallback, what="the fallback window")
    assert window.isVisible()


async def test_the_first_click_builds_the_popup_in_steps_and_shows_it(
    controller: Controller,
) -> None:
    controller.tray.popupRequested.emit()  # a left click
    assert controller.popup is None  # the module now, the window on a later turn of the loop
    controller.tray.popupRequested.emit()  # clicked again meanwhile: still one popup
    popup = await wait_until(lambda: controller.popup, what="the popup")
    await wait_until(popup.isVisible, what="the popup shown")
    assert controller.popup is popup
    popup.hide()


async def test_a_first_open_due_after_quit_builds_nothing(bridge: TrackerBridge) -> None:
    c = Controller(bridge, local_mode=True, tray_wait=600, hotkeys=False)
    c.start()
    c.open_popup()
    await c.close()
    await asyncio.sleep(0.05)  # the deferred steps' turn of the loop (1 ms timers) has passed
    assert c.popup is None
    c.deleteLater()
