"""Opening the login page asks the database nothing, unless this browser's logins were refused lately."""

from __future__ import annotations

import pytest
from reflex.istate.data import RouterData

from mypage import db
from mypage.accounts import login
from mypage.state import login as login_state
from mypage.state.login import LoginState
from tests.member.handlers import run, substate

ADDRESS = "192.0.2.77"


@pytest.fixture
def queries(dbs, database_url, monkeypatch):
    """The core functions the state ran in a worker thread, on this test's database."""
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    called = []
    real = login_state.offload.in_session

    async def in_session(fn, *args, **kwargs):
        called.append(fn.__name__)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(login_state.offload, "in_session", in_session)
    return called


def opened(hint: str = "") -> LoginState:
    """LoginState as the page's on_load leaves it, for a browser at ADDRESS holding `hint`."""
    state = substate(LoginState, path="/")
    state.parent_state.router = RouterData.from_router_data(
        {"headers": {"origin": "http://localhost:3000", "asgi-scope-client": ADDRESS}, "pathname": "/", "query": {}}
    )
    state.captcha_hint = hint
    run(state, "load")
    return state


def fail(dbs, times: int) -> None:
    for _ in range(times):
        login.attempt(dbs, "nobody01", "Wrong1234x", ip=ADDRESS)
    dbs.commit()


def test_a_browser_without_refused_logins_opens_the_page_without_a_query(dbs, queries):
    fail(dbs, 3)  # even when the address needs 画像認証: the login itself asks for it
    state = opened()
    assert queries == [] and state.captcha_image == "" and state.captcha_hint == ""


def test_a_browser_whose_logins_were_refused_is_shown_the_captcha_at_once(dbs, queries):
    fail(dbs, 3)
    state = opened("1")
    assert queries == ["captcha_required", "new_challenge"]
    assert state.captcha_image.startswith("data:image/png") and state.captcha_hint == "1"


def test_the_hint_goes_when_the_address_no_longer_needs_the_captcha(dbs, queries):
    fail(dbs, 2)
    state = opened("1")
    assert queries == ["captcha_required"] and state.captcha_image == "" and state.captcha_hint == ""


def test_a_refused_login_leaves_the_hint_once_the_captcha_is_asked(dbs, queries, monkeypatch):
    monkeypatch.setattr(login_state, "client_ip", lambda state: ADDRESS)
    fail(dbs, 2)
    state = opened()
    run(state, "submit", {"login_id": "nobody01", "password": "Wrong1234x"})
    assert state.error and state.captcha_image and state.captcha_hint == "1"
