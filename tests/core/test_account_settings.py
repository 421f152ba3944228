import datetime as dt

import pytest
from sqlmodel import select

from mypage.accounts import account_settings as settings_core
from mypage.accounts import login, registration, sessions
from mypage.accounts.account_settings import CURRENT, EMAIL, LOGIN_ID, PASSWORD, PASSWORD_CONFIRM
from mypage.models import Account, AuditEvent, EmailToken
from mypage.security import check_password
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
OLD = "kumo2024sora"
NEW = "Sakura7Mizuumi"


@pytest.fixture
def account(dbs):
    return make_account(dbs, "Taro01", OLD, email="taro@example.jp")


def kinds(dbs, account) -> list[str]:
    return [e.kind for e in dbs.exec(select(AuditEvent).where(AuditEvent.account_id == account.id))]


def fresh(dbs, account) -> Account:
    dbs.expire_all()
    return dbs.get(Account, account.id)


# --- the current password -------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["id", "password", "email"])
def test_every_change_needs_the_current_password(dbs, account, change):
    def attempt(current):
        if change == "id":
            return settings_core.change_login_id(dbs, account.id, current, "Hanako02", now=T0)
        if change == "password":
            return settings_core.change_password(dbs, account.id, current, NEW, NEW, keep_token=None, now=T0)
        return settings_core.request_email_change(dbs, account.id, current, "new@example.jp", now=T0)

    assert attempt("").errors[CURRENT] == settings_core.CURRENT_REQUIRED
    assert attempt("wrong-pass1").errors[CURRENT] == settings_core.CURRENT_WRONG
    after = fresh(dbs, account)
    assert after.login_id == "Taro01" and after.email == "taro@example.jp" and check_password(OLD, after.password_hash)
    assert dbs.exec(select(EmailToken)).all() == []
    assert kinds(dbs, account) == [login.FAILED]  # the empty one did not count


def test_wrong_current_passwords_count_toward_the_login_lockout(dbs, account):
    for i in range(login.FAILURES_TO_LOCK - 1):
        result = settings_core.change_login_id(
            dbs, account.id, "wrong-pass1", "Hanako02", ip="192.0.2.1", now=T0 + dt.timedelta(seconds=i)
        )
        assert result.errors[CURRENT] == settings_core.CURRENT_WRONG
    result = settings_core.change_login_id(dbs, account.id, "wrong-pass1", "Hanako02", now=T0)
    assert "停止しています" in result.errors[CURRENT]
    # Locked: the right password is refused here and at the login screen.
    result = settings_core.change_login_id(dbs, account.id, OLD, "Hanako02", now=T0 + dt.timedelta(minutes=1))
    assert "停止しています" in result.errors[CURRENT]
    assert login.attempt(dbs, "Taro01", OLD, ip="192.0.2.2", now=T0 + dt.timedelta(minutes=1)).status == login.LOCKED
    assert login.captcha_required(dbs, "192.0.2.1", T0)
    assert fresh(dbs, account).login_id == "Taro01"


def test_full_width_current_password_is_accepted(dbs, account):
    result = settings_core.change_login_id(dbs, account.id, "ｋｕｍｏ２０２４ｓｏｒａ", "Hanako02", now=T0)
    assert result.ok


# --- login ID --------------------------------------------------------------------------------------


