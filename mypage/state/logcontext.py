"""Each websocket event's log lines carry an id of their own and the tab's session (mypage.logs).

Reflex runs every event in a task of its own, so what preprocess binds holds for that event's
handler, the worker threads it starts (`asyncio.to_thread` copies the context) and nothing else.
`session` is a hash prefix of Reflex's per-tab client token, never the token itself.
"""

from __future__ import annotations

from reflex.middleware import Middleware

from mypage import logs


class EventLogContext(Middleware):
    """Before each event: a new request id, and the tab's session, for the log lines it causes."""

    async def preprocess(self, app, state, event):  # noqa: D102 (Middleware's interface)
        # The raw router data, not state.router: that builds a RouterData at every access
        # (measured: most of this middleware's time under bench_load).
        token = event.router_data.get("token") or state.router_data.get("token")
        logs.bind(request_id=logs.new_id(), session=logs.short_hash(token) if token else None)
        return None
