"""Registration rules: the code pair and its lockout, pending accounts, the verification link."""

import dataclasses
import datetime as dt

import pytest
from sqlmodel import select

from mypage.accounts import captcha, registration
from mypage.accounts.registration import RegistrationError
from mypage.accounts.validation import AUTH_CODE, CAPTCHA, CUSTOMER_NUMBER, LOGIN_ID, Registration
from mypage.models import Account, AuditEvent, EmailToken
from mypage.security import check_password
from tests.register.factories import T0, add_customer, form

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def sent(monkeypatch):
    """The mails accounts would send: (to, subject, body)."""
    mails = []
    monkeypatch.setattr(registration.mail, "send", lambda to, subject, body: mails.append((to, subject, body)))
    return mails


def kinds(dbs, subject):
    return [e.kind for e in dbs.exec(select(AuditEvent).where(AuditEvent.subject == subject).order_by(AuditEvent.id))]


def prepare(dbs, filled, now=T0):
    challenge_id, _ = captcha.new_challenge(dbs, now)
    result = registration.prepare(dbs, filled, challenge_id, now, ip="192.0.2.1")
    dbs.commit()
    return result


def register(dbs, customer, code, now=T0, **fields):
    _, prepared, errors = prepare(dbs, form(customer, code, **fields), now)
    assert errors == {}
    account, token = registration.register(dbs, prepared, now)
    dbs.commit()
    return account, token


# --- the code pair ---


def test_the_issued_pair_matches(dbs):
    customer, code = add_customer(dbs)
    found, _ = registration.check_code_pair(dbs, customer.customer_number, code, T0)
    assert found.id == customer.id
    assert kinds(dbs, customer.customer_number) == [registration.CODE_OK]


@pytest.mark.parametrize("case", ["wrong code", "other case", "unknown number", "revoked", "expired", "other's code"])
def test_a_wrong_pair_gets_one_message_whichever_part_is_wrong(dbs, case):
    customer, code = add_customer(dbs)
    other, other_code = add_customer(dbs)
    number = customer.customer_number
    if case == "wrong code":
        code = code[:-1] + ("x" if code[-1] != "x" else "y")
    elif case == "other case":
        code = code.swapcase()
    elif case == "unknown number":
        number = "9999999"
    elif case == "revoked":
        customer, code = add_customer(dbs, revoked_at=T0 - MIN)
        number = customer.customer_number
    elif case == "expired":
        customer, code = add_customer(dbs, expires_at=T0)
        number = customer.customer_number
    else:
        code = other_code
    with pytest.raises(RegistrationError) as refused:
        registration.check_code_pair(dbs, number, code, T0)
    assert refused.value.message == registration.WRONG_PAIR
    assert refused.value.message.startswith("お客様番号または認証コードが正しくありません")
    assert kinds(dbs, number) == [registration.CODE_FAILED]


def fail(dbs, number, now):
    with pytest.raises(RegistrationError) as refused:
        registration.check_code_pair(dbs, number, "WRONGwrong22", now)
    dbs.commit()
    return refused.value.message


def test_five_wrong_codes_in_30_minutes_lock_the_number_for_30_minutes(dbs):
    customer, code = add_customer(dbs)
    number = customer.customer_number
    for minute in range(4):
        assert fail(dbs, number, T0 + minute * MIN) == registration.WRONG_PAIR
    message = fail(dbs, number, T0 + 29 * MIN)
    assert message == registration.lockout_message()
    assert "0120-442-208" in message and "30分間" in message
    locked_at = T0 + 29 * MIN
    assert registration.code_locked_until(dbs, number, locked_at) == locked_at + 30 * MIN
    # Even the right code is refused while locked, and the refusal is audited.
    with pytest.raises(RegistrationError, match="停止しています"):
        registration.check_code_pair(dbs, number, code, locked_at + 29 * MIN)
    dbs.commit()
    registration.check_code_pair(dbs, number, code, locked_at + 30 * MIN)
    assert kinds(dbs, number) == [registration.CODE_FAILED] * 5 + [
        registration.CODE_LOCKOUT,
        registration.CODE_REFUSED_LOCKED,
        registration.CODE_OK,
    ]


