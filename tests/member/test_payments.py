"""Changing the card: the test gateway's form and exchange, the nonce, the saved card, the audit and the mail.

The adapter talks to the real test gateway app (Starlette's TestClient); no card number ever
reaches the portal's side, which only sees brand, last 4 and expiry.
"""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

import testgateway
from mypage.billing import payments
from mypage.models import AuditEvent, PaymentMethod
from tests import member_data as md
from tests.member.gateway import SECRET

RETURN = "http://portal.test/card/return"
NEXT_YEAR = dt.date.today().year + 1


@pytest.fixture
def people(dbs):
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    return md.account(dbs, alice), md.account(dbs, bob)


@pytest.fixture
def sent(monkeypatch):
    mails = []
    monkeypatch.setattr(payments.mail, "send", lambda to, subject, body: mails.append((to, subject, body)))
    return mails


def card_form(url: str, **fields) -> dict:
    query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    return {
        **query,
        "number": "4242 4242 4242 4242",
        "exp_month": "12",
        "exp_year": str(NEXT_YEAR),
        "cvc": "123",
        "holder": "TARO AOMORI",
        **fields,
    }


def pay(client, gw, state: str, **fields):
    """Open the gateway's page for this state and submit the card form."""
    url = gw.checkout_url(RETURN, state)
    page = client.get(url.removeprefix("http://gateway.test"))
    assert page.status_code == 200 and "カード番号" in page.text
    return client.post("/checkout", data=card_form(url, **fields))


def returned(response) -> dict:
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(RETURN + "?")
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def test_luhn_and_brands():
    assert testgateway.luhn_ok("4242424242424242") and not testgateway.luhn_ok("4242424242424241")
    assert testgateway.brand_of("4242424242424242") == "VISA"
    assert testgateway.brand_of("5555555555554444") == "Mastercard"
    assert testgateway.brand_of("3530111333300000") == "JCB"


def test_gateway_refuses_bad_cards_and_keeps_no_number(gateway_client, gw):
    for fields, message in (
        ({"number": "4242424242424241"}, "カード番号が正しくありません"),
        ({"exp_month": "1", "exp_year": "2020"}, "有効期限が過ぎています"),
        ({"exp_month": "13"}, "有効期限を月"),
        ({"cvc": "12"}, "セキュリティコードは3桁または4桁"),
        ({"holder": ""}, "名義人を入力してください"),
    ):
        response = pay(gateway_client, gw, "s1", **fields)
        assert response.status_code == 200 and message in response.text
        assert "4242424242424241" not in response.text and 'aria-invalid="true"' in response.text


def test_gateway_refuses_an_unsigned_checkout(gateway_client, gw):
    url = gw.checkout_url("https://evil.example/steal", "s1").removeprefix("http://gateway.test")
    assert gateway_client.get(url.replace("evil.example", "evil2.example")).status_code == 400
    assert (
        gateway_client.post("/checkout", data={**card_form(gw.checkout_url(RETURN, "s1")), "state": "s2"}).status_code
        == 400
    )


def test_exchange_gives_brand_last4_expiry_once(gateway_client, gw):
    back = returned(pay(gateway_client, gw, "nonce-1", number="５５５５-５５５５-５５５５-４４４４", exp_year="29"))
    assert back["state"] == "nonce-1"
    card = gw.exchange(back["token"])
    assert (card.brand, card.last4, card.exp_month, card.exp_year, card.state) == (
        "Mastercard",
        "4444",
        12,
        2029,
        "nonce-1",
    )
    assert card.gateway_token.startswith("tgw_card_") and "5555" not in card.gateway_token
    with pytest.raises(payments.GatewayError):
        gw.exchange(back["token"])  # one time only
    with pytest.raises(payments.GatewayError):
        payments.TestGateway("http://gateway.test", "wrong-secret", client=gateway_client).exchange("x")


