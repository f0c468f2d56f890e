"""The demo organisation the local server serves: a user, the stock activity types (§3) and
~40 work items in three team projects, so search and starting by id work out of the box."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.api.models import NOT_SET_ACTIVITY_ID, ActivityType, WorkItem

ORGANIZATION_URL = "https://dev.azure.com/contoso"
APPLICATION_VERSION = "pacetray-local-server 0.1"


@dataclass(frozen=True)
class DemoUser:
    id: str
    name: str
    unique_name: str


ME = DemoUser("6f1c2a8e-3d4b-4c5a-9e7f-1a2b3c4d5e6f", "Dana Reyes", "dana.reyes@contoso.com")

# Stock activity types of 7pace's sample data; ids fixed so they survive restarts.
ACTIVITY_TYPES: tuple[ActivityType, ...] = (
    ActivityType(id=NOT_SET_ACTIVITY_ID, name="[Not Set]", color="A0A0A0", is_not_set=True),
    ActivityType(id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a01", name="Deployment", color="E67E22"),
    ActivityType(id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a02", name="Design", color="9B59B6"),
    ActivityType(
        id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a03",
        name="Development",
        color="3498DB",
        is_default=True,
    ),
    ActivityType(id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a04", name="Documentation", color="95A5A6"),
    ActivityType(id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a05", name="Planning", color="F1C40F"),
    ActivityType(id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a06", name="Requirements", color="1ABC9C"),
    ActivityType(id="5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a07", name="Testing", color="2ECC71"),
)
DEFAULT_ACTIVITY_TYPE_ID = "5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a03"

TYPE_COLORS = {
    "Epic": "FF7B00",
    "Feature": "773B93",
    "User Story": "009CCC",
    "Task": "F2CB1D",
    "Bug": "CC293D",
}


@dataclass(frozen=True)
class DemoWorkItem:
    id: int
    type: str
    title: str
    team_project: str
    parent: int | None
    assigned_to: str
    effort: float | None = None

    @property
    def color(self) -> str:
        return TYPE_COLORS[self.type]

    @property
    def link(self) -> str:
        return (
            f"{ORGANIZATION_URL}/{self.team_project.replace(' ', '%20')}/_workitems/edit/{self.id}"
        )

    @property
    def team_seconds(self) -> int:
        """Time colleagues tracked before the server started (deterministic, for totals)."""
        return 0 if self.type in ("Epic", "Feature") else (self.id * 7919) % 36000


_DANA, _SAM, _LENA, _PRIYA = ME.name, "Sam Okafor", "Lena Fischer", "Priya Nair"
_W, _M, _P = "Webshop", "Mobile App", "Platform"

WORK_ITEMS: tuple[DemoWorkItem, ...] = (
    DemoWorkItem(1001, "Epic", "Checkout 2.0", _W, None, _SAM),
    DemoWorkItem(1010, "Feature", "One-page checkout", _W, 1001, _SAM),
    DemoWorkItem(
        1101, "User Story", "As a shopper I can pay with a saved card", _W, 1010, _DANA, 5
    ),
    DemoWorkItem(1201, "Task", "Add card vault API client", _W, 1101, _DANA, 6),
    DemoWorkItem(1202, "Task", "Card picker component", _W, 1101, _LENA, 4),
    DemoWorkItem(1102, "User Story", "Shipping costs are shown before paying", _W, 1010, _LENA, 3),
    DemoWorkItem(1203, "Task", "Shipping rate lookup endpoint", _W, 1102, _DANA, 5),
    DemoWorkItem(1301, "Bug", "Coupon code ignored after address change", _W, 1010, _DANA),
    DemoWorkItem(1349, "Bug", "Fix login timeout on slow networks", _W, 1010, _LENA),
    DemoWorkItem(1011, "Feature", "Guest checkout", _W, 1001, _SAM),
    DemoWorkItem(
        1103, "User Story", "As a guest I can check out without an account", _W, 1011, _SAM, 8
    ),
    DemoWorkItem(1204, "Task", "Email-only order confirmation", _W, 1103, _DANA, 3),
    DemoWorkItem(1213, "Task", "Update privacy policy links in checkout", _W, 1011, _PRIYA, 1),
    DemoWorkItem(1302, "Bug", "Guest orders missing from the sales report", _W, 1011, _PRIYA),
    DemoWorkItem(1002, "Epic", "Search relevance", _W, None, _LENA),
    DemoWorkItem(1012, "Feature", "Synonym support", _W, 1002, _LENA),
    DemoWorkItem(
        1104, "User Story", "Search finds sneakers when I type trainers", _W, 1012, _LENA, 5
    ),
    DemoWorkItem(1205, "Task", "Import the synonym list", _W, 1104, _DANA, 2),
    DemoWorkItem(1303, "Bug", "Search answers 500 for queries with emoji", _W, 1012, _DANA),
    DemoWorkItem(1003, "Epic", "Offline mode", _M, None, _PRIYA),
    DemoWorkItem(1013, "Feature", "Offline basket", _M, 1003, _PRIYA),
    DemoWorkItem(1105, "User Story", "Add items to my basket while offline", _M, 1013, _PRIYA, 8),
    DemoWorkItem(1206, "Task", "Local basket store in SQLite", _M, 1105, _DANA, 5),
    DemoWorkItem(1207, "Task", "Resolve sync conflicts: last write wins", _M, 1105, _SAM, 3),
    DemoWorkItem(1304, "Bug", "Basket badge shows a stale count after sync", _M, 1013, _DANA),
    DemoWorkItem(1308, "Bug", "Dark mode: price labels unreadable", _M, 1013, _LENA),
    DemoWorkItem(1014, "Feature", "Push notifications", _M, 1003, _SAM),
    DemoWorkItem(1106, "User Story", "Notify me when an item is back in stock", _M, 1014, _SAM, 5),
    DemoWorkItem(1208, "Task", "Renew the APNs certificate", _M, 1106, _PRIYA, 1),
    DemoWorkItem(1305, "Bug", "Android: notification opens the wrong screen", _M, 1014, _DANA),
    DemoWorkItem(1004, "Epic", "Platform reliability", _P, None, _DANA),
    DemoWorkItem(1015, "Feature", "Zero-downtime deploys", _P, 1004, _DANA),
    DemoWorkItem(1107, "User Story", "Blue/green deployment for the API", _P, 1015, _DANA, 8),
    DemoWorkItem(1209, "Task", "Health check endpoint for the load balancer", _P, 1107, _DANA, 2),
    DemoWorkItem(1210, "Task", "Database migration dry-run in CI", _P, 1107, _SAM, 3),
    DemoWorkItem(1306, "Bug", "Deploy pipeline times out on large migrations", _P, 1015, _SAM),
    DemoWorkItem(1016, "Feature", "Observability", _P, 1004, _LENA),
    DemoWorkItem(1108, "User Story", "Trace ids in every log line", _P, 1016, _LENA, 5),
    DemoWorkItem(1211, "Task", "Propagate trace headers through the queue", _P, 1108, _DANA, 3),
    DemoWorkItem(1212, "Task", "Dashboards for checkout latency", _P, 1016, _PRIYA, 2),
    DemoWorkItem(1307, "Bug", "Memory leak in the image resizer", _P, 1016, _DANA),
)


class DemoOrg:
    """Read-only lookups over the demo (or an empty) organisation."""

    def __init__(self, with_work_items: bool = True) -> None:
        items = WORK_ITEMS if with_work_items else ()
        self.user = ME
        self.work_items: dict[int, DemoWorkItem] = {item.id: item for item in items}
        self.activity_types: dict[str, ActivityType] = {a.id: a for a in ACTIVITY_TYPES}
        self.default_activity_type_id = DEFAULT_ACTIVITY_TYPE_ID

    def activity_type_by_name(self, name: str) -> ActivityType | None:
        wanted = name.strip().lower()
        for activity in self.activity_types.values():
            if activity.name.lower() == wanted:
                return activity
        return None

    def work_item(self, item_id: int) -> WorkItem | None:
        item = self.work_items.get(item_id)
        if item is None:
            return None
        return WorkItem(
            id=item.id,
            title=item.title,
            color=item.color,
            team_project=item.team_project,
            type=item.type,
            work_item_link=item.link,
            effort=item.effort,
            parent=self._parent(item),
        )

    def _parent(self, item: DemoWorkItem) -> dict[str, Any] | None:
        parent = self.work_items.get(item.parent) if item.parent is not None else None
        if parent is None:
            return None
        return {"id": parent.id, "title": parent.title, "type": parent.type}
