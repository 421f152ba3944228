"""The gateway page's trip, shared by お支払い and クレジットカード変更: signatures and one-time nonces."""

import datetime as dt
import hashlib
import hmac

from sqlmodel import select

from mypage.billing import hosted_page, payments
from mypage.models import AuditEvent
from tests import member_data as md

NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)


def test_signatures_are_the_ones_the_gateway_checks():
    def mac(message: str) -> str:
        return hmac.new(b"s3cret", message.encode(), hashlib.sha256).hexdigest()

    assert payments.sign_checkout("s3cret", "http://portal.test/r", "n1") == mac("http://portal.test/r\nn1")
    assert payments.sign_charge("s3cret", "http://portal.test/r", "n1", 5500, "INV-1") == mac(
        "charge\nhttp://portal.test/r\nn1\n5500\nINV-1"
    )


def test_a_nonce_is_accepted_once_for_its_account_only(dbs):
    alice, bob = md.account(dbs, md.customer(dbs, "1")), md.account(dbs, md.customer(dbs, "2"))
    nonce = hosted_page.issue_nonce(dbs, "x_checkout", alice.id, ip="192.0.2.1", detail="invoice:7", now=NOW)
    later = NOW + dt.timedelta(minutes=1)

    assert hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", bob.id, nonce, now=later) is None
    assert hosted_page.redeem_nonce(dbs, "other_checkout", "x_return", alice.id, nonce, now=later) is None
    issued = hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", alice.id, nonce, ip="192.0.2.2", now=later)
    assert issued is not None and issued.detail == "invoice:7"
    assert hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", alice.id, nonce, now=later) is None  # used

    events = dbs.exec(select(AuditEvent).where(AuditEvent.kind.in_(("x_checkout", "x_return")))).all()
    assert [(e.kind, e.detail, e.ip) for e in events] == [
        ("x_checkout", "invoice:7", "192.0.2.1"),
        ("x_return", "invoice:7", "192.0.2.2"),
    ]
    assert all(nonce not in e.subject for e in events)  # only its hash is kept


def test_an_expired_wrong_or_odd_nonce_is_refused_and_not_used_up(dbs):
    alice = md.account(dbs, md.customer(dbs, "1"))
    nonce = hosted_page.issue_nonce(dbs, "x_checkout", alice.id, detail="card", now=NOW)
    late = NOW + hosted_page.NONCE_LIFETIME + dt.timedelta(seconds=1)

    assert hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", alice.id, nonce, now=late) is None
    for odd in ("", "x" * 201, nonce + "x"):
        assert hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", alice.id, odd, now=NOW) is None
    wrong_purpose = dict(detail_prefix="invoice:", now=NOW)
    assert hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", alice.id, nonce, **wrong_purpose) is None
    assert dbs.exec(select(AuditEvent).where(AuditEvent.kind == "x_return")).all() == []
    assert hosted_page.redeem_nonce(dbs, "x_checkout", "x_return", alice.id, nonce, now=NOW) is not None
