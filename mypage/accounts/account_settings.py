"""ID・パスワード変更: a logged-in subscriber changes the login ID, the password or the e-mail address.

Every change asks for the current password first (bcrypt). A wrong one counts as a
failed login of the account's login ID (mypage.accounts.login's throttle: five in a row lock the
ID, and the address is asked the CAPTCHA at the login screen), and while the ID is
locked no change is accepted.

- Login ID: the registration rule (半角英数 4–20, NFKC), unique ignoring case by the
  database's constraint; a notice goes to the account's address.
- Password: validation.validate_password; the other sessions of the account are ended,
  the one making the change is kept; a notice goes to the account's address.
- E-mail: a confirmation link (24 hours, one use, stored hashed) goes to the new
  address, a notice to the old one with a link that cancels the change
  (`cancel_email_change_by_link`). Opening either link uses nothing; the address changes
  only when the link's page button is pressed (`confirm_email_change`), and then both
  addresses are told. A pending change dies when the password changes (here or by a
  reset) and on "sign out other devices": whoever asked for it may have known the
  old password, and must not be able to move the address afterwards.
- The session making a password change gets a new token: the change ends every
  session and returns a one-time login ticket (`Result.ticket`) that the page exchanges
  for a new cookie (ASVS 5.0 7.2.4).

Each function returns the mails to send; the caller commits first, then sends them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, update

from mypage import audit, routes
from mypage.accounts import login, registration, sessions, tokens, validation
from mypage.accounts.login import fold
from mypage.accounts.validation import normalize_password
from mypage.jptime import format_datetime
from mypage.mail import Mail
from mypage.models import Account, Customer, utcnow
from mypage.security import check_password, hash_password, nfkc
from mypage.settings import get_settings

EMAIL_CHANGE, EMAIL_CANCEL = tokens.EMAIL_CHANGE, tokens.EMAIL_CANCEL
EMAIL_CHANGE_LIFETIME = dt.timedelta(hours=24)
EMAIL_REQUEST_LIMIT, EMAIL_REQUEST_WINDOW = 5, dt.timedelta(hours=1)
# Every new login ID tried (taken or not) counts: the form must not probe which IDs exist.
LOGIN_ID_TRY_LIMIT, LOGIN_ID_TRY_WINDOW = 5, dt.timedelta(hours=1)

# Field names of the results' errors.
CURRENT = "current_password"
LOGIN_ID, PASSWORD, PASSWORD_CONFIRM, EMAIL = "login_id", "password", "password_confirm", "email"

# Audit kinds.
LOGIN_ID_CHANGED = "login_id_changed"
LOGIN_ID_REFUSED = "login_id_change_refused"  # the new ID was taken
PASSWORD_CHANGED = "password_changed"
EMAIL_CHANGE_REQUESTED = "email_change_requested"
EMAIL_CHANGED = "email_changed"
EMAIL_CHANGE_CANCELLED = "email_change_cancelled"
OTHER_SESSIONS_ENDED = "other_sessions_ended"

# What a confirmation link is (mypage.accounts.tokens).
VALID, EXPIRED, USED, UNKNOWN = tokens.VALID, tokens.EXPIRED, tokens.USED, tokens.UNKNOWN

CURRENT_REQUIRED = "現在のパスワードを入力してください。"
CURRENT_WRONG = "現在のパスワードが正しくありません。"
LOGIN_ID_TAKEN = "このログインIDは使用できません。別のログインIDを入力してください。"
LOGIN_ID_SAME = "現在のログインIDと同じです。新しいログインIDを入力してください。"
LOGIN_ID_IN_PASSWORD = "現在のパスワードを含むログインIDは使用できません。別のログインIDを入力してください。"
PASSWORD_SAME = "現在のパスワードと同じです。新しいパスワードを入力してください。"
EMAIL_SAME = "現在のメールアドレスと同じです。新しいメールアドレスを入力してください。"
LOGIN_ID_THROTTLED = (
    "ログインID変更のお申込みが続いたため、受付を一時停止しています。1時間ほどおいてからお試しください。"
)
EMAIL_THROTTLED = (
    "メールアドレス変更のお申込みが続いたため、受付を一時停止しています。1時間ほどおいてからお試しください。"
)


@dataclasses.dataclass(frozen=True)
class Result:
    """What a change came to: done or the messages by field, the value as converted, the mails to send."""

    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    value: str = ""
    mails: tuple[Mail, ...] = ()
    # After a password change: the one-time ticket for this browser's new session cookie.
    ticket: str = ""

    @property
    def ok(self) -> bool:
        """Whether the change was made (or, for the address, the link sent)."""
        return not self.errors


def _locked_message(until: dt.datetime) -> str:
    return login.Outcome(login.LOCKED, locked_until=until).message


def check_current_password(
    db: Session, account: Account, password: str, *, ip: str, now: dt.datetime, mails: list[Mail] | None = None
) -> str | None:
    """The current password's check, counted like a login; the message for 現在のパスワード, or None.

    Args:
        db: The database session; the caller commits (also after a refusal, to keep the count).
        account: The logged-in account.
        password: 現在のパスワード as typed.
        ip: The client's address.
        now: The current time (aware UTC).
        mails: Where the lock mail goes when this try locks the login ID.

    Returns:
        None when the password is right and the login ID is not locked, else the message.
    """
    if not password:
        return CURRENT_REQUIRED
    matched = check_password(normalize_password(password), account.password_hash)
    subject = fold(account.login_id)
    login.guard(db, subject, now)
    state = login.lock_state(db, subject, now)
    if state.locked_until is not None:
        audit.record(
            db, login.REFUSED_LOCKED, subject=subject, account_id=account.id, ip=ip, detail="account_settings", now=now
        )
        return _locked_message(state.locked_until)
    if matched:
        return None
    audit.record(db, login.FAILED, subject=subject, account_id=account.id, ip=ip, detail="account_settings", now=now)
    if state.failures + 1 >= login.FAILURES_TO_LOCK:
        until = now + login.lock_duration(state.lockouts + 1)
        audit.record(
            db,
            login.LOCKED_KIND,
            subject=subject,
            account_id=account.id,
            ip=ip,
            detail=f"until {until.isoformat()}",
            now=now,
        )
        account.failed_logins, account.lockouts, account.locked_until = 0, state.lockouts + 1, until
        db.add(account)
        db.flush()
        if mails is not None:
            mails.extend(login.lock_mail(db, account, until, now))
        return _locked_message(until)
    account.failed_logins = state.failures + 1
    db.add(account)
    db.flush()
    return CURRENT_WRONG


def _account(db: Session, account_id: int) -> Account:
    account = db.get(Account, account_id)
    if account is None:
        raise LookupError(account_id)
    return account


def _greeting(db: Session, account: Account) -> str:
    customer = db.get(Customer, account.customer_id)
    return f"{customer.name} 様\n\n" if customer else ""


def _notice(db: Session, account: Account, to: str, title: str, lines: str) -> Mail:
    brand = get_settings().branding
    body = (
        f"{_greeting(db, account)}{lines}\n\n"
        "お心当たりのない場合は、すぐに"
        f"{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )
    return Mail(to, f"【{brand.portal_name}】{title}", body)


def change_login_id(
    db: Session,
    account_id: int,
    current_password: str,
    new_login_id: str,
    *,
    ip: str = "",
    now: dt.datetime | None = None,
) -> Result:
    """ログインID変更: the registration rule, unique ignoring case by the database's constraint.

    Args:
        db: The database session; the caller commits, then sends `Result.mails`.
        account_id: The logged-in account (from the session, never from the client).
        current_password: 現在のパスワード as typed.
        new_login_id: 新しいログインID as typed; full-width is converted.
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        The result; its value is the new login ID as converted.
    """
    now = now or utcnow()
    account = _account(db, account_id)
    login_id = nfkc(new_login_id)[:100]
    errors: dict[str, str] = {}
    locked: list[Mail] = []
    if problem := check_current_password(db, account, current_password, ip=ip, now=now, mails=locked):
        errors[CURRENT] = problem
    if problem := validation.login_id_error(login_id):
        errors[LOGIN_ID] = problem
    elif login_id == account.login_id:
        errors[LOGIN_ID] = LOGIN_ID_SAME
    elif CURRENT not in errors and login_id.lower() in normalize_password(current_password).lower():
        errors[LOGIN_ID] = LOGIN_ID_IN_PASSWORD
    elif (
        audit.count(db, (LOGIN_ID_CHANGED, LOGIN_ID_REFUSED), account_id=account.id, after=now - LOGIN_ID_TRY_WINDOW)
        >= LOGIN_ID_TRY_LIMIT
    ):
        errors[LOGIN_ID] = LOGIN_ID_THROTTLED
    if errors:
        return Result(errors, login_id, tuple(locked))
    old = account.login_id
    try:
        # An unverified registration whose links have all expired blocks nobody.
        registration._remove_stale(db, account.customer_id, login_id.lower(), now)
        db.exec(
            update(Account).where(Account.id == account.id).values(login_id=login_id, login_id_folded=login_id.lower())
        )
        db.flush()
    except IntegrityError:
        db.rollback()
        # Recorded after the rollback, so that it counts toward LOGIN_ID_TRY_LIMIT.
        audit.record(
            db,
            LOGIN_ID_REFUSED,
            subject=fold(account.login_id),
            account_id=account.id,
            ip=ip,
            detail=f"taken: {login_id}",
            now=now,
        )
        return Result({LOGIN_ID: LOGIN_ID_TAKEN}, login_id)
    db.refresh(account)
    audit.record(
        db,
        LOGIN_ID_CHANGED,
        subject=fold(login_id),
        account_id=account.id,
        ip=ip,
        detail=f"{old} -> {login_id}",
        now=now,
    )
    mail = _notice(
        db,
        account,
        account.email,
        "ログインID変更のお知らせ",
        f"{format_datetime(now)}に、マイページのログインIDが変更されました。\n\n"
        f"新しいログインID: {login_id}\n\n次回から新しいログインIDでログインしてください。",
    )
    return Result({}, login_id, (mail,))


def change_password(
    db: Session,
    account_id: int,
    current_password: str,
    new_password: str,
    confirm: str,
    *,
    keep_token: str | None,
    ip: str = "",
    now: dt.datetime | None = None,
) -> Result:
    """パスワード変更: the registration rules; every session ends, this browser gets a new one.

    Pending reset links and a pending e-mail change die with the old password. The
    session making the change is ended too and replaced: `Result.ticket` is a one-time
    login ticket that the page posts to routes.SESSION_START for a new cookie.

    Args:
        db: The database session; the caller commits, then sends `Result.mails`.
        account_id: The logged-in account.
        current_password: 現在のパスワード as typed.
        new_password: 新しいパスワード as typed.
        confirm: 新しいパスワード(確認) as typed.
        keep_token: The session making the change (mypage.state.auth.session_token); when
            given, a ticket for its replacement is returned. Not counted as "other sessions".
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        The result.
    """
    now = now or utcnow()
    account = _account(db, account_id)
    password, confirm = normalize_password(new_password), normalize_password(confirm)
    errors: dict[str, str] = {}
    locked: list[Mail] = []
    if problem := check_current_password(db, account, current_password, ip=ip, now=now, mails=locked):
        errors[CURRENT] = problem
    if problem := validation.password_error(password, account.login_id):
        errors[PASSWORD] = problem
    elif CURRENT not in errors and password == normalize_password(current_password):
        errors[PASSWORD] = PASSWORD_SAME
    if problem := validation.confirm_error(password, confirm):
        errors[PASSWORD_CONFIRM] = problem
    if errors:
        return Result(errors, "", tuple(locked))
    account.password_hash = hash_password(password)
    account.password_changed_at = now
    db.add(account)
    tokens.expire_all(db, account.id, tokens.PASSWORD_BOUND, now)
    ended = sessions.revoke_all_for_account(db, account.id, now=now, keep_token=keep_token)
    ticket = ""
    if keep_token:
        # A new token for this browser too: whoever had seen the old one has nothing.
        sessions.revoke(db, keep_token, now=now)
        ticket = sessions.issue_ticket(db, account.id, now=now)
    audit.record(
        db,
        PASSWORD_CHANGED,
        subject=fold(account.login_id),
        account_id=account.id,
        ip=ip,
        detail=f"other sessions ended: {ended}",
        now=now,
    )
    db.flush()
    mail = _notice(
        db,
        account,
        account.email,
        "パスワード変更のお知らせ",
        f"{format_datetime(now)}に、マイページのパスワードが変更されました。\n"
        "安全のため、変更に使った画面以外の端末ではログアウトしました。",
    )
    return Result({}, "", (mail,), ticket)


def confirm_url(token: str) -> str:
    """The link in the confirmation mail; opening it uses nothing."""
    return f"{get_settings().base_url}{routes.EMAIL_CONFIRM}?token={token}"


def cancel_url(token: str) -> str:
    """The link in the notice to the old address; opening it uses nothing."""
    return f"{get_settings().base_url}{routes.EMAIL_CANCEL}?token={token}"


def request_email_change(
    db: Session,
    account_id: int,
    current_password: str,
    new_email: str,
    *,
    ip: str = "",
    now: dt.datetime | None = None,
) -> Result:
    """メールアドレス変更: a confirmation link to the new address, a notice to the old one.

    The address itself changes only in `confirm_email_change`. A new request makes the
    earlier links unusable.

    Args:
        db: The database session; the caller commits, then sends `Result.mails`
            (the first is the confirmation to the new address).
        account_id: The logged-in account.
        current_password: 現在のパスワード as typed.
        new_email: 新しいメールアドレス as typed.
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        The result; its value is the new address as normalized.
    """
    now = now or utcnow()
    account = _account(db, account_id)
    email, email_problem = validation.normalize_email(new_email[: validation.EMAIL_MAX * 4])
    errors: dict[str, str] = {}
    locked: list[Mail] = []
    if problem := check_current_password(db, account, current_password, ip=ip, now=now, mails=locked):
        errors[CURRENT] = problem
    if email_problem:
        errors[EMAIL] = email_problem.replace("メールアドレス1", "新しいメールアドレス")
    elif email.lower() == account.email.lower():
        errors[EMAIL] = EMAIL_SAME
    elif (
        audit.count(db, (EMAIL_CHANGE_REQUESTED,), account_id=account.id, after=now - EMAIL_REQUEST_WINDOW)
        >= EMAIL_REQUEST_LIMIT
    ):
        errors[EMAIL] = EMAIL_THROTTLED
    if errors:
        return Result(errors, email, tuple(locked))
    _expire_links(db, account.id, now)
    token = tokens.issue(db, account.id, EMAIL_CHANGE, EMAIL_CHANGE_LIFETIME, email=email, now=now)
    cancel = tokens.issue(db, account.id, EMAIL_CANCEL, EMAIL_CHANGE_LIFETIME, email=account.email, now=now)
    audit.record(
        db,
        EMAIL_CHANGE_REQUESTED,
        subject=fold(account.login_id),
        account_id=account.id,
        ip=ip,
        detail=f"to {email}",
        now=now,
    )
    db.flush()
    brand = get_settings().branding
    confirmation = Mail(
        email,
        f"【{brand.portal_name}】メールアドレス変更の確認",
        (
            f"{_greeting(db, account)}"
            "マイページのメールアドレスを、このアドレスに変更するお申込みを受け付けました。\n"
            "次のURLを開き、「メールアドレスを変更する」ボタンを押すと変更が完了します。\n\n"
            f"{confirm_url(token)}\n\n"
            f"このURLの有効期限は {format_datetime(now + EMAIL_CHANGE_LIFETIME)} まで（24時間）です。"
            "一度だけ使えます。\n"
            "このメールにお心当たりのない場合は、お手数ですが破棄してください。メールアドレスは変更されません。"
        ),
    )
    notice = _notice(
        db,
        account,
        account.email,
        "メールアドレス変更のお申込み",
        f"{format_datetime(now)}に、マイページのメールアドレスを {email} に変更するお申込みがありました。\n"
        "新しいメールアドレスに確認メールをお送りしました。確認が済むまで、メールアドレスは変更されません。\n\n"
        "このお申込みにお心当たりのない場合は、次のURLを開き「変更を取り消す」ボタンを押してください。"
        "お申込みを取り消し、すべての端末でログアウトします。あわせてパスワードの変更をおすすめします。\n\n"
        f"{cancel_url(cancel)}",
    )
    return Result({}, email, (confirmation, notice))


def _expire_links(db: Session, account_id: int, now: dt.datetime) -> None:
    tokens.expire_all(db, account_id, tokens.PENDING_EMAIL, now)


def cancel_email_change(db: Session, account_id: int, now: dt.datetime | None = None) -> None:
    """Make the account's pending confirmation links unusable (the mail could not be sent)."""
    _expire_links(db, account_id, now or utcnow())