def test_change_login_id_converts_audits_and_notifies(dbs, account):
    result = settings_core.change_login_id(dbs, account.id, OLD, "ＨａｎａＫｏ０２", ip="192.0.2.1", now=T0)
    assert result.ok and result.value == "HanaKo02"
    dbs.commit()
    after = fresh(dbs, account)
    assert (after.login_id, after.login_id_folded) == ("HanaKo02", "hanako02")
    assert settings_core.LOGIN_ID_CHANGED in kinds(dbs, account)
    (notice,) = result.mails
    assert notice.to == "taro@example.jp" and "HanaKo02" in notice.body and "ログインID変更" in notice.subject
    assert login.attempt(dbs, "hanako02", OLD, ip="192.0.2.3", now=T0).status == login.OK
    assert login.attempt(dbs, "Taro01", OLD, ip="192.0.2.3", now=T0).status == login.INVALID


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "ログインIDを入力してください。"),
        ("abc", "半角英数4文字以上20文字以内"),
        ("a" * 21, "半角英数4文字以上20文字以内"),
        ("taro-01", "半角英数4文字以上20文字以内"),
        ("たろう0001", "半角英数4文字以上20文字以内"),
        ("Taro01", settings_core.LOGIN_ID_SAME),
        ("kumo2024", settings_core.LOGIN_ID_IN_PASSWORD),
    ],
)
def test_bad_login_ids(dbs, account, typed, message):
    result = settings_core.change_login_id(dbs, account.id, OLD, typed, now=T0)
    assert message in result.errors[LOGIN_ID] and CURRENT not in result.errors
    assert fresh(dbs, account).login_id == "Taro01" and not result.mails


def test_only_the_case_may_change(dbs, account):
    assert settings_core.change_login_id(dbs, account.id, OLD, "TARO01", now=T0).ok
    assert fresh(dbs, account).login_id == "TARO01"


def test_a_taken_login_id_in_another_case_is_refused_by_the_constraint(dbs, account):
    other = make_account(dbs, "Hanako02", "Mori55Kaze", email="hanako@example.jp")
    result = settings_core.change_login_id(dbs, account.id, OLD, "ＨＡＮＡＫＯ０２", now=T0)
    assert result.errors == {LOGIN_ID: settings_core.LOGIN_ID_TAKEN} and result.value == "HANAKO02"
    assert fresh(dbs, account).login_id == "Taro01" and fresh(dbs, other).login_id == "Hanako02"


def test_a_stale_pending_registration_does_not_hold_the_id(dbs, account):
    make_account(dbs, "Hanako02", "Mori55Kaze", status="pending", email="hanako@example.jp")
    assert settings_core.change_login_id(dbs, account.id, OLD, "hanako02", now=T0).ok


# --- password --------------------------------------------------------------------------------------


def test_change_password_replaces_this_session_and_ends_the_others(dbs, account):
    mine = sessions.start(dbs, account.id, now=T0)
    other = sessions.start(dbs, account.id, now=T0)
    result = settings_core.change_password(
        dbs,
        account.id,
        OLD,
        "Ｓａｋｕｒａ７Ｍｉｚｕｕｍｉ",
        NEW,
        keep_token=mine,
        ip="192.0.2.1",
        now=T0 + dt.timedelta(minutes=1),
    )
    assert result.ok
    dbs.commit()
    after = fresh(dbs, account)
    assert check_password(NEW, after.password_hash) and not check_password(OLD, after.password_hash)
    assert after.password_changed_at.replace(tzinfo=dt.UTC) == T0 + dt.timedelta(minutes=1)
    now = T0 + dt.timedelta(minutes=1, seconds=30)
    # This browser's token is replaced too (ASVS 5.0 7.2.4): the ticket buys the new one.
    assert sessions.resolve(dbs, mine, now=now) is None
    assert sessions.resolve(dbs, other, now=now) is None
    assert sessions.redeem_ticket(dbs, result.ticket, now=now) == account.id
    assert sessions.redeem_ticket(dbs, result.ticket, now=now) is None
    assert settings_core.PASSWORD_CHANGED in kinds(dbs, account)
    (notice,) = result.mails
    assert notice.to == "taro@example.jp" and "パスワード変更" in notice.subject
    assert NEW not in notice.body
    assert login.attempt(dbs, "Taro01", NEW, ip="192.0.2.3", now=now).status == login.OK


