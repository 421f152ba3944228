"""What the login and recovery browser tests share: fresh accounts, a clean address, logging in by the form."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import delete, select

from mypage import routes
from mypage.accounts import login, recovery
from mypage.models import Account, AuditEvent, Customer
from mypage.security import hash_password
from tests.browser.support import assert_accessible, wait_for_app

PASSWORD = "Kumo2024Sora"
_serial = itertools.count(1)
THROTTLE_KINDS = (*login.ADDRESS_FAILURES, login.THROTTLED_KIND, recovery.ID_REQUEST, recovery.PASSWORD_REQUEST)


def url_of(path: str) -> re.Pattern:
    """A URL ending in this path (Reflex's built pages answer with a trailing slash)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path.rstrip('/'))}/?(\?.*)?$")


@pytest.fixture
def clean_address(app):
    """Every browser test comes from 127.0.0.1: forget its failed logins and recovery requests around a test."""

    def forget() -> None:
        with app.db() as db:
            db.exec(delete(AuditEvent).where(AuditEvent.kind.in_(THROTTLE_KINDS)))
            db.commit()

    forget()
    yield
    forget()


def new_account(app, *, status: str = "active", name: str = "八甲田 次郎") -> Account:
    """A customer with an account of its own, so that tests never share lockouts or passwords."""
    login_id = f"t{uuid.uuid4().hex[:10]}{next(_serial)}"
    with app.db() as db:
        customer = Customer(
            customer_number=f"8{uuid.uuid4().int % 10**9:09d}", name=name, email=f"{login_id}@example.jp"
        )
        db.add(customer)
        db.flush()
        account = Account(
            customer_id=customer.id,
            login_id=login_id,
            login_id_folded=login_id.lower(),
            password_hash=hash_password(PASSWORD),
            email=f"{login_id}@example.jp",
            status=status,
        )
        db.add(account)
        db.commit()
        return account


def customer_number(app, account: Account) -> str:
    with app.db() as db:
        return db.get(Customer, account.customer_id).customer_number


def reload_account(app, account: Account) -> Account:
    with app.db() as db:
        return db.exec(select(Account).where(Account.id == account.id)).one()


def open_login(app, page: Page, path: str = routes.LOGIN) -> None:
    page.goto(app(path))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()


def submit_login(
    page: Page, login_id: str, password: str, captcha: str | None = None, *, refused: bool = False
) -> None:
    """Fill in and press ログイン; with refused=True, wait until the server has answered."""
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    if captcha is not None:
        page.get_by_label("画像認証").fill(captcha)
    page.get_by_role("button", name="ログイン").click()
    if refused:
        # A refused login empties パスワード: then the answer is on the page.
        expect(page.get_by_label("パスワード")).to_have_value("")


def log_in(app, page: Page, account: Account, password: str = PASSWORD) -> None:
    """Log in through the form and land on マイページ初期画面."""
    open_login(app, page)
    submit_login(page, account.login_id, password)
    expect(page).to_have_url(url_of(routes.HOME))
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def accessible(page: Page) -> None:
    """axe-core on the page as it rests: the mouse parked off the links a click left it over."""
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # Radix's colour transition
    assert_accessible(page)