def pending_email(db: Session, account_id: int, now: dt.datetime | None = None) -> str:
    """The new address waiting for its link to be used, or ""."""
    row = tokens.latest_live(db, account_id, EMAIL_CHANGE, now)
    return row.email if row else ""


def email_link_status(db: Session, token: str | None, now: dt.datetime | None = None) -> tuple[str, str]:
    """What a confirmation link is, without using it: (VALID / EXPIRED / USED / UNKNOWN, the new address)."""
    row = tokens.lookup(db, token, EMAIL_CHANGE)
    return tokens.status_of(row, now), row.email if row else ""


def confirm_email_change(
    db: Session,
    token: str | None,
    *,
    keep_token: str | None = None,
    ip: str = "",
    now: dt.datetime | None = None,
) -> tuple[str, tuple[Mail, ...]]:
    """メールアドレスを変更する (the link's page button): use the link and change the address.

    The other sessions of the account end (the browser pressing the button keeps its own, if any).

    Args:
        db: The database session; the caller commits, then sends the mails.
        token: The link's token.
        keep_token: The session cookie of the browser pressing the button, if any.
        ip: The client's address.
        now: The current time (aware UTC).

    Returns:
        The new address, and the notices for the old and the new address.

    Raises:
        mypage.accounts.tokens.TokenError: The link is unknown, used or expired.
    """
    now = now or utcnow()
    status, _ = email_link_status(db, token, now)
    if status != VALID:
        raise tokens.TokenError(status)
    row = tokens.claim(db, token, EMAIL_CHANGE, now)
    if row is None:
        raise tokens.TokenError(USED)
    account = _account(db, row.account_id)
    old, new = account.email, row.email
    account.email = new
    db.add(account)
    _expire_links(db, account.id, now)
    ended = sessions.revoke_all_for_account(db, account.id, now=now, keep_token=keep_token)
    audit.record(
        db,
        EMAIL_CHANGED,
        subject=fold(account.login_id),
        account_id=account.id,
        ip=ip,
        detail=f"{old} -> {new}; other sessions ended: {ended}",
        now=now,
    )
    db.flush()
    text = f"{format_datetime(now)}に、マイページのメールアドレスが {old} から {new} に変更されました。"
    return new, (
        _notice(
            db,
            account,
            old,
            "メールアドレス変更のお知らせ",
            text + "\n今後のお知らせは新しいメールアドレスにお送りします。",
        ),
        _notice(db, account, new, "メールアドレス変更のお知らせ", text),
    )


