"""画面ギャラリー's state (development only): puts one screen's own state into one named state.

Each gallery address shows the portal's own page function; `GalleryState.stage` (its on_load)
fills that page's state as the portal would after the steps that lead there, from the demo's
fixed data and the core's own messages and checks, without a login or any change to the data
(no failed login is recorded, no mail is sent). The member pages show the demo customers:
十和田 花子 (registered) where the screen needs an account, 青森 太郎 (full) for the contract
and the bills, 三沢 美咲 (nobills) for the empty states. What the demo holds no rows for (the
devices and sign-ins of セキュリティ設定, a set-up secret of 二段階認証) is a fixed sample.
Every read of the database runs in a worker thread (offload.in_session), never on the event loop.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

import reflex as rx
from sqlmodel import Session, select

from mypage import gallery, home, jptime, notices, outbox, routes
from mypage.accounts import account_settings as settings_core
from mypage.accounts import devices, login, recovery, registration, two_step, validation
from mypage.accounts.validation import Registration
from mypage.billing import billpay, contract, payments, preferences, statements
from mypage.models import Account, Customer
from mypage.operator import demo
from mypage.state import account_settings as settings_state
from mypage.state import bill_pay as pay_state
from mypage.state import bills as bills_state
from mypage.state import card as card_state
from mypage.state import offload
from mypage.state import security as security_state
from mypage.state.account_settings import AccountSettingsState, EmailConfirmState
from mypage.state.bill_pay import PayState
from mypage.state.bill_settings import SAVED, BillSettingsState
from mypage.state.bills import LATEST, BillsState
from mypage.state.card import CardState
from mypage.state.contract import ContractState
from mypage.state.email_cancel import EmailCancelState
from mypage.state.home import HomeState
from mypage.state.login import NOTICES as LOGIN_NOTICES
from mypage.state.login import LoginState
from mypage.state.member import now
from mypage.state.notices import NoticesState
from mypage.state.recovery import ForgotIdState, ForgotPasswordState, ResetPasswordState
from mypage.state.register import BLANK, RegisterState, field_id
from mypage.state.security import SecurityState
from mypage.state.two_step_login import EXPIRED as TWO_STEP_EXPIRED
from mypage.state.two_step_login import TwoStepLoginState
from mypage.state.ui import LARGE, STANDARD, UiState, font_script
from mypage.state.verify import VerifyState
from mypage.state.views import bill_summary, notice_row, service_row

Stager = Callable[["GalleryState", str], Awaitable[list | None]]
# Values a subscriber might type: the demo's first customer, a login ID of their own.
SAMPLE = Registration(
    login_id="aomori01",
    password="",
    password_confirm="",
    email="taro@example.jp",
    customer_number=demo.CUSTOMERS[0].customer_number,
    auth_code="",
    captcha="",
)
# Every rule of the form broken at once.
BROKEN = Registration(
    login_id="ab",
    password="abc",
    password_confirm="abd",
    email="taro@example",
    customer_number="10000-ABC-あ",
    auth_code="Ab3D",
    captcha="",
)


def _demo(kind: str) -> demo.DemoCustomer:
    return next(spec for spec in demo.CUSTOMERS if spec.kind == kind)


def _customer(session: Session, kind: str) -> Customer | None:
    number = _demo(kind).customer_number
    return session.exec(select(Customer).where(Customer.customer_number == number)).first()


def _account(session: Session) -> Account | None:
    customer = _customer(session, "registered")
    if customer is None:
        return None
    return session.exec(select(Account).where(Account.customer_id == customer.id)).first()


def _account_id(session: Session) -> int | None:
    account = _account(session)
    return account.id if account else None


# --- the public screens ---


async def _login(gallery: GalleryState, state: str) -> list:
    form = await gallery.get_state(LoginState)
    second = await gallery.get_state(TwoStepLoginState)
    second._end()
    form.login_id = "" if state in ("empty", "required", "logout", "timeout", "verified") else "hanako01"
    form.login_id_error = form.password_error = form.error = form.captcha_error = form.notice = ""
    form.pending, form.resend_message = False, ""
    # The page's own: a fresh challenge (worker thread) where the state asks for one, else none.
    await form._show_captcha(state in ("captcha", "captcha_wrong"))
    if state == "required":
        # The handler itself, with nothing typed: it answers before any check is made.
        async for _ in LoginState.submit.fn(form, {"login_id": "", "password": ""}):
            pass
    elif state == "wrong":
        form.error = login.Outcome(login.INVALID).message
    elif state == "captcha":
        form.error = login.Outcome(login.INVALID).message
    elif state == "captcha_wrong":
        form.captcha_error = login.Outcome(login.CAPTCHA).message
    elif state == "throttled":
        form.error = login.Outcome(login.THROTTLED).message
    elif state == "locked":
        until = now() + login.LOCK_BASE
        form.error = login.Outcome(login.LOCKED, locked_until=until).message
    elif state == "pending":
        form.pending, form.error = True, login.Outcome(login.PENDING).message
    elif state in LOGIN_NOTICES:
        form.notice = LOGIN_NOTICES[state]
    elif state == "two_step_expired":
        second._end(TWO_STEP_EXPIRED)
    elif state.startswith("two_step"):
        # As after the right password, but no account is held: a code typed here is never checked.
        second._begin(0, routes.HOME)
        second._account_id = None
        codes = {"two_step_required": two_step.CODE_REQUIRED, "two_step_wrong": two_step.CODE_WRONG}
        second.code_error = codes.get(state, "")
    return [rx.set_value("field-login_id", form.login_id), rx.set_value(field_id("password"), "")]


async def _register(gallery: GalleryState, state: str) -> list:
    form = await gallery.get_state(RegisterState)
    form.errors, form.form_error = dict(BLANK), ""
    await form._refresh_captcha()  # the page's own, in a worker thread
    form.login_id = form.email = form.customer_number = ""
    if state in ("required", "invalid"):
        # The form's own check (no database is asked: the CAPTCHA is left blank).
        typed = Registration(*([""] * 7)) if state == "required" else BROKEN
        shown, errors = validation.check_registration(typed)
        form.login_id, form.email, form.customer_number = shown.login_id, shown.email, shown.customer_number
        form.errors = {**BLANK, **errors}
        form.attempt += 1
    elif state != "empty":
        form.login_id, form.email, form.customer_number = SAMPLE.login_id, SAMPLE.email, SAMPLE.customer_number
        messages = {
            "wrong_captcha": (validation.CAPTCHA, registration.WRONG_CAPTCHA),
            "wrong_pair": (validation.AUTH_CODE, registration.WRONG_PAIR),
            "code_locked": (validation.AUTH_CODE, registration.lockout_message()),
            "login_id_taken": (validation.LOGIN_ID, registration.LOGIN_ID_TAKEN),
            "account_exists": (validation.CUSTOMER_NUMBER, registration.ACCOUNT_EXISTS),
        }
        if state in messages:
            name, message = messages[state]
            form.errors = {**BLANK, name: message}
            form.attempt += 1
    return [rx.set_value(field_id(name), getattr(form, name)) for name in ("login_id", "email", "customer_number")]


async def _register_confirm(gallery: GalleryState, state: str) -> None:
    form = await gallery.get_state(RegisterState)
    form.login_id, form.email, form.customer_number = SAMPLE.login_id, SAMPLE.email, SAMPLE.customer_number


async def _register_sent(gallery: GalleryState, state: str) -> None:
    form = await gallery.get_state(RegisterState)
    form.sent_to, form.mail_failed = SAMPLE.email, state == "mail_failed"
    form.resend_message = f"{SAMPLE.email} 宛てに確認メールを再送信しました。" if state == "resent" else ""
    form.resend_error = ""


async def _verify(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(VerifyState)
    page.status = state
    page.message = page.error = ""


async def _recovery(gallery: GalleryState, state: str, form_class: type[rx.State], answer: str) -> None:
    form = await gallery.get_state(form_class)
    form.answer = form.error = form.first_error = form.email_error = ""
    if state == "required":
        # The handler itself with nothing typed: it answers before the database is asked.
        async for _ in form_class.submit.fn(form, {}):
            pass
    elif state == "success":
        form.answer = answer
    elif state == "throttled":
        # The page answers a throttled request in the place of its usual answer.
        form.answer = recovery.THROTTLED


async def _forgot_id(gallery: GalleryState, state: str) -> None:
    await _recovery(gallery, state, ForgotIdState, recovery.ID_ANSWER)


async def _forgot_password(gallery: GalleryState, state: str) -> None:
    await _recovery(gallery, state, ForgotPasswordState, recovery.PASSWORD_ANSWER)


async def _reset_password(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(ResetPasswordState)
    page._token = ""
    page.valid, page.done, page.error = state in ("valid", "error", "weak"), state == "success", ""
    if state == "error":
        page.error = validation.confirm_error("Kumo2024Sora", "Kumo2024Sor") or ""
    elif state == "weak":
        page.error = validation.password_error("abc") or ""
    elif state == "expired":
        page.error = recovery.INVALID_LINK


# --- the member screens ---


def _home_data(session: Session, filled: bool) -> tuple[str, home.Home | None]:
    """十和田 花子's home, or only the name of 三沢 美咲 (no bills, no notices)."""
    if filled and (account := _account(session)) is not None:
        data = home.home(session, account.id, now())
        if data is not None:
            return data.name, data
    customer = _customer(session, "nobills")
    return (customer.name if customer else _demo("nobills").name), None


