"""The gateway's way back through the states: お支払い (PayState) and クレジットカード変更 (CardState).

Each return page's on_load keeps the outcome's message for the page the browser is sent on to,
which shows it once; a replayed return changes nothing.
"""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from reflex.istate.data import RouterData
from sqlmodel import select

from mypage import db, mail, routes
from mypage.accounts import sessions
from mypage.billing import billpay, payments
from mypage.models import Invoice, Payment, PaymentMethod
from mypage.state.bill_pay import MESSAGES as PAY_MESSAGES
from mypage.state.bill_pay import PayState
from mypage.state.card import MESSAGES as CARD_MESSAGES
from mypage.state.card import CardState
from tests import member_data as md
from tests.member.handlers import run, substate

TODAY = dt.datetime.now(dt.UTC).date()
CARD = {"number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": str(TODAY.year + 1), "cvc": "123"}


@pytest.fixture
def alice(dbs, database_url, monkeypatch, gw):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    monkeypatch.setattr(payments, "gateway", lambda settings=None: gw)
    monkeypatch.setattr(mail, "send", lambda to, subject, body: None)
    customer = md.customer(dbs, "1")
    account = md.account(dbs, customer)
    unpaid = md.invoices(dbs, customer, 2, TODAY)[0]
    token = sessions.start(dbs, account.id)
    dbs.commit()
    return f"{sessions.cookie_name()}={token}", unpaid.id


def redirect_url(events) -> str:
    return str(events[0].args[0][1]).strip('"')


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def go_to(state, path: str) -> None:
    """The same tab opens another address (its state kept)."""
    root = state.parent_state
    headers = {"cookie": root.router.headers.cookie, "origin": "http://localhost:3000"}
    root.router = RouterData.from_router_data({"headers": headers, "pathname": path, "asPath": path, "query": {}})


def back_from_gateway(response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    return location[location.index("/", len("http://")) :]


def test_a_card_change_shows_its_message_once_and_a_replay_changes_nothing(dbs, alice, gateway_client):
    cookie, _ = alice
    state = substate(CardState, cookie, routes.CARD)
    url = redirect_url(run(state, "start_change"))
    back = back_from_gateway(gateway_client.post("/checkout", data={**query(url), **CARD, "holder": "TARO"}))

    go_to(state, back)
    events = run(state, "finish")
    assert redirect_url(events) == routes.CARD
    assert (state.message, state.succeeded) == (CARD_MESSAGES[payments.Outcome.CHANGED], True)
    run(state, "load")  # the card page right after the return: the message stays
    assert state.succeeded and state.number == "•••• 4242"
    run(state, "load")  # opened again: gone
    assert (state.message, state.succeeded) == ("", False)

    go_to(state, back)  # the same return again (reload, history)
    run(state, "finish")
    assert (state.message, state.succeeded) == (CARD_MESSAGES[payments.Outcome.INVALID], False)
    assert len(dbs.exec(select(PaymentMethod)).all()) == 1


def test_a_payment_shows_its_message_once_on_the_bills_and_a_replay_pays_nothing(dbs, alice, gateway_client):
    cookie, unpaid = alice
    state = substate(PayState, cookie, routes.BILLS)
    url = redirect_url(run(state, "start", unpaid))
    back = back_from_gateway(gateway_client.post("/pay", data={**query(url), **CARD, "holder": "TARO"}))

    go_to(state, back)
    events = run(state, "finish")
    assert redirect_url(events) == routes.BILLS
    assert (state.message, state.succeeded) == (PAY_MESSAGES[billpay.Outcome.PAID], True)
    dbs.expire_all()
    assert dbs.get(Invoice, unpaid).status == "paid"
    run(state, "load")
    assert state.succeeded
    run(state, "load")
    assert (state.message, state.succeeded) == ("", False)

    go_to(state, back)
    run(state, "finish")
    assert (state.message, state.succeeded) == (PAY_MESSAGES[billpay.Outcome.INVALID], False)
    assert len(dbs.exec(select(Payment)).all()) == 1