def sign_out_other_devices(
    db: Session,
    account_id: int,
    *,
    keep_token: str | None,
    ip: str = "",
    now: dt.datetime | None = None,
) -> int:
    """他の端末からログアウト: end every session of the account but this one; how many ended.

    A pending e-mail change dies too: it may have been asked for on one of those devices.
    """
    now = now or utcnow()
    account = _account(db, account_id)
    _expire_links(db, account.id, now)
    ended = sessions.revoke_all_for_account(db, account.id, now=now, keep_token=keep_token)
    audit.record(
        db,
        OTHER_SESSIONS_ENDED,
        subject=fold(account.login_id),
        account_id=account.id,
        ip=ip,
        detail=str(ended),
        now=now,
    )
    return ended


def cancel_link_status(db: Session, token: str | None, now: dt.datetime | None = None) -> str:
    """What the old address's cancel link is, without using it: VALID / EXPIRED / USED / UNKNOWN.

    USED also when the change it would cancel is no longer pending (confirmed, cancelled
    or ended by a password change).
    """
    row = tokens.lookup(db, token, EMAIL_CANCEL)
    return tokens.status_of(row, now)


def cancel_email_change_by_link(db: Session, token: str | None, *, ip: str = "", now: dt.datetime | None = None) -> int:
    """変更を取り消す (the old address's link): the pending change dies and every session ends.

    Returns:
        The id of the account whose change was cancelled.

    Raises:
        mypage.accounts.tokens.TokenError: The link is unknown, used or expired.
    """
    now = now or utcnow()
    status = cancel_link_status(db, token, now)
    if status != VALID:
        raise tokens.TokenError(status)
    row = tokens.claim(db, token, EMAIL_CANCEL, now)
    if row is None:
        raise tokens.TokenError(USED)
    account = _account(db, row.account_id)
    _expire_links(db, account.id, now)
    ended = sessions.revoke_all_for_account(db, account.id, now=now)
    audit.record(
        db,
        EMAIL_CHANGE_CANCELLED,
        subject=fold(account.login_id),
        account_id=account.id,
        ip=ip,
        detail=f"sessions ended: {ended}",
        now=now,
    )
    db.flush()
    return account.id
