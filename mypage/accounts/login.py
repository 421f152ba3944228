"""Login: the password check, its throttles and its audit trail.

Rules (issue 4):
- The login ID ignores letter case and full-width input (NFKC); so does the password's
  width (NFKC, not trimmed), as registration stored it.
- One message for a wrong ID or a wrong password. bcrypt runs for unknown IDs too, and
  every throttle below is counted per login ID *as typed* (folded), from the audit
  trail, whether or not an account has it: an unknown ID behaves exactly like a known
  one with a wrong password, lockout included, so nothing tells them apart.
- 5 failures in a row for a login ID lock it for 15 minutes, doubling with each
  further lockout (capped at a day) until a successful login or a password reset.
  The Account's failed_logins / lockouts / locked_until mirror this for the operator.
- Per address: after 3 failures in an hour the form also asks the image CAPTCHA; after
  30 the address may not try at all for the rest of the hour. So one address cannot
  lock out every account, nor guess without CAPTCHAs.
- A pending account is told so only after its password was right.
- Counting is atomic: the login ID's `LoginGuard` row is locked (an upsert) before its
  failures are read, so parallel wrong passwords take turns and never pass the limit
  unlocked. bcrypt runs before the lock, so the lock is held only for a few queries.
- When an ID is locked, its owner (if the ID has an account) gets a mail saying so with
  a password-reset link that ends the lock at once; the message on screen says a mail
  was sent if the ID has an account, so it tells nobody whether it has.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from mypage import audit, routes
from mypage.accounts import captcha, tokens
from mypage.accounts.validation import normalize_password
from mypage.jptime import format_datetime
from mypage.mail import Mail
from mypage.models import Account, Customer, LoginGuard, utcnow
from mypage.security import check_password, nfkc
from mypage.settings import get_settings

FAILURES_TO_LOCK = 5
LOCK_BASE = dt.timedelta(minutes=15)
LOCK_MAX = dt.timedelta(hours=24)
CAPTCHA_AFTER = 3
ADDRESS_WINDOW = dt.timedelta(hours=1)
ADDRESS_LIMIT = 30
# The reset link in the lock mail (as パスワードを忘れた場合's).
RESET_LIFETIME = dt.timedelta(hours=1)

# Audit kinds.
OK_KIND, FAILED, LOCKED_KIND, REFUSED_LOCKED = "login_ok", "login_failed", "login_locked", "login_refused_locked"
CAPTCHA_FAILED, THROTTLED_KIND, PENDING_KIND = "login_captcha_failed", "login_throttled", "login_pending"
PASSWORD_RESET = "password_reset"
# 二段階認証 (mypage.accounts.two_step): the password was right and a code is asked; a wrong code.
TWO_STEP_REQUIRED, TWO_STEP_FAILED = "login_two_step_required", "login_two_step_failed"
# What counts against an address: every refused attempt.
ADDRESS_FAILURES = (FAILED, REFUSED_LOCKED, CAPTCHA_FAILED, TWO_STEP_FAILED)
# What counts towards a login ID's lockout: a wrong password or a wrong second-factor code.
ID_FAILURES = (FAILED, TWO_STEP_FAILED)
# What ends a login ID's run of failures and lockouts.
RESETS = (OK_KIND, PASSWORD_RESET, "login_unlocked")

# Outcomes.
OK, INVALID, LOCKED, PENDING, CAPTCHA, THROTTLED = "ok", "invalid", "locked", "pending", "captcha", "throttled"
TWO_STEP = "two_step"
INVALID_MESSAGE = "ログインIDまたはパスワードが正しくありません。"


def fold(login_id: str) -> str:
    """A login ID as it is looked up and counted: half-width, trimmed, lower case."""
    return nfkc(login_id).lower()[:100]


@dataclasses.dataclass(frozen=True)
class LockState:
    """A login ID's failures since its last success or lockout, and its lockouts."""

    failures: int = 0
    lockouts: int = 0
    locked_until: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a login attempt came to; `message` is what the login form says."""

    status: str
    account_id: int | None = None
    locked_until: dt.datetime | None = None
    captcha_required: bool = False
    # The lock mail to the owner, sent by the caller after commit.
    mails: tuple[Mail, ...] = ()

    @property
    def message(self) -> str:
        """The Japanese message for the form ("" on success)."""
        brand = get_settings().branding
        if self.status == INVALID:
            return INVALID_MESSAGE
        if self.status == LOCKED:
            until = format_datetime(self.locked_until) if self.locked_until else ""
            return (
                f"ログインに続けて失敗したため、このログインIDでのログインを{until}まで停止しています。"
                f"{LOCK_MAIL_NOTE}"
                f"お急ぎの場合は、{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
            )
        if self.status == PENDING:
            return (
                "メールアドレスの認証が済んでいません。登録時にお送りしたメールのURLを開いて、"
                "認証を完了してください。メールが見つからない場合は、確認メールを再送信できます。"
            )
        if self.status == CAPTCHA:
            return "画像認証の数字が正しくありません。新しい画像の数字を入力してください。"
        if self.status == THROTTLED:
            return (
                "ログインの失敗が続いたため、しばらくの間ログインできません。時間をおいてからお試しください。"
                f"お急ぎの場合は、{brand.name}窓口（{brand.phone}）までお問合せください。"
            )
        return ""


LOCK_MAIL_NOTE = (
    "このログインIDのアカウントがある場合は、登録されているメールアドレスに、停止をすぐに解除できる"
    "パスワード再設定のURLをお送りしました。"
)


def reset_url(token: str) -> str:
    """The link of a reset mail (パスワードを忘れた場合, the lock mail); opening it uses nothing up."""
    return f"{get_settings().base_url}{routes.RESET_PASSWORD}?token={token}"


def guard(db: Session, subject: str, now: dt.datetime) -> None:
    """Take the login ID's turn: lock its LoginGuard row until the caller commits.

    An upsert writes the row, which takes its row lock on PostgreSQL and the write lock on
    SQLite, so a parallel attempt for the same ID waits here and then reads our failures.
    """
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = LoginGuard.__table__
    db.execute(
        insert(table)
        .values(subject=subject[:100], at=now)
        .on_conflict_do_update(index_elements=[table.c.subject], set_={"at": now})
    )


def lock_mail(db: Session, account: Account | None, until: dt.datetime, now: dt.datetime) -> tuple[Mail, ...]:
    """The mail to the owner of a login ID that was just locked: what happened, and the reset link."""
    if account is None or not account.email:
        return ()
    token = tokens.issue(db, account.id, tokens.RESET, RESET_LIFETIME, email=account.email, now=now)
    customer = db.get(Customer, account.customer_id)
    brand = get_settings().branding
    body = (
        f"{customer.name + ' 様' if customer else ''}\n\n"
        f"マイページへのログインに続けて失敗したため、{format_datetime(now)}から{format_datetime(until)}まで、"
        "このアカウントへのログインを停止しました。\n\n"
        "お客様ご自身の操作であれば、次のURLから新しいパスワードを設定すると、停止はすぐに解除されます。\n\n"
        f"{reset_url(token)}\n\n"
        f"このURLの有効期限は {format_datetime(now + RESET_LIFETIME)} まで（1時間）です。一度だけ使えます。\n"
        "お心当たりのない場合は、どなたかがログインを試みています。パスワードの変更をおすすめします。\n"
        f"ご不明な点は、{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )
    return (Mail(account.email, f"【{brand.portal_name}】ログイン停止のお知らせ", body),)


def lock_duration(lockouts: int) -> dt.timedelta:
    """How long the n-th lockout in a row lasts: 15 minutes, 30, 60, … at most a day."""
    return min(LOCK_BASE * 2 ** min(max(lockouts - 1, 0), 16), LOCK_MAX)


def lock_state(db: Session, subject: str, now: dt.datetime) -> LockState:
    """Failures and lockouts of a (folded) login ID, from the audit trail."""
    reset = audit.last(db, RESETS, subject=subject)
    since = reset.at if reset else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    lockouts = audit.count(db, (LOCKED_KIND,), subject=subject, after=since)
    last_lock = audit.last(db, (LOCKED_KIND,), subject=subject) if lockouts else None
    if last_lock is not None:
        since = max(since, last_lock.at)
    failures = audit.count(db, ID_FAILURES, subject=subject, after=since)
    until = last_lock.at + lock_duration(lockouts) if last_lock else None
    return LockState(failures, lockouts, until if until and until > now else None)


def captcha_required(db: Session, ip: str, now: dt.datetime | None = None) -> bool:
    """Whether logins from this address must also answer the image CAPTCHA."""
    now = now or utcnow()
    return audit.count(db, ADDRESS_FAILURES, ip=ip, after=now - ADDRESS_WINDOW) >= CAPTCHA_AFTER


def address_blocked(db: Session, ip: str, now: dt.datetime | None = None) -> bool:
    """Whether this address has failed so often that it may not try for now."""
    now = now or utcnow()
    return audit.count(db, ADDRESS_FAILURES, ip=ip, after=now - ADDRESS_WINDOW) >= ADDRESS_LIMIT


def find_account(db: Session, login_id: str) -> Account | None:
    """The account of a login ID, ignoring case and width."""
    return db.exec(select(Account).where(Account.login_id_folded == fold(login_id))).first()


def _mirror(db: Session, account: Account | None, state: LockState) -> None:
    if account is None:
        return
    account.failed_logins, account.lockouts, account.locked_until = state.failures, state.lockouts, state.locked_until
    db.add(account)


def login_event(
    db: Session,
    kind: str,
    subject: str,
    account: Account | None,
    *,
    ip: str,
    now: dt.datetime,
    detail: str = "",
    user_agent: str = "",
) -> None:
    """Audit one step of a login for a (folded) login ID, and its account if it has one."""
    audit.record(
        db,
        kind,
        subject=subject,
        account_id=account.id if account else None,
        ip=ip,
        detail=detail,
        now=now,
        user_agent=user_agent,
    )


def record_failure(
    db: Session,
    account: Account | None,
    kind: str,
    *,
    ip: str,
    now: dt.datetime,
    subject: str | None = None,
    state: LockState | None = None,
    detail: str = "",
    user_agent: str = "",
) -> Outcome:
    """Record a wrong password or code for a login ID, locking it at the fifth in a row.

    Args:
        db: The database session; the caller commits.
        account: The account, if the login ID has one.
        kind: FAILED (password) or TWO_STEP_FAILED (code).
        ip: The client's address.
        now: The current time (aware UTC).
        subject: The folded login ID (the account's by default).
        state: The login ID's lock state before this failure (read from the audit trail by default).
        detail: Kept on the event.
        user_agent: The browser, for ログイン履歴.

    Returns:
        INVALID, or LOCKED when this failure locked the login ID.
    """
    subject = subject if subject is not None else fold(account.login_id)
    if state is None:
        guard(db, subject, now)  # the ID's row, locked: parallel failures are counted in turn
        state = lock_state(db, subject, now)

    def event(kind: str, detail: str = "") -> None:
        login_event(db, kind, subject, account, ip=ip, now=now, detail=detail, user_agent=user_agent)

    event(kind, detail)
    state = dataclasses.replace(state, failures=state.failures + 1)
    mails: tuple[Mail, ...] = ()
    if state.failures >= FAILURES_TO_LOCK:
        lockouts = state.lockouts + 1
        state = LockState(0, lockouts, now + lock_duration(lockouts))
        event(LOCKED_KIND, f"until {state.locked_until.isoformat()}")
        mails = lock_mail(db, account, state.locked_until, now)
    _mirror(db, account, state)
    status = LOCKED if state.locked_until else INVALID
    return Outcome(status, locked_until=state.locked_until, captcha_required=captcha_required(db, ip, now), mails=mails)


def record_success(db: Session, account: Account) -> None:
    """A login went through: the login ID's run of failures ends (its login_ok event is the caller's)."""
    _mirror(db, account, LockState())


def attempt(
    db: Session,
    login_id: str,
    password: str,
    *,
    ip: str,
    captcha_id: str | None = None,
    captcha_answer: str | None = None,
    now: dt.datetime | None = None,
    user_agent: str = "",
) -> Outcome:
    """Check a login and record it.

    Args:
        db: The database session; the caller commits (audit events, counters, CAPTCHA use).
        login_id: The ログインID as typed.
        password: The パスワード as typed.
        ip: The client's address (see mypage.netaddr).
        captcha_id: The CAPTCHA challenge the form showed, if it showed one.
        captcha_answer: What was typed into 画像認証.
        now: The current time (aware UTC).
        user_agent: The browser's User-Agent, kept with the events for ログイン履歴.

    Returns:
        The outcome; on OK its account_id is the account to start a session for.
    """
    now = now or utcnow()
    subject = fold(login_id)

    def event(kind: str, account: Account | None = None, detail: str = "") -> None:
        login_event(db, kind, subject, account, ip=ip, now=now, detail=detail, user_agent=user_agent)

    if address_blocked(db, ip, now):
        event(THROTTLED_KIND, detail="address")
        return Outcome(THROTTLED)
    if captcha_required(db, ip, now) and not captcha.check(db, captcha_id, captcha_answer, now):
        event(CAPTCHA_FAILED)
        return Outcome(CAPTCHA, captcha_required=True)

    account = find_account(db, login_id)
    # bcrypt runs whether or not the ID exists, and before any answer, so timing tells nothing.
    matched = check_password(normalize_password(password), account.password_hash if account else None)
    guard(db, subject, now)
    state = lock_state(db, subject, now)
    if state.locked_until is not None:
        event(REFUSED_LOCKED, account)
        return Outcome(LOCKED, locked_until=state.locked_until, captcha_required=captcha_required(db, ip, now))
    if not matched:
        return record_failure(db, account, FAILED, ip=ip, now=now, subject=subject, state=state, user_agent=user_agent)
    if account.status != "active":
        event(PENDING_KIND, account)
        return Outcome(PENDING, account_id=account.id)
    if account.totp_enabled_at is not None and account.totp_secret:
        # The password alone does not end the run of failures: the code must come too.
        event(TWO_STEP_REQUIRED, account)
        return Outcome(TWO_STEP, account_id=account.id)
    event(OK_KIND, account)
    _mirror(db, account, LockState())
    return Outcome(OK, account_id=account.id)