def test_a_pending_reset_link_dies_with_the_change(dbs, account):
    from mypage.accounts import recovery

    sent = recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip="192.0.2.1", now=T0)
    token = sent.body.split("token=")[1].split()[0]
    assert settings_core.change_password(
        dbs, account.id, OLD, NEW, NEW, keep_token=None, now=T0 + dt.timedelta(minutes=1)
    ).ok
    assert recovery.check_reset_token(dbs, token, T0 + dt.timedelta(minutes=2)) is None


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        ("", "", PASSWORD, "パスワードを入力してください。"),
        ("abc", "abc", PASSWORD, "半角英数"),
        ("password1", "password1", PASSWORD, "推測されやすい"),
        ("Taro01xyz9Q", "Taro01xyz9Q", PASSWORD, "ログインIDを含める"),
        (OLD, OLD, PASSWORD, settings_core.PASSWORD_SAME),
        (NEW, "", PASSWORD_CONFIRM, "再度、パスワードの入力"),
        (NEW, NEW + "x", PASSWORD_CONFIRM, "一致しません"),
    ],
)
def test_bad_new_passwords(dbs, account, new, confirm, field, message):
    token = sessions.start(dbs, account.id, now=T0)
    result = settings_core.change_password(dbs, account.id, OLD, new, confirm, keep_token=None, now=T0)
    assert message in result.errors[field] and CURRENT not in result.errors and not result.mails
    assert check_password(OLD, fresh(dbs, account).password_hash)
    assert sessions.resolve(dbs, token, now=T0) is not None


# --- e-mail ----------------------------------------------------------------------------------------


def link_token(mail) -> str:
    return mail.body.split("token=")[1].split()[0]


def test_email_change_by_the_link_sent_to_the_new_address(dbs, account):
    mine = sessions.start(dbs, account.id, now=T0)
    other = sessions.start(dbs, account.id, now=T0)
    result = settings_core.request_email_change(dbs, account.id, OLD, "Ｈａｎａ@Example.jp", ip="192.0.2.1", now=T0)
    assert result.ok and result.value == "Hana@example.jp"
    confirmation, notice = result.mails
    assert confirmation.to == "Hana@example.jp" and "/account/email-confirm?token=" in confirmation.body
    assert notice.to == "taro@example.jp" and "Hana@example.jp" in notice.body
    token = link_token(confirmation)
    row = dbs.exec(select(EmailToken).where(EmailToken.purpose == "email_change")).one()
    assert token not in row.token_hash and row.email == "Hana@example.jp"
    assert row.expires_at.replace(tzinfo=dt.UTC) == T0 + dt.timedelta(hours=24)
    # Asking changes nothing yet; looking at the link uses nothing.
    assert fresh(dbs, account).email == "taro@example.jp"
    assert settings_core.pending_email(dbs, account.id, T0) == "Hana@example.jp"
    for _ in range(2):
        assert settings_core.email_link_status(dbs, token, T0) == (settings_core.VALID, "Hana@example.jp")

    later = T0 + dt.timedelta(minutes=5)
    new, mails = settings_core.confirm_email_change(dbs, token, keep_token=mine, ip="192.0.2.1", now=later)
    dbs.commit()
    assert new == "Hana@example.jp" and fresh(dbs, account).email == "Hana@example.jp"
    assert {m.to for m in mails} == {"taro@example.jp", "Hana@example.jp"}
    assert sessions.resolve(dbs, mine, now=later) is not None and sessions.resolve(dbs, other, now=later) is None
    assert {settings_core.EMAIL_CHANGE_REQUESTED, settings_core.EMAIL_CHANGED} <= set(kinds(dbs, account))
    assert settings_core.pending_email(dbs, account.id, later) == ""
    with pytest.raises(registration.TokenError) as used:
        settings_core.confirm_email_change(dbs, token, now=later)
    assert used.value.status == settings_core.USED


