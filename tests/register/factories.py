"""Customers with authentication codes, for the registration tests."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session

from mypage.accounts.validation import Registration
from mypage.models import AuthCode, Customer, utcnow
from mypage.security import hash_token, new_auth_code

_numbers = itertools.count(7_000_001)
T0 = dt.datetime(2025, 4, 1, 0, 0, tzinfo=dt.UTC)


def add_customer(
    db: Session,
    *,
    number: str | None = None,
    name: str = "青森 太郎",
    code: str | None = None,
    expires_at: dt.datetime | None = None,
    revoked_at: dt.datetime | None = None,
) -> tuple[Customer, str]:
    """A customer and the code printed on their letter; committed."""
    customer = Customer(customer_number=number or str(next(_numbers)), name=name)
    db.add(customer)
    db.flush()
    code = code or new_auth_code()
    db.add(
        AuthCode(
            customer_id=customer.id,
            code_hash=hash_token(code),
            issued_at=utcnow(),
            expires_at=expires_at,
            revoked_at=revoked_at,
        )
    )
    db.commit()
    return customer, code


def form(customer: Customer | None = None, code: str = "", **fields: str) -> Registration:
    """A filled-in, valid マイページアカウント作成 form, with fields overridden."""
    values = dict(
        login_id="aomori01",
        password="Kx7mQ2vRp9",
        password_confirm="Kx7mQ2vRp9",
        email="taro@example.jp",
        customer_number=customer.customer_number if customer else "",
        auth_code=code,
        captcha="PASSED",
    )
    values.update(fields)
    return Registration(**values)