async def _home(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(HomeState)
    page.notices, page.unread, page.bill, page.previous_login = [], 0, None, ""
    page.name, data = await offload.in_session(_home_data, state == "filled")
    if data is not None:
        page.previous_login = jptime.format_datetime(now() - dt.timedelta(days=3))
        page.notices = [notice_row(n) for n in data.notices]
        page.unread = data.unread
        page.bill = bill_summary(data.bill) if data.bill else None
    page.loaded = True


def _contract_of(session: Session, kind: str) -> contract.Contract | None:
    customer = _customer(session, kind)
    return contract.contract(session, customer.id, jptime.today(now())) if customer else None


async def _contract(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(ContractState)
    data = await offload.in_session(_contract_of, "full" if state == "filled" else "nobills")
    if data is not None:
        page.name, page.kana, page.customer_number = data.name, data.kana, data.customer_number
        page.postal_code, page.address, page.phone = data.postal_code, data.address, data.phone
        page.services = [service_row(s) for s in data.services]
        page.monthly_total = statements.yen(data.monthly_total)
    page.loaded = True


def _statements_of(session: Session, kind: str) -> tuple[list[int], int | None, list]:
    """The customer's years and latest 24 months, as ご請求明細 opens on them."""
    customer = _customer(session, kind)
    return bills_state._period(session, customer.id, LATEST, jptime.today(now())) if customer else ([], None, [])


# The return from the gateway's payment page, as ご請求明細 shows it afterwards.
PAY_OUTCOMES = {
    "paid": billpay.Outcome.PAID,
    "already_paid": billpay.Outcome.ALREADY_PAID,
    "pay_cancelled": billpay.Outcome.CANCELLED,
    "pay_invalid": billpay.Outcome.INVALID,
    "pay_failed": billpay.Outcome.FAILED,
}


async def _bills(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(BillsState)
    page._fill(*await offload.in_session(_statements_of, "nobills" if state == "empty" else "full"))
    pay = await gallery.get_state(PayState)
    outcome = PAY_OUTCOMES.get(state)
    pay.message = pay_state.MESSAGES[outcome] if outcome else pay_state.NOT_PAYABLE if state == "not_payable" else ""
    pay.succeeded, pay._keep_message = outcome == billpay.Outcome.PAID, False


async def _returning(gallery: GalleryState, state: str) -> None:
    """The gateway's way back (card, payment): the page only says it is checking; nothing to stage."""


def _preferences_of(session: Session) -> preferences.Preferences | None:
    account_id = _account_id(session)
    return preferences.preferences(session, account_id) if account_id else None


async def _bill_settings(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(BillSettingsState)
    chosen = await offload.in_session(_preferences_of) or preferences.Preferences(False, None, True)
    moment = now() - dt.timedelta(days=0 if state == "paperless_saved" else 45)
    if state in ("paperless", "paperless_saved"):
        chosen = dataclasses.replace(chosen, paperless=True, paperless_since=moment)
    if state in ("paperless", "mail_off_saved"):
        chosen = dataclasses.replace(chosen, bill_mail=False)
    page._show(chosen)
    page.message = {"paperless_saved": SAVED["paperless", True], "mail_off_saved": SAVED["bill_mail", False]}.get(
        state, ""
    )


def _notices_of(session: Session, limit: int | None = None) -> list[notices.NoticeView]:
    account = _account(session)
    return notices.visible(session, account.customer_id, account.id, now(), limit) if account else []


async def _notices(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(NoticesState)
    found = await offload.in_session(_notices_of) if state == "filled" else []
    page.items, page.current = [notice_row(n) for n in found], None
    page.loaded = True


async def _notice_detail(gallery: GalleryState, state: str) -> None:
    """十和田 花子's first notice, as opening it shows it (it is not marked read), or none found."""
    page = await gallery.get_state(NoticesState)
    found = await offload.in_session(_notices_of, 1) if state == "filled" else []
    page.current = notice_row(found[0], with_body=True) if found else None
    page.loaded = True


def _card_of(session: Session, kind: str) -> tuple[str, str, str] | None:
    customer = _customer(session, kind)
    card = payments.card_of(session, customer.id) if customer else None
    if card is None:
        return None
    return card.brand, payments.masked(card.last4), payments.format_expiry(card.exp_month, card.exp_year)


async def _card(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(CardState)
    outcomes = {
        "changed": payments.Outcome.CHANGED,
        "cancelled": payments.Outcome.CANCELLED,
        "invalid": payments.Outcome.INVALID,
        "failed": payments.Outcome.FAILED,
    }
    card = await offload.in_session(_card_of, "nobills" if state == "empty" else "registered")
    page.has_card = card is not None
    page.brand, page.number, page.expiry = card or ("", "", "")
    outcome = outcomes.get(state)
    page.message = card_state.MESSAGES[outcome] if outcome else ""
    page.succeeded = outcome == payments.Outcome.CHANGED
    page.loaded = True


def _login_of(session: Session) -> tuple[str, str]:
    account = _account(session)
    return (account.login_id, account.email) if account else ("", "")


async def _account_settings(gallery: GalleryState, state: str) -> list:
    page = await gallery.get_state(AccountSettingsState)
    page._clear_messages()
    page.new_login_id = page.new_email = page.pending_email = ""
    page.login_id, page.email = await offload.in_session(_login_of)
    by_field = settings_state._by_field
    summary = settings_state._summary
    if state == "login_id_errors":
        page.new_login_id = "ab"
        page.errors = by_field(
            {
                settings_core.CURRENT: settings_core.CURRENT_REQUIRED,
                settings_core.LOGIN_ID: validation.login_id_error("ab") or "",
            },
            settings_state.ID_FIELDS,
        )
        page.id_summary = summary(page.errors)
    elif state == "password_errors":
        page.errors = by_field(
            {
                settings_core.CURRENT: settings_core.CURRENT_WRONG,
                settings_core.PASSWORD: validation.password_error("abc") or "",
                settings_core.PASSWORD_CONFIRM: validation.confirm_error("abc", "abd") or "",
            },
            settings_state.PW_FIELDS,
        )
        page.pw_summary = summary(page.errors)
    elif state == "email_errors":
        page.new_email = "hanako@example"
        page.errors = by_field(
            {
                settings_core.CURRENT: settings_core.CURRENT_REQUIRED,
                settings_core.EMAIL: validation.normalize_email("hanako@example")[1] or "",
            },
            settings_state.MAIL_FIELDS,
        )
        page.mail_summary = summary(page.errors)
    elif state == "locked":
        message = login.Outcome(login.LOCKED, locked_until=now() + login.LOCK_BASE).message
        page.errors = by_field({settings_core.CURRENT: message}, settings_state.PW_FIELDS)
        page.pw_summary = summary(page.errors)
    elif state == "success":
        page.pw_done = settings_state.PASSWORD_DONE
    elif state == "email_pending":
        page.pending_email = "hanako.new@example.jp"
    elif state == "login_id_done":
        page.id_done = settings_state.login_id_done(page.login_id)
    elif state == "email_sent":
        page.mail_done = settings_state.mail_sent("hanako.new@example.jp")
        page.pending_email = "hanako.new@example.jp"
    elif state == "email_failed":
        page.new_email = "hanako.new@example.jp"
        page.errors = {**settings_state.NO_ERRORS, settings_state.NEW_EMAIL: settings_state.MAIL_FAILED}
        page.mail_summary = summary(page.errors)
    elif state == "others_done":
        page.others_done = settings_state.others_done(1)
    return [
        rx.set_value(settings_state.field_id(settings_state.NEW_LOGIN_ID), page.new_login_id),
        rx.set_value(settings_state.field_id(settings_state.NEW_EMAIL), page.new_email),
    ]


async def _email_confirm(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(EmailConfirmState)
    page._token = ""
    page.status = state
    page.new_email = "hanako.new@example.jp" if state in ("valid", "done") else ""


async def _email_cancel(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(EmailCancelState)
    page._token = ""  # no link: 変更を取り消す here finds nothing to cancel
    page.status = state


# セキュリティ設定's sample: browsers as the portal names them from these User-Agents.
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
# A set-up secret for the sample QR code (160 bits, as pyotp draws them; never stored).
SAMPLE_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# Recovery codes as many as set-up gives, from their alphabet (never stored).
SAMPLE_RECOVERY_CODES = tuple(
    (two_step.RECOVERY_ALPHABET * 2)[3 * i : 3 * i + 10] for i in range(two_step.RECOVERY_CODES)
)
HERE_IP, PHONE_IP = "203.0.113.10", "198.51.100.24"


def _sample_security(history: bool, phone_signed_in: bool) -> devices.Security:
    """This device, perhaps a phone, and (history) a few sign-ins with a failure."""

    def at(hours: float) -> str:
        return jptime.format_datetime(now() - dt.timedelta(hours=hours))

    here, phone = devices.browser_label(WINDOWS), devices.browser_label(IPHONE)
    found = [
        devices.Device(2, here, HERE_IP, at(0.5), at(0), True),
        devices.Device(1, phone, PHONE_IP, at(50), at(26), False),
    ]
    kinds = [
        (login.OK_KIND, here, HERE_IP, 0.5),
        (login.FAILED, here, HERE_IP, 0.6),
        (login.OK_KIND, phone, PHONE_IP, 50),
    ]
    signins = [devices.SignIn(at(h), *devices.RESULTS[kind], browser, ip) for kind, browser, ip, h in kinds]
    return devices.Security(found if phone_signed_in else found[:1], signins if history else [])


async def _security(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(SecurityState)
    page._clear_two_step()
    page.device_message = ""
    on = state in ("enabled", "on", "off_password", "off_code")
    sample = _sample_security(state != "empty", state not in ("empty", "device_ended"))
    page._show(sample, on, len(SAMPLE_RECOVERY_CODES) if on else 0)
    if state == "device_ended":
        page.device_message = security_state.DEVICE_ENDED
    elif state in ("setup", "setup_wrong"):
        login_id = (await offload.in_session(_login_of))[0] or "hanako01"
        setup = two_step.setup_of(SAMPLE_SECRET, login_id)
        page.setup_qr, page.setup_secret = security_state.qr_src(setup), two_step.format_secret(setup.secret)
        if state == "setup_wrong":
            page.two_step_errors = {**page.two_step_errors, security_state.SETUP_CODE: two_step.CODE_WRONG}
    elif state == "enabled":
        page.recovery_codes = [two_step.show_recovery_code(code) for code in SAMPLE_RECOVERY_CODES]
        page.two_step_message = security_state.ENABLED
    elif state == "off_password":
        page.two_step_errors = {**page.two_step_errors, security_state.OFF_PASSWORD: settings_core.CURRENT_WRONG}
    elif state == "off_code":
        page.two_step_errors = {**page.two_step_errors, security_state.OFF_CODE: two_step.CODE_WRONG}
    elif state == "disabled":
        page.two_step_message = security_state.DISABLED


async def _content(gallery: GalleryState, state: str) -> None:
    """よくある質問と回答 and the others: built from the operator's Markdown; no state."""


STAGERS: dict[str, Stager] = {
    "login": _login,
    "register": _register,
    "register_confirm": _register_confirm,
    "register_sent": _register_sent,
    "verify": _verify,
    "forgot_id": _forgot_id,
    "forgot_password": _forgot_password,
    "reset_password": _reset_password,
    "home": _home,
    "contract": _contract,
    "bills": _bills,
    "bill_pay_return": _returning,
    "bill_settings": _bill_settings,
    "invoices": _bills,
    "notices": _notices,
    "notice_detail": _notice_detail,
    "card": _card,
    "card_return": _returning,
    "account": _account_settings,
    "email_confirm": _email_confirm,
    "email_cancel": _email_cancel,
    "security": _security,
    "faq": _content,
    "terms": _content,
    "important": _content,
}
assert set(STAGERS) == set(gallery.BY_KEY), "every screen of the catalog has a stager"


@dataclasses.dataclass
class SceneLink:
    """One row of the gallery's index."""

    screen: str = ""
    state: str = ""
    label: str = ""
    href: str = ""
    href_large: str = ""


class GalleryState(rx.State):
    """Which screen and state the gallery shows; the work is done on the screen's own state."""

    scene: str = ""

    @rx.event
    async def stage(self):
        """on_load of /dev/gallery/<screen>: fill the screen's state for ?state=…, and ?font=… (標準/大きく)."""
        if not outbox.dev_tools_enabled():
            return None
        key = self.router.url.path.rstrip("/").rpartition("/")[2]
        query = self.router.url.query_parameters
        found = gallery.find(key, str(query.get("state", "")))
        if found is None:
            screen = gallery.BY_KEY.get(key)
            if screen is None:
                return None
            found = (screen, screen.states[0][0])
        screen, state = found
        self.scene = f"{screen.key}:{state}"
        events = list(await STAGERS[screen.key](self, state) or [])
        font = query.get("font")
        if font in (STANDARD, LARGE):
            events += [font_script(font), UiState.set_font(font)]
        return events
