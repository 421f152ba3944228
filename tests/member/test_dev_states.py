"""The product team's states: nothing outside development, every gallery state staged from the demo's data."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from reflex.istate.data import RouterData

from mypage import db, gallery, mail, outbox
from mypage.billing import billpay
from mypage.operator import demo
from mypage.settings import get_settings
from mypage.state.bill_pay import MESSAGES as PAY_MESSAGES
from mypage.state.bill_pay import PayState
from mypage.state.bills import BillsState
from mypage.state.dev_mail import DevMailState
from mypage.state.gallery import GalleryState
from mypage.state.login import LoginState
from mypage.state.notices import NoticesState
from mypage.state.register import RegisterState
from mypage.state.security import SecurityState
from mypage.state.two_step_login import TwoStepLoginState
from tests.member.handlers import run, substate


@pytest.fixture
def env(monkeypatch, tmp_path, dbs, database_url):
    """Set MYPAGE_ENV for the states (the process's stays test), with the demo loaded and an outbox."""
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    demo.load(dbs)
    dbs.commit()

    def use(name: str):
        settings = dataclasses.replace(get_settings(), env=name, smtp_host=None, outbox_dir=tmp_path / "outbox")
        monkeypatch.setattr(outbox, "get_settings", lambda: settings)
        return settings

    return use


@pytest.mark.parametrize("name", ["test", "production"])
def test_the_mail_viewer_reads_nothing_outside_development(env, name):
    settings = env(name)
    mail.send("taro@example.jp", "件名", "本文", settings)
    state = substate(DevMailState, path="/dev/mail")
    DevMailState.load.fn(state)
    assert state.mails == [] and state.loaded is False


def test_the_mail_viewer_lists_the_outbox_in_development(env):
    settings = env("development")
    mail.send("taro@example.jp", "一通目", "本文", settings)
    mail.send("hanako@example.jp", "二通目", "https://example.jp/x", settings)
    state = substate(DevMailState, path="/dev/mail")
    DevMailState.load.fn(state)
    assert [(m.recipient, m.subject) for m in state.mails] == [
        ("hanako@example.jp", "二通目"),
        ("taro@example.jp", "一通目"),
    ]
    assert state.mails[0].pieces[0].href == "https://example.jp/x"


@pytest.mark.parametrize("name", ["test", "production"])
def test_the_gallery_stages_nothing_outside_development(env, name):
    env(name)
    state = substate(GalleryState, path="/dev/gallery/login")
    assert run(state, "stage") == []
    assert state.scene == ""


def stage(url: str) -> GalleryState:
    """GalleryState.stage as the page's on_load runs it, for this address."""
    parts = urlsplit(url)
    state = substate(GalleryState, path=parts.path)
    state.parent_state.router = RouterData.from_router_data(
        {
            "headers": {"origin": "http://localhost:3000"},
            "pathname": parts.path,
            "asPath": url,
            "query": dict(parse_qsl(parts.query)),
        }
    )
    run(state, "stage")
    return state


@pytest.mark.parametrize("screen", gallery.SCREENS, ids=lambda screen: screen.key)
def test_every_gallery_state_is_staged_in_development(env, screen):
    env("development")
    for state, _ in screen.states:
        assert stage(gallery.scene_url(screen, state)).scene == f"{screen.key}:{state}"


def test_staged_errors_come_from_the_portals_own_checks(env):
    env("development")
    staged = stage(gallery.scene_url(gallery.BY_KEY["register"], "required"))
    form = staged.parent_state.get_substate(RegisterState.get_full_name().split(".")[1:])
    assert all(form.errors.values()) and len(form.error_items) == len(form.errors)
    staged = stage(gallery.scene_url(gallery.BY_KEY["login"], "required"))
    login = staged.parent_state.get_substate(LoginState.get_full_name().split(".")[1:])
    assert login.login_id_error and login.password_error


@pytest.fixture
def no_database_on_the_loop(monkeypatch):
    """db.session refuses to open on a thread that runs an event loop (the websocket's)."""
    real = db.session
    opened = []

    def session(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            opened.append(threading.current_thread().name)
            return real(*args, **kwargs)
        raise AssertionError("a database session opened on the event loop")

    monkeypatch.setattr(db, "session", session)
    return opened


@pytest.mark.parametrize("screen", gallery.SCREENS, ids=lambda screen: screen.key)
def test_the_gallery_reads_the_database_off_the_event_loop(env, no_database_on_the_loop, screen):
    env("development")
    for state, _ in screen.states:
        stage(gallery.scene_url(screen, state))
    if screen.key in {"login", "register", "home", "contract", "bills", "notices", "card", "account", "security"}:
        assert no_database_on_the_loop, "these screens read the demo's data"


def test_the_new_screens_show_the_demos_data_and_the_portals_messages(env):
    env("development")
    detail = stage(gallery.scene_url(gallery.BY_KEY["notice_detail"], "filled"))
    notices_state = detail.parent_state.get_substate(NoticesState.get_full_name().split(".")[1:])
    assert notices_state.current is not None and notices_state.current.body
    missing = stage(gallery.scene_url(gallery.BY_KEY["notice_detail"], "missing"))
    assert missing.parent_state.get_substate(NoticesState.get_full_name().split(".")[1:]).current is None
    paid = stage(gallery.scene_url(gallery.BY_KEY["bills"], "pay_failed"))
    pay = paid.parent_state.get_substate(PayState.get_full_name().split(".")[1:])
    assert pay.message == PAY_MESSAGES[billpay.Outcome.FAILED] and not pay.succeeded
    bills = paid.parent_state.get_substate(BillsState.get_full_name().split(".")[1:])
    assert bills.statements and all("width" in point for point in bills.chart)
    two_step = stage(gallery.scene_url(gallery.BY_KEY["login"], "two_step_wrong"))
    second = two_step.parent_state.get_substate(TwoStepLoginState.get_full_name().split(".")[1:])
    assert second.active and second.code_error and second._account_id is None
    setup = stage(gallery.scene_url(gallery.BY_KEY["security"], "setup"))
    security = setup.parent_state.get_substate(SecurityState.get_full_name().split(".")[1:])
    assert security.setup_qr.startswith("data:image/svg+xml;base64,") and security.setup_secret
