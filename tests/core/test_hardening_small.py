"""The smaller hardening items: ログインID変更's throttle, owner-only files, CAPTCHA limits, ASVS passwords."""

import datetime as dt
import email.message
import os

import pytest
from sqlmodel import select

from mypage import db, mail, privatefiles, routes
from mypage.accounts import account_settings, captcha, validation
from mypage.accounts.account_settings import LOGIN_ID
from mypage.models import AuditEvent, CaptchaChallenge
from mypage.security import check_password, hash_password
from mypage.settings import SettingsError, load
from mypage.web import headers
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
PASSWORD = "kumo2024sora"
# Generated secrets stay in the tests' own file, never the checkout's var/.
KEEP = {"MYPAGE_SECRETS_FILE": os.environ["MYPAGE_SECRETS_FILE"]}


# --- ログインID変更 cannot probe which IDs exist -----------------------------------------------------


def test_login_id_changes_are_limited_per_account_and_audited(dbs):
    account = make_account(dbs, "Taro01", PASSWORD)
    for i in range(account_settings.LOGIN_ID_TRY_LIMIT):
        make_account(dbs, f"Taken{i:02d}", PASSWORD)
        result = account_settings.change_login_id(dbs, account.id, PASSWORD, f"taken{i:02d}", ip="192.0.2.1", now=T0)
        assert result.errors[LOGIN_ID] == account_settings.LOGIN_ID_TAKEN
    # Now even a free ID is refused with the throttle's message, for the rest of the hour.
    result = account_settings.change_login_id(dbs, account.id, PASSWORD, "FreeOne99", now=T0)
    assert result.errors[LOGIN_ID] == account_settings.LOGIN_ID_THROTTLED
    kinds = [e.kind for e in dbs.exec(select(AuditEvent).where(AuditEvent.account_id == account.id))]
    assert kinds.count(account_settings.LOGIN_ID_REFUSED) == account_settings.LOGIN_ID_TRY_LIMIT
    later = T0 + account_settings.LOGIN_ID_TRY_WINDOW + dt.timedelta(seconds=1)
    assert account_settings.change_login_id(dbs, account.id, PASSWORD, "FreeOne99", now=later).ok


# --- files that hold secrets are owner-only ------------------------------------------------------


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_sqlite_database_is_owner_only(tmp_path):
    path = tmp_path / "fresh" / "mypage.db"
    db.upgrade(f"sqlite:///{path}")
    assert mode(path) == 0o600
    with db.engine_for(f"sqlite:///{path}").connect():
        pass
    assert all(mode(p) == 0o600 for p in path.parent.iterdir() if p.name.startswith("mypage.db"))


def test_outbox_mail_is_owner_only(tmp_path, monkeypatch):
    import dataclasses

    settings = dataclasses.replace(load(KEEP), outbox_dir=tmp_path / "outbox", smtp_host=None)
    message = email.message.EmailMessage()
    message["Message-ID"] = "<abc@example.jp>"
    message.set_content("reset link")
    mail._write_outbox(message, settings)
    (written,) = (tmp_path / "outbox").iterdir()
    assert mode(written) == 0o600 and mode(tmp_path / "outbox") == 0o700


def test_write_new_never_overwrites(tmp_path):
    path = tmp_path / "letters.pdf"
    privatefiles.write_new(path, b"one")
    with pytest.raises(FileExistsError):
        privatefiles.write_new(path, b"two")
    assert path.read_bytes() == b"one" and mode(path) == 0o600


# --- token pages are not stored -----------------------------------------------------------------


@pytest.mark.parametrize("path", [routes.VERIFY, routes.EMAIL_CONFIRM, routes.EMAIL_CANCEL, routes.RESET_PASSWORD])
def test_token_pages_send_no_store(path):
    assert headers.is_private_path(path) and headers.is_private_path(path + "/")


# --- CAPTCHA creation is limited per address, old ones purged --------------------------------------


def test_captcha_creation_is_limited_per_address(dbs):
    for i in range(captcha.CREATE_LIMIT):
        captcha.new_challenge(dbs, T0, ip=f"2001:db8:5:5::{i + 1}")
    with pytest.raises(captcha.Throttled):
        captcha.new_challenge(dbs, T0, ip="2001:db8:5:5::ffff")
    captcha.new_challenge(dbs, T0, ip="192.0.2.9")  # another address is not held up
    captcha.new_challenge(dbs, T0 + captcha.CREATE_WINDOW, ip="2001:db8:5:5::1")  # nor later


def test_old_captchas_are_purged(dbs):
    old, _ = captcha.new_challenge(dbs, T0, ip="192.0.2.1")
    dbs.commit()
    captcha.new_challenge(dbs, T0 + captcha.PURGE_AFTER + dt.timedelta(seconds=1), ip="192.0.2.2")
    dbs.commit()
    assert dbs.get(CaptchaChallenge, old) is None


# --- MYPAGE_PASSWORD_POLICY=asvs -----------------------------------------------------------------


def test_the_guide_policy_is_the_default():
    settings = load(KEEP)
    assert settings.password_policy == "guide" and (settings.password_min, settings.password_max) == (6, 50)
    assert validation.password_error("Sakura 7 Mizu!", "", settings) == validation.password_rule(settings)


def test_asvs_policy_allows_long_printable_passwords():
    settings = load({**KEEP, "MYPAGE_PASSWORD_POLICY": "asvs"})
    assert (settings.password_min, settings.password_max) == (8, 128)
    for good in ("Sakura 7 Mizu!", "correct horse battery staple", "青い森の 鉄道 2026!", "x9$" * 30):
        assert validation.password_error(good, "", settings) is None, good
    assert validation.password_error("Short7!", "", settings) == validation.password_rule(settings)
    assert "記号や空白" in validation.password_rule(settings)
    assert validation.password_error("password1", "", settings)  # the common-password check stays
    assert validation.password_error("tab\tinside9", "", settings)  # not printable


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"MYPAGE_PASSWORD_POLICY": "strict"}, "MYPAGE_PASSWORD_POLICY"),
        ({"MYPAGE_PASSWORD_POLICY": "asvs", "MYPAGE_PASSWORD_MIN": "6"}, "MYPAGE_PASSWORD_MIN"),
        ({"MYPAGE_PASSWORD_POLICY": "asvs", "MYPAGE_PASSWORD_MAX": "50"}, "MYPAGE_PASSWORD_MAX"),
    ],
)
def test_bad_policy_settings_are_named(environ, variable):
    with pytest.raises(SettingsError, match=variable):
        load({**KEEP, **environ})


def test_a_long_password_hashes_and_checks():
    long = "長い合言葉 " * 20
    assert check_password(long, hash_password(long, rounds=4))
