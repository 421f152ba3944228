"""The portal's tables. Money is integer yen; times are aware UTC (SQLModel's UTCDateTime).

Every change here needs an Alembic migration (alembic/versions/).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """Now, in UTC, as the tables store it."""
    return dt.datetime.now(dt.UTC)


class Customer(SQLModel, table=True):
    """A subscriber as the operator's billing system knows them."""

    id: int | None = Field(default=None, primary_key=True)
    customer_number: str = Field(max_length=20, unique=True, index=True)
    name: str = Field(max_length=100)
    kana: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    postal_code: str = Field(default="", max_length=10)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=30)
    created_at: dt.datetime = Field(default_factory=utcnow)
    company: str = Field(default="", max_length=100)  # a business subscriber: bills are addressed to it (御中)
    department: str = Field(default="", max_length=100)
    paperless_since: dt.datetime | None = None  # Web明細: no paper statements since then


class AuthCode(SQLModel, table=True):
    """A registration code printed on the customer's letter; stored as a hash."""

    __tablename__ = "auth_code"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    code_hash: str = Field(max_length=128)
    issued_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class Account(SQLModel, table=True):
    """A MyPage account: one per customer, login ID unique ignoring case."""

    __table_args__ = (sa.UniqueConstraint("customer_id", name="uq_account_customer"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    login_id: str = Field(max_length=20)
    login_id_folded: str = Field(max_length=20, unique=True)
    password_hash: str = Field(max_length=128)
    email: str = Field(max_length=254)
    status: str = Field(default="pending", max_length=16)  # pending | active
    created_at: dt.datetime = Field(default_factory=utcnow)
    verified_at: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    failed_logins: int = 0
    lockouts: int = 0
    locked_until: dt.datetime | None = None
    password_changed_at: dt.datetime = Field(default_factory=utcnow)
    bill_mail: bool = True  # ご請求額確定のお知らせ by mail; the subscriber may turn it off
    # 二段階認証 (issue 13): the authenticator's secret (set while being set up, kept once on),
    # when it was turned on, and the last time step used, so that no code counts twice.
    totp_secret: str = Field(default="", max_length=64)
    totp_enabled_at: dt.datetime | None = None
    totp_last_step: int = 0


class UserSession(SQLModel, table=True):
    """A server-side login session; the cookie holds only a random token."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=128, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_seen_at: dt.datetime = Field(default_factory=utcnow)
    revoked_at: dt.datetime | None = None
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


class EmailToken(SQLModel, table=True):
    """A single-use token mailed for verification, reset or e-mail change."""

    __tablename__ = "email_token"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: str = Field(max_length=16)  # verify | reset | email_change | login_ticket
    token_hash: str = Field(max_length=128, unique=True)
    email: str = Field(default="", max_length=254)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class Service(SQLModel, table=True):
    """One contracted service: TV, internet, phone, an option or rented equipment."""

    __table_args__ = (sa.Index("ix_service_customer_name", "customer_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=16)  # tv | internet | phone | option | equipment
    plan: str = Field(max_length=100)
    name: str = Field(default="", max_length=100)  # what the billing system calls it; imports match by it
    started_on: dt.date
    ended_on: dt.date | None = None
    monthly_fee: int  # yen before tax
    tax_rate: int = 10  # percent


class Invoice(SQLModel, table=True):
    """A monthly statement, also the qualified invoice (適格請求書)."""

    # One invoice per customer, period and revision: a correction (修正) is a new row, the original stays.
    __table_args__ = (sa.UniqueConstraint("customer_id", "period", "revision", name="uq_invoice_period_revision"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    invoice_number: str = Field(max_length=40, unique=True)
    period: str = Field(max_length=7)  # YYYY-MM
    issued_on: dt.date
    due_on: dt.date
    payment_method: str = Field(max_length=30)
    status: str = Field(max_length=16)  # unpaid | paid | scheduled
    paid_on: dt.date | None = None
    revision: int = 0  # 0 as first issued; n for the n-th correction
    corrects_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)  # the invoice corrected
    correction_note: str = Field(default="", max_length=500)  # what the correction changed
    paid_method: str = Field(default="", max_length=60)  # how it was paid, when not by its payment_method
    # Imported as new: its ご請求額確定のお知らせ is not sent yet (mypage.billing.billmail).
    mail_pending: bool = Field(default=False, index=True)


class InvoiceLine(SQLModel, table=True):
    """One line of a statement; discounts are negative amounts."""

    __tablename__ = "invoice_line"
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    position: int
    description: str = Field(max_length=200)
    quantity: int = 1
    unit_price: int
    amount: int  # yen before tax
    tax_rate: int = 10  # percent: 10, or 8 for reduced-rate items


class PaymentMethod(SQLModel, table=True):
    """The card on file, as the gateway reports it; never the number."""

    __tablename__ = "payment_method"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", unique=True)
    gateway_token: str = Field(max_length=200)
    brand: str = Field(max_length=30)
    last4: str = Field(max_length=4)
    exp_month: int
    exp_year: int
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Notice(SQLModel, table=True):
    """An operator notice; customer_id set means it is for that customer only."""

    __table_args__ = (sa.Index("ix_notice_window", "starts_at", "ends_at"),)
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body: str
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


class NoticeRead(SQLModel, table=True):
    """That an account has read a notice."""

    __tablename__ = "notice_read"
    notice_id: int = Field(foreign_key="notice.id", primary_key=True)
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    read_at: dt.datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """A security event: sign-up, login, lockout, changes of ID, password, e-mail, card."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_kind_subject_at", "kind", "subject", "at"),
        # Per-address throttles (failed logins, recovery mails) count by address.
        sa.Index("ix_audit_kind_ip_at", "kind", "ip", "at"),
        # ... by network: IPv4 addresses singly, IPv6 by /64 (mypage.netaddr.network).
        sa.Index("ix_audit_kind_net_at", "kind", "net", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=40)
    subject: str = Field(default="", max_length=100)  # customer number, login ID or address
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    ip: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=500)
    net: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)  # the browser, for ログイン履歴


