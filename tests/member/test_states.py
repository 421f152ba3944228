"""The member states load what the session cookie's member may see; ids never come from the client.

(That every handler refuses without a session is tests/member/test_handler_protection.py.)
"""

import datetime as dt

import pytest

from mypage import db
from mypage.accounts import sessions
from mypage.state.bills import BillsState
from mypage.state.contract import ContractState
from mypage.state.home import HomeState
from mypage.state.notices import NoticesState
from tests import member_data as md
from tests.member.handlers import run, substate

TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def members(dbs, database_url, monkeypatch):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    accounts = md.account(dbs, alice), md.account(dbs, bob)
    md.invoices(dbs, alice, 30, TODAY)
    md.services(dbs, alice)
    md.notice(dbs, "全員へ", dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    tokens = [sessions.start(dbs, account.id) for account in accounts]
    dbs.commit()
    return {"alice": f"{sessions.cookie_name()}={tokens[0]}", "bob": f"{sessions.cookie_name()}={tokens[1]}"}


def test_bills_follow_the_cookie_not_the_client(members):
    state = substate(BillsState, members["alice"], "/bills")
    run(state, "load")
    assert len(state.statements) == 24 and state.period == "latest" and state.years[0] == state.statements[0].label[:4]
    run(state, "choose_period", state.years[1])
    assert {row.label[:4] for row in state.statements} == {state.years[1]}
    run(state, "choose_period", "1999")  # not one of the customer's years: ignored
    assert state.period == state.years[1]
    other = substate(BillsState, members["bob"], "/bills")
    run(other, "load")
    assert other.statements == [] and other.loaded


def test_home_contract_and_notices_for_the_logged_in_member(members):
    home = substate(HomeState, members["alice"])
    run(home, "load")
    assert home.name == "青森 太郎" and home.bill.total and home.unread == 1
    contract = substate(ContractState, members["alice"], "/contract")
    run(contract, "load")
    assert len(contract.services) == 5
    notices = substate(NoticesState, members["bob"], "/notices")
    run(notices, "load_list")
    assert [n.title for n in notices.items] == ["全員へ"]
    detail = substate(NoticesState, members["bob"], f"/notices/{notices.items[0].id}")
    run(detail, "load_detail")
    assert detail.current.title == "全員へ"
    run(notices, "load_list")
    assert notices.items[0].read


def test_bills_toggle_opens_only_statements_on_the_page(members):
    state = substate(BillsState, members["alice"], "/bills")
    run(state, "load")
    newest, older = state.statements[0].id, state.statements[1].id
    assert state.opened == [newest]
    widths = [float(point["width"].removesuffix("%")) for point in state.chart]  # the chart's bars
    assert max(widths) == 100 and all(0 <= w <= 100 for w in widths)
    run(state, "toggle", older)
    assert state.opened == [newest, older]
    run(state, "toggle", newest)
    assert state.opened == [older]
    run(state, "toggle", 10**9)  # not one of the statements shown: ignored
    run(state, "toggle", "1")
    assert state.opened == [older]
    run(state, "choose_period", state.years[1])  # another period opens its newest month only
    assert state.opened == [state.statements[0].id]
    nobody = substate(BillsState, "", "/bills")
    run(nobody, "toggle", newest)  # without a session: nothing on the page, nothing opens
    assert nobody.opened == []


def test_bills_toggle_needs_no_database(members, monkeypatch):
    state = substate(BillsState, members["alice"], "/bills")
    run(state, "load")
    older = state.statements[1].id

    def no_database():
        raise AssertionError("opening a statement went to the database")

    monkeypatch.setattr(db, "engine", no_database)
    assert run(state, "toggle", older) == []
    assert state.opened == [state.statements[0].id, older]
    run(state, "toggle", older)
    assert state.opened == [state.statements[0].id]