def test_after_a_lockout_the_count_starts_afresh(dbs):
    customer, _ = add_customer(dbs)
    number = customer.customer_number
    for minute in range(5):
        fail(dbs, number, T0 + minute * MIN)
    after = T0 + 35 * MIN
    assert registration.code_locked_until(dbs, number, after) is None
    assert fail(dbs, number, after) == registration.WRONG_PAIR


def test_wrong_codes_older_than_30_minutes_do_not_count(dbs):
    customer, _ = add_customer(dbs)
    number = customer.customer_number
    for minute in range(4):
        fail(dbs, number, T0 + minute * MIN)
    assert fail(dbs, number, T0 + 31 * MIN) == registration.WRONG_PAIR
    assert registration.code_locked_until(dbs, number, T0 + 31 * MIN) is None


def test_a_number_nobody_has_locks_the_same_way_so_a_lockout_reveals_nothing(dbs):
    for minute in range(4):
        fail(dbs, "5555555", T0 + minute * MIN)
    assert fail(dbs, "5555555", T0 + 4 * MIN) == registration.lockout_message()


def test_a_lockout_is_per_customer_number(dbs):
    customer, code = add_customer(dbs)
    for minute in range(5):
        fail(dbs, "5555555", T0 + minute * MIN)
    registration.check_code_pair(dbs, customer.customer_number, code, T0 + 5 * MIN)


# --- 次へ ---


def test_next_checks_everything_and_hashes_the_password(dbs):
    customer, code = add_customer(dbs)
    typed = dataclasses.asdict(form(customer, code, login_id="ＡＯＭＯＲＩ０１", email="Taro@EXAMPLE.jp"))
    shown, prepared, errors = prepare(dbs, Registration.from_form(typed))
    assert errors == {}
    assert (shown.login_id, shown.email) == ("AOMORI01", "Taro@example.jp")
    assert prepared.customer_id == customer.id and prepared.login_id == "AOMORI01"
    assert prepared.password_hash.startswith("$2b$04$")
    assert check_password("Kx7mQ2vRp9", prepared.password_hash)


def test_a_wrong_captcha_stops_the_code_check(dbs):
    customer, code = add_customer(dbs)
    challenge_id, _ = captcha.new_challenge(dbs, T0)
    _, prepared, errors = registration.prepare(dbs, form(customer, "x", captcha="0000"), challenge_id, T0)
    assert prepared is None
    assert errors[CAPTCHA] == registration.WRONG_CAPTCHA and AUTH_CODE in errors
    assert kinds(dbs, customer.customer_number) == []


def test_a_used_captcha_is_refused(dbs):
    customer, code = add_customer(dbs)
    challenge_id, _ = captcha.new_challenge(dbs, T0)
    registration.prepare(dbs, form(customer, code, password="x"), challenge_id, T0)
    _, prepared, errors = registration.prepare(dbs, form(customer, code), challenge_id, T0)
    assert errors == {CAPTCHA: registration.WRONG_CAPTCHA}


def test_field_errors_and_a_wrong_pair_come_together(dbs):
    customer, code = add_customer(dbs)
    _, prepared, errors = prepare(dbs, form(customer, "ABCDEFGHJKLM", login_id="ab", email="bad"))
    assert prepared is None
    assert list(errors) == [LOGIN_ID, "email", AUTH_CODE]
    assert errors[AUTH_CODE] == registration.WRONG_PAIR


def test_a_taken_login_id_is_told_only_after_a_right_pair(dbs, sent):
    first, first_code = add_customer(dbs)
    register(dbs, first, first_code, login_id="Aomori01")
    second, second_code = add_customer(dbs)
    _, _, errors = prepare(dbs, form(second, "ABCDEFGHJKLM", login_id="AOMORI01"))
    assert errors == {AUTH_CODE: registration.WRONG_PAIR}
    _, _, errors = prepare(dbs, form(second, second_code, login_id="AOMORI01"))
    assert errors == {LOGIN_ID: registration.LOGIN_ID_TAKEN}


def test_a_customer_with_an_account_is_told_after_a_right_pair(dbs, sent):
    customer, code = add_customer(dbs)
    account, token = register(dbs, customer, code)
    _, _, errors = prepare(dbs, form(customer, code, login_id="another1"))
    assert errors == {CUSTOMER_NUMBER: registration.REGISTRATION_PENDING}
    registration.verify(dbs, token, T0)
    dbs.commit()
    _, _, errors = prepare(dbs, form(customer, code, login_id="another1"))
    assert errors == {CUSTOMER_NUMBER: registration.ACCOUNT_EXISTS}


