"""Changing the card on file through a payment gateway; the portal never sees a card number.

The flow (DESIGN, Security model):
1. `start_checkout` makes a one-time nonce for the logged-in account (kept only as a
   hash, in the audit trail as a `card_checkout` event) and the gateway's page URL.
2. The subscriber types the card into the gateway's own page, on the gateway's origin.
3. The gateway sends the browser back to the portal's return page with a one-time token
   and the nonce. `finish_checkout` accepts the nonce once, for the same account and within
   NONCE_LIFETIME (so another site cannot make a subscriber register the attacker's card),
   exchanges the token server to server for brand, last 4 and expiry, and `replace_card`
   saves them, records `card_changed` and mails the subscriber.

`Gateway` is what a real gateway's adapter implements; `TestGateway` talks to
testgateway over HTTP.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
from typing import Protocol
from urllib.parse import urlencode

import httpx
from sqlmodel import Session, select

from mypage import audit, jptime, mail
from mypage.billing import hosted_page
from mypage.models import Account, PaymentMethod, utcnow
from mypage.settings import Settings, get_settings

log = logging.getLogger(__name__)

NONCE_LIFETIME = hosted_page.NONCE_LIFETIME
CHECKOUT = "card_checkout"
RETURNED = "card_return"
CHANGED = "card_changed"
CHANGE_FAILED = "card_change_failed"


def sign_checkout(secret: str, return_url: str, state: str) -> str:
    """The checkout request's signature, added by the portal and checked by the gateway (testgateway too)."""
    return hosted_page.sign(secret, return_url, state)


def sign_charge(secret: str, return_url: str, state: str, amount: int, order_id: str) -> str:
    """A one-off charge request's signature: the amount and the order are the portal's, not the browser's."""
    return hosted_page.sign(secret, "charge", return_url, state, amount, order_id)


class GatewayError(RuntimeError):
    """The gateway refused the token or could not be reached."""


@dataclasses.dataclass(frozen=True)
class CardSummary:
    """What the gateway tells the portal about a card: never its number.

    `state` is the nonce the gateway's token was issued for, when the gateway reports it.
    """

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    gateway_token: str
    state: str = ""


@dataclasses.dataclass(frozen=True)
class ChargeSummary:
    """What the gateway tells the portal about a one-off charge it has made (see mypage.billing.billpay)."""

    charge_id: str
    order_id: str
    amount: int
    brand: str
    last4: str
    state: str = ""


class Gateway(Protocol):
    """The adapter a payment gateway implements."""

    def charge_url(self, return_url: str, state: str, amount: int, order_id: str) -> str:
        """The gateway's payment page for one charge of `amount` yen for `order_id` (charged at most once)."""
        ...

    def charge_result(self, token: str) -> ChargeSummary:
        """The charge behind a one-time token; raises GatewayError when refused."""
        ...

    def checkout_url(self, return_url: str, state: str) -> str:
        """The gateway's card page, coming back to return_url with `state` and a token."""
        ...

    def exchange(self, token: str) -> CardSummary:
        """The card behind a one-time token; raises GatewayError when refused."""
        ...


