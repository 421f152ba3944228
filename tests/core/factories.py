"""Small helpers that put rows in a test's database."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session

from mypage.models import Account, Customer
from mypage.security import hash_password

_numbers = itertools.count(1)
EARLY = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def make_account(
    db: Session,
    login_id: str = "Taro01",
    password: str = "kumo2024sora",
    *,
    status: str = "active",
    email: str = "taro@example.jp",
) -> Account:
    """A customer with an account; the password is hashed at the test cost."""
    n = next(_numbers)
    customer = Customer(customer_number=f"9{n:07d}", name="青森 太郎", email=email)
    db.add(customer)
    db.flush()
    account = Account(
        customer_id=customer.id,
        login_id=login_id,
        login_id_folded=login_id.lower(),
        password_hash=hash_password(password),
        email=email,
        status=status,
        # Before the fixed clocks of the tests, so that reset links made "later" are valid.
        created_at=EARLY,
        password_changed_at=EARLY,
    )
    db.add(account)
    db.commit()
    return account
