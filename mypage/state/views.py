"""Rows the member pages display: core results formatted once, as plain serializable data."""

from __future__ import annotations

import dataclasses

from mypage import jptime, notices, routes
from mypage.accounts import devices
from mypage.billing import contract, statements
from mypage.web.downloads import invoice_pdf_url, receipt_pdf_url, statement_csv_url


@dataclasses.dataclass
class BillSummary:
    """This month's bill at a glance."""

    label: str = ""
    total: str = ""
    due_on: str = ""
    status: str = ""
    status_kind: str = ""
    id: int = 0
    payable: bool = False


@dataclasses.dataclass
class LineRow:
    """One statement line."""

    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    amount: str = ""
    rate: str = ""
    reduced: bool = False


@dataclasses.dataclass
class RateRow:
    """Subtotal and tax of one rate."""

    label: str = ""
    subtotal: str = ""
    tax: str = ""


@dataclasses.dataclass
class OriginalRow:
    """An earlier version of a corrected invoice, still downloadable."""

    invoice_number: str = ""
    issued_on: str = ""
    total: str = ""
    pdf_url: str = ""
    csv_url: str = ""


@dataclasses.dataclass
class StatementRow:
    """One month's statement with its lines, totals and download links."""

    id: int = 0
    label: str = ""
    invoice_number: str = ""
    issued_on: str = ""
    due_on: str = ""
    payment_method: str = ""
    status: str = ""
    status_kind: str = ""
    subtotal: str = ""
    tax: str = ""
    total: str = ""
    has_reduced: bool = False
    lines: list[LineRow] = dataclasses.field(default_factory=list)
    rates: list[RateRow] = dataclasses.field(default_factory=list)
    csv_url: str = ""
    pdf_url: str = ""
    correction: str = ""  # 修正: which invoice this corrects and what changed
    originals: list[OriginalRow] = dataclasses.field(default_factory=list)
    payable: bool = False
    paid_on: str = ""
    paid_method: str = ""
    receipt_url: str = ""


@dataclasses.dataclass
class ServiceRow:
    """One contracted service."""

    kind: str = ""
    plan: str = ""
    started_on: str = ""
    fee: str = ""
    fee_with_tax: str = ""
    rate: str = ""


@dataclasses.dataclass
class NoticeRow:
    """A notice in a list or on its own page."""

    id: int = 0
    title: str = ""
    body: str = ""
    date: str = ""
    read: bool = False
    url: str = ""


@dataclasses.dataclass
class DeviceRow:
    """One live session (ログイン中の端末); `session_id` only names it for ログアウト, the owner is checked."""

    session_id: int = 0
    browser: str = ""
    ip: str = ""
    started: str = ""
    last_active: str = ""
    current: bool = False


@dataclasses.dataclass
class SignInRow:
    """One sign-in attempt (ログイン履歴)."""

    at: str = ""
    result: str = ""
    ok: bool = False
    browser: str = ""
    ip: str = ""


def status_kind(status: str, label: str) -> str:
    """A colour family for the status badge: paid, scheduled, unpaid or overdue."""
    return "overdue" if label == statements.OVERDUE_LABEL else status


def bill_summary(item: statements.Statement) -> BillSummary:
    """The home screen's view of the newest statement."""
    return BillSummary(
        item.label,
        statements.yen(item.total),
        jptime.format_date(item.due_on),
        item.status_label,
        status_kind(item.status, item.status_label),
        item.id,
        item.payable,
    )


def statement_row(item: statements.Statement) -> StatementRow:
    """A statement formatted for ご請求明細 and インボイス."""
    return StatementRow(
        id=item.id,
        label=item.label,
        invoice_number=item.invoice_number,
        issued_on=jptime.format_date(item.issued_on),
        due_on=jptime.format_date(item.due_on),
        payment_method=item.payment_method,
        status=item.status_label,
        status_kind=status_kind(item.status, item.status_label),
        subtotal=statements.yen(item.subtotal),
        tax=statements.yen(item.tax),
        total=statements.yen(item.total),
        has_reduced=item.has_reduced,
        lines=[
            LineRow(
                line.description,
                f"{line.quantity:,}",
                statements.yen(line.unit_price),
                statements.yen(line.amount),
                f"{line.tax_rate}%",
                line.reduced,
            )
            for line in item.lines
        ],
        rates=[
            RateRow(
                f"{r.rate}%対象" + ("（軽減税率）" if r.rate == statements.REDUCED_RATE else ""),
                statements.yen(r.subtotal),
                statements.yen(r.tax),
            )
            for r in item.rates
        ],
        csv_url=statement_csv_url(item.id),
        pdf_url=invoice_pdf_url(item.id),
        correction=f"請求書番号 {item.corrects} を修正しました。修正内容：{item.correction_note}"
        if item.corrects
        else "",
        originals=[
            OriginalRow(
                o.invoice_number,
                jptime.format_date(o.issued_on),
                statements.yen(o.total),
                invoice_pdf_url(o.id),
                statement_csv_url(o.id),
            )
            for o in item.originals
        ],
        payable=item.payable,
        paid_on=jptime.format_date(item.paid_on) if item.status == "paid" else "",
        paid_method=item.paid_method,
        receipt_url=receipt_pdf_url(item.id) if item.status == "paid" else "",
    )


def service_row(item: contract.ContractLine) -> ServiceRow:
    """A service formatted for ご契約内容参照."""
    return ServiceRow(
        item.kind_label,
        item.plan,
        jptime.format_date(item.started_on),
        statements.yen(item.monthly_fee),
        statements.yen(item.fee_with_tax),
        f"{item.tax_rate}%",
    )


def notice_row(item: notices.NoticeView, with_body: bool = False) -> NoticeRow:
    """A notice formatted for a list (no body) or its own page."""
    date = jptime.format_date(jptime.today(item.starts_at))
    return NoticeRow(
        item.id,
        item.title,
        item.body if with_body else "",
        date,
        item.read,
        routes.NOTICE_DETAIL.replace("[notice_id]", str(item.id)),
    )


def device_row(item: devices.Device) -> DeviceRow:
    """A live session for ログイン中の端末."""
    return DeviceRow(**dataclasses.asdict(item))


def sign_in_row(item: devices.SignIn) -> SignInRow:
    """A sign-in attempt for ログイン履歴."""
    return SignInRow(**dataclasses.asdict(item))
