"""The product team's states: nothing outside development, every gallery state staged from the demo's data."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl, urlsplit

import pytest
from reflex.istate.data import RouterData

from mypage import db, gallery, mail, outbox
from mypage.operator import demo
from mypage.settings import get_settings
from mypage.state.dev_mail import DevMailState
from mypage.state.gallery import GalleryState
from mypage.state.login import LoginState
from mypage.state.register import RegisterState
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
