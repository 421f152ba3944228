"""Each HTTP request's id in the log lines logged while it is answered (mypage.logs).

The id is nginx's (`X-Request-ID: $request_id`, deploy/nginx/mypage.conf, also in its access
log) when it looks like one, else a new one; the response carries it back as X-Request-ID.
A request with the session cookie also carries `session`, a hash prefix of the cookie's token.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mypage import logs
from mypage.accounts import sessions


class RequestId:
    """ASGI middleware: tag the request's log lines with its id (and session), and answer with the id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = logs.request_id_from(headers.get(b"x-request-id", b"").decode("latin-1"))
        token = sessions.token_from_cookie_header(headers.get(b"cookie", b"").decode("latin-1"))
        session = logs.short_hash(token) if token else None

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*kept, (b"x-request-id", request_id.encode("latin-1"))]}
            await send(message)

        with logs.bound(request_id=request_id, session=session):
            await self.app(scope, receive, send_with_id)