class CaptchaChallenge(SQLModel, table=True):
    """An image CAPTCHA's answer, kept on the server; single use, 10 minutes."""

    __tablename__ = "captcha_challenge"
    __table_args__ = (sa.Index("ix_captcha_net_created", "net", "created_at"),)
    id: str = Field(primary_key=True, max_length=64)
    answer_hash: str = Field(max_length=128)
    created_at: dt.datetime = Field(default_factory=utcnow)
    used_at: dt.datetime | None = None
    net: str = Field(default="", max_length=64)  # who asked: creation is limited per address
    # The answer sealed with a key from the secret (issue 13), so that 音声で聞く can speak it.
    answer_sealed: str = Field(default="", max_length=16)


class Payment(SQLModel, table=True):
    """A bill paid online: one per invoice (so a bill cannot be paid twice), one per gateway charge."""

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id")
    amount: int  # yen, tax included
    method: str = Field(max_length=60)
    charge_id: str = Field(max_length=100, unique=True)
    paid_at: dt.datetime = Field(default_factory=utcnow)


class LoginGuard(SQLModel, table=True):
    """One row per (folded) login ID, known or not: locked while that ID's failures are counted.

    Two wrong passwords at once for one ID take turns on this row, so the count of
    failures (in the audit trail) never passes the limit without a lock.
    """

    __tablename__ = "login_guard"
    subject: str = Field(primary_key=True, max_length=100)
    at: dt.datetime = Field(default_factory=utcnow)


class RecoveryCode(SQLModel, table=True):
    """A one-time recovery code of 二段階認証, stored as a hash (issue 13)."""

    __tablename__ = "recovery_code"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_hash: str = Field(max_length=128)
    created_at: dt.datetime = Field(default_factory=utcnow)
    used_at: dt.datetime | None = None
