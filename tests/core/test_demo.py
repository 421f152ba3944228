"""The demo data: what it holds, and that loading it again changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from mypage.models import Account, AuthCode, Customer, Invoice, InvoiceLine, Notice, PaymentMethod, Service
from mypage.operator import demo
from mypage.security import check_password, hash_token, normalize_auth_code
from mypage.settings import get_settings

# 2026-11-25 10:00 in Japan.
NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
BILLED = ("full", "internet", "registered")


def counts(dbs) -> dict[str, int]:
    return {
        name: dbs.exec(sa.select(sa.func.count()).select_from(table)).one()[0]
        for name, table in SQLModel.metadata.tables.items()
    }


def customer(dbs, kind: str) -> Customer:
    spec = next(c for c in demo.CUSTOMERS if c.kind == kind)
    return dbs.exec(select(Customer).where(Customer.customer_number == spec.customer_number)).one()


def invoices(dbs, kind: str) -> list[Invoice]:
    query = select(Invoice).where(Invoice.customer_id == customer(dbs, kind).id).order_by(Invoice.period)
    return list(dbs.exec(query))


def lines(dbs, invoice: Invoice) -> list[InvoiceLine]:
    query = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
    return list(dbs.exec(query))


@pytest.fixture
def loaded(dbs):
    report = demo.load(dbs, NOW)
    dbs.commit()
    return report


def test_report_lists_the_four_kinds_with_fixed_codes(loaded):
    assert [c["kind"] for c in loaded] == ["full", "internet", "nobills", "registered"]
    assert [c["customer_number"] for c in loaded] == ["1000000001", "1000000002", "1000000003", "1000000004"]
    assert [c["auth_code"] for c in loaded] == [
        "Ab3D-eF4g-H5jK",
        "Nq7R-sT8u-V9wX",
        "Yz2a-Bc3d-Ef4G",
        "Hj5K-mN6p-Qr7S",
    ]
    for entry in loaded:
        expected = {"customer_number", "auth_code", "name", "has_account", "kind"}
        if entry["kind"] == "registered":
            expected |= {"login_id", "password"}
        assert set(entry) == expected
        assert entry["has_account"] == (entry["kind"] == "registered")
    registered = loaded[3]
    assert (registered["login_id"], registered["password"]) == ("hanako01", "Hakkoda8Ringo")


def test_loading_again_the_same_day_changes_nothing(dbs, loaded):
    before = counts(dbs)
    snapshot = [(i.id, i.status, i.paid_on) for i in dbs.exec(select(Invoice).order_by(Invoice.id))]
    notices = [(n.id, n.starts_at, n.ends_at) for n in dbs.exec(select(Notice).order_by(Notice.id))]
    again = demo.load(dbs, NOW + dt.timedelta(hours=5))
    dbs.commit()
    assert again == loaded
    assert counts(dbs) == before
    assert [(i.id, i.status, i.paid_on) for i in dbs.exec(select(Invoice).order_by(Invoice.id))] == snapshot
    assert [(n.id, n.starts_at, n.ends_at) for n in dbs.exec(select(Notice).order_by(Notice.id))] == notices


def test_codes_are_stored_as_hashes_that_never_expire(dbs, loaded):
    for entry in loaded:
        number = entry["customer_number"]
        rows = list(
            dbs.exec(
                select(AuthCode)
                .join(Customer, Customer.id == AuthCode.customer_id)
                .where(Customer.customer_number == number)
            )
        )
        assert len(rows) == 1
        assert rows[0].code_hash == hash_token(normalize_auth_code(entry["auth_code"]))
        assert rows[0].expires_at is None and rows[0].revoked_at is None
        assert normalize_auth_code(entry["auth_code"]) not in rows[0].code_hash


def test_registered_customer_has_an_active_account(dbs, loaded):
    account = dbs.exec(select(Account).where(Account.customer_id == customer(dbs, "registered").id)).one()
    assert account.login_id == "hanako01" and account.login_id_folded == "hanako01"
    assert account.status == "active" and account.verified_at is not None
    assert account.password_hash.startswith("$2")
    assert check_password("Hakkoda8Ringo", account.password_hash)
    assert dbs.exec(select(sa.func.count()).select_from(Account)).one() == 1


def test_full_customer_has_every_kind_of_service(dbs, loaded):
    services = list(dbs.exec(select(Service).where(Service.customer_id == customer(dbs, "full").id)))
    assert {s.kind for s in services} == {"tv", "internet", "phone", "option", "equipment"}
    assert any(s.plan == "BSパック" for s in services)
    assert {s.plan for s in services if s.kind == "equipment"} == {"STBレンタル(4K対応)", "モデムレンタル"}
    assert {s.tax_rate for s in services} == {8, 10}


def test_internet_customer_has_internet_only(dbs, loaded):
    services = list(dbs.exec(select(Service).where(Service.customer_id == customer(dbs, "internet").id)))
    assert {s.kind for s in services} == {"internet", "equipment"}


def test_nobills_customer_has_a_contract_of_this_month_and_no_bills(dbs, loaded):
    services = list(dbs.exec(select(Service).where(Service.customer_id == customer(dbs, "nobills").id)))
    assert services and all(s.started_on == dt.date(2026, 11, 1) for s in services)
    assert invoices(dbs, "nobills") == []


@pytest.mark.parametrize("kind", BILLED)
def test_24_months_of_bills(dbs, loaded, kind):
    bills = invoices(dbs, kind)
    assert [b.period for b in bills][0] == "2024-11"
    assert [b.period for b in bills][-1] == "2026-10"
    assert len(bills) == 24
    number = customer(dbs, kind).customer_number
    for bill in bills:
        year, month = map(int, bill.period.split("-"))
        assert bill.invoice_number == f"ACT-{number}-{year}{month:02d}"
        assert bill.issued_on == dt.date(year + month // 12, month % 12 + 1, 1)
        assert bill.due_on == bill.issued_on.replace(day=27)
        assert bill.payment_method in ("クレジットカード", "口座振替")
    for bill in bills[:-1]:
        assert (bill.status, bill.paid_on) == ("paid", bill.due_on)
    newest = bills[-1]
    assert newest.paid_on is None
    assert newest.status == ("scheduled" if newest.payment_method == "口座振替" else "unpaid")


def test_full_customers_bill_has_realistic_lines(dbs, loaded):
    newest = invoices(dbs, "full")[-1]
    rows = lines(dbs, newest)
    descriptions = [row.description for row in rows]
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    assert sum("基本料金" in d for d in descriptions) == 3
    assert {"BSパック", "スターチャンネル", "STBレンタル(4K対応)", "モデムレンタル", "通話料"} <= set(descriptions)
    discounts = [row for row in rows if row.amount < 0]
    assert [d.description for d in discounts] == ["セット割引(テレビ・ネット・電話)"]
    assert {row.tax_rate for row in rows} == {8, 10}
    assert all(row.amount == row.quantity * row.unit_price for row in rows)
    assert newest.payment_method == "口座振替" and newest.status == "scheduled"


def test_bills_vary_over_the_months(dbs, loaded):
    totals = [sum(row.amount for row in lines(dbs, bill)) for bill in invoices(dbs, "full")]
    assert len(set(totals)) > 5
    # スターチャンネル was added 8 months ago.
    first, last = invoices(dbs, "full")[0], invoices(dbs, "full")[-1]
    assert "スターチャンネル" not in [row.description for row in lines(dbs, first)]
    assert "スターチャンネル" in [row.description for row in lines(dbs, last)]


def test_card_payers_have_a_card_on_file(dbs, loaded):
    cards = {c.customer_id: c for c in dbs.exec(select(PaymentMethod))}
    assert set(cards) == {customer(dbs, "internet").id, customer(dbs, "registered").id}
    for card in cards.values():
        assert re.fullmatch(r"\d{4}", card.last4)
        assert card.exp_year > NOW.year


def test_notices_have_a_window(dbs, loaded):
    notices = list(dbs.exec(select(Notice)))
    everyone = [n for n in notices if n.customer_id is None]
    assert 2 <= len(everyone) <= 3
    showing = [n for n in everyone if n.starts_at <= NOW and (n.ends_at is None or n.ends_at > NOW)]
    assert len(showing) == 1
    assert any(n.ends_at is not None and n.ends_at <= NOW for n in everyone)
    assert any(n.starts_at > NOW for n in everyone)
    targeted = [n for n in notices if n.customer_id is not None]
    assert len(targeted) == 1 and targeted[0].customer_id == customer(dbs, "full").id
    assert targeted[0].starts_at <= NOW


def test_a_later_month_adds_only_the_new_bills(dbs, loaded):
    before = counts(dbs)
    old_ids = {i.id for i in dbs.exec(select(Invoice))}
    later = NOW + dt.timedelta(days=10)  # 2026-12-05 in Japan
    demo.load(dbs, later)
    dbs.commit()
    after = counts(dbs)
    assert after["invoice"] == before["invoice"] + len(BILLED)
    assert {k: v for k, v in after.items() if k not in ("invoice", "invoice_line")} == {
        k: v for k, v in before.items() if k not in ("invoice", "invoice_line")
    }
    for kind in BILLED:
        bills = invoices(dbs, kind)
        assert bills[-1].period == "2026-11" and bills[-1].id not in old_ids
        assert bills[-2].period == "2026-10" and bills[-2].status == "paid"
        assert bills[-2].paid_on == dt.date(2026, 11, 27)
    assert invoices(dbs, "nobills") == []
    # The notices' windows follow today: still one expired and one to come.
    notices = list(dbs.exec(select(Notice).where(Notice.customer_id.is_(None))))
    assert any(n.ends_at is not None and n.ends_at <= later for n in notices)
    assert any(n.starts_at > later for n in notices)


def test_today_is_the_japanese_date(dbs):
    # 2026-11-30 16:00 UTC is already 1 December in Japan: November is billed.
    demo.load(dbs, dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC))
    assert invoices(dbs, "full")[-1].period == "2026-11"


def test_demo_keeps_what_testers_changed(dbs, loaded):
    account = dbs.exec(select(Account)).one()
    account.email = "changed@example.jp"
    dbs.add(account)
    dbs.commit()
    demo.load(dbs, NOW)
    assert dbs.exec(select(Account)).one().email == "changed@example.jp"


def test_refused_in_production(dbs):
    production = dataclasses.replace(get_settings(), env="production")
    with pytest.raises(demo.DemoRefused, match="production"):
        demo.load(dbs, NOW, production)
    assert counts(dbs)["customer"] == 0


def test_the_demo_bills_leave_no_bill_mail_waiting(dbs, loaded):
    assert dbs.exec(select(Invoice).where(Invoice.mail_pending)).all() == []
