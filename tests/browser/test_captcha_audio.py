"""音声で聞く beside the image CAPTCHA: served as audio, by keyboard, renewed with 別の画像に変更; axe, 375/1280 px."""

from __future__ import annotations

import io
import wave

import pytest
from playwright.sync_api import Page, expect

from mypage import routes
from tests.browser.auth_support import (
    accessible,
    clean_address,  # noqa: F401 (fixture)
    new_account,
    open_login,
    submit_login,
)
from tests.browser.support import wait_for_app

pytestmark = pytest.mark.usefixtures("clean_address")


def sound_of(app, page: Page) -> str:
    """The audio element's source, fetched like the browser would: WAV of a plausible length."""
    src = page.locator("audio").get_attribute("src")
    assert src and src.startswith(routes.CAPTCHA_AUDIO)
    answer = page.request.get(app(src))
    assert answer.ok and answer.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(answer.body())) as w:
        assert 2.0 < w.getnframes() / w.getframerate() < 20.0
    return src


@pytest.mark.parametrize("font", ["標準", "大きく"])
def test_registration_offers_the_digits_as_sound(app, any_page: Page, font):
    page = any_page
    page.goto(app(routes.REGISTER))
    wait_for_app(page)
    if font == "大きく":
        page.get_by_role("button", name="大きく").click()
        expect(page.get_by_role("button", name="大きく")).to_have_attribute("aria-pressed", "true")
    listen = page.get_by_role("button", name="音声で聞く")
    expect(listen).to_be_visible()
    expect(page.locator("audio")).to_be_attached()
    first = sound_of(app, page)

    # By keyboard: from 別の画像に変更, Tab reaches 音声で聞く, and Enter plays it.
    page.get_by_role("button", name="別の画像に変更").focus()
    page.keyboard.press("Tab")
    expect(listen).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const a = document.querySelector('audio'); return a && a.readyState > 0; }")

    # 別の画像に変更 brings a fresh sound too.
    page.get_by_role("button", name="別の画像に変更").click()
    expect(page.locator("audio")).not_to_have_attribute("src", first)
    sound_of(app, page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)


def test_login_offers_it_with_the_captcha(app, page: Page):
    account = new_account(app)
    open_login(app, page)
    expect(page.get_by_role("button", name="音声で聞く")).to_have_count(0)
    for _ in range(3):
        submit_login(page, account.login_id, "Wrong1234x", refused=True)
    expect(page.get_by_role("img", name="画像認証の数字")).to_be_visible()
    expect(page.get_by_role("button", name="音声で聞く")).to_be_visible()
    first = sound_of(app, page)
    # Each answer uses the challenge up: a new image and a new sound.
    submit_login(page, account.login_id, "Wrong1234x", captcha="0000", refused=True)
    expect(page.locator("audio")).not_to_have_attribute("src", first)
    assert page.request.get(app(first)).status == 404
    accessible(page)
