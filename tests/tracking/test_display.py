"""The people-facing texts for work items and tracks: one home below both front ends."""

from __future__ import annotations

from app.api.models import Track, WorkItem
from app.tracking.display import (
    describe_work,
    track_subject,
    work_item_label,
    work_item_row,
    work_item_text,
)

ITEM = WorkItem(id=1349, title="Fix login timeout", type="Task", team_project="Webshop")
BARE = WorkItem(id=7)


def test_label_with_and_without_title() -> None:
    assert work_item_label(ITEM) == "#1349 Fix login timeout"
    assert work_item_label(BARE) == "#7"


def test_row_carries_type_and_project() -> None:
    assert work_item_row(ITEM) == "Task #1349  Fix login timeout  ·  Webshop"
    assert work_item_row(BARE) == "#7  (no title)"


def test_each_place_says_its_own_thing_without_a_work_item() -> None:
    assert work_item_text(ITEM, "ignored") == "#1349 Fix login timeout"
    assert work_item_text(None, "planning") == "planning"
    assert work_item_text(None) == "(no work item)"
    assert describe_work(None, "planning") == "“planning”"
    assert describe_work(None, None) == "the running track"
    assert track_subject(Track(work_item=ITEM, remark="r")) == "#1349 Fix login timeout “r”"
    assert track_subject(Track(tfs_id=12)) == "#12"
    assert track_subject(Track()) == "(no work item, no remark)"
