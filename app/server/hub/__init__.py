"""The SignalR hub at /signalr/trackingHub/v3.2: ASP.NET Core SignalR (JSON hub protocol over
WebSockets) and classic ASP.NET SignalR 2.x on the same path, both calling the tracking calls
REST serves and pushing `trackingStateChanged` on every change of the engine."""
