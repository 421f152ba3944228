"""The image CAPTCHA (画像認証): four digits drawn by the `captcha` package, answered once.

The answer stays on the server as a keyed hash; the browser gets only the PNG and
the challenge's random id. A challenge is used up by its first answer, right or
wrong, and dies after 10 minutes. One address (an IPv6 /64 counts as one) may make
CREATE_LIMIT challenges in CREATE_WINDOW; each new one purges those older than a day.

音声で聞く (issue 13): the same digits spoken in Japanese, for those who cannot see the
image. The answer is also kept sealed (each digit shifted by a key derived from the
secret key and the challenge id), so that `audio` can speak it while the challenge is
open; the `captcha` package mixes the clips (kept in captcha_voices/, made by
scripts/make_captcha_voices.py with espeak-ng) with noise and beeps.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from pathlib import Path

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from sqlmodel import Session, col, delete, func, select, update

from mypage import routes
from mypage.models import CaptchaChallenge, utcnow
from mypage.netaddr import network
from mypage.security import hash_token, nfkc
from mypage.settings import get_settings

DIGITS = 4
LIFETIME = dt.timedelta(minutes=10)
# Unanswered challenges are kept a while for nothing; purged when new ones are made.
PURGE_AFTER = dt.timedelta(days=1)
CREATE_LIMIT, CREATE_WINDOW = 30, dt.timedelta(minutes=10)
THROTTLED = "画像の作成が続いたため、しばらくお待ちください。10分ほどおいてから「別の画像に変更」を押してください。"
TEST_ANSWER = "PASSED"
WIDTH, HEIGHT = 200, 70

_image = ImageCaptcha(width=WIDTH, height=HEIGHT)
VOICES = Path(__file__).with_name("captcha_voices")
_audio = AudioCaptcha(voicedir=str(VOICES))


def _key(challenge_id: str) -> bytes:
    secret = get_settings().secret_key.encode("utf-8")
    return hmac.new(secret, f"captcha-audio:{challenge_id}".encode(), hashlib.sha256).digest()


def _seal(challenge_id: str, answer: str) -> str:
    key = _key(challenge_id)
    return "".join(str((int(d) + key[i]) % 10) for i, d in enumerate(answer))


def _unseal(challenge_id: str, sealed: str) -> str:
    key = _key(challenge_id)
    return "".join(str((int(d) - key[i]) % 10) for i, d in enumerate(sealed))


def _answer_hash(challenge_id: str, answer: str) -> str:
    # Keyed by the challenge too, so that equal answers do not share a hash.
    return hash_token(f"captcha:{challenge_id}:{answer}")


def _new_answer() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


class Throttled(Exception):
    """This address has made too many challenges lately."""


def new_challenge(db: Session, now: dt.datetime | None = None, ip: str = "") -> tuple[str, bytes]:
    """Make a challenge and its image.

    Args:
        db: The session to add the challenge to; the caller commits.
        now: The current time.
        ip: The client's address; its network's challenges are counted.

    Returns:
        The challenge id (safe to give the browser) and the PNG image.

    Raises:
        Throttled: The address made CREATE_LIMIT challenges in the last CREATE_WINDOW.
    """
    now = now or utcnow()
    net = network(ip)
    made = db.exec(
        select(func.count())
        .select_from(CaptchaChallenge)
        .where(CaptchaChallenge.net == net, col(CaptchaChallenge.created_at) > now - CREATE_WINDOW)
    ).one()
    if made >= CREATE_LIMIT:
        raise Throttled(THROTTLED)
    answer = _new_answer()
    challenge_id = secrets.token_urlsafe(24)
    db.add(
        CaptchaChallenge(
            id=challenge_id,
            answer_hash=_answer_hash(challenge_id, answer),
            answer_sealed=_seal(challenge_id, answer),
            created_at=now,
            net=net,
        )
    )
    db.exec(delete(CaptchaChallenge).where(col(CaptchaChallenge.created_at) < now - PURGE_AFTER))
    return challenge_id, _image.generate(answer, format="png").getvalue()


def data_url(png: bytes) -> str:
    """The image as a data: URL for an <img src>."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def audio_url(challenge_id: str) -> str:
    """Where the browser fetches a challenge's sound (mypage.web.http serves it)."""
    return f"{routes.CAPTCHA_AUDIO}/{challenge_id}" if challenge_id else ""


def audio(db: Session, challenge_id: str | None, now: dt.datetime | None = None) -> bytes | None:
    """The challenge's digits spoken in Japanese with noise, as WAV; None once it is used or expired.

    Args:
        db: The session.
        challenge_id: The id the page holds.
        now: The current time.
    """
    now = now or utcnow()
    if not challenge_id or len(challenge_id) > 64:
        return None
    row = db.get(CaptchaChallenge, challenge_id)
    if row is None or row.used_at is not None or not row.answer_sealed:
        return None
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    if created <= now - LIFETIME:
        return None
    return bytes(_audio.generate(_unseal(challenge_id, row.answer_sealed)))


def check(db: Session, challenge_id: str | None, answer: str | None, now: dt.datetime | None = None) -> bool:
    """Whether the answer is right; the challenge is used up either way.

    Args:
        db: The session; the caller commits (the challenge is marked used).
        challenge_id: The id `new_challenge` returned, as the client holds it.
        answer: What the subscriber typed; full-width digits are accepted.
        now: The current time.

    Returns:
        True only for the first answer to an unexpired challenge, and a right one.
        In test mode (MYPAGE_CAPTCHA_TEST_MODE=1) the answer PASSED is right too.
    """
    now = now or utcnow()
    answer = nfkc(answer or "")
    if not challenge_id or not answer or len(challenge_id) > 64:
        return False
    # One UPDATE claims the challenge, so that two answers at once cannot both use it.
    claimed = db.exec(
        update(CaptchaChallenge)
        .where(
            col(CaptchaChallenge.id) == challenge_id,
            col(CaptchaChallenge.used_at).is_(None),
            col(CaptchaChallenge.created_at) > now - LIFETIME,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return False
    if answer == TEST_ANSWER and get_settings().captcha_test_mode:
        return True
    stored = db.get(CaptchaChallenge, challenge_id)
    return stored is not None and secrets.compare_digest(stored.answer_hash, _answer_hash(challenge_id, answer))


def is_open(db: Session, challenge_id: str | None, now: dt.datetime | None = None) -> bool:
    """Whether a challenge can still be answered: unused and not expired.

    A tab that reconnects (Reflex runs the page's on_load again, on whichever worker)
    keeps such a challenge, so that the answer already typed stays right.
    """
    if not challenge_id:
        return False
    row = db.get(CaptchaChallenge, challenge_id)
    now = now or utcnow()
    return row is not None and row.used_at is None and row.created_at > now - LIFETIME
