"""Posting お知らせ: checked fields, days in Japan, and `mypage notice add`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from mypage import db, notices
from mypage.models import Customer, Notice
from mypage.operator.notice_admin import NoticeError, NoticeInput, add_notice
from tests.core.clirun import counts, run

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)  # 10:00 on 11/25 in Japan
JST = dt.timezone(dt.timedelta(hours=9))


def jst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST).astimezone(dt.UTC)


@pytest.fixture
def taro(dbs) -> Customer:
    customer = Customer(customer_number="1000000101", name="青森 太郎")
    dbs.add(customer)
    dbs.commit()
    return customer


def test_a_notice_for_everyone_starts_now_and_never_ends(dbs, taro):
    notice = add_notice(dbs, NoticeInput(title=" メンテナンスのお知らせ ", body="本文です。\n二行目"), NOW)
    dbs.commit()
    assert notice.id is not None
    assert (notice.title, notice.body, notice.customer_id) == ("メンテナンスのお知らせ", "本文です。\n二行目", None)
    assert (notice.starts_at, notice.ends_at) == (NOW, None)
    assert [v.title for v in notices.visible(dbs, taro.id, 1, NOW)] == ["メンテナンスのお知らせ"]


def test_days_are_japanese_days_and_the_last_one_is_shown_whole(dbs, taro):
    notice = add_notice(
        dbs, NoticeInput(title="t", body="b", customer="１０００００01０1", starts="2026-12-01", ends="2026/12/31"), NOW
    )
    dbs.commit()
    assert notice.customer_id == taro.id
    assert notice.starts_at == jst(2026, 12, 1)
    assert notice.ends_at == jst(2027, 1, 1)
    for moment, shown in (
        (jst(2026, 11, 30, 23, 59), False),
        (jst(2026, 12, 1), True),
        (jst(2026, 12, 31, 23, 59), True),
        (jst(2027, 1, 1), False),
    ):
        assert bool(notices.visible(dbs, taro.id, 1, moment)) is shown, moment


def test_a_one_day_notice(dbs):
    notice = add_notice(dbs, NoticeInput(title="t", body="b", starts="2026-12-01", ends="2026-12-01"), NOW)
    assert (notice.starts_at, notice.ends_at) == (jst(2026, 12, 1), jst(2026, 12, 2))


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"title": ""}, "title", "is required"),
        ({"title": " \u3000"}, "title", "is required"),
        ({"title": "あ" * 201}, "title", "at most 200"),
        ({"body": ""}, "body", "is required"),
        ({"starts": "2026-02-30"}, "starts", "must be a date YYYY-MM-DD"),
        ({"ends": "tomorrow"}, "ends", "must be a date YYYY-MM-DD"),
        ({"starts": "2026-12-10", "ends": "2026-12-09"}, "ends", "must not be before the first day shown 2026-12-10"),
        ({"ends": "2026-11-24"}, "ends", "must not be before the first day shown 2026-11-25"),
        ({"starts": "2026-11-01", "ends": "2026-11-24"}, "ends", "has passed"),
        ({"customer": "9999999999"}, "customer", "no customer has the number 9999999999"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_added(dbs, taro, fields, field, says):
    with pytest.raises(NoticeError) as caught:
        add_notice(dbs, NoticeInput(**{"title": "t", "body": "b", **fields}), NOW)
    assert caught.value.field == field and says in caught.value.message
    dbs.rollback()
    assert dbs.exec(select(Notice)).all() == []


def test_cli_prints_the_new_id(database_url):
    done = run(database_url, "notice", "add", "--title", "お知らせ", "--body", "本文")
    assert done.returncode == 0, done.stderr
    with Session(db.engine_for(database_url)) as session:
        (notice,) = session.exec(select(Notice)).all()
    assert done.stdout.strip() == str(notice.id)


def test_cli_json(database_url):
    assert run(database_url, "demo").returncode == 0
    done = run(
        database_url,
        "notice",
        "add",
        "--title",
        "STB交換",
        "--body",
        "本文",
        "--customer",
        "1000000001",
        "--starts",
        "2030-01-01",
        "--ends",
        "2030-01-31",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data == {
        "id": data["id"],
        "title": "STB交換",
        "customer_number": "1000000001",
        "starts_at": "2029-12-31T15:00:00+00:00",
        "ends_at": "2030-01-31T15:00:00+00:00",
    }
    with Session(db.engine_for(database_url)) as session:
        assert session.get(Notice, data["id"]).title == "STB交換"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--body", "b"], "--title: is required"),
        (["--title", "t"], "--body: is required"),
        (["--title", "t", "--body", "b", "--customer", "404"], "--customer: no customer has the number 404"),
        (["--title", "t", "--body", "b", "--starts", "2030-02-01", "--ends", "2030-01-31"], "--ends: "),
        (["--title", "t", "--body", "b", "--starts", "2030-13-01"], "--starts: must be a date"),
    ],
)
def test_cli_bad_input(database_url, args, says):
    done = run(database_url, "notice", "add", *args, "--json")
    assert done.returncode == 1
    assert says in done.stderr and "Traceback" not in done.stderr and done.stdout == ""
    assert counts(database_url)["notice"] == 0
