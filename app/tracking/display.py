"""How a work item and a track read to people: one home for the tray, the popup, the prompts
and the command line (both front ends sit above this module; it is Qt-free).

The texts differ only in what a place has room for and what it says when there is no work
item; the `#1349 Title` core is `work_item_label` everywhere.
"""

from __future__ import annotations

from app.api.models import Track, WorkItem
from app.texts import QT_TRANSLATE_NOOP

# The UI passes these translated (app/ui/i18n.py `translate`); the CLI uses them as they are.
NO_WORK_ITEM = QT_TRANSLATE_NOOP("messages", "(no work item)")
NO_TITLE = QT_TRANSLATE_NOOP("messages", "(no title)")


def work_item_label(item: WorkItem) -> str:
    """`#1349 Fix login timeout`, or `#1349` for an item without a title."""
    return f"#{item.id} {item.title}" if item.title else f"#{item.id}"


def work_item_row(item: WorkItem, no_title: str = NO_TITLE) -> str:
    """A search result or the popup's status: `Task #1201  Add card vault API client  ·  Webshop`
    (type and project where known, so equal titles in two projects can be told apart)."""
    kind = f"{item.type} " if item.type else ""
    title = item.title or no_title
    project = f"  ·  {item.team_project}" if item.team_project else ""
    return f"{kind}#{item.id}  {title}{project}"


def quoted(remark: str) -> str:
    return f"“{remark}”"


def work_item_text(
    item: WorkItem | None, remark: str | None = None, no_work_item: str = NO_WORK_ITEM
) -> str:
    """Tray menu, tooltip and adjust dialog: the label, else the bare remark, else
    `(no work item)`."""
    if item is None:
        return remark or no_work_item
    return work_item_label(item)


def describe_work(item: WorkItem | None, remark: str | None) -> str:
    """Inside a prompt's sentence (`Are you still working on …?`): the label, else the quoted
    remark, else a neutral phrase."""
    if item is not None:
        return work_item_label(item)
    if remark:
        return quoted(remark)
    return "the running track"


def track_subject(track: Track) -> str:
    """What a track is about, as far as it says (the command line): label or bare `#id`, then
    the quoted remark."""
    parts: list[str] = []
    if track.work_item is not None:
        parts.append(work_item_label(track.work_item))
    elif track.tfs_id is not None:
        parts.append(f"#{track.tfs_id}")
    if track.remark:
        parts.append(quoted(track.remark))
    return " ".join(parts) if parts else "(no work item, no remark)"
