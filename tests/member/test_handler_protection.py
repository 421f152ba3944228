"""Every public event handler of every State refuses without a session: nothing changes, the login redirect.

The handlers are found by introspection (every substate of Reflex's root State once the app is
imported), not from a list kept by hand: a new handler that forgets `@member_event` fails here.
"""

import typing

import pytest
import sqlalchemy as sa
from reflex.state import State

import mypage.mypage  # noqa: F401  (registers every page and state)
from mypage import db
from mypage.models import SQLModel
from mypage.state.account_settings import EmailConfirmState
from mypage.state.auth import AuthState
from mypage.state.bills import BillsState
from mypage.state.dev_mail import DevMailState
from mypage.state.email_cancel import EmailCancelState
from mypage.state.gallery import GalleryState
from mypage.state.login import LoginState
from mypage.state.recovery import ForgotIdState, ForgotPasswordState, ResetPasswordState
from mypage.state.register import RegisterState
from mypage.state.two_step_login import TwoStepLoginState
from mypage.state.ui import UiState
from mypage.state.verify import VerifyState
from tests.member.handlers import is_login_redirect, loaded_vars, run, substate

# The portal's public handlers: they serve people who are not logged in, by design.
PUBLIC_STATES = {
    LoginState,  # マイページログイン
    RegisterState,  # マイページアカウント作成
    ForgotIdState,  # ログインIDを忘れた場合
    ForgotPasswordState,  # パスワードを忘れた場合
    ResetPasswordState,  # the reset link's page: the token is the credential
    VerifyState,  # the verification link's page: the token is the credential
    EmailConfirmState,  # the e-mail change link's page: the token is the credential
    EmailCancelState,  # the old address's cancel link: the token is the credential
    UiState,  # 文字サイズ, on every page
    # The product team's /dev/mail and /dev/gallery: they do nothing unless MYPAGE_ENV=development
    # (tests/member/test_dev_states.py), where the pages exist at all.
    DevMailState,
    GalleryState,
    TwoStepLoginState,  # login's 二段階認証 code: acts only for the account whose password was just right
}
PUBLIC_HANDLERS = {
    # The idle timer's tick changes nothing without a session (it only reads the session row).
    (AuthState, "tick"),
    # ログアウト without a session has nothing to revoke; it clears the cookie all the same.
    (AuthState, "logout"),
    # 明細を見る opens or closes a statement already on the page: no database, nothing new shown.
    (BillsState, "toggle"),
}
# Reflex's own: setvar calls a var's setter (our states define none but LoginState's public one).
REFLEX_HANDLERS = {"setvar"}


def portal_handlers():
    for cls in sorted(State.get_substates(), key=lambda c: c.__name__):
        if not cls.__module__.startswith("mypage.") or cls in PUBLIC_STATES:
            continue
        for name in sorted(cls.event_handlers):
            if name not in REFLEX_HANDLERS and (cls, name) not in PUBLIC_HANDLERS:
                yield cls, name


def dummy_args(handler) -> list:
    """One plausible value per parameter, by its type: what a client could send."""
    hints = typing.get_type_hints(handler.fn)
    values = {dict: {"account_id": 1, "customer_id": 1}, str: "latest", int: 1}
    params = list(handler.get_parameters())[1:]
    return [values.get(hints.get(name), "1") for name in params]


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in SQLModel.metadata.sorted_tables
        }


HANDLERS = list(portal_handlers())


def test_the_introspection_finds_the_member_handlers():
    names = {f"{cls.__name__}.{name}" for cls, name in HANDLERS}
    assert {
        "HomeState.load",
        "CardState.finish",
        "AccountSettingsState.change_password",
        "AuthState.check_login",
    } <= names


@pytest.mark.parametrize(("cls", "name"), HANDLERS, ids=[f"{c.__name__}.{n}" for c, n in HANDLERS])
@pytest.mark.parametrize("cookie", ["", "mypage_session=forged"], ids=["no cookie", "forged cookie"])
def test_every_member_handler_refuses_without_a_session(database_url, monkeypatch, cls, name, cookie):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    engine = db.engine_for(database_url)
    state = substate(cls, cookie, "/notices/1?state=x&token=y")
    before_vars, before_rows = loaded_vars(state), row_counts(engine)
    events = run(state, name, *dummy_args(cls.event_handlers[name]))
    assert loaded_vars(state) == before_vars
    assert row_counts(engine) == before_rows
    assert events and is_login_redirect(events[0])
