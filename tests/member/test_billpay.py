"""お支払い: a bill paid once by card through the test gateway; the amount is the portal's, replays pay nothing."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from mypage.billing import billpay, payments, statements
from mypage.models import AuditEvent, Invoice, Payment
from tests import member_data as md

RETURN = "http://portal.test/bills/pay/return"
NEXT_YEAR = dt.date.today().year + 1
NOW = dt.datetime.now(dt.UTC)
TODAY = NOW.date()


@pytest.fixture
def world(dbs):
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    alice_account, bob_account = md.account(dbs, alice), md.account(dbs, bob)
    unpaid, paid = md.invoices(dbs, alice, 2, TODAY)[:2]
    return alice_account, bob_account, unpaid, paid


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def submit(client, url: str, **fields):
    """Open the gateway's payment page and pay with a good card."""
    page = client.get(url.removeprefix("http://gateway.test"))
    assert page.status_code == 200 and "クレジットカードでのお支払い" in page.text
    form = {
        **query(url),
        "number": "4242 4242 4242 4242",
        "exp_month": "12",
        "exp_year": str(NEXT_YEAR),
        "cvc": "123",
        "holder": "TARO AOMORI",
        **fields,
    }
    return client.post("/pay", data=form)


def back_from(response) -> dict:
    assert response.status_code == 303, response.text
    return query(response.headers["location"])


def start(dbs, gw, account, invoice_id):
    url = billpay.start_payment(dbs, gw, account.id, account.customer_id, invoice_id, RETURN)
    dbs.commit()
    return url


def total_of(dbs, account, invoice_id) -> int:
    return statements.statement(dbs, account.customer_id, invoice_id, TODAY).total


