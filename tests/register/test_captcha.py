"""画像認証: server-checked, single use, 10 minutes, PASSED only in test mode."""

import dataclasses
import datetime as dt

import pytest

from mypage.accounts import captcha
from mypage.models import CaptchaChallenge
from mypage.settings import get_settings
from tests.register.factories import T0


@pytest.fixture
def challenge(dbs, monkeypatch):
    """A challenge whose answer is 7777."""
    monkeypatch.setattr(captcha, "_new_answer", lambda: "7777")
    challenge_id, png = captcha.new_challenge(dbs, T0)
    dbs.commit()
    monkeypatch.undo()
    return challenge_id, png


def test_a_challenge_is_a_png_and_a_hashed_answer(dbs, challenge):
    challenge_id, png = challenge
    assert png.startswith(b"\x89PNG")
    row = dbs.get(CaptchaChallenge, challenge_id)
    assert "7777" not in row.answer_hash and len(challenge_id) >= 32
    assert captcha.data_url(png).startswith("data:image/png;base64,iVBOR")


def test_the_right_answer_passes_once(dbs, challenge):
    assert captcha.check(dbs, challenge[0], "7777", T0 + dt.timedelta(minutes=9))
    assert not captcha.check(dbs, challenge[0], "7777", T0 + dt.timedelta(minutes=9))


def test_a_wrong_answer_uses_the_challenge_up(dbs, challenge):
    assert not captcha.check(dbs, challenge[0], "1234", T0)
    assert not captcha.check(dbs, challenge[0], "7777", T0)


def test_full_width_digits_are_accepted(dbs, challenge):
    assert captcha.check(dbs, challenge[0], "７７７７", T0)


def test_a_challenge_expires_after_10_minutes(dbs, challenge):
    assert not captcha.check(dbs, challenge[0], "7777", T0 + dt.timedelta(minutes=10))


@pytest.mark.parametrize("challenge_id,answer", [(None, "7777"), ("nope", "7777"), ("x" * 100, "7777"), ("", "")])
def test_unknown_challenges_and_empty_answers_fail(dbs, challenge, challenge_id, answer):
    assert not captcha.check(dbs, challenge_id, answer, T0)


def test_passed_works_in_test_mode_only(dbs, challenge, monkeypatch):
    assert get_settings().captcha_test_mode
    second, _ = captcha.new_challenge(dbs, T0)
    assert captcha.check(dbs, challenge[0], "PASSED", T0)
    real = dataclasses.replace(get_settings(), captcha_test_mode=False)
    monkeypatch.setattr(captcha, "get_settings", lambda: real)
    assert not captcha.check(dbs, second, "PASSED", T0)


def test_new_challenges_purge_day_old_ones(dbs, challenge):
    captcha.new_challenge(dbs, T0 + dt.timedelta(days=1, seconds=1))
    dbs.commit()
    assert dbs.get(CaptchaChallenge, challenge[0]) is None


def test_each_image_is_different(dbs):
    assert captcha.new_challenge(dbs, T0)[1] != captcha.new_challenge(dbs, T0)[1]


def test_a_challenge_is_open_until_answered_or_expired(dbs, challenge):
    challenge_id = challenge[0]
    assert captcha.is_open(dbs, challenge_id, T0 + dt.timedelta(minutes=9))
    assert not captcha.is_open(dbs, challenge_id, T0 + captcha.LIFETIME + dt.timedelta(seconds=1))
    assert not captcha.is_open(dbs, "no-such-challenge", T0)
    assert not captcha.is_open(dbs, "", T0)
    captcha.check(dbs, challenge_id, "1234", T0)
    assert not captcha.is_open(dbs, challenge_id, T0)
