"""二段階認証: an authenticator app's 6-digit codes (TOTP, RFC 6238) and one-time recovery codes.

- Set-up: `begin` draws a new secret (kept on the account, not yet in force) and its QR
  code as SVG; `confirm` turns it on once a code from the app is right, and gives the 10
  recovery codes, shown once and stored only as hashes.
- Login: after the right password (mypage.accounts.login answers TWO_STEP), `second_step`
  takes a code or a recovery code. A wrong one counts exactly like a wrong password for
  the login ID and the address (same lockout, same CAPTCHA after failures), and bcrypt runs
  either way, so a wrong code answers in the same time as a wrong password.
- A code is good for its 30-second step and one step either side, once: the last used
  step is kept, so a code seen over someone's shoulder cannot be replayed.
- Turning it off needs the current password and a code (or a recovery code).
Every change is audited and mailed to the subscriber.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

import pyotp
import segno
from sqlmodel import Session, select

from mypage import audit, jptime
from mypage.accounts import login
from mypage.accounts.account_settings import check_current_password
from mypage.mail import Mail
from mypage.models import Account, Customer, RecoveryCode, utcnow
from mypage.security import check_password, hash_token, nfkc
from mypage.settings import get_settings

RECOVERY_CODES = 10
# Recovery codes: 10 characters without look-alikes (no 0/O/o, 1/l/I), shown as XXXXX-XXXXX.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ENABLED, DISABLED, SETUP_STARTED = "two_step_enabled", "two_step_disabled", "two_step_setup_started"
RECOVERY_USED = "two_step_recovery_used"
CODE_REQUIRED = "確認コードを入力してください。"
CODE_WRONG = "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
NOT_STARTED = "設定をはじめからやり直してください。"


def enabled(account: Account | None) -> bool:
    """Whether the account asks for a second factor at login."""
    return bool(account is not None and account.totp_enabled_at is not None and account.totp_secret)


def _digits(code: str) -> str:
    return "".join(ch for ch in nfkc(code or "") if not ch.isspace() and ch != "-")


def format_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app: ABCD EFGH …."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclasses.dataclass(frozen=True)
class Setup:
    """A secret being set up: the text to type and the QR code (SVG) to scan."""

    secret: str
    uri: str
    svg: str


def begin(db: Session, account_id: int, *, ip: str = "", now: dt.datetime | None = None) -> Setup | None:
    """Draw a new secret for set-up; None when two-step is already on."""
    account = db.get(Account, account_id)
    if account is None or enabled(account):
        return None
    secret = pyotp.random_base32()
    account.totp_secret, account.totp_last_step = secret, 0
    db.add(account)
    audit.record(db, SETUP_STARTED, account_id=account.id, ip=ip, now=now)
    return setup_of(secret, account.login_id)


def setup_of(secret: str, login_id: str) -> Setup:
    """What the app is given for a secret: its text, its otpauth URI and that URI's QR code."""
    brand = get_settings().branding
    uri = pyotp.TOTP(secret).provisioning_uri(name=login_id, issuer_name=brand.portal_name)
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    return Setup(secret, uri, svg)


def _step_of(secret: str, code: str, now: dt.datetime, after: int) -> int | None:
    """The time step a 6-digit code belongs to (±1 step), if later than `after`."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    here = int(now.timestamp()) // totp.interval
    for step in (here, here - 1, here + 1):
        if step > after and secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _use_code(db: Session, account: Account, typed: str, now: dt.datetime, ip: str) -> bool:
    """A TOTP code or an unused recovery code; uses it up."""
    code = _digits(typed)
    step = _step_of(account.totp_secret, code, now, account.totp_last_step)
    if step is not None:
        account.totp_last_step = step
        db.add(account)
        return True
    if len(code) == 10:
        row = db.exec(
            select(RecoveryCode).where(
                RecoveryCode.account_id == account.id,
                RecoveryCode.code_hash == hash_token(code.upper()),
                RecoveryCode.used_at.is_(None),
            )
        ).first()
        if row is not None:
            row.used_at = now
            db.add(row)
            audit.record(db, RECOVERY_USED, account_id=account.id, ip=ip, now=now)
            return True
    return False


def _notice(db: Session, account: Account, title: str, lines: str) -> Mail:
    brand = get_settings().branding
    customer = db.get(Customer, account.customer_id)
    greeting = f"{customer.name} 様\n\n" if customer else ""
    body = (
        f"{greeting}{lines}\n\n"
        "お心当たりのない場合は、すぐにパスワードを変更し、"
        f"{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )
    return Mail(account.email, f"【{brand.portal_name}】{title}", body)


def _forget_recovery_codes(db: Session, account_id: int) -> None:
    for old in db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account_id)).all():
        db.delete(old)


def _changed(db: Session, account: Account, kind: str, *, ip: str, now: dt.datetime, title: str, text: str) -> Mail:
    """Audit a change of the setting and write the subscriber's notice of it."""
    audit.record(db, kind, account_id=account.id, ip=ip, now=now)
    db.flush()
    return _notice(db, account, title, f"{jptime.format_datetime(now)}に、マイページの{title}。{text}")