def test_an_expired_or_unknown_link_changes_nothing(dbs, account):
    result = settings_core.request_email_change(dbs, account.id, OLD, "hana@example.jp", now=T0)
    token = link_token(result.mails[0])
    late = T0 + dt.timedelta(hours=24, seconds=1)
    assert settings_core.email_link_status(dbs, token, late)[0] == settings_core.EXPIRED
    for bad, status in (
        (token, settings_core.EXPIRED),
        ("nope", settings_core.UNKNOWN),
        ("", settings_core.UNKNOWN),
        ("x" * 500, settings_core.UNKNOWN),
    ):
        with pytest.raises(registration.TokenError) as refused:
            settings_core.confirm_email_change(dbs, bad, now=late)
        assert refused.value.status == status
    assert fresh(dbs, account).email == "taro@example.jp"


def test_a_new_request_makes_the_earlier_link_unusable(dbs, account):
    first = link_token(settings_core.request_email_change(dbs, account.id, OLD, "a1@example.jp", now=T0).mails[0])
    second = link_token(settings_core.request_email_change(dbs, account.id, OLD, "b2@example.jp", now=T0).mails[0])
    assert settings_core.email_link_status(dbs, first, T0)[0] == settings_core.USED
    assert settings_core.confirm_email_change(dbs, second, now=T0)[0] == "b2@example.jp"


def test_a_reset_link_for_the_old_address_dies_with_the_change(dbs, account):
    from mypage.accounts import recovery

    sent = recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip="192.0.2.1", now=T0)
    token = link_token(settings_core.request_email_change(dbs, account.id, OLD, "new@example.jp", now=T0).mails[0])
    settings_core.confirm_email_change(dbs, token, now=T0)
    assert recovery.check_reset_token(dbs, sent.body.split("token=")[1].split()[0], T0) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "新しいメールアドレスを入力してください。"),
        ("taro@", "形式が正しくありません"),
        ("taro example.jp", "形式が正しくありません"),
        ("a" * 250 + "@example.jp", "長すぎます"),
        ("TARO@example.jp", settings_core.EMAIL_SAME),
    ],
)
def test_bad_new_addresses(dbs, account, typed, message):
    result = settings_core.request_email_change(dbs, account.id, OLD, typed, now=T0)
    assert message in result.errors[EMAIL] and not result.mails
    assert dbs.exec(select(EmailToken)).all() == []


def test_email_requests_are_limited_per_hour(dbs, account):
    for i in range(settings_core.EMAIL_REQUEST_LIMIT):
        assert settings_core.request_email_change(dbs, account.id, OLD, f"n{i}@example.jp", now=T0).ok
    result = settings_core.request_email_change(dbs, account.id, OLD, "late@example.jp", now=T0)
    assert result.errors[EMAIL] == settings_core.EMAIL_THROTTLED
    assert settings_core.request_email_change(
        dbs, account.id, OLD, "late@example.jp", now=T0 + dt.timedelta(minutes=61)
    ).ok


def test_sign_out_other_devices(dbs, account):
    mine, other = sessions.start(dbs, account.id, now=T0), sessions.start(dbs, account.id, now=T0)
    assert settings_core.sign_out_other_devices(dbs, account.id, keep_token=mine, now=T0) == 1
    assert sessions.resolve(dbs, mine, now=T0) is not None and sessions.resolve(dbs, other, now=T0) is None
    assert settings_core.OTHER_SESSIONS_ENDED in kinds(dbs, account)


def test_a_link_whose_mail_failed_is_cancelled(dbs, account):
    token = link_token(settings_core.request_email_change(dbs, account.id, OLD, "new@example.jp", now=T0).mails[0])
    settings_core.cancel_email_change(dbs, account.id, now=T0)
    assert settings_core.email_link_status(dbs, token, T0)[0] == settings_core.USED
    assert settings_core.pending_email(dbs, account.id, T0) == ""


# --- a pending e-mail change dies with the password (issue 9) ------------------------------------


