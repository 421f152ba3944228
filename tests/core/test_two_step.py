"""二段階認証's core: set-up with a code, recovery codes, login's second step with its lockout, turning it off."""

import datetime as dt

import pyotp
import pytest
from sqlmodel import select

from mypage.accounts import devices, login, two_step
from mypage.models import Account, AuditEvent, RecoveryCode
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
PASSWORD = "kumo2024sora"


def code_at(secret: str, moment: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


@pytest.fixture
def account(dbs):
    return make_account(dbs, password=PASSWORD)


def turn_on(dbs, account, now=T0) -> tuple[str, tuple[str, ...]]:
    setup = two_step.begin(dbs, account.id, now=now)
    done = two_step.confirm(dbs, account.id, code_at(setup.secret, now), now=now)
    dbs.commit()
    return setup.secret, done.recovery_codes


def test_setup_shows_a_qr_code_and_the_secret_and_is_on_only_after_a_right_code(dbs, account):
    setup = two_step.begin(dbs, account.id, now=T0)
    assert setup.svg.startswith("<svg") and "path" in setup.svg
    assert setup.uri.startswith("otpauth://totp/") and setup.secret in setup.uri
    assert two_step.format_secret("ABCDEFGHIJ") == "ABCD EFGH IJ"
    assert not two_step.enabled(dbs.get(Account, account.id))

    assert two_step.confirm(dbs, account.id, "", now=T0).error == two_step.CODE_REQUIRED
    wrong = str((int(code_at(setup.secret, T0)) + 1) % 10**6).zfill(6)
    assert two_step.confirm(dbs, account.id, wrong, now=T0).error == two_step.CODE_WRONG
    assert two_step.confirm(dbs, account.id, "abc", now=T0).error == two_step.CODE_WRONG
    assert not two_step.enabled(dbs.get(Account, account.id))

    # Full-width digits count, as everywhere in the portal.
    typed = code_at(setup.secret, T0).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    done = two_step.confirm(dbs, account.id, typed, now=T0)
    assert done.error == "" and len(done.recovery_codes) == 10 and len(set(done.recovery_codes)) == 10
    assert all(len(c) == 11 and c[5] == "-" for c in done.recovery_codes)
    assert "二段階認証を有効にしました" in done.mails[0].subject
    assert two_step.enabled(dbs.get(Account, account.id))
    stored = dbs.exec(select(RecoveryCode.code_hash).where(RecoveryCode.account_id == account.id)).all()
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in done.recovery_codes}
    # Already on: no second set-up.
    assert two_step.begin(dbs, account.id, now=T0) is None


def test_login_asks_for_the_code_after_the_password(dbs, account):
    secret, _ = turn_on(dbs, account)
    later = T0 + dt.timedelta(minutes=5)
    outcome = login.attempt(dbs, "Taro01", PASSWORD, ip="192.0.2.1", now=later)
    assert (outcome.status, outcome.account_id) == (login.TWO_STEP, account.id)
    # A wrong password is still just a wrong password.
    assert login.attempt(dbs, "Taro01", "nope", ip="192.0.2.1", now=later).status == login.INVALID

    ok = two_step.second_step(dbs, account.id, code_at(secret, later), ip="192.0.2.1", now=later)
    assert ok.status == login.OK and ok.account_id == account.id
    # The same code again (a replay) is refused.
    again = two_step.second_step(dbs, account.id, code_at(secret, later), ip="192.0.2.2", now=later)
    assert again.status == login.INVALID
    dbs.commit()
    assert [r.result for r in devices.history(dbs, account.id)][:2] == ["失敗（二段階認証）", "成功"]


def test_a_recovery_code_works_once(dbs, account):
    _, codes = turn_on(dbs, account)
    later = T0 + dt.timedelta(minutes=5)
    assert two_step.second_step(dbs, account.id, codes[0].lower(), ip="192.0.2.1", now=later).status == login.OK
    assert two_step.second_step(dbs, account.id, codes[0], ip="192.0.2.1", now=later).status == login.INVALID
    assert two_step.remaining_recovery_codes(dbs, account.id) == 9


