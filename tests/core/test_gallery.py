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
