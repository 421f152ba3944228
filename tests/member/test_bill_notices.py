"""Web明細 and ご請求額確定のお知らせ: the choices (audited), the export, and the mails after a bill import."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from mypage import db, mail
from mypage.billing import billmail, preferences
from mypage.models import Account, AuditEvent, Customer, Invoice
from mypage.operator.importer import import_bills, import_customers
from tests import member_data as md

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
CUSTOMERS = """customer_number,name,email
4000000001,青森 一郎,
4000000002,弘前 二郎,
4000000003,八戸 三郎,
4000000004,十和田 四郎,
4000000005,三沢 五郎,
"""
HEADER = (
    "customer_number,period,invoice_number,issued_on,due_on,payment_method,status,description,"
    "quantity,unit_price,amount,tax_rate"
)


def bills(*numbers: str, period: str = "2026-10", status: str = "scheduled") -> bytes:
    tail = f"2026-11-01,2026-11-27,口座振替,{status},ACTテレビ,1,3000,3000,10"
    rows = [f"{n},{period},ACT-{n}-{period.replace('-', '')},{tail}" for n in numbers]
    return "\n".join([HEADER, *rows, ""]).encode()


def account_for(dbs, number: str, **fields) -> Account:
    customer = dbs.exec(select(Customer).where(Customer.customer_number == number)).one()
    account = md.account(dbs, customer, login_id=f"u{number}")
    for name, value in {"verified_at": NOW, **fields}.items():
        setattr(account, name, value)
    dbs.add(account)
    dbs.commit()
    return account


@pytest.fixture
def subscribers(dbs, database_url):
    import_customers(dbs, CUSTOMERS.encode(), NOW)
    dbs.commit()
    verified = account_for(dbs, "4000000001")
    opted_out = account_for(dbs, "4000000002", bill_mail=False)
    unverified = account_for(dbs, "4000000003", verified_at=None, status="pending")
    other = account_for(dbs, "4000000005")
    # 4000000004 has no account.
    return verified, opted_out, unverified, other


@pytest.fixture
def session_factory(database_url):
    return lambda: Session(db.engine_for(database_url), expire_on_commit=False)


def test_an_import_mails_each_verified_subscriber_once(dbs, subscribers, session_factory):
    verified, opted_out, unverified, other = subscribers
    import_bills(dbs, bills("4000000001", "4000000002", "4000000003", "4000000004"))
    dbs.commit()
    sent = []
    report = billmail.send_pending(session_factory, batch=2, send=lambda *m: sent.append(m), now=NOW)
    assert (report.sent, report.skipped, report.failed) == (1, 3, [])
    [(to, subject, body)] = sent
    assert to == verified.email and "ご請求額確定のお知らせ（2026年10月分）" in subject
    assert "¥3,300" in body and "2026年11月27日" in body and "/bills" in body
    # Nothing is pending any more: the same file again (unchanged) mails nobody.
    import_bills(dbs, bills("4000000001", "4000000002", "4000000003", "4000000004"))
    dbs.commit()
    assert billmail.send_pending(session_factory, send=lambda *m: sent.append(m)).sent == 0
    assert len(sent) == 1
    # A new month: a new mail; an updated bill is not new.
    import_bills(dbs, bills("4000000001", period="2026-11"))
    dbs.commit()
    assert billmail.send_pending(session_factory, send=lambda *m: sent.append(m)).sent == 1
    assert all(other.email != m[0] for m in sent)


def test_loading_past_paid_bills_mails_nobody_about_them(dbs, subscribers, session_factory):
    verified, *_ = subscribers
    for period in ("2026-07", "2026-08", "2026-09"):
        import_bills(dbs, bills("4000000001", "4000000005", period=period, status="paid"))
    import_bills(dbs, bills("4000000001", period="2026-10"))
    dbs.commit()
    sent = []
    report = billmail.send_pending(session_factory, send=lambda *m: sent.append(m), now=NOW)
    assert (report.sent, report.skipped) == (1, 0)
    assert [(m[0], "2026年10月分" in m[1]) for m in sent] == [(verified.email, True)]


def test_a_failed_mail_is_reported_and_kept_for_later(dbs, subscribers, session_factory):
    verified, *_ = subscribers
    import_bills(dbs, bills("4000000001", "4000000005"))
    dbs.commit()

    def broken(to, subject, body):
        if to == verified.email:
            raise mail.MailError("connection refused")

    report = billmail.send_pending(session_factory, send=broken, now=NOW)
    assert report.sent == 1 and [f.customer_number for f in report.failed] == ["4000000001"]
    assert "connection refused" in str(report.failed[0])
    assert dbs.exec(select(Invoice.invoice_number).where(Invoice.mail_pending)).all() == ["ACT-4000000001-202610"]
    sent = []
    assert billmail.send_pending(session_factory, send=lambda *m: sent.append(m)).sent == 1
    assert [m[0] for m in sent] == [verified.email]
    kinds = [e.kind for e in dbs.exec(select(AuditEvent).where(AuditEvent.account_id == verified.id))]
    assert kinds == [billmail.FAILED, billmail.SENT]


def test_no_mail_for_bills_that_were_not_imported(dbs, subscribers, session_factory):
    verified, *_ = subscribers
    md.invoices(dbs, dbs.get(Customer, verified.customer_id), 3, NOW.date())
    assert billmail.send_pending(session_factory, send=lambda *m: 1 / 0).sent == 0


def test_paperless_and_bill_mail_choices_are_audited(dbs, subscribers):
    verified, *_ = subscribers
    assert preferences.preferences(dbs, verified.id) == preferences.Preferences(False, None, True)
    chosen = preferences.set_paperless(dbs, verified.id, True, ip="192.0.2.1", now=NOW)
    assert chosen.paperless and chosen.paperless_since is not None
    preferences.set_paperless(dbs, verified.id, True, now=NOW + dt.timedelta(days=1))  # the same again: no change
    assert preferences.preferences(dbs, verified.id).paperless_since == chosen.paperless_since
    assert not preferences.set_bill_mail(dbs, verified.id, False, now=NOW).bill_mail
    assert not preferences.set_paperless(dbs, verified.id, False, now=NOW).paperless
    kinds = [e.kind for e in dbs.exec(select(AuditEvent).where(AuditEvent.account_id == verified.id))]
    assert kinds == [preferences.PAPERLESS_ON, preferences.BILL_MAIL_OFF, preferences.PAPERLESS_OFF]


def test_the_paperless_export(dbs, subscribers):
    verified, opted_out, *_ = subscribers
    preferences.set_paperless(dbs, verified.id, True, now=NOW)
    preferences.set_paperless(dbs, opted_out.id, True, now=NOW + dt.timedelta(days=2))
    everyone = preferences.paperless_customers(dbs)
    assert [c.customer_number for c in everyone] == ["4000000001", "4000000002"]
    later = preferences.paperless_customers(dbs, since=NOW + dt.timedelta(days=1))
    assert [c.customer_number for c in later] == ["4000000002"]
    text = preferences.paperless_csv(everyone)
    assert text.splitlines()[0] == "customer_number,name,paperless_since"
    assert "4000000001,青森 一郎,2026-11-25T10:00:00+09:00" in text