def test_the_whole_change(dbs, people, gateway_client, gw, sent):
    alice, _ = people
    nonce = payments.start_checkout(dbs, alice.id)
    dbs.commit()
    back = returned(pay(gateway_client, gw, nonce))
    assert payments.finish_checkout(dbs, gw, alice, state=back["state"], token=back["token"]) == "changed"
    card = dbs.exec(select(PaymentMethod).where(PaymentMethod.customer_id == alice.customer_id)).one()
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("VISA", "4242", 12, NEXT_YEAR)
    kinds = [e.kind for e in dbs.exec(select(AuditEvent).where(AuditEvent.account_id == alice.id))]
    assert kinds == [payments.CHECKOUT, payments.RETURNED, payments.CHANGED]
    assert nonce not in str([e.subject for e in dbs.exec(select(AuditEvent))])  # only its hash is kept
    [(to, subject, body)] = sent
    assert to == alice.email and "クレジットカード情報を変更しました" in subject
    assert "VISA •••• 4242" in body and "4242424242424242" not in body and "4242 4242" not in body
    # The same return again: the nonce has been used.
    assert payments.finish_checkout(dbs, gw, alice, state=back["state"], token=back["token"]) == "invalid"


def test_replace_updates_the_one_card(dbs, people, sent):
    alice, _ = people
    summary = payments.CardSummary("VISA", "4242", 1, 2030, "tok-a")
    payments.replace_card(dbs, alice.customer_id, summary)
    payments.replace_card(dbs, alice.customer_id, payments.CardSummary("JCB", "0000", 2, 2031, "tok-b"))
    rows = dbs.exec(select(PaymentMethod).where(PaymentMethod.customer_id == alice.customer_id)).all()
    assert [(r.brand, r.last4, r.gateway_token) for r in rows] == [("JCB", "0000", "tok-b")]
    assert len(sent) == 2


def test_a_nonce_mismatch_is_refused(dbs, people, gateway_client, gw, sent):
    alice, _ = people
    payments.start_checkout(dbs, alice.id)
    dbs.commit()
    back = returned(pay(gateway_client, gw, "made-up"))
    assert payments.finish_checkout(dbs, gw, alice, state="made-up", token=back["token"]) == "invalid"
    assert payments.finish_checkout(dbs, gw, alice, state="", token=back["token"]) == "invalid"
    assert dbs.exec(select(PaymentMethod)).all() == [] and sent == []


def test_another_accounts_nonce_is_refused(dbs, people, gateway_client, gw, sent):
    """An attacker's own checkout, returned to the victim's browser, changes nothing (CSRF on the return)."""
    alice, bob = people
    attacker_nonce = payments.start_checkout(dbs, bob.id)
    dbs.commit()
    back = returned(pay(gateway_client, gw, attacker_nonce))
    assert payments.finish_checkout(dbs, gw, alice, state=back["state"], token=back["token"]) == "invalid"
    assert dbs.exec(select(PaymentMethod)).all() == [] and sent == []


def test_a_token_for_another_nonce_is_refused(dbs, people, gateway_client, gw, sent):
    alice, _ = people
    mine = payments.start_checkout(dbs, alice.id)
    dbs.commit()
    other = returned(pay(gateway_client, gw, "someone-elses"))
    assert payments.finish_checkout(dbs, gw, alice, state=mine, token=other["token"]) == "invalid"
    assert dbs.exec(select(PaymentMethod)).all() == [] and sent == []


def test_an_expired_nonce_is_refused(dbs, people):
    alice, _ = people
    then = dt.datetime.now(dt.UTC) - payments.NONCE_LIFETIME - dt.timedelta(minutes=1)
    nonce = payments.start_checkout(dbs, alice.id, now=then)
    dbs.commit()
    assert not payments.redeem_nonce(dbs, alice.id, nonce)


def test_cancel_and_gateway_failure(dbs, people, gw, sent):
    alice, _ = people
    nonce = payments.start_checkout(dbs, alice.id)
    assert payments.finish_checkout(dbs, gw, alice, state=nonce, result="cancel") == "cancelled"
    nonce = payments.start_checkout(dbs, alice.id)
    assert payments.finish_checkout(dbs, gw, alice, state=nonce, token="tgw_tok_unknown") == "failed"
    down = payments.TestGateway("http://127.0.0.1:9", SECRET)
    nonce = payments.start_checkout(dbs, alice.id)
    assert payments.finish_checkout(dbs, down, alice, state=nonce, token="t") == "failed"
    assert dbs.exec(select(PaymentMethod)).all() == [] and sent == []


def test_notice_mail_wording():
    subject, body = payments.notice_mail(
        payments.CardSummary("VISA", "4242", 3, 2031, "t"), dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    )
    assert subject.endswith("クレジットカード情報を変更しました")
    assert "VISA •••• 4242" in body and "03/31" in body and "2026年1月2日 12:04" in body