def pending_links(dbs, account) -> tuple[str, str]:
    """Ask for a change of address: (the new address's confirm token, the old address's cancel token)."""
    confirmation, notice = settings_core.request_email_change(dbs, account.id, OLD, "evil@example.jp", now=T0).mails
    cancel = notice.body.split("/account/email-cancel?token=")[1].split()[0]
    return link_token(confirmation), cancel


def test_a_pending_email_change_dies_with_a_password_change(dbs, account):
    token, cancel = pending_links(dbs, account)
    assert settings_core.change_password(dbs, account.id, OLD, NEW, NEW, keep_token=None, now=T0).ok
    later = T0 + dt.timedelta(minutes=1)
    assert settings_core.email_link_status(dbs, token, later)[0] == settings_core.USED
    assert settings_core.pending_email(dbs, account.id, later) == ""
    with pytest.raises(registration.TokenError):
        settings_core.confirm_email_change(dbs, token, now=later)
    assert fresh(dbs, account).email == "taro@example.jp"
    assert settings_core.cancel_link_status(dbs, cancel, later) == settings_core.USED


def test_a_pending_email_change_dies_with_a_password_reset(dbs, account):
    from mypage.accounts import recovery

    token, _ = pending_links(dbs, account)
    sent = recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip="192.0.2.1", now=T0)
    later = T0 + dt.timedelta(minutes=1)
    done, problem = recovery.reset_password(dbs, link_token(sent), NEW, NEW, ip="192.0.2.1", now=later)
    assert done is not None and problem is None
    with pytest.raises(registration.TokenError):
        settings_core.confirm_email_change(dbs, token, now=later)
    assert fresh(dbs, account).email == "taro@example.jp"


def test_a_pending_email_change_dies_when_other_devices_are_signed_out(dbs, account):
    mine = sessions.start(dbs, account.id, now=T0)
    token, _ = pending_links(dbs, account)
    settings_core.sign_out_other_devices(dbs, account.id, keep_token=mine, now=T0)
    with pytest.raises(registration.TokenError):
        settings_core.confirm_email_change(dbs, token, now=T0)
    assert fresh(dbs, account).email == "taro@example.jp"


def test_the_notice_to_the_old_address_cancels_the_change(dbs, account):
    theirs = sessions.start(dbs, account.id, now=T0)
    token, cancel = pending_links(dbs, account)
    # Opening the link uses nothing; a confirm token is not a cancel token, nor the reverse.
    assert settings_core.cancel_link_status(dbs, cancel, T0) == settings_core.VALID
    assert settings_core.cancel_link_status(dbs, token, T0) == settings_core.UNKNOWN
    assert settings_core.email_link_status(dbs, cancel, T0)[0] == settings_core.UNKNOWN
    assert settings_core.cancel_email_change_by_link(dbs, cancel, ip="192.0.2.9", now=T0) == account.id
    assert settings_core.pending_email(dbs, account.id, T0) == ""
    with pytest.raises(registration.TokenError):
        settings_core.confirm_email_change(dbs, token, now=T0)
    assert sessions.resolve(dbs, theirs, now=T0) is None
    assert settings_core.EMAIL_CHANGE_CANCELLED in kinds(dbs, account)
    with pytest.raises(registration.TokenError) as again:
        settings_core.cancel_email_change_by_link(dbs, cancel, now=T0)
    assert again.value.status == settings_core.USED
    assert fresh(dbs, account).email == "taro@example.jp"


def test_a_cancel_link_is_dead_once_the_change_is_confirmed_or_expired(dbs, account):
    token, cancel = pending_links(dbs, account)
    late = T0 + settings_core.EMAIL_CHANGE_LIFETIME
    assert settings_core.cancel_link_status(dbs, cancel, late) == settings_core.EXPIRED
    settings_core.confirm_email_change(dbs, token, now=T0)
    assert settings_core.cancel_link_status(dbs, cancel, T0) == settings_core.USED
