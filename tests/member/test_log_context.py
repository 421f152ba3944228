"""Log lines carry the request id (HTTP) or the event's id and the tab's session (websocket), never a secret."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging

import pytest
from reflex.event import Event
from reflex.istate.data import RouterData
from reflex.state import State
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import mypage.mypage
from mypage import db, logs
from mypage.accounts import sessions
from mypage.settings import load
from mypage.state.logcontext import EventLogContext
from mypage.state.login import LoginState
from mypage.web.http import api_transformers
from mypage.web.requestid import RequestId
from tests.core.factories import make_account

CLIENT_TOKEN = "4f1c2d7e-0b8a-4c55-9e1f-reflex-client-token"


@pytest.fixture
def json_lines(capsys):
    """Logging as JSON to stderr for one test (from its first call); the JSON lines logged so far."""

    def lines() -> list[dict]:
        if not configured:
            logs.configure(load({"MYPAGE_LOG_FORMAT": "json"}))  # in the test, where capsys holds stderr
            configured.append(True)
        return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]

    configured: list[bool] = []
    yield lines
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == "mypage":
            root.removeHandler(handler)


def test_lines_in_a_bound_block_carry_its_ids_also_from_worker_threads(json_lines):
    json_lines()
    log = logging.getLogger("mypage.test")

    async def event():
        with logs.bound(request_id="req-0123456789", session="a1b2c3d4e5f6"):
            log.info("on the loop")
            await asyncio.to_thread(log.info, "in a worker thread")
        log.info("after the block")

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # the browser tests' loop may hold this thread
        pool.submit(asyncio.run, event()).result()
    inside, thread, after = json_lines()
    for line in (inside, thread):
        assert line["request_id"] == "req-0123456789" and line["session"] == "a1b2c3d4e5f6"
    assert "request_id" not in after and "session" not in after


def test_a_record_that_names_its_own_session_keeps_it(json_lines):
    json_lines()
    with logs.bound(request_id="req-0123456789", session="from-context"):
        logging.getLogger("mypage.test").info("own", extra={"session": "its-own"})
    (line,) = json_lines()
    assert line["session"] == "its-own" and line["request_id"] == "req-0123456789"


@pytest.mark.parametrize(
    "header",
    ["", "short", "x" * 65, "abc def ghi", 'abc"}\n{"level":"error"', "日本語のリクエストID"],
    ids=["empty", "short", "too long", "space", "injection", "not ascii"],
)
def test_a_request_id_that_does_not_look_like_one_is_replaced(header):
    made = logs.request_id_from(header)
    assert made != header and len(made) == 16 and made.isalnum()


def test_new_ids_differ():
    assert len({logs.new_id() for _ in range(1000)}) == 1000


def test_nginx_request_id_is_kept():
    assert logs.request_id_from("0f3c9a7e5b1d4c2a8e6f0a1b2c3d4e5f") == "0f3c9a7e5b1d4c2a8e6f0a1b2c3d4e5f"


def test_short_hash_is_stable_short_and_not_the_secret():
    assert logs.short_hash(CLIENT_TOKEN) == logs.short_hash(CLIENT_TOKEN)
    assert len(logs.short_hash(CLIENT_TOKEN)) == 12 and logs.short_hash(CLIENT_TOKEN) not in CLIENT_TOKEN
    assert logs.short_hash(CLIENT_TOKEN) != logs.short_hash(CLIENT_TOKEN + "x")


def _http_client() -> TestClient:
    async def page(request):
        logging.getLogger("mypage.test").info("answering")
        await asyncio.to_thread(logging.getLogger("mypage.test").info, "in a thread")
        return PlainTextResponse("ok")

    return TestClient(RequestId(Starlette(routes=[Route("/x", page)])))


def test_http_lines_carry_nginx_request_id_and_the_response_names_it(json_lines):
    json_lines()
    nginx_id = "0f3c9a7e5b1d4c2a8e6f0a1b2c3d4e5f"
    response = _http_client().get("/x", headers={"X-Request-ID": nginx_id})
    assert response.headers["x-request-id"] == nginx_id
    lines = [line for line in json_lines() if line["logger"] == "mypage.test"]
    assert [line["request_id"] for line in lines] == [nginx_id, nginx_id]
    assert all("session" not in line for line in lines)


def test_http_requests_without_an_id_get_each_a_new_one(json_lines):
    json_lines()
    client = _http_client()
    first = client.get("/x", headers={"X-Request-ID": "bad id\r\n"}).headers["x-request-id"]
    second = client.get("/x").headers["x-request-id"]
    assert first != second and "bad" not in first
    ids = [line["request_id"] for line in json_lines() if line["logger"] == "mypage.test"]
    assert ids == [first, first, second, second]


def test_http_lines_name_the_session_by_a_hash_never_the_cookie(json_lines):
    json_lines()
    token = "s3cret-session-token-value-0123456789abcdef"
    _http_client().get("/x", headers={"Cookie": f"{sessions.cookie_name()}={token}; other=1"})
    text = json.dumps(json_lines())
    assert logs.short_hash(token) in text and token not in text


def test_the_portal_answers_every_http_request_with_its_id():
    assert api_transformers()[-1] is RequestId


def test_the_app_tags_every_event():
    assert any(isinstance(m, EventLogContext) for m in mypage.mypage.app._middlewares)


def test_an_event_audit_line_carries_the_event_id_and_the_tab_session_not_the_token(
    json_lines, dbs, database_url, monkeypatch
):
    """A failed login through LoginState.submit: its audit line (logged in a worker thread) is tagged."""
    json_lines()
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    make_account(dbs)
    router_data = {"headers": {"origin": "http://localhost:3000"}, "pathname": "/", "query": {}, "token": CLIENT_TOKEN}
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(router_data)
    root.router_data = router_data
    login_state = root.get_substate(LoginState.get_full_name().split(".")[1:])
    # The browser's event names the tab; an event a handler chains carries no router data of its own.
    events = iter([Event(name="submit", router_data=router_data), Event(name="submit")])

    async def one_event():
        await EventLogContext().preprocess(None, root, next(events))
        async for _ in LoginState.submit.fn(login_state, {"login_id": "Taro01", "password": "Wrong1234"}):
            pass

    def two_events() -> None:
        asyncio.run(one_event())
        asyncio.run(one_event())

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # the browser tests' loop may hold this thread
        pool.submit(two_events).result()
    lines = json_lines()
    audits = [line for line in lines if line["logger"] == "mypage.audit" and line["message"] == "login_failed"]
    assert len(audits) == 2
    assert {line["session"] for line in audits} == {logs.short_hash(CLIENT_TOKEN)}
    assert audits[0]["request_id"] != audits[1]["request_id"]  # one id per event
    assert CLIENT_TOKEN not in json.dumps(lines)
