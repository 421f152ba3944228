"""画面ギャラリー's catalog: every screen with its states, and their addresses."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from mypage import gallery, routes


def test_every_screen_has_states_and_a_gallery_path():
    assert len(gallery.SCREENS) == len(gallery.BY_KEY)
    for screen in gallery.SCREENS:
        assert screen.states and len(dict(screen.states)) == len(screen.states)
        assert screen.path == f"{routes.DEV_GALLERY}/{screen.key}"


def test_the_meaningful_states_are_there():
    states = {(screen.key, state) for screen, state, _ in gallery.scenes()}
    for wanted in [
        ("login", "empty"),
        ("login", "locked"),
        ("register", "required"),
        ("register", "invalid"),
        ("register", "filled"),
        ("verify", "expired"),
        ("reset_password", "expired"),
        ("bills", "empty"),
        ("bills", "filled"),
        ("card", "changed"),
        ("card", "cancelled"),
        ("card", "failed"),
        ("card_return", "checking"),
        ("bill_pay_return", "checking"),
        ("bills", "paid"),
        ("bills", "pay_cancelled"),
        ("notice_detail", "filled"),
        ("notice_detail", "missing"),
        ("email_cancel", "expired"),
        ("security", "setup_wrong"),
        ("login", "two_step_wrong"),
        ("faq", "content"),
    ]:
        assert wanted in states


def test_scene_urls_name_the_state_and_font():
    login = gallery.BY_KEY["login"]
    url = urlsplit(gallery.scene_url(login, "locked", "large"))
    assert url.path == "/dev/gallery/login"
    assert parse_qs(url.query) == {"state": ["locked"], "font": ["large"]}
    # The login page reads its "verified" banner from its own address.
    assert parse_qs(urlsplit(gallery.scene_url(login, "verified")).query) == {"state": ["verified"], "verified": ["1"]}


@pytest.mark.parametrize(("key", "state"), [("login", "nonsense"), ("nowhere", "empty"), ("", "")])
def test_unknown_addresses_find_nothing(key, state):
    assert gallery.find(key, state) is None


def test_a_known_address_finds_its_screen():
    assert gallery.find("bills", "empty") == (gallery.BY_KEY["bills"], "empty")


def test_every_screen_of_the_portal_is_in_the_gallery():
    # Every path of mypage/routes.py that the browser opens as a page (not the HTTP routes, not /dev/).
    pages = {
        value
        for name, value in vars(routes).items()
        if name.isupper() and isinstance(value, str) and value.startswith("/")
        if not value.startswith((routes.API_PREFIX, "/dev/"))
    }
    assert pages == {screen.route for screen in gallery.SCREENS}
