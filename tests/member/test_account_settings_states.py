"""ID・パスワード変更's handlers check the session themselves and take the account from the cookie only."""

import pytest
from sqlmodel import select

from mypage import db
from mypage.accounts import sessions
from mypage.models import Account, UserSession
from mypage.security import check_password, hash_password
from mypage.state import account_settings as st
from mypage.state.account_settings import AccountSettingsState
from tests import member_data as md
from tests.member.handlers import is_login_redirect, loaded_vars, run, substate

PASSWORD = "Kumo2024Sora"
FORM = {
    st.ID_CURRENT: PASSWORD,
    st.NEW_LOGIN_ID: "Changed01",
    st.PW_CURRENT: PASSWORD,
    st.NEW_PASSWORD: "Oirase5Keiryu",
    st.NEW_PASSWORD_CONFIRM: "Oirase5Keiryu",
    st.MAIL_CURRENT: PASSWORD,
    st.NEW_EMAIL: "changed@example.jp",
    "account_id": 1,
}
HANDLERS = [
    ("load", ()),
    ("change_login_id", (FORM,)),
    ("change_password", (FORM,)),
    ("change_email", (FORM,)),
    ("sign_out_others", ()),
]


@pytest.fixture
def members(dbs, database_url, monkeypatch):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    rows = [md.account(dbs, md.customer(dbs, n)) for n in ("1", "2")]
    for row in rows:
        row.password_hash = hash_password(PASSWORD)
        dbs.add(row)
    tokens = [sessions.start(dbs, row.id) for row in rows] + [sessions.start(dbs, rows[0].id)]
    dbs.commit()
    cookie = sessions.cookie_name()
    return rows, [f"{cookie}={t}" for t in tokens]


@pytest.mark.parametrize(("name", "args"), HANDLERS, ids=[n for n, _ in HANDLERS])
@pytest.mark.parametrize("cookie", ["", "mypage_session=forged"], ids=["no cookie", "forged cookie"])
def test_nothing_without_a_session(dbs, members, name, args, cookie):
    state = substate(AccountSettingsState, cookie, "/account")
    before = loaded_vars(state)
    results = run(state, name, *args)
    assert loaded_vars(state) == before
    assert is_login_redirect(results[0])
    dbs.expire_all()
    for row in dbs.exec(select(Account)).all():
        assert row.login_id.startswith("user") and row.email.endswith("@example.jp") and row.email[:4] == "user"
        assert check_password(PASSWORD, row.password_hash)
    assert all(s.revoked_at is None for s in dbs.exec(select(UserSession)))


def test_the_cookie_decides_whose_account_changes(dbs, members):
    (alice, bob), (alice_cookie, _, _) = members
    state = substate(AccountSettingsState, alice_cookie, "/account")
    run(state, "load")
    assert state.login_id == alice.login_id and state.email == alice.email
    run(state, "change_login_id", FORM)
    assert state.login_id == "Changed01" and state.id_done
    posted = run(state, "change_password", FORM)
    assert state.pw_done and not state.pw_summary
    # This browser's token is replaced as well: the page posts a one-time ticket for a new cookie.
    assert any(sessions.routes.SESSION_START in str(event.args) for event in posted)
    dbs.expire_all()
    assert check_password("Oirase5Keiryu", dbs.get(Account, alice.id).password_hash)
    assert check_password(PASSWORD, dbs.get(Account, bob.id).password_hash)
    assert dbs.get(Account, bob.id).login_id == bob.login_id
    alive = [s for s in dbs.exec(select(UserSession)) if s.revoked_at is None]
    assert [s.account_id for s in alive] == [bob.id]  # both of alice's sessions ended, bob's did not