# --- 登録する ---


def test_register_creates_a_pending_account_and_a_hashed_24_hour_token(dbs):
    customer, code = add_customer(dbs)
    account, token = register(dbs, customer, code, login_id="Aomori01")
    assert (account.status, account.login_id, account.login_id_folded) == ("pending", "Aomori01", "aomori01")
    row = dbs.exec(select(EmailToken).where(EmailToken.account_id == account.id)).one()
    assert len(token) >= 43 and token not in row.token_hash
    assert row.expires_at == T0 + dt.timedelta(hours=24) and row.purpose == "verify"
    assert registration.SIGNUP in kinds(dbs, customer.customer_number)


def test_register_refuses_a_form_that_waited_too_long(dbs):
    customer, code = add_customer(dbs)
    _, prepared, _ = prepare(dbs, form(customer, code))
    with pytest.raises(RegistrationError, match="時間が経った"):
        registration.register(dbs, prepared, T0 + 31 * MIN)


def test_register_refuses_a_code_revoked_after_next(dbs):
    customer, code = add_customer(dbs)
    _, prepared, _ = prepare(dbs, form(customer, code))
    from mypage.models import AuthCode

    row = dbs.get(AuthCode, prepared.auth_code_id)
    row.revoked_at = T0
    dbs.commit()
    with pytest.raises(RegistrationError) as refused:
        registration.register(dbs, prepared, T0 + MIN)
    assert refused.value.message == registration.WRONG_PAIR


def test_a_second_registration_after_the_first_is_refused_by_the_constraint(dbs):
    customer, code = add_customer(dbs)
    _, first, _ = prepare(dbs, form(customer, code, login_id="first01"))
    _, second, _ = prepare(dbs, form(customer, code, login_id="second01"))
    registration.register(dbs, first, T0)
    dbs.commit()
    with pytest.raises(RegistrationError) as refused:
        registration.register(dbs, second, T0)
    assert (refused.value.field, refused.value.message) == (CUSTOMER_NUMBER, registration.REGISTRATION_PENDING)
    assert len(dbs.exec(select(Account)).all()) == 1


def test_a_login_id_is_unique_ignoring_case(dbs):
    one, one_code = add_customer(dbs)
    two, two_code = add_customer(dbs)
    _, first, _ = prepare(dbs, form(one, one_code, login_id="Aomori01"))
    _, second, _ = prepare(dbs, form(two, two_code, login_id="aomori01"))
    registration.register(dbs, first, T0)
    dbs.commit()
    with pytest.raises(RegistrationError) as refused:
        registration.register(dbs, second, T0)
    assert (refused.value.field, refused.value.message) == (LOGIN_ID, registration.LOGIN_ID_TAKEN)


def test_an_expired_pending_account_does_not_block_the_customer(dbs):
    customer, code = add_customer(dbs)
    old, old_token = register(dbs, customer, code, login_id="first01")
    later = T0 + dt.timedelta(hours=24)
    new, _ = register(dbs, customer, code, now=later, login_id="second01")
    assert [a.login_id for a in dbs.exec(select(Account))] == ["second01"] and new.customer_id == customer.id
    assert registration.token_status(dbs, old_token, later) == (registration.UNKNOWN, None)
    assert registration.SIGNUP in kinds(dbs, customer.customer_number)


def test_an_expired_pending_account_frees_its_login_id(dbs):
    one, one_code = add_customer(dbs)
    two, two_code = add_customer(dbs)
    register(dbs, one, one_code, login_id="aomori01")
    _, _, errors = prepare(dbs, form(two, two_code, login_id="AOMORI01"), T0 + 23 * 60 * MIN)
    assert errors == {LOGIN_ID: registration.LOGIN_ID_TAKEN}
    account, _ = register(dbs, two, two_code, now=T0 + 24 * 60 * MIN, login_id="AOMORI01")
    assert account.customer_id == two.id


