"""The session routes and the security headers, through Starlette's test client (no browser)."""

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from mypage import db, routes
from mypage.accounts import sessions
from mypage.models import UserSession
from mypage.security import hash_token
from mypage.web import http
from tests.core.factories import make_account

ORIGIN = "http://localhost:3000"


@pytest.fixture
def client(database_url, monkeypatch):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))

    async def page(request):
        return PlainTextResponse("page")

    async def socket(websocket: WebSocket):
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    inner = Starlette(routes=[WebSocketRoute("/_event", socket), Route("/{path:path}", page)])
    outer = Starlette(routes=http.ROUTES)
    outer.mount("", inner)
    return TestClient(http.SecurityHeaders(outer), base_url=ORIGIN, follow_redirects=False)


def test_ticket_becomes_an_httponly_strict_cookie(client, dbs):
    account = make_account(dbs)
    ticket = sessions.issue_ticket(dbs, account.id)
    dbs.commit()
    response = client.post(routes.SESSION_START, data={"ticket": ticket, "next": "/bills"}, headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["location"] == "/bills"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("mypage_session=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # http in tests; under https it is Secure and __Host-
    token = cookie.split(";")[0].split("=", 1)[1]
    assert sessions.resolve(dbs, token).account_id == account.id
    # The ticket is spent.
    again = client.post(routes.SESSION_START, data={"ticket": ticket}, headers={"Origin": ORIGIN})
    assert again.headers["location"] == routes.LOGIN and "set-cookie" not in again.headers


def test_session_start_refuses_other_origins_and_outside_next(client, dbs):
    account = make_account(dbs)
    ticket = sessions.issue_ticket(dbs, account.id)
    dbs.commit()
    for headers in ({"Origin": "https://evil.example"}, {}):
        assert client.post(routes.SESSION_START, data={"ticket": ticket}, headers=headers).status_code == 403
    response = client.post(
        routes.SESSION_START, data={"ticket": ticket, "next": "//evil.example/x"}, headers={"Origin": ORIGIN}
    )
    assert response.headers["location"] == routes.HOME
    assert "set-cookie" not in client.get(routes.SESSION_START).headers  # only a POST starts a session


def test_new_login_revokes_the_old_session(client, dbs):
    account = make_account(dbs)
    old = sessions.start(dbs, account.id)
    ticket = sessions.issue_ticket(dbs, account.id)
    dbs.commit()
    client.post(
        routes.SESSION_START, data={"ticket": ticket}, headers={"Origin": ORIGIN, "Cookie": f"mypage_session={old}"}
    )
    dbs.expire_all()
    assert sessions.resolve(dbs, old) is None


def test_logout_revokes_and_clears(client, dbs):
    account = make_account(dbs)
    token = sessions.start(dbs, account.id)
    dbs.commit()
    cookie = {"Cookie": f"mypage_session={token}"}
    assert client.post(routes.SESSION_END, headers={**cookie, "Origin": "https://evil.example"}).status_code == 403
    response = client.post(routes.SESSION_END, headers={**cookie, "Origin": ORIGIN})
    assert response.status_code == 303 and response.headers["location"].startswith(routes.LOGIN)
    assert 'mypage_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    dbs.expire_all()
    row = dbs.get(UserSession, 1)
    assert row.token_hash == hash_token(token) and row.revoked_at is not None


def test_security_headers_everywhere_and_no_store_on_member_pages(client):
    public = client.get("/faq")
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"):
        assert name in public.headers
    csp = public.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "connect-src 'self' ws://localhost:3000" in csp
    assert public.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in public.headers.get("cache-control", "")
    assert "strict-transport-security" not in public.headers  # only under https
    for path in (routes.HOME, routes.BILLS + "/", routes.RESET_PASSWORD, routes.SESSION_END):
        response = client.get(path)
        assert response.headers["cache-control"] == "no-store", path


def test_websocket_from_another_origin_is_refused(client):
    with client.websocket_connect("/_event", headers={"Origin": ORIGIN}) as ws:
        assert ws.receive_text() == "hello"
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/_event", headers={"Origin": "https://evil.example"}),
    ):
        pass


def test_account_of_reads_the_cookie(database_url, monkeypatch, dbs):
    from starlette.requests import Request

    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    account = make_account(dbs)
    token = sessions.start(dbs, account.id)
    dbs.commit()

    def request(cookie: str) -> Request:
        return Request({"type": "http", "headers": [(b"cookie", cookie.encode())]})

    assert http.account_of(request(f"mypage_session={token}")) == account.id
    assert http.account_of(request("mypage_session=forged")) is None
    assert http.account_of(request("")) is None
