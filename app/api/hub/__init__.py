"""The tracking hub (SignalR, ASP.NET Core or classic 2.x) as one client: see `client.py`."""

from app.api.errors import HubNotConnected, HubUnavailable
from app.api.hub.client import HubClient, HubListener

__all__ = ["HubClient", "HubListener", "HubNotConnected", "HubUnavailable"]