def test_an_active_account_is_never_replaced(dbs):
    customer, code = add_customer(dbs)
    _, token = register(dbs, customer, code)
    registration.verify(dbs, token, T0)
    dbs.commit()
    _, _, errors = prepare(dbs, form(customer, code, login_id="second01"), T0 + dt.timedelta(days=30))
    assert errors == {CUSTOMER_NUMBER: registration.ACCOUNT_EXISTS}


# --- the mail and the link ---


def test_the_verification_mail_has_the_link_its_expiry_and_the_phone(dbs, sent):
    customer, code = add_customer(dbs, name="八戸 花子")
    account, token = register(dbs, customer, code)
    registration.send_verification(dbs, account, token, T0)
    ((to, subject, body),) = sent
    assert to == "taro@example.jp" and "メールアドレスの確認" in subject
    assert f"http://localhost:3000/verify?token={token}" in body
    assert "八戸 花子 様" in body and "2025年4月2日 9:00" in body and "24時間" in body
    assert "0120-442-208" in body and "メールアドレスを認証する" in body
    assert "Kx7mQ2vRp9" not in body


def test_looking_at_a_link_does_not_use_it(dbs):
    customer, code = add_customer(dbs)
    account, token = register(dbs, customer, code)
    for _ in range(3):
        assert registration.token_status(dbs, token, T0 + MIN)[0] == registration.VALID
    assert dbs.get(Account, account.id).status == "pending"


def test_verify_activates_the_account_once(dbs):
    customer, code = add_customer(dbs)
    account, token = register(dbs, customer, code)
    verified = registration.verify(dbs, token, T0 + 23 * 60 * MIN)
    dbs.commit()
    assert (verified.status, verified.verified_at) == ("active", T0 + 23 * 60 * MIN)
    with pytest.raises(registration.TokenError) as used:
        registration.verify(dbs, token, T0 + 23 * 60 * MIN)
    assert used.value.status == registration.USED
    assert registration.VERIFIED in [e.kind for e in dbs.exec(select(AuditEvent))]


@pytest.mark.parametrize(
    "token,status",
    [
        ("expired", registration.EXPIRED),
        ("made-up", registration.UNKNOWN),
        ("", registration.UNKNOWN),
        (None, registration.UNKNOWN),
    ],
)
def test_expired_and_unknown_links_are_refused(dbs, token, status):
    customer, code = add_customer(dbs)
    account, real = register(dbs, customer, code)
    token = real if token == "expired" else token
    with pytest.raises(registration.TokenError) as refused:
        registration.verify(dbs, token, T0 + dt.timedelta(hours=24))
    assert refused.value.status == status
    assert dbs.get(Account, account.id).status == "pending"


def test_resend_is_limited_to_3_an_hour(dbs, sent):
    customer, code = add_customer(dbs)
    account, first = register(dbs, customer, code)
    tokens = [registration.resend_verification(dbs, account, T0 + minute * MIN) for minute in (1, 2, 3)]
    with pytest.raises(registration.ResendRefused, match="1時間に3回"):
        registration.resend_verification(dbs, account, T0 + 60 * MIN)
    tokens.append(registration.resend_verification(dbs, account, T0 + 61 * MIN))
    assert len(sent) == 4 and len(set(tokens + [first])) == 5
    assert all(f"token={t}" in body for t, (_, _, body) in zip(tokens, sent, strict=True))
    # Earlier links keep working until they expire.
    registration.verify(dbs, first, T0 + 62 * MIN)


def test_resend_for_a_verified_account_is_refused(dbs, sent):
    customer, code = add_customer(dbs)
    account, token = register(dbs, customer, code)
    registration.verify(dbs, token, T0)
    with pytest.raises(registration.ResendRefused, match="既に認証されています"):
        registration.resend_verification(dbs, account, T0)
    assert sent == []


def test_an_expired_link_can_ask_for_a_new_mail(dbs, sent):
    customer, code = add_customer(dbs)
    account, token = register(dbs, customer, code)
    later = T0 + dt.timedelta(hours=25)
    assert registration.token_status(dbs, token, later)[0] == registration.EXPIRED
    assert registration.resend_for_token(dbs, token, later).id == account.id
    new_token = sent[0][2].split("token=")[1].split()[0]
    assert registration.verify(dbs, new_token, later).status == "active"
    with pytest.raises(registration.ResendRefused):
        registration.resend_for_token(dbs, "made-up", later)
