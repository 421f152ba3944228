"""ログインIDを忘れた場合 / パスワードを忘れた場合: mails that help, and say nothing to anyone else.

Both requests get the same answer whether or not anything matched; the mail, when
there is one, goes only to the address the account has registered. The caller sends
the returned `mail.Mail` after it has answered (see `mail.deliver`), so that the time of the
answer does not tell either.

Throttles: 5 requests an hour from one address (answered with a "try later"
message, which depends only on the address), and 3 mails an hour to one account
(silently not sent: the answer stays the same).

A reset link carries a random token, stored hashed, good for one hour and one use; it
also dies when the password changes by any other way. Opening the link shows the form
and uses nothing; the token is used up only when the new password is set. Setting it
revokes every session of the account, clears its login lockout, and mails a notice.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from mypage import audit, routes
from mypage.accounts import sessions, tokens
from mypage.accounts.login import PASSWORD_RESET, find_account, fold, reset_url
from mypage.accounts.validation import normalize_password, validate_password
from mypage.jptime import format_datetime
from mypage.mail import Mail
from mypage.models import Account, Customer, utcnow
from mypage.security import hash_password, nfkc
from mypage.settings import get_settings

WINDOW = dt.timedelta(hours=1)
ADDRESS_LIMIT = 5
ACCOUNT_LIMIT = 3
RESET_LIFETIME = dt.timedelta(hours=1)
RESET_PURPOSE = tokens.RESET

ID_REQUEST, PASSWORD_REQUEST, MAIL_SENT = "recovery_id", "recovery_password", "recovery_mail"

ID_ANSWER = (
    "ご入力いただいたお客様番号とメールアドレスが登録内容と一致した場合は、"
    "登録されているメールアドレスにログインIDをお送りしました。メールをご確認ください。"
)
PASSWORD_ANSWER = (
    "ご入力いただいたログインIDとメールアドレスが登録内容と一致した場合は、"
    "登録されているメールアドレスにパスワード再設定用のURLをお送りしました。"
    "URLの有効期限は1時間です。メールをご確認ください。"
)
THROTTLED = "短い時間にお問合せが続いたため、受付を一時停止しています。しばらく時間をおいてからお試しください。"
INVALID_LINK = (
    "このURLは無効か、有効期限が切れています。お手数ですが、「パスワードを忘れた場合」からもう一度お手続きください。"
)


class Throttled(Exception):
    """Too many recovery requests from this address."""


def _check_address(db: Session, ip: str, now: dt.datetime) -> None:
    if audit.count(db, (ID_REQUEST, PASSWORD_REQUEST), ip=ip, after=now - WINDOW) >= ADDRESS_LIMIT:
        raise Throttled(THROTTLED)


def _may_mail(db: Session, account: Account, now: dt.datetime) -> bool:
    return audit.count(db, (MAIL_SENT,), account_id=account.id, after=now - WINDOW) < ACCOUNT_LIMIT


def _same_email(account: Account, email: str) -> bool:
    return bool(email) and account.email.strip().lower() == nfkc(email).lower()


def _greeting(db: Session, account: Account) -> str:
    customer = db.get(Customer, account.customer_id)
    return f"{customer.name} 様\n\n" if customer else ""


def request_login_id(
    db: Session, customer_number: str, email: str, *, ip: str, now: dt.datetime | None = None
) -> Mail | None:
    """ログインIDを忘れた場合: the login ID, mailed to the account's own address if both fields match.

    Args:
        db: The database session; the caller commits, then calls `deliver`.
        customer_number: お客様番号 as typed.
        email: メールアドレス1 as typed.
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        The mail to send, or None; the subscriber is shown ID_ANSWER either way.

    Raises:
        Throttled: Too many requests from this address.
    """
    now = now or utcnow()
    number = nfkc(customer_number)[:20]
    _check_address(db, ip, now)
    audit.record(db, ID_REQUEST, subject=number, ip=ip, now=now)
    account = db.exec(
        select(Account).join(Customer, Customer.id == Account.customer_id).where(Customer.customer_number == number)
    ).first()
    if account is None or not _same_email(account, email) or not _may_mail(db, account, now):
        return None
    audit.record(db, MAIL_SENT, subject=number, account_id=account.id, ip=ip, detail="login_id", now=now)
    brand, settings = get_settings().branding, get_settings()
    body = (
        f"{_greeting(db, account)}"
        "マイページのログインIDのお問合せを受け付けました。\n\n"
        f"ログインID: {account.login_id}\n\n"
        f"ログインはこちらから: {settings.base_url}{routes.LOGIN}\n\n"
        "このメールにお心当たりのない場合は、お手数ですが破棄してください。"
    )
    return Mail(account.email, f"【{brand.portal_name}】ログインIDのお知らせ", body)


def request_password_reset(
    db: Session, login_id: str, email: str, *, ip: str, now: dt.datetime | None = None
) -> Mail | None:
    """パスワードを忘れた場合: a one-hour reset link to the account's own address if both fields match.

    Args:
        db: The database session; the caller commits (the token), then calls `deliver`.
        login_id: ログインID as typed (case and width ignored).
        email: メールアドレス1 as typed.
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        The mail to send, or None; the subscriber is shown PASSWORD_ANSWER either way.

    Raises:
        Throttled: Too many requests from this address.
    """
    now = now or utcnow()
    _check_address(db, ip, now)
    audit.record(db, PASSWORD_REQUEST, subject=fold(login_id), ip=ip, now=now)
    account = find_account(db, login_id)
    if account is None or not _same_email(account, email) or not _may_mail(db, account, now):
        return None
    audit.record(db, MAIL_SENT, subject=fold(login_id), account_id=account.id, ip=ip, detail="reset", now=now)
    token = tokens.issue(db, account.id, RESET_PURPOSE, RESET_LIFETIME, email=account.email, now=now)
    brand = get_settings().branding
    body = (
        f"{_greeting(db, account)}"
        "マイページのパスワード再設定のお申込みを受け付けました。\n"
        "次のURLを開き、新しいパスワードを設定してください。\n\n"
        f"{reset_url(token)}\n\n"
        f"このURLの有効期限は {format_datetime(now + RESET_LIFETIME)} まで（1時間）です。一度だけ使えます。\n"
        "このメールにお心当たりのない場合は、お手数ですが破棄してください。パスワードは変更されません。"
    )
    return Mail(account.email, f"【{brand.portal_name}】パスワード再設定のご案内", body)


def check_reset_token(db: Session, token: str | None, now: dt.datetime | None = None) -> Account | None:
    """The account a reset link is for, if the link can still be used; uses nothing."""
    now = now or utcnow()
    row = tokens.lookup(db, token, RESET_PURPOSE)
    if tokens.status_of(row, now) != tokens.VALID:
        return None
    account = db.get(Account, row.account_id)
    # A link dies when the password or the address changed after it was sent.
    if account is None or account.password_changed_at > row.created_at or account.email != row.email:
        return None
    return account


def reset_password(
    db: Session, token: str | None, password: str, confirm: str, *, ip: str, now: dt.datetime | None = None
) -> tuple[Account | None, str | None]:
    """Set a new password through a reset link.

    Args:
        db: The database session; the caller commits, then sends `password_changed_mail`.
        token: The token of the link.
        password: The new password as typed.
        confirm: パスワード(確認) as typed.
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        (the account, None) when done; (None, a message) when the password breaks a rule
        or the link cannot be used.
    """
    now = now or utcnow()
    account = check_reset_token(db, token, now)
    if account is None:
        return None, INVALID_LINK
    problem = validate_password(password, account.login_id, confirm)
    if problem:
        return None, problem
    # One UPDATE claims the token, so that two submissions cannot both use it.
    if tokens.claim(db, token, RESET_PURPOSE, now) is None:
        return None, INVALID_LINK
    # Every other reset link of the account dies with this one, and so does a pending
    # e-mail change: whoever asked for it may have known the old password.
    tokens.expire_all(db, account.id, tokens.PASSWORD_BOUND, now)
    account.password_hash = hash_password(normalize_password(password))
    account.password_changed_at = now
    account.failed_logins, account.lockouts, account.locked_until = 0, 0, None
    db.add(account)
    sessions.revoke_all_for_account(db, account.id, now=now)
    audit.record(db, PASSWORD_RESET, subject=fold(account.login_id), account_id=account.id, ip=ip, now=now)
    db.flush()
    return account, None


def password_changed_mail(db: Session, account: Account, now: dt.datetime | None = None) -> Mail:
    """The notice that the password was changed, for the account's address."""
    brand = get_settings().branding
    body = (
        f"{_greeting(db, account)}"
        f"{format_datetime(now or utcnow())}に、マイページのパスワードが変更されました。\n"
        "安全のため、すべての端末でログアウトしました。新しいパスワードでログインしてください。\n\n"
        "お心当たりのない場合は、すぐに"
        f"{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )
    return Mail(account.email, f"【{brand.portal_name}】パスワード変更のお知らせ", body)
