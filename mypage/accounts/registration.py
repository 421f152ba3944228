"""New MyPage accounts: the code pair and its lockout, pending accounts, e-mail verification.

The flow of マイページアカウント作成: `prepare` checks the form on 次へ (fields,
CAPTCHA, customer number + authentication code, login ID) and hashes the password;
`register` creates the pending account on 登録する and returns the verification
token that `send_verification` mails; `verify` activates the account when the
subscriber presses メールアドレスを認証する. Uniqueness (one account per customer,
login IDs ignoring case) is left to the database's constraints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, func, or_, select, update

from mypage import audit, mail, routes
from mypage.accounts import captcha, tokens, validation
from mypage.accounts.validation import AUTH_CODE, CAPTCHA, CUSTOMER_NUMBER, LOGIN_ID, Registration
from mypage.jptime import format_datetime
from mypage.models import Account, AuditEvent, AuthCode, Customer, EmailToken, utcnow
from mypage.security import hash_password, hash_token
from mypage.settings import get_settings

CODE_FAILURES_TO_LOCK = 5
CODE_FAILURE_WINDOW = dt.timedelta(minutes=30)
CODE_LOCK_TIME = dt.timedelta(minutes=30)
VERIFY_LIFETIME = dt.timedelta(hours=24)
RESEND_LIMIT, RESEND_WINDOW = 3, dt.timedelta(hours=1)
# How long the checked form waits on 入力内容の確認 for 登録する.
PREPARED_LIFETIME = dt.timedelta(minutes=30)
VERIFY = tokens.VERIFY

# Audit event kinds.
CODE_OK = "code_ok"
CODE_FAILED = "code_failed"
CODE_LOCKOUT = "code_lockout"
CODE_REFUSED_LOCKED = "code_refused_locked"
SIGNUP = "signup"
VERIFY_RESENT = "verify_resent"
VERIFIED = "account_verified"

WRONG_PAIR = "お客様番号または認証コードが正しくありません。通知書をご確認のうえ、もう一度入力してください。"
WRONG_CAPTCHA = "画像認証の数字が正しくありません。新しい画像の数字を入力してください。"
LOGIN_ID_TAKEN = "このログインIDは既に使われています。別のログインIDを入力してください。"
ACCOUNT_EXISTS = (
    "このお客様番号のマイページアカウントは既に作成されています。ログインIDやパスワードをお忘れの場合は、"
    "ログイン画面の「ログインIDを忘れた場合」「パスワードを忘れた場合」からお手続きください。"
)
REGISTRATION_PENDING = (
    "このお客様番号は登録手続き中です。お送りした確認メールのリンクを開いて登録を完了してください。"
    "メールが届かない場合は、送信から24時間後にもう一度アカウントを作成できます。"
)
PREPARED_EXPIRED = "入力から時間が経ったため、登録できませんでした。お手数ですが、もう一度入力してください。"


def lockout_message() -> str:
    """What a locked customer number is told: when to try again and whom to call."""
    brand = get_settings().branding
    return (
        "お客様番号または認証コードの誤りが続いたため、このお客様番号でのアカウント作成を"
        f"{int(CODE_LOCK_TIME.total_seconds() // 60)}分間停止しています。時間をおいてお試しいただくか、"
        f"{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )


class RegistrationError(Exception):
    """A registration step was refused; `field` says where the message belongs (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ResendRefused(RegistrationError):
    """A verification mail was not sent again: too many resends, or nothing to verify."""


# A link that cannot be used, and what a link is (mypage.accounts.tokens).
TokenError = tokens.TokenError
VALID, EXPIRED, USED, UNKNOWN = tokens.VALID, tokens.EXPIRED, tokens.USED, tokens.UNKNOWN


# --- the code pair and its lockout -------------------------------------------------------------


def code_locked_until(db: Session, customer_number: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when wrong codes have locked this customer number, or None."""
    now = now or utcnow()
    last = _last_lockout(db, customer_number, now)
    return last + CODE_LOCK_TIME if last and last + CODE_LOCK_TIME > now else None


def _last_lockout(db: Session, customer_number: str, now: dt.datetime) -> dt.datetime | None:
    return db.exec(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.kind == CODE_LOCKOUT, AuditEvent.subject == customer_number, AuditEvent.at <= now
        )
    ).one()


def _recent_failures(db: Session, customer_number: str, now: dt.datetime) -> int:
    # A lockout starts the count afresh, so its end gives five new tries.
    since = max(filter(None, (now - CODE_FAILURE_WINDOW, _last_lockout(db, customer_number, now))))
    return db.exec(
        select(func.count()).where(
            AuditEvent.kind == CODE_FAILED, AuditEvent.subject == customer_number, AuditEvent.at > since
        )
    ).one()


def _code_is_live(code: AuthCode | None, now: dt.datetime) -> bool:
    return code is not None and code.revoked_at is None and (code.expires_at is None or code.expires_at > now)


def check_code_pair(
    db: Session, customer_number: str, code: str, now: dt.datetime | None = None, ip: str = ""
) -> tuple[Customer, AuthCode]:
    """Whether the customer number and the authentication code were issued together.

    Each attempt is audited; the fifth wrong one in 30 minutes locks the number for
    30 minutes, whether or not such a customer exists (so a lockout reveals nothing).

    Args:
        db: The session; the caller commits (also after a refusal, to keep the audit).
        customer_number: The normalized お客様番号.
        code: The normalized 認証コード, 12 characters, case as typed.
        now: The current time.
        ip: The client's address, for the audit trail.

    Returns:
        The customer and the matching code.

    Raises:
        RegistrationError: The pair does not match (one message whichever part is
            wrong), or the number is locked.
    """
    now = now or utcnow()
    if code_locked_until(db, customer_number, now):
        audit.record(db, CODE_REFUSED_LOCKED, subject=customer_number, now=now, ip=ip)
        raise RegistrationError(lockout_message(), AUTH_CODE)
    digest = hash_token(code)
    customer = db.exec(select(Customer).where(Customer.customer_number == customer_number)).first()
    match = None
    if customer is not None:
        candidates = db.exec(
            select(AuthCode).where(AuthCode.customer_id == customer.id, AuthCode.code_hash == digest)
        ).all()
        match = next((c for c in candidates if _code_is_live(c, now)), None)
    if match is None:
        audit.record(db, CODE_FAILED, subject=customer_number, now=now, ip=ip)
        db.flush()
        if _recent_failures(db, customer_number, now) >= CODE_FAILURES_TO_LOCK:
            audit.record(db, CODE_LOCKOUT, subject=customer_number, now=now, ip=ip)
            raise RegistrationError(lockout_message(), AUTH_CODE)
        raise RegistrationError(WRONG_PAIR, AUTH_CODE)
    audit.record(db, CODE_OK, subject=customer_number, now=now, ip=ip)
    return customer, match


# --- pending accounts ---------------------------------------------------------------------------


def _has_live_token(db: Session, account_id: int, now: dt.datetime) -> bool:
    return tokens.latest_live(db, account_id, VERIFY, now) is not None


def is_stale(db: Session, account: Account, now: dt.datetime | None = None) -> bool:
    """A pending account whose every verification link has expired: it blocks nobody."""
    return account.status == "pending" and not _has_live_token(db, account.id, now or utcnow())


def _customer_block(db: Session, customer_id: int, now: dt.datetime) -> str | None:
    account = db.exec(select(Account).where(Account.customer_id == customer_id)).first()
    if account is None or is_stale(db, account, now):
        return None
    return ACCOUNT_EXISTS if account.status == "active" else REGISTRATION_PENDING


def login_id_taken(db: Session, login_id: str, now: dt.datetime | None = None) -> bool:
    """Whether another account holds this login ID, ignoring case (stale pending ones do not)."""
    account = db.exec(select(Account).where(Account.login_id_folded == login_id.lower())).first()
    return account is not None and not is_stale(db, account, now)


def _remove_stale(db: Session, customer_id: int, login_id_folded: str, now: dt.datetime) -> None:
    """Delete unverified accounts that would stand in the new one's way, with their tokens."""
    pending = db.exec(
        select(Account).where(
            Account.status == "pending",
            or_(Account.customer_id == customer_id, Account.login_id_folded == login_id_folded),
        )
    ).all()
    for account in pending:
        if not is_stale(db, account, now):
            continue
        # Claim the row first: a racing registration may have replaced it meanwhile, and
        # SQLite may even have given the new account the same id; created_at tells them apart.
        claimed = db.exec(
            update(Account)
            .where(Account.id == account.id, Account.status == "pending", Account.created_at == account.created_at)
            .values(status="pending")
        )
        db.expunge(account)
        if claimed.rowcount != 1:
            continue
        # The audit trail outlives the account; its events keep their subject.
        db.exec(update(AuditEvent).where(AuditEvent.account_id == account.id).values(account_id=None))
        db.exec(delete(EmailToken).where(EmailToken.account_id == account.id))
        db.exec(delete(Account).where(Account.id == account.id))
    db.flush()


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A checked form waiting on 入力内容の確認: kept on the server only (it holds the hash)."""

    customer_id: int
    customer_number: str
    auth_code_id: int
    login_id: str
    email: str
    password_hash: str
    prepared_at: dt.datetime


def prepare(
    db: Session,
    form: Registration,
    captcha_id: str | None,
    now: dt.datetime | None = None,
    ip: str = "",
    hasher: Callable[[str], str] = hash_password,
) -> tuple[Registration, Prepared | None, dict[str, str]]:
    """次へ: check everything the form holds and hash the password.

    The CAPTCHA is used up here. Only a right CAPTCHA lets the code pair be tried,
    and only a right code pair tells whether the login ID is free or the number
    already has an account, so the form cannot be used to probe either.

    Args:
        db: The session; the caller commits (audit events, the used CAPTCHA).
        form: The normalized input (`Registration.from_form`).
        captcha_id: The challenge the form showed.
        now: The current time.
        ip: The client's address, for the audit trail.
        hasher: The password hash function (bcrypt at the configured cost).

    Returns:
        The input as the form should show it, the checked registration (None on
        any error) and the messages by field.
    """
    now = now or utcnow()
    form, errors = validation.check_registration(form)
    if form.captcha and not captcha.check(db, captcha_id, form.captcha, now):
        errors[CAPTCHA] = WRONG_CAPTCHA
    if CAPTCHA in errors or CUSTOMER_NUMBER in errors or AUTH_CODE in errors:
        return form, None, _ordered(errors)
    try:
        customer, code = check_code_pair(db, form.customer_number, form.auth_code, now, ip)
    except RegistrationError as refused:
        errors[refused.field or AUTH_CODE] = refused.message
        return form, None, _ordered(errors)
    if block := _customer_block(db, customer.id, now):
        errors[CUSTOMER_NUMBER] = block
    elif LOGIN_ID not in errors and login_id_taken(db, form.login_id, now):
        errors[LOGIN_ID] = LOGIN_ID_TAKEN
    if errors:
        return form, None, _ordered(errors)
    prepared = Prepared(
        customer_id=customer.id,
        customer_number=customer.customer_number,
        auth_code_id=code.id,
        login_id=form.login_id,
        email=form.email,
        password_hash=hasher(form.password),
        prepared_at=now,
    )
    return form, prepared, {}


def _ordered(errors: dict[str, str]) -> dict[str, str]:
    return {field: errors[field] for field in validation.FIELDS if field in errors}


def register(db: Session, prepared: Prepared, now: dt.datetime | None = None, ip: str = "") -> tuple[Account, str]:
    """登録する: create the pending account and its verification token.

    Relies on the unique constraints, not on a look-up first: of two registrations
    at the same moment for one customer or one login ID, exactly one succeeds.

    Args:
        db: The session; the caller commits, then mails the token (`send_verification`).
        prepared: What `prepare` returned for this form.
        now: The current time.
        ip: The client's address, for the audit trail.

    Returns:
        The new pending account and the verification token (only its hash is stored).

    Raises:
        RegistrationError: The form waited too long, the code was revoked meanwhile,
            or another registration took the customer number or login ID. The
            session has then been rolled back.
    """
    now = now or utcnow()
    if now - prepared.prepared_at > PREPARED_LIFETIME:
        raise RegistrationError(PREPARED_EXPIRED)
    code = db.get(AuthCode, prepared.auth_code_id)
    if not _code_is_live(code, now) or code.customer_id != prepared.customer_id:
        raise RegistrationError(WRONG_PAIR, AUTH_CODE)
    folded = prepared.login_id.lower()
    try:
        _remove_stale(db, prepared.customer_id, folded, now)
        account = Account(
            customer_id=prepared.customer_id,
            login_id=prepared.login_id,
            login_id_folded=folded,
            password_hash=prepared.password_hash,
            email=prepared.email,
            status="pending",
            created_at=now,
            password_changed_at=now,
        )
        db.add(account)
        db.flush()
    except IntegrityError:
        db.rollback()
        raise _conflict(db, prepared, now) from None
    token = _new_verify_token(db, account, now)
    audit.record(
        db,
        SIGNUP,
        subject=prepared.customer_number,
        now=now,
        account_id=account.id,
        ip=ip,
        detail=f"login_id={prepared.login_id}",
    )
    db.flush()
    return account, token


def _conflict(db: Session, prepared: Prepared, now: dt.datetime) -> RegistrationError:
    if block := _customer_block(db, prepared.customer_id, now):
        return RegistrationError(block, CUSTOMER_NUMBER)
    if login_id_taken(db, prepared.login_id, now):
        return RegistrationError(LOGIN_ID_TAKEN, LOGIN_ID)
    return RegistrationError("登録できませんでした。お手数ですが、もう一度お試しください。")


# --- the verification mail and link -------------------------------------------------------------


def _new_verify_token(db: Session, account: Account, now: dt.datetime) -> str:
    return tokens.issue(db, account.id, VERIFY, VERIFY_LIFETIME, email=account.email, now=now)


def verify_url(token: str) -> str:
    """The link the mail carries; opening it does not use the token up."""
    return f"{get_settings().base_url}{routes.VERIFY}?token={token}"


def verification_mail(account: Account, customer_name: str, token: str, now: dt.datetime) -> tuple[str, str]:
    """The subject and body of the verification mail (mypage.mail adds the operator's footer)."""
    brand = get_settings().branding
    hours = int(VERIFY_LIFETIME.total_seconds() // 3600)
    subject = f"【{brand.portal_name}】メールアドレスの確認とアカウント登録のお願い"
    body = (
        f"{customer_name} 様\n\n"
        f"{brand.name}「マイページ」のアカウント作成を受け付けました。\n"
        "登録を完了するには、次のURLを開き、「メールアドレスを認証する」ボタンを押してください。\n\n"
        f"{verify_url(token)}\n\n"
        f"このURLの有効期限は {format_datetime(now + VERIFY_LIFETIME)} まで（{hours}時間）です。\n"
        "有効期限を過ぎた場合は、お手数ですが、もう一度アカウント作成を行ってください。\n\n"
        f"ログインID: {account.login_id}\n"
        "（パスワードは、お客様が設定されたものです。このメールには記載しておりません。）\n\n"
        "このメールにお心当たりのない場合は、お手数ですが破棄してください。\n"
        f"ご不明な点は、{brand.name}窓口（{brand.phone}、受付時間 {brand.hours}）までお問合せください。"
    )
    return subject, body


def send_verification(db: Session, account: Account, token: str, now: dt.datetime | None = None) -> None:
    """Mail the verification link to the account's address.

    Raises:
        mypage.mail.MailError: The mail could not be sent.
    """
    customer = db.get(Customer, account.customer_id)
    subject, body = verification_mail(account, customer.name if customer else "", token, now or utcnow())
    mail.send(account.email, subject, body)


def resend_verification(db: Session, account: Account, now: dt.datetime | None = None, ip: str = "") -> str:
    """確認メールを再送信: a new link for a pending account, at most 3 an hour.

    Earlier links stay valid until they expire. Also for the login screen, which
    offers this when a pending account tries to log in.

    Args:
        db: The session; the caller commits (the new token and the audit event).
        account: The pending account.
        now: The current time.
        ip: The client's address, for the audit trail.

    Returns:
        The new token (already mailed).

    Raises:
        ResendRefused: The account is already verified, or 3 mails went in the last hour.
        mypage.mail.MailError: The mail could not be sent; the caller should roll back.
    """
    now = now or utcnow()
    if account.status != "pending":
        raise ResendRefused("このアカウントは既に認証されています。ログインIDとパスワードでログインしてください。")
    sent = db.exec(
        select(func.count()).where(
            AuditEvent.kind == VERIFY_RESENT,
            AuditEvent.account_id == account.id,
            AuditEvent.at > now - RESEND_WINDOW,
        )
    ).one()
    if sent >= RESEND_LIMIT:
        raise ResendRefused(
            f"確認メールの再送信は1時間に{RESEND_LIMIT}回までです。しばらく時間をおいてからお試しください。"
        )
    token = _new_verify_token(db, account, now)
    audit.record(db, VERIFY_RESENT, subject=account.login_id_folded, now=now, account_id=account.id, ip=ip)
    db.flush()
    send_verification(db, account, token, now)
    return token


def token_status(db: Session, token: str | None, now: dt.datetime | None = None) -> tuple[str, Account | None]:
    """What a verification link is, without using it (a mail scanner's visit changes nothing).

    Returns:
        VALID, EXPIRED, USED (also when the account is already active) or UNKNOWN,
        and the account when the token is known.
    """
    row = tokens.lookup(db, token, VERIFY)
    if row is None:
        return UNKNOWN, None
    account = db.get(Account, row.account_id)
    if account.status == "active":
        return USED, account
    return tokens.status_of(row, now), account


def verify(db: Session, token: str | None, now: dt.datetime | None = None, ip: str = "") -> Account:
    """メールアドレスを認証する: use the token up and activate its account.

    Raises:
        TokenError: The token is unknown, expired or already used.
    """
    now = now or utcnow()
    status, account = token_status(db, token, now)
    if status != VALID:
        raise TokenError(status)
    # The conditional UPDATE is the single use: of two presses at once, one wins.
    if tokens.claim(db, token, VERIFY, now) is None:
        raise TokenError(USED)
    account.status, account.verified_at = "active", now
    db.add(account)
    audit.record(db, VERIFIED, subject=account.login_id_folded, now=now, account_id=account.id, ip=ip)
    db.flush()
    return account


def resend_for_token(db: Session, token: str | None, now: dt.datetime | None = None, ip: str = "") -> Account:
    """A new mail for the account of an expired link (the link proves the mailbox).

    Raises:
        ResendRefused: The link is unknown, its account is verified, or the resend limit is reached.
        mypage.mail.MailError: The mail could not be sent.
    """
    row = tokens.lookup(db, token, VERIFY)
    account = db.get(Account, row.account_id) if row else None
    if account is None:
        raise ResendRefused("このリンクは無効です。お手数ですが、もう一度アカウント作成を行ってください。")
    resend_verification(db, account, now, ip)
    return account