def test_pay_an_unpaid_bill(dbs, world, gateway_client, gw):
    alice, _, unpaid, _ = world
    url = start(dbs, gw, alice, unpaid.id)
    sent = query(url)
    assert sent["amount"] == str(total_of(dbs, alice, unpaid.id)) and sent["order_id"] == unpaid.invoice_number
    back = back_from(submit(gateway_client, url))
    result = billpay.finish_payment(dbs, gw, alice, state=back["state"], token=back["token"])
    assert result.outcome == billpay.Outcome.PAID and result.invoice_id == unpaid.id
    dbs.expire_all()
    invoice = dbs.get(Invoice, unpaid.id)
    assert (invoice.status, invoice.paid_on, invoice.paid_method) == (
        "paid",
        statements.statement(dbs, alice.customer_id, unpaid.id, TODAY).paid_on,
        "クレジットカード（VISA •••• 4242）",
    )
    item = statements.statement(dbs, alice.customer_id, unpaid.id, TODAY)
    assert item.status_label == "お支払い済み" and item.paid_method.startswith("クレジットカード") and not item.payable
    [payment] = dbs.exec(select(Payment)).all()
    assert payment.amount == item.total and payment.invoice_id == unpaid.id
    [message] = result.mails
    assert message.to == alice.email and "お支払いを受け付けました" in message.subject
    assert statements.yen(item.total) in message.body and "4242424242424242" not in message.body
    kinds = [e.kind for e in dbs.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert kinds == [billpay.CHECKOUT, billpay.RETURNED, billpay.PAID]


def test_a_replayed_return_pays_nothing_more(dbs, world, gateway_client, gw):
    alice, _, unpaid, _ = world
    back = back_from(submit(gateway_client, start(dbs, gw, alice, unpaid.id)))
    assert billpay.finish_payment(dbs, gw, alice, **back).outcome == billpay.Outcome.PAID
    replay = billpay.finish_payment(dbs, gw, alice, **back)
    assert replay.outcome == billpay.Outcome.INVALID and replay.mails == ()
    assert len(dbs.exec(select(Payment)).all()) == 1


def test_a_double_submit_charges_once(dbs, world, gateway_client, gw):
    """Two tabs: two checkouts of the same bill. The gateway charges the order once; the portal pays it once."""
    alice, _, unpaid, _ = world
    first, second = start(dbs, gw, alice, unpaid.id), start(dbs, gw, alice, unpaid.id)
    back = back_from(submit(gateway_client, first))
    refused = submit(gateway_client, second)
    assert refused.status_code == 409 and "お支払い済み" in refused.text
    assert billpay.finish_payment(dbs, gw, alice, **back).outcome == billpay.Outcome.PAID
    # The second tab's way back (result=duplicate) finds the bill paid.
    again = billpay.finish_payment(dbs, gw, alice, state=query(second)["state"], result="duplicate")
    assert again.outcome == billpay.Outcome.ALREADY_PAID and again.mails == ()
    assert start(dbs, gw, alice, unpaid.id) is None  # no お支払い on a paid bill
    assert len(dbs.exec(select(Payment)).all()) == 1


def test_two_charges_for_one_bill_record_one_payment(dbs, world, gw):
    """Even if a gateway charged twice, the bill holds one payment (the unique invoice)."""
    alice, _, unpaid, _ = world
    total = total_of(dbs, alice, unpaid.id)
    states = [query(start(dbs, gw, alice, unpaid.id))["state"] for _ in range(2)]

    class Twice:
        def charge_result(self, token):
            return payments.ChargeSummary(f"ch-{token}", unpaid.invoice_number, total, "VISA", "4242", token)

    outcomes = [billpay.finish_payment(dbs, Twice(), alice, state=s, token=s).outcome for s in states]
    assert outcomes == [billpay.Outcome.PAID, billpay.Outcome.ALREADY_PAID]
    assert len(dbs.exec(select(Payment)).all()) == 1


def test_the_amount_and_order_are_the_portals(dbs, world, gateway_client, gw):
    alice, _, unpaid, _ = world
    url = start(dbs, gw, alice, unpaid.id)
    cheaper = url.replace(f"amount={query(url)['amount']}", "amount=1")
    assert gateway_client.get(cheaper.removeprefix("http://gateway.test")).status_code == 400
    assert submit_status(gateway_client, url, amount="1") == 400
    # A charge that does not match the bill (another order, another amount) pays nothing.
    state = query(url)["state"]

    class Wrong:
        def charge_result(self, token):
            return payments.ChargeSummary("ch-x", unpaid.invoice_number, 1, "VISA", "4242", state)

    assert billpay.finish_payment(dbs, Wrong(), alice, state=state, token="t").outcome == billpay.Outcome.INVALID
    assert dbs.get(Invoice, unpaid.id).status == "unpaid" and dbs.exec(select(Payment)).all() == []


def submit_status(client, url, **fields) -> int:
    form = {**query(url), "number": "4242424242424242", "exp_month": "12", "exp_year": str(NEXT_YEAR)}
    return client.post("/pay", data={**form, "cvc": "123", "holder": "A", **fields}).status_code


def test_only_ones_own_unpaid_bill(dbs, world, gw):
    alice, bob, unpaid, paid = world
    assert start(dbs, gw, bob, unpaid.id) is None  # not Bob's
    assert start(dbs, gw, alice, paid.id) is None  # already paid
    assert start(dbs, gw, alice, 999_999) is None
    unpaid_scheduled = dbs.get(Invoice, unpaid.id)
    unpaid_scheduled.status = "scheduled"
    dbs.add(unpaid_scheduled)
    dbs.commit()
    assert start(dbs, gw, alice, unpaid.id) is None  # 口座振替予定: the bank pays it


def test_another_accounts_nonce_and_forgeries(dbs, world, gateway_client, gw):
    alice, bob, unpaid, _ = world
    back = back_from(submit(gateway_client, start(dbs, gw, alice, unpaid.id)))
    assert billpay.finish_payment(dbs, gw, bob, **back).outcome == billpay.Outcome.INVALID
    assert billpay.finish_payment(dbs, gw, alice, state="made-up", token=back["token"]).outcome == "invalid"
    assert billpay.finish_payment(dbs, gw, alice, state="", token="").outcome == "invalid"
    assert dbs.get(Invoice, unpaid.id).status == "unpaid"


def test_cancel_failure_and_expiry(dbs, world, gateway_client, gw):
    alice, _, unpaid, _ = world
    state = query(start(dbs, gw, alice, unpaid.id))["state"]
    assert billpay.finish_payment(dbs, gw, alice, state=state, result="cancel").outcome == "cancelled"
    state = query(start(dbs, gw, alice, unpaid.id))["state"]
    assert billpay.finish_payment(dbs, gw, alice, state=state, token="tgw_tok_unknown").outcome == "failed"
    then = NOW - payments.NONCE_LIFETIME - dt.timedelta(minutes=1)
    url = billpay.start_payment(dbs, gw, alice.id, alice.customer_id, unpaid.id, RETURN, now=then)
    dbs.commit()
    assert billpay.finish_payment(dbs, gw, alice, state=query(url)["state"], token="t").outcome == "invalid"
    assert dbs.get(Invoice, unpaid.id).status == "unpaid"