class TestGateway:
    """The adapter for testgateway: a signed checkout URL, an HTTP exchange with a shared secret."""

    __test__ = False  # not a pytest class

    def __init__(self, base_url: str, secret: str, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.client = client

    def checkout_url(self, return_url: str, state: str) -> str:  # noqa: D102
        query = urlencode(
            {"return_url": return_url, "state": state, "sig": sign_checkout(self.secret, return_url, state)}
        )
        return f"{self.base_url}/checkout?{query}"

    def _post(self, path: str, token: str) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}"}
        try:
            if self.client is not None:
                response = self.client.post(path, json={"token": token}, headers=headers)
            else:
                with httpx.Client(base_url=self.base_url, timeout=15) as client:
                    response = client.post(path, json={"token": token}, headers=headers)
        except httpx.HTTPError as error:
            raise GatewayError(f"gateway unreachable: {error}") from error
        if response.status_code != 200:
            raise GatewayError(f"gateway refused the token: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise GatewayError(f"gateway answered something unexpected: {error}") from error

    def charge_url(self, return_url: str, state: str, amount: int, order_id: str) -> str:  # noqa: D102
        sig = sign_charge(self.secret, return_url, state, amount, order_id)
        query = urlencode(
            {"return_url": return_url, "state": state, "amount": amount, "order_id": order_id, "sig": sig}
        )
        return f"{self.base_url}/pay?{query}"

    def charge_result(self, token: str) -> ChargeSummary:  # noqa: D102
        data = self._post("/api/charge", token)
        try:
            return ChargeSummary(
                charge_id=str(data["charge_id"])[:100],
                order_id=str(data["order_id"]),
                amount=int(data["amount"]),
                brand=str(data["brand"])[:30],
                last4=str(data["last4"])[-4:],
                state=str(data.get("state", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise GatewayError(f"gateway answered something unexpected: {error}") from error

    def exchange(self, token: str) -> CardSummary:  # noqa: D102
        data = self._post("/api/exchange", token)
        try:
            return CardSummary(
                brand=str(data["brand"])[:30],
                last4=str(data["last4"])[-4:],
                exp_month=int(data["exp_month"]),
                exp_year=int(data["exp_year"]),
                gateway_token=str(data["card_id"])[:200],
                state=str(data.get("state", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise GatewayError(f"gateway answered something unexpected: {error}") from error


def gateway(settings: Settings | None = None) -> Gateway:
    """The configured gateway's adapter."""
    settings = settings or get_settings()
    return TestGateway(settings.payment_gateway_url, settings.payment_gateway_secret)


def start_checkout(db: Session, account_id: int, *, ip: str = "", now: dt.datetime | None = None) -> str:
    """A new one-time nonce for this account's card change; the caller commits."""
    return hosted_page.issue_nonce(db, CHECKOUT, account_id, ip=ip, now=now)


def redeem_nonce(db: Session, account_id: int, nonce: str, *, ip: str = "", now: dt.datetime | None = None) -> bool:
    """Accept a nonce once: issued to this account, not yet used, not expired. The caller commits."""
    return hosted_page.redeem_nonce(db, CHECKOUT, RETURNED, account_id, nonce, ip=ip, now=now) is not None


def format_expiry(month: int, year: int) -> str:
    """有効期限 as cards print it: MM/YY."""
    return f"{month:02d}/{year % 100:02d}"


def masked(last4: str) -> str:
    """The only way the portal shows a card number."""
    return f"•••• {last4}"


def card_of(db: Session, customer_id: int) -> PaymentMethod | None:
    """The customer's card on file, if any."""
    return db.exec(select(PaymentMethod).where(PaymentMethod.customer_id == customer_id)).first()


def notice_mail(summary: CardSummary, now: dt.datetime, settings: Settings | None = None) -> tuple[str, str]:
    """Subject and body of the mail telling the subscriber their card was changed."""
    brand = (settings or get_settings()).branding
    when = jptime.format_datetime(now)
    body = (
        "マイページで、お支払いに使うクレジットカード情報を変更しました。\n\n"
        f"変更日時: {when}\n"
        f"カード: {summary.brand} {masked(summary.last4)}\n"
        f"有効期限: {format_expiry(summary.exp_month, summary.exp_year)}\n\n"
        "このお手続きにお心当たりのない場合は、すぐにパスワードを変更のうえ、"
        f"{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までご連絡ください。"
    )
    return f"【{brand.portal_name}】クレジットカード情報を変更しました", body


def replace_card(
    db: Session,
    customer_id: int,
    summary: CardSummary,
    now: dt.datetime | None = None,
    *,
    account_id: int | None = None,
    ip: str = "",
) -> PaymentMethod:
    """Save the customer's new card, record it, commit, then mail the notice to the account's address.

    A mail that cannot be sent is logged: the card has been changed all the same.
    """
    now = now or utcnow()
    row = card_of(db, customer_id) or PaymentMethod(
        customer_id=customer_id, gateway_token="", brand="", last4="", exp_month=1, exp_year=2000
    )
    row.gateway_token, row.brand, row.last4 = summary.gateway_token, summary.brand, summary.last4
    row.exp_month, row.exp_year, row.updated_at = summary.exp_month, summary.exp_year, now
    db.add(row)
    account = db.exec(select(Account).where(Account.customer_id == customer_id)).first()
    audit.record(
        db,
        CHANGED,
        account_id=account_id or (account.id if account else None),
        ip=ip,
        now=now,
        detail=f"{summary.brand} {summary.last4} {format_expiry(summary.exp_month, summary.exp_year)}",
    )
    db.commit()
    db.refresh(row)
    if account is not None and account.email:
        subject, body = notice_mail(summary, now)
        try:
            mail.send(account.email, subject, body)
        except mail.MailError:
            log.exception("card change notice to %s not sent", account.email)
    return row


class Outcome(enum.StrEnum):
    """How a return from the gateway ended."""

    CHANGED = "changed"
    CANCELLED = "cancelled"
    INVALID = "invalid"
    FAILED = "failed"


def finish_checkout(
    db: Session,
    gw: Gateway,
    account: Account,
    *,
    state: str,
    token: str = "",
    result: str = "",
    ip: str = "",
    now: dt.datetime | None = None,
) -> Outcome:
    """The return from the gateway for the logged-in account: check the nonce, exchange, save."""
    now = now or utcnow()
    if not redeem_nonce(db, account.id, state, ip=ip, now=now):
        db.commit()
        return Outcome.INVALID
    db.commit()
    if result == "cancel" or not token:
        return Outcome.CANCELLED
    try:
        summary = gw.exchange(token)
    except GatewayError as error:
        log.warning("card exchange for account %s failed: %s", account.id, error)
        audit.record(db, CHANGE_FAILED, account_id=account.id, ip=ip, now=now, detail=str(error))
        db.commit()
        return Outcome.FAILED
    if summary.state and summary.state != state:
        audit.record(db, CHANGE_FAILED, account_id=account.id, ip=ip, now=now, detail="token issued for another nonce")
        db.commit()
        return Outcome.INVALID
    replace_card(db, account.customer_id, summary, now, account_id=account.id, ip=ip)
    return Outcome.CHANGED
