"""The portal's own HTTP routes beside Reflex's, and the ASGI wrapper for every response.

`api_transformers()` is given to `rx.App(api_transformer=...)`:
- a Starlette app with the routes below, with Reflex mounted under it;
- `SecurityHeaders`, around everything (Reflex's pages, its websocket and these routes).

Routes:
- POST routes.SESSION_START (ticket, next): exchange a one-time login ticket for the
  HttpOnly session cookie, then 303 to `next` (a local path) or マイページ初期画面; also
  the long-lived device cookie (mypage.accounts.known_devices: a browser new to the
  account mails its owner after the answer).
- POST routes.SESSION_END: revoke the session, clear the cookie, 303 to the login page.
- GET routes.CAPTCHA_AUDIO/<challenge id>: 音声で聞く, the CAPTCHA's digits as WAV while it is open.
- GET routes.INVOICE_PDF/<id>, routes.STATEMENT_CSV/<id>: a statement's PDF or CSV for
  its owner only (mypage.web.downloads).

Both accept only posts whose Origin is the portal's own, so another site can neither
log a subscriber out nor log them into someone else's account.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mypage import audit, db, mail, netaddr, routes
from mypage.accounts import captcha, known_devices, sessions
from mypage.settings import get_settings
from mypage.web import downloads, headers
from mypage.web.requestid import RequestId


def request_ip(request: Request) -> str:
    """The client address of an HTTP request (proxies from settings only)."""
    peer = request.client.host if request.client else ""
    return netaddr.client_ip(peer, request.headers.get("x-forwarded-for", ""))


def account_of(request: Request) -> int | None:
    """The logged-in account's id from a request's session cookie, or None (for download routes)."""
    token = sessions.token_from_cookie_header(request.headers.get("cookie", ""))
    if not token:
        return None
    with db.session() as s:
        row = sessions.resolve(s, token)
        return row.account_id if row is not None else None


def _same_origin(request: Request) -> bool:
    return request.headers.get("origin", "").rstrip("/") == get_settings().origin


def _set_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        sessions.cookie_name(settings),
        token,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.is_https,
        # No Max-Age: the cookie ends with the browser; the server's timeouts end it sooner.
    )


def _set_device_cookie(response: Response, device: str) -> None:
    settings = get_settings()
    response.set_cookie(
        known_devices.cookie_name(settings),
        device,
        max_age=known_devices.MAX_AGE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.is_https,
    )


def _clear_cookie(response: Response) -> None:
    settings = get_settings()
    response.delete_cookie(
        sessions.cookie_name(settings), path="/", httponly=True, samesite="strict", secure=settings.is_https
    )


async def session_start(request: Request) -> Response:
    """Exchange a login ticket for the session cookie."""
    if not _same_origin(request):
        return PlainTextResponse("forbidden", status_code=403)
    form = await request.form()
    ticket, next_path = str(form.get("ticket", "")), str(form.get("next", ""))
    old_token = sessions.token_from_cookie_header(request.headers.get("cookie", ""))
    ip = request_ip(request)
    with db.session() as s:
        account_id = sessions.redeem_ticket(s, ticket)
        if account_id is None:
            return RedirectResponse(routes.LOGIN, status_code=303)
        # A new token at every login: whatever session this browser had ends now.
        sessions.revoke(s, old_token)
        user_agent = request.headers.get("user-agent", "")
        token = sessions.start(s, account_id, ip=ip, user_agent=user_agent)
        # Audits session_start; a browser new to the account gets the owner a mail, sent after the answer.
        device = known_devices.device_from_cookie_header(request.headers.get("cookie", ""))
        started = known_devices.signed_in(s, account_id, device, ip=ip, user_agent=user_agent)
    response = RedirectResponse(
        sessions.safe_next(next_path),
        status_code=303,
        background=BackgroundTask(mail.deliver_all, started.mails) if started.mails else None,
    )
    _set_cookie(response, token)
    _set_device_cookie(response, started.device)
    return response


async def session_end(request: Request) -> Response:
    """Log out: revoke the session row and clear the cookie."""
    if not _same_origin(request):
        return PlainTextResponse("forbidden", status_code=403)
    token = sessions.token_from_cookie_header(request.headers.get("cookie", ""))
    with db.session() as s:
        account_id = sessions.revoke(s, token)
        if account_id is not None:
            audit.record(s, "logout", account_id=account_id, ip=request_ip(request))
    response = RedirectResponse(f"{routes.LOGIN}?{urlencode({'logout': '1'})}", status_code=303)
    _clear_cookie(response)
    return response


def captcha_audio(request: Request) -> Response:
    """音声で聞く: an open CAPTCHA challenge's digits as WAV (sync: Starlette runs it in a worker thread)."""
    with db.session() as s:
        sound = captcha.audio(s, request.path_params["challenge_id"])
    if sound is None:
        return PlainTextResponse("not found", status_code=404)
    return Response(sound, media_type="audio/wav", headers={"Cache-Control": "no-store"})


ROUTES = [
    Route(routes.SESSION_START, session_start, methods=["POST"]),
    Route(routes.SESSION_END, session_end, methods=["POST"]),
    Route(f"{routes.CAPTCHA_AUDIO}/{{challenge_id}}", captcha_audio, methods=["GET"]),
    # GET routes.INVOICE_PDF/<id> and routes.STATEMENT_CSV/<id>: the owner's files, 404 for anyone else.
    *downloads.download_routes(downloads.session_account_id),
]


class SecurityHeaders:
    """ASGI middleware: security headers on every HTTP response; foreign websocket origins refused."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] == "websocket":
            origin = dict(scope.get("headers") or []).get(b"origin", b"").decode("latin-1")
            if not headers.origin_allowed(origin):
                # Closing before accepting makes the server answer the handshake with 403.
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in headers.security_headers(scope.get("path", "/"))
        ]
        names = {k for k, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def api_transformers() -> list:
    """What mypage.py gives to rx.App(api_transformer=...): routes first, then the wrappers."""
    return [Starlette(routes=ROUTES), SecurityHeaders, RequestId]