def new_recovery_code() -> str:
    """A random 10-character recovery code, as stored (no hyphen)."""
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))


def show_recovery_code(code: str) -> str:
    """XXXXX-XXXXX."""
    return f"{code[:5]}-{code[5:]}"


@dataclasses.dataclass(frozen=True)
class Confirmed:
    """The result of confirming set-up: the error for 確認コード, or the recovery codes (shown once)."""

    error: str = ""
    recovery_codes: tuple[str, ...] = ()
    mails: tuple[Mail, ...] = ()


def confirm(db: Session, account_id: int, code: str, *, ip: str = "", now: dt.datetime | None = None) -> Confirmed:
    """Turn two-step on with a code from the app; 10 new recovery codes replace any old ones."""
    now = now or utcnow()
    account = db.get(Account, account_id)
    if account is None or enabled(account) or not account.totp_secret:
        return Confirmed(NOT_STARTED)
    if not _digits(code):
        return Confirmed(CODE_REQUIRED)
    step = _step_of(account.totp_secret, _digits(code), now, 0)
    if step is None:
        return Confirmed(CODE_WRONG)
    account.totp_enabled_at, account.totp_last_step = now, step
    db.add(account)
    _forget_recovery_codes(db, account.id)
    codes = tuple(new_recovery_code() for _ in range(RECOVERY_CODES))
    for plain in codes:
        db.add(RecoveryCode(account_id=account.id, code_hash=hash_token(plain), created_at=now))
    mail = _changed(
        db,
        account,
        ENABLED,
        ip=ip,
        now=now,
        title="二段階認証を有効にしました",
        text="次回のログインから、パスワードのあとに認証アプリの確認コードが必要です。",
    )
    return Confirmed(recovery_codes=tuple(show_recovery_code(c) for c in codes), mails=(mail,))


@dataclasses.dataclass(frozen=True)
class Disabled:
    """The result of turning two-step off: messages by field ("password", "code"), or done."""

    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    mails: tuple[Mail, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether it is off now."""
        return not self.errors


def disable(
    db: Session, account_id: int, password: str, code: str, *, ip: str = "", now: dt.datetime | None = None
) -> Disabled:
    """Turn two-step off: the current password (counted like a login) and a code or recovery code."""
    now = now or utcnow()
    account = db.get(Account, account_id)
    if account is None or not enabled(account):
        return Disabled({"code": NOT_STARTED})
    wrong_password = check_current_password(db, account, password, ip=ip, now=now)
    if wrong_password:
        return Disabled({"password": wrong_password})
    if not _digits(code):
        return Disabled({"code": CODE_REQUIRED})
    if not _use_code(db, account, code, now, ip):
        login.record_failure(db, account, login.TWO_STEP_FAILED, ip=ip, now=now, detail="account_settings")
        return Disabled({"code": CODE_WRONG})
    account.totp_secret, account.totp_enabled_at, account.totp_last_step = "", None, 0
    db.add(account)
    _forget_recovery_codes(db, account.id)
    mail = _changed(
        db,
        account,
        DISABLED,
        ip=ip,
        now=now,
        title="二段階認証を無効にしました",
        text="ログインにはパスワードだけが必要になります。",
    )
    return Disabled(mails=(mail,))


def remaining_recovery_codes(db: Session, account_id: int) -> int:
    """How many recovery codes are left unused."""
    return len(
        db.exec(
            select(RecoveryCode.id).where(RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def second_step(
    db: Session,
    account_id: int,
    code: str,
    *,
    ip: str,
    now: dt.datetime | None = None,
    user_agent: str = "",
) -> login.Outcome:
    """The code after the right password: OK, INVALID (wrong code), LOCKED or THROTTLED, as a password would be.

    Args:
        db: The database session; the caller commits.
        account_id: The account whose password was right (mypage.accounts.login answered TWO_STEP).
        code: The 6-digit code or a recovery code, as typed.
        ip: The client's address.
        now: The current time (aware UTC).
        user_agent: The browser, for ログイン履歴.
    """
    now = now or utcnow()
    account = db.get(Account, account_id)
    if account is None or not enabled(account):
        return login.Outcome(login.INVALID)
    subject = login.fold(account.login_id)

    def event(kind: str) -> None:
        login.login_event(db, kind, subject, account, ip=ip, now=now, user_agent=user_agent)

    if login.address_blocked(db, ip, now):
        event(login.THROTTLED_KIND)
        return login.Outcome(login.THROTTLED)
    # bcrypt against the dummy hash: a code takes as long to answer as a password, right or wrong.
    check_password(code or "x", None)
    state = login.lock_state(db, subject, now)
    if state.locked_until is not None:
        event(login.REFUSED_LOCKED)
        return login.Outcome(login.LOCKED, locked_until=state.locked_until)
    if not _use_code(db, account, code, now, ip):
        return login.record_failure(db, account, login.TWO_STEP_FAILED, ip=ip, now=now, user_agent=user_agent)
    event(login.OK_KIND)
    login.record_success(db, account)
    return login.Outcome(login.OK, account_id=account.id)
