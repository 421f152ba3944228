"""新しい端末からのログインのお知らせ: a long-lived device cookie, and a mail on a sign-in from a new browser.

Each browser that signs in gets an HttpOnly cookie with a random device id (400 days,
renewed at each sign-in; set by mypage.web.http beside the session cookie). The
session_start audit event keeps a keyed hash of it as its subject, so a browser is known
to an account when that account has signed in from it before. A sign-in from a browser
the account has not used before mails the owner the time, the browser and the address,
and what to do if it was not them. The very first sign-in of an account mails nothing
(every browser is new then).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage import audit, jptime, routes
from mypage.accounts import sessions
from mypage.accounts.browsers import browser_label
from mypage.mail import Mail
from mypage.models import Account, AuditEvent, Customer, utcnow
from mypage.security import hash_token, new_token
from mypage.settings import Settings, get_settings

SESSION_START = "session_start"
NEW_DEVICE_MAILED = "new_device_mailed"
MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chrome caps at 400 days)
_WELL_FORMED = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def cookie_name(settings: Settings | None = None) -> str:
    """The device cookie's name; under https the __Host- prefix pins it to this host and path."""
    settings = settings or get_settings()
    return "__Host-mypage_device" if settings.is_https else "mypage_device"


def device_from_cookie_header(header: str, settings: Settings | None = None) -> str | None:
    """The device id in a raw Cookie header, or None when absent or not one of ours."""
    value = sessions.cookie_value(header, cookie_name(settings))
    return value if value and _WELL_FORMED.match(value) else None


def _subject(device: str) -> str:
    return f"device:{hash_token(device)}"


@dataclasses.dataclass(frozen=True)
class SignedIn:
    """What a sign-in leaves: the device id for the cookie, and the mail to send after commit, if any."""

    device: str
    new_device: bool
    mails: tuple[Mail, ...] = ()


def _mail(db: Session, account: Account, *, ip: str, user_agent: str, now: dt.datetime) -> Mail:
    settings = get_settings()
    brand = settings.branding
    customer = db.get(Customer, account.customer_id)
    greeting = f"{customer.name} 様\n\n" if customer else ""
    body = (
        f"{greeting}{brand.portal_name}に、これまでにご利用のない端末からログインがありました。\n\n"
        f"日時：{jptime.format_datetime(now)}（日本時間）\n"
        f"ブラウザ：{browser_label(user_agent)}\n"
        f"IPアドレス：{ip or '不明'}\n\n"
        "お客様ご自身のログインであれば、このメールへの対応は不要です。\n\n"
        "お心当たりのない場合は、第三者がパスワードを知っているおそれがあります。"
        "すぐに次のページからパスワードを再設定してください。"
        "パスワードを再設定すると、ログイン中のすべての端末がログアウトされます。\n"
        f"{settings.base_url.rstrip('/')}{routes.FORGOT_PASSWORD}\n\n"
        "ログイン中の端末とログイン履歴は、マイページの「セキュリティ設定」でご確認いただけます。\n"
        f"ご不明な点は、{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )
    return Mail(account.email, f"【{brand.portal_name}】新しい端末からのログインのお知らせ", body)


def signed_in(
    db: Session,
    account_id: int,
    device: str | None,
    *,
    ip: str = "",
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> SignedIn:
    """Record a session's start (audited) and tell whether the browser is new to the account.

    Args:
        db: The database session; the caller commits, then sends the mails.
        account_id: The account that has just signed in.
        device: The device id from this browser's cookie, or None.
        ip: The client address.
        user_agent: The browser's User-Agent header.
        now: The current time (aware UTC).

    Returns:
        The device id to set in the cookie (the same one when it was well formed) and the mail, if any.
    """
    now = now or utcnow()
    device = device if device and _WELL_FORMED.match(device) else new_token()
    subject = _subject(device)
    starts = (
        select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.kind == SESSION_START, AuditEvent.account_id == account_id)
    )
    first_ever = db.exec(starts).one() == 0
    known = db.exec(starts.where(AuditEvent.subject == subject[:100])).one() > 0
    audit.record(db, SESSION_START, subject=subject, account_id=account_id, ip=ip, user_agent=user_agent, now=now)
    account = db.get(Account, account_id)
    if known or first_ever or account is None or not account.email:
        return SignedIn(device, not known)
    audit.record(db, NEW_DEVICE_MAILED, account_id=account_id, ip=ip, user_agent=user_agent, now=now)
    return SignedIn(device, True, (_mail(db, account, ip=ip, user_agent=user_agent, now=now),))
