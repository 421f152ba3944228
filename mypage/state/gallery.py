"""画面ギャラリー's state (development only): puts one screen's own state into one named state.

Each gallery address shows the portal's own page function; `GalleryState.stage` (its on_load)
fills that page's state as the portal would after the steps that lead there, from the demo's
fixed data and the core's own messages and checks, without a login or any change to the data
(no failed login is recorded, no mail is sent). The member pages show the demo customers:
十和田 花子 (registered) where the screen needs an account, 青森 太郎 (full) for the contract
and the bills, 三沢 美咲 (nobills) for the empty states.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

import reflex as rx
from sqlmodel import Session, select

from mypage import db, gallery, home, jptime, notices, outbox
from mypage.accounts import account_settings as settings_core
from mypage.accounts import captcha, login, recovery, registration, validation
from mypage.accounts.validation import Registration
from mypage.billing import contract, payments, statements
from mypage.models import Account, Customer
from mypage.operator import demo
from mypage.state import account_settings as settings_state
from mypage.state import card as card_state
from mypage.state.account_settings import AccountSettingsState, EmailConfirmState
from mypage.state.bills import LATEST, BillsState
from mypage.state.card import CardState
from mypage.state.contract import ContractState
from mypage.state.home import HomeState
from mypage.state.login import NOTICES as LOGIN_NOTICES
from mypage.state.login import LoginState
from mypage.state.member import now
from mypage.state.notices import NoticesState
from mypage.state.recovery import ForgotIdState, ForgotPasswordState, ResetPasswordState
from mypage.state.register import BLANK, RegisterState, field_id
from mypage.state.ui import LARGE, STANDARD, UiState, font_script
from mypage.state.verify import VerifyState
from mypage.state.views import bill_summary, notice_row, service_row, statement_row

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


def _new_captcha() -> tuple[str, str]:
    with db.session() as session:
        challenge_id, png = captcha.new_challenge(session)
    return challenge_id, captcha.data_url(png)


# --- the public screens ---


async def _login(gallery: GalleryState, state: str) -> list:
    form = await gallery.get_state(LoginState)
    form.login_id = "" if state in ("empty", "required", "logout", "timeout", "verified") else "hanako01"
    form.login_id_error = form.password_error = form.error = form.captcha_error = form.notice = ""
    form.pending, form.resend_message, form.captcha_image = False, "", ""
    if state == "required":
        # The handler itself, with nothing typed: it answers before any check is made.
        async for _ in LoginState.submit.fn(form, {"login_id": "", "password": ""}):
            pass
    elif state == "wrong":
        form.error = login.Outcome(login.INVALID).message
    elif state == "captcha":
        form.error = login.Outcome(login.INVALID).message
        form.captcha_image = _new_captcha()[1]
    elif state == "captcha_wrong":
        form.captcha_error = login.Outcome(login.CAPTCHA).message
        form.captcha_image = _new_captcha()[1]
    elif state == "throttled":
        form.error = login.Outcome(login.THROTTLED).message
    elif state == "locked":
        until = now() + login.LOCK_BASE
        form.error = login.Outcome(login.LOCKED, locked_until=until).message
    elif state == "pending":
        form.pending, form.error = True, login.Outcome(login.PENDING).message
    elif state in LOGIN_NOTICES:
        form.notice = LOGIN_NOTICES[state]
    return [rx.set_value("field-login_id", form.login_id), rx.set_value(field_id("password"), "")]


async def _register(gallery: GalleryState, state: str) -> list:
    form = await gallery.get_state(RegisterState)
    form._captcha_id, form.captcha_src = _new_captcha()
    form.errors, form.form_error = dict(BLANK), ""
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
    page.valid, page.done, page.error = state in ("valid", "error"), state == "success", ""
    if state == "error":
        page.error = validation.confirm_error("Kumo2024Sora", "Kumo2024Sor") or ""
    elif state == "expired":
        page.error = recovery.INVALID_LINK


# --- the member screens ---


async def _home(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(HomeState)
    page.notices, page.unread, page.bill, page.previous_login = [], 0, None, ""
    with db.session() as session:
        if state == "filled" and (account := _account(session)) is not None:
            data = home.home(session, account.id, now())
            page.name = data.name
            page.previous_login = jptime.format_datetime(now() - dt.timedelta(days=3))
            page.notices = [notice_row(n) for n in data.notices]
            page.unread = data.unread
            page.bill = bill_summary(data.bill) if data.bill else None
        else:
            customer = _customer(session, "nobills")
            page.name = customer.name if customer else _demo("nobills").name
    page.loaded = True


async def _contract(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(ContractState)
    with db.session() as session:
        customer = _customer(session, "full" if state == "filled" else "nobills")
        data = contract.contract(session, customer.id, jptime.today(now())) if customer else None
    if data is not None:
        page.name, page.kana, page.customer_number = data.name, data.kana, data.customer_number
        page.postal_code, page.address, page.phone = data.postal_code, data.address, data.phone
        page.services = [service_row(s) for s in data.services]
        page.monthly_total = statements.yen(data.monthly_total)
    page.loaded = True


async def _bills(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(BillsState)
    with db.session() as session:
        customer = _customer(session, "full" if state == "filled" else "nobills")
        items = statements.statements(session, customer.id, jptime.today(now())) if customer else []
        years = statements.years(session, customer.id) if customer else []
    page.years, page.period = [str(y) for y in years], LATEST
    page.statements = [statement_row(item) for item in items]
    page.chart = [{**point, "label": statements.yen(point["total"])} for point in statements.chart_series(items)]
    page.loaded = True


async def _notices(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(NoticesState)
    page.items, page.current = [], None
    if state == "filled":
        with db.session() as session:
            account = _account(session)
            if account is not None:
                found = notices.visible(session, account.customer_id, account.id, now())
                page.items = [notice_row(n) for n in found]
    page.loaded = True


async def _card(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(CardState)
    outcomes = {
        "changed": payments.Outcome.CHANGED,
        "cancelled": payments.Outcome.CANCELLED,
        "invalid": payments.Outcome.INVALID,
        "failed": payments.Outcome.FAILED,
    }
    with db.session() as session:
        customer = _customer(session, "nobills" if state == "empty" else "registered")
        card = payments.card_of(session, customer.id) if customer else None
        page.has_card = card is not None
        page.brand = card.brand if card else ""
        page.number = payments.masked(card.last4) if card else ""
        page.expiry = payments.format_expiry(card.exp_month, card.exp_year) if card else ""
    outcome = outcomes.get(state)
    page.message = card_state.MESSAGES[outcome] if outcome else ""
    page.succeeded = outcome == payments.Outcome.CHANGED
    page.loaded = True


async def _account_settings(gallery: GalleryState, state: str) -> list:
    page = await gallery.get_state(AccountSettingsState)
    page._clear_messages()
    page.new_login_id = page.new_email = page.pending_email = ""
    with db.session() as session:
        account = _account(session)
        page.login_id = account.login_id if account else ""
        page.email = account.email if account else ""
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
        page.pw_done = "パスワードを変更しました。この画面以外の端末では、ログアウトしました。"
    elif state == "email_pending":
        page.pending_email = "hanako.new@example.jp"
    return [rx.set_value(settings_state.field_id(settings_state.NEW_LOGIN_ID), page.new_login_id)]


async def _email_confirm(gallery: GalleryState, state: str) -> None:
    page = await gallery.get_state(EmailConfirmState)
    page._token = ""
    page.status = state
    page.new_email = "hanako.new@example.jp" if state in ("valid", "done") else ""


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
    "invoices": _bills,
    "notices": _notices,
    "card": _card,
    "account": _account_settings,
    "email_confirm": _email_confirm,
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
