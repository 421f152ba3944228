"""Every public handler of the member states checks the session itself; ids never come from the client.

The handlers run on a real state tree, as Reflex would run them, with the request's headers set the
way the websocket gives them: without a live session cookie nothing is loaded.
"""

import asyncio
import concurrent.futures
import datetime as dt

import pytest
from reflex.istate.data import RouterData
from reflex.state import State

from mypage import db
from mypage.accounts import sessions
from mypage.state.bills import BillsState
from mypage.state.card import CardState
from mypage.state.contract import ContractState
from mypage.state.home import HomeState
from mypage.state.notices import NoticesState
from tests import member_data as md

TODAY = dt.datetime.now(dt.UTC).date()
HANDLERS = [
    (HomeState, "load", ()),
    (ContractState, "load", ()),
    (BillsState, "load", ()),
    (BillsState, "choose_period", ("latest",)),
    (NoticesState, "load_list", ()),
    (NoticesState, "load_detail", ()),
    (CardState, "load", ()),
    (CardState, "start_change", ()),
    (CardState, "finish", ()),
]


def substate(cls, cookie: str = "", path: str = "/home"):
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            "headers": {"cookie": cookie, "origin": "http://localhost:3000"},
            "pathname": path,
            "asPath": path,
            "query": {},
        }
    )
    return root.get_substate(cls.get_full_name().split(".")[1:])


def run(state, name, *args):
    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    coroutine = getattr(type(state), name).fn(state, *args)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


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


def loaded_vars(state) -> dict:
    return {name: getattr(state, name) for name in state.base_vars}


@pytest.mark.parametrize(("cls", "name", "args"), HANDLERS, ids=[f"{c.__name__}.{n}" for c, n, _ in HANDLERS])
@pytest.mark.parametrize("cookie", ["", "mypage_session=forged"], ids=["no cookie", "forged cookie"])
def test_handlers_load_nothing_without_a_session(members, cls, name, args, cookie):
    state = substate(cls, cookie, "/notices/1")
    before = loaded_vars(state)
    result = run(state, name, *args)
    assert loaded_vars(state) == before
    if name != "choose_period":  # which ignores a period it did not offer, before anything else
        assert result.handler.fn.__qualname__ == "_redirect"
        assert str(result.args[0][1]).startswith('"/?next=')


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
    toggle = type(state).toggle.fn
    toggle(state, older)
    assert state.opened == [newest, older]
    toggle(state, newest)
    assert state.opened == [older]
    toggle(state, 10**9)  # not one of the statements shown: ignored
    toggle(state, "1")
    assert state.opened == [older]
    run(state, "choose_period", state.years[1])  # another period opens its newest month only
    assert state.opened == [state.statements[0].id]
    nobody = substate(BillsState, "", "/bills")
    type(nobody).toggle.fn(nobody, newest)  # nothing shown without a session, so nothing opens
    assert nobody.opened == []
