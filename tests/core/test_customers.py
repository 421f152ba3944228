"""Customers the operator adds, and their authentication codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mypage.models import AuthCode, Customer
from mypage.operator import customers
from mypage.operator.customers import CustomerError, CustomerInput, add_customer, clean, issue_auth_code
from mypage.security import CODE_ALPHABET, hash_token, normalize_auth_code

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
CODE = re.compile(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}")


def test_clean_converts_full_width_and_formats():
    data = clean(
        CustomerInput(
            name="　ＡＢＣ 太郎 ",
            kana="ｱｵﾓﾘ ﾀﾛｳ",
            email="Taro@Example.JP",
            postal_code="０３０－０８０１",
            address="青森県青森市新町１－２－３",
            phone="０１７-７２３-０００１",
        )
    )
    assert data.name == "ABC 太郎"
    assert data.kana == "アオモリ タロウ"
    assert data.email == "Taro@example.jp"
    assert data.postal_code == "030-0801"
    assert data.address == "青森県青森市新町1-2-3"
    assert data.phone == "017-723-0001"


def test_optional_fields_may_be_empty():
    data = clean(CustomerInput(name="青森 太郎"))
    assert (data.kana, data.email, data.postal_code, data.address, data.phone) == ("", "", "", "", "")


def test_postal_code_without_hyphen_is_formatted():
    assert clean(CustomerInput(name="x", postal_code="0300801")).postal_code == "030-0801"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "　 "}, "name"),
        ({"name": "あ" * 101}, "name"),
        ({"kana": "ア" * 101}, "kana"),
        ({"address": "あ" * 301}, "address"),
        ({"email": "taro"}, "email"),
        ({"email": "taro@"}, "email"),
        ({"email": "taro@example"}, "email"),
        ({"email": "taro@@example.jp"}, "email"),
        ({"postal_code": "030-080"}, "postal-code"),
        ({"postal_code": "0300-801"}, "postal-code"),
        ({"postal_code": "〒030-0801"}, "postal-code"),
        ({"postal_code": "abc-defg"}, "postal-code"),
        ({"phone": "017-723-000a"}, "phone"),
        ({"phone": "(017) 723-0001"}, "phone"),
        ({"phone": "017--723-0001"}, "phone"),
        ({"phone": "-0177230001"}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "0123456789012"}, "phone"),
    ],
)
def test_bad_fields_are_named(fields, field):
    with pytest.raises(CustomerError) as caught:
        clean(CustomerInput(**{"name": "青森 太郎", **fields}))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_add_customer_issues_a_number_and_a_code(dbs):
    customer, code = add_customer(dbs, CustomerInput(name="青森 太郎", email="taro@example.jp"), NOW)
    dbs.commit()
    assert customer.customer_number == "2000000001"
    assert CODE.fullmatch(code)
    row = dbs.exec(select(AuthCode).where(AuthCode.customer_id == customer.id)).one()
    assert row.code_hash == hash_token(normalize_auth_code(code))
    assert row.expires_at == NOW + dt.timedelta(days=90)
    assert row.revoked_at is None
    second, other = add_customer(dbs, CustomerInput(name="弘前 健一"), NOW)
    assert second.customer_number == "2000000002"
    assert other != code


def test_numbers_skip_the_demo_and_imported_ranges(dbs):
    dbs.add(Customer(customer_number="1000000001", name="demo"))
    dbs.add(Customer(customer_number="9999", name="imported"))
    dbs.add(Customer(customer_number="2000000041", name="added"))
    dbs.commit()
    assert customers.next_customer_number(dbs) == "2000000042"


def test_a_taken_number_is_retried(dbs, monkeypatch):
    dbs.add(Customer(customer_number="2000000001", name="first"))
    dbs.commit()
    offered = iter(["2000000001", "2000000005"])
    monkeypatch.setattr(customers, "next_customer_number", lambda db: next(offered))
    customer, _ = add_customer(dbs, CustomerInput(name="次の人"), NOW)
    dbs.commit()
    assert customer.customer_number == "2000000005"
    assert dbs.exec(select(sa.func.count()).select_from(Customer)).one() == 2


def test_bad_input_writes_nothing(dbs):
    with pytest.raises(CustomerError):
        add_customer(dbs, CustomerInput(name="青森 太郎", email="nope"), NOW)
    dbs.commit()
    assert dbs.exec(select(sa.func.count()).select_from(Customer)).one() == 0
    assert dbs.exec(select(sa.func.count()).select_from(AuthCode)).one() == 0


def test_a_new_code_revokes_the_earlier_ones(dbs):
    customer, first = add_customer(dbs, CustomerInput(name="青森 太郎"), NOW)
    later = NOW + dt.timedelta(days=1)
    second = issue_auth_code(dbs, customer, later)
    dbs.commit()
    rows = {r.code_hash: r for r in dbs.exec(select(AuthCode).where(AuthCode.customer_id == customer.id))}
    assert rows[hash_token(normalize_auth_code(first))].revoked_at == later
    assert rows[hash_token(normalize_auth_code(second))].revoked_at is None
