"""The SignalR hub at /signalr/trackingHub/v3.2: ASP.NET Core SignalR (JSON hub protocol over
WebSockets) and classic ASP.NET SignalR 2.x on the same path, both calling the tracking calls
REST serves (`tracking_calls.CALLS`, plus `ping`) and pushing `trackingStateChanged` with what
`current` answers on every change of the engine (tracking-api.md §5).

Modules: `access` (tokens from the header or `access_token`), `registry` (connections,
negotiations, limits, fan-out), `dispatch` (method table, errors as "<ErrorCode>: <message>"),
`session` (one WebSocket: reader, writer, keep-alive, close), `core` and `classic` (the two
protocols), `links` (classic connections across reconnects), `service` (the hub of one app),
`routes` (paths, and their OpenAPI entries).
"""
