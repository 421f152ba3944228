"""音声で聞く: the image CAPTCHA's digits spoken, served while the challenge is open, answered like the image."""

import datetime as dt
import io
import wave

from mypage import routes
from mypage.accounts import captcha
from mypage.models import CaptchaChallenge, utcnow
from tests.core.test_http import client  # noqa: F401 (fixture)

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def test_the_voice_clips_are_in_the_repository():
    for digit in "0123456789":
        clips = list((captcha.VOICES / digit).glob("*.wav"))
        assert clips, digit
        with wave.open(str(clips[0])) as w:
            assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (8000, 1, 1)
            assert 0.2 < w.getnframes() / 8000 < 1.5


def test_the_sound_speaks_the_images_digits(dbs, monkeypatch):
    spoken = []
    real = captcha._audio.generate
    monkeypatch.setattr(captcha._audio, "generate", lambda digits: spoken.append(digits) or real(digits))
    challenge_id, _png = captcha.new_challenge(dbs, T0)
    dbs.commit()
    sound = captcha.audio(dbs, challenge_id, T0)
    (digits,) = spoken
    # What was spoken is the answer the server checks.
    row = dbs.get(CaptchaChallenge, challenge_id)
    assert row.answer_hash == captcha._answer_hash(challenge_id, digits)
    with wave.open(io.BytesIO(sound)) as w:
        assert 2.0 < w.getnframes() / w.getframerate() < 20.0  # four digits with pauses and noise
    assert captcha.check(dbs, challenge_id, digits, T0)


def test_no_sound_for_a_used_expired_or_unknown_challenge(dbs):
    used, _ = captcha.new_challenge(dbs, T0)
    old, _ = captcha.new_challenge(dbs, T0 - captcha.LIFETIME - dt.timedelta(seconds=1))
    dbs.commit()
    captcha.check(dbs, used, "0000", T0)
    dbs.commit()
    assert captcha.audio(dbs, used, T0) is None
    assert captcha.audio(dbs, old, T0) is None
    assert captcha.audio(dbs, "nope", T0) is None
    assert captcha.audio(dbs, "x" * 100, T0) is None


def test_the_sound_is_served_as_wav_not_cached(client, dbs):  # noqa: F811
    challenge_id, _ = captcha.new_challenge(dbs, utcnow())
    dbs.commit()
    assert captcha.audio_url(challenge_id) == f"{routes.CAPTCHA_AUDIO}/{challenge_id}"
    answer = client.get(captcha.audio_url(challenge_id))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "audio/wav"
    assert "no-store" in answer.headers["cache-control"]
    with wave.open(io.BytesIO(answer.content)) as w:
        assert w.getnframes() / w.getframerate() > 2.0
    assert client.get(f"{routes.CAPTCHA_AUDIO}/unknown").status_code == 404