def test_wrong_codes_lock_the_login_id_like_wrong_passwords(dbs, account):
    secret, _ = turn_on(dbs, account)
    later = T0 + dt.timedelta(minutes=5)
    outcomes = [two_step.second_step(dbs, account.id, "000000", ip=f"192.0.2.{i}", now=later).status for i in range(5)]
    assert outcomes == [login.INVALID] * 4 + [login.LOCKED]
    # Locked: even the right code and the right password are refused now.
    right = two_step.second_step(dbs, account.id, code_at(secret, later), ip="192.0.2.9", now=later)
    assert right.status == login.LOCKED
    assert login.attempt(dbs, "Taro01", PASSWORD, ip="192.0.2.9", now=later).status == login.LOCKED
    kinds = dbs.exec(select(AuditEvent.kind).where(AuditEvent.account_id == account.id)).all()
    assert kinds.count(login.TWO_STEP_FAILED) == 5 and login.LOCKED_KIND in kinds


def test_wrong_codes_from_one_address_bring_the_captcha(dbs, account):
    turn_on(dbs, account)
    for _ in range(login.CAPTCHA_AFTER):
        two_step.second_step(dbs, account.id, "000000", ip="192.0.2.1", now=T0 + dt.timedelta(minutes=5))
    assert login.captcha_required(dbs, "192.0.2.1", T0 + dt.timedelta(minutes=5))


def test_turning_off_needs_the_password_and_a_code(dbs, account):
    secret, codes = turn_on(dbs, account)
    later = T0 + dt.timedelta(minutes=5)
    assert two_step.disable(dbs, account.id, "wrong", code_at(secret, later), now=later).errors["password"]
    assert two_step.disable(dbs, account.id, PASSWORD, "", now=later).errors == {"code": two_step.CODE_REQUIRED}
    assert two_step.disable(dbs, account.id, PASSWORD, "123", now=later).errors == {"code": two_step.CODE_WRONG}
    assert two_step.enabled(dbs.get(Account, account.id))

    done = two_step.disable(dbs, account.id, PASSWORD, codes[1], now=later)
    assert done.ok and "二段階認証を無効にしました" in done.mails[0].subject
    assert not two_step.enabled(dbs.get(Account, account.id))
    assert two_step.remaining_recovery_codes(dbs, account.id) == 0
    assert login.attempt(dbs, "Taro01", PASSWORD, ip="192.0.2.1", now=later).status == login.OK


def test_a_wrong_code_answers_in_the_time_of_a_wrong_password(dbs, account, monkeypatch):
    """Both run bcrypt once at the account's cost: a wrong code tells nothing a wrong password would not."""
    import statistics
    import time

    from mypage import security
    from mypage.settings import get_settings

    rounds = 9
    turn_on(dbs, account)
    account = dbs.get(Account, account.id)
    account.password_hash = security.hash_password(PASSWORD, rounds)
    dbs.add(account)
    dbs.commit()
    settings = get_settings()
    monkeypatch.setattr(
        security, "get_settings", lambda: type(settings)(**{**settings.__dict__, "bcrypt_rounds": rounds})
    )
    security._DUMMY.clear()

    def timed(fn, i):
        start = time.perf_counter()
        fn(i)
        elapsed = time.perf_counter() - start
        dbs.rollback()
        return elapsed

    def wrong_password(i):
        login.attempt(dbs, "Taro01", "wrong-password", ip=f"10.0.0.{i}", now=T0 + dt.timedelta(hours=i))

    def wrong_code(i):
        two_step.second_step(dbs, account.id, "000000", ip=f"10.0.1.{i}", now=T0 + dt.timedelta(hours=i))

    wrong_code(0)  # builds the dummy hash
    passwords, codes = [], []
    for i in range(1, 21):
        passwords.append(timed(wrong_password, i))
        codes.append(timed(wrong_code, i))
    a, b = statistics.median(passwords), statistics.median(codes)
    assert abs(a - b) / max(a, b) < 0.25, (a, b)
    security._DUMMY.clear()
