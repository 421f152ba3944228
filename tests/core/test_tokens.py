"""The one token life cycle: issue, look up (uses nothing), claim (once, and only for its purpose)."""

import datetime as dt

import pytest
from sqlmodel import select

from mypage.accounts import recovery, registration, sessions, tokens
from mypage.models import EmailToken
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def account(dbs):
    return make_account(dbs, "Taro01", "kumo2024sora")


def test_only_the_hash_is_kept_and_looking_uses_nothing(dbs, account):
    token = tokens.issue(dbs, account.id, tokens.RESET, HOUR, email="taro@example.jp", now=T0)
    row = dbs.exec(select(EmailToken)).one()
    assert (
        token not in row.token_hash
        and row.email == "taro@example.jp"
        and row.expires_at.replace(tzinfo=dt.UTC) == T0 + HOUR
    )
    for _ in range(2):
        assert tokens.status_of(tokens.lookup(dbs, token, tokens.RESET), T0) == tokens.VALID


@pytest.mark.parametrize("purpose", [tokens.VERIFY, tokens.EMAIL_CHANGE, tokens.EMAIL_CANCEL, tokens.LOGIN_TICKET])
def test_a_token_of_one_purpose_never_passes_for_another(dbs, account, purpose):
    token = tokens.issue(dbs, account.id, purpose, HOUR, now=T0)
    for other in {tokens.VERIFY, tokens.RESET, tokens.EMAIL_CHANGE, tokens.EMAIL_CANCEL, tokens.LOGIN_TICKET} - {
        purpose
    }:
        assert tokens.lookup(dbs, token, other) is None
        assert tokens.claim(dbs, token, other, T0) is None
    assert tokens.claim(dbs, token, purpose, T0).account_id == account.id


def test_a_claim_wins_once_and_not_after_expiry(dbs, account):
    token = tokens.issue(dbs, account.id, tokens.RESET, HOUR, now=T0)
    late = tokens.issue(dbs, account.id, tokens.RESET, HOUR, now=T0)
    assert tokens.claim(dbs, token, tokens.RESET, T0) is not None
    assert tokens.claim(dbs, token, tokens.RESET, T0) is None
    assert tokens.status_of(tokens.lookup(dbs, token, tokens.RESET), T0) == tokens.USED
    assert tokens.claim(dbs, late, tokens.RESET, T0 + HOUR) is None
    assert tokens.status_of(tokens.lookup(dbs, late, tokens.RESET), T0 + HOUR) == tokens.EXPIRED


@pytest.mark.parametrize("bad", [None, "", "nope", "x" * 500, 12])
def test_malformed_tokens_are_unknown(dbs, account, bad):
    assert tokens.lookup(dbs, bad, tokens.RESET) is None
    assert tokens.claim(dbs, bad, tokens.RESET, T0) is None
    assert tokens.status_of(None) == tokens.UNKNOWN


def test_expire_all_touches_only_the_given_purposes(dbs, account):
    reset = tokens.issue(dbs, account.id, tokens.RESET, HOUR, now=T0)
    verify = tokens.issue(dbs, account.id, tokens.VERIFY, HOUR, now=T0)
    assert tokens.expire_all(dbs, account.id, tokens.PASSWORD_BOUND, T0) == 1
    assert tokens.status_of(tokens.lookup(dbs, reset, tokens.RESET), T0) == tokens.USED
    assert tokens.status_of(tokens.lookup(dbs, verify, tokens.VERIFY), T0) == tokens.VALID


def test_a_reset_token_does_not_verify_and_a_verify_token_does_not_reset(dbs):
    """The verify and reset claims filter on purpose (before issue 8 they did not)."""
    pending = make_account(dbs, "Pend01", "kumo2024sora", status="pending", email="p@example.jp")
    verify_token = tokens.issue(dbs, pending.id, tokens.VERIFY, HOUR, now=T0)
    reset_token = tokens.issue(dbs, pending.id, tokens.RESET, HOUR, email="p@example.jp", now=T0)
    with pytest.raises(registration.TokenError) as refused:
        registration.verify(dbs, reset_token, T0)
    assert refused.value.status == tokens.UNKNOWN
    assert recovery.reset_password(dbs, verify_token, "Sakura7Mizu", "Sakura7Mizu", ip="", now=T0)[0] is None
    assert sessions.redeem_ticket(dbs, verify_token, now=T0) is None
    assert registration.verify(dbs, verify_token, T0).status == "active"
