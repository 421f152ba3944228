import datetime as dt

from mypage import notices
from tests import member_data as md

NOW = dt.datetime(2025, 5, 10, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def setup(dbs):
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    account = md.account(dbs, alice)
    old = md.notice(dbs, "メンテナンスのお知らせ", NOW - 5 * DAY)
    new = md.notice(dbs, "料金改定のお知らせ", NOW - DAY, NOW + DAY)
    mine = md.notice(dbs, "あなたへのお知らせ", NOW - 2 * DAY, customer_row=alice)
    md.notice(dbs, "他のお客様へのお知らせ", NOW - DAY, customer_row=bob)
    md.notice(dbs, "終了したお知らせ", NOW - 9 * DAY, NOW - DAY)
    md.notice(dbs, "これからのお知らせ", NOW + DAY)
    return alice, account, old, new, mine


def test_only_the_window_and_the_customer(dbs):
    alice, account, old, new, mine = setup(dbs)
    shown = notices.visible(dbs, alice.id, account.id, NOW)
    assert [n.title for n in shown] == [new.title, mine.title, old.title]
    assert [n.targeted for n in shown] == [False, True, False]
    assert notices.unread_count(dbs, alice.id, account.id, NOW) == 3


def test_read_marks_put_unread_first(dbs):
    alice, account, old, new, mine = setup(dbs)
    assert notices.mark_read(dbs, new.id, alice.id, account.id, NOW)
    assert notices.mark_read(dbs, new.id, alice.id, account.id, NOW)  # twice is fine
    shown = notices.visible(dbs, alice.id, account.id, NOW)
    assert [(n.title, n.read) for n in shown] == [(mine.title, False), (old.title, False), (new.title, True)]
    assert notices.unread_count(dbs, alice.id, account.id, NOW) == 2
    assert notices.get(dbs, new.id, alice.id, account.id, NOW).read


def test_someone_elses_or_expired_notice_is_not_found(dbs):
    alice, account, *_ = setup(dbs)
    others = notices.visible(dbs, 2, 999, NOW)
    theirs = next(n for n in others if n.targeted)
    assert notices.get(dbs, theirs.id, alice.id, account.id, NOW) is None
    assert not notices.mark_read(dbs, theirs.id, alice.id, account.id, NOW)
    assert notices.get(dbs, 999_999, alice.id, account.id, NOW) is None
    # A month later 料金改定 has ended and これから has begun.
    later = notices.visible(dbs, alice.id, account.id, NOW + 30 * DAY)
    assert {n.title for n in later} == {"メンテナンスのお知らせ", "あなたへのお知らせ", "これからのお知らせ"}


def test_limit(dbs):
    alice, account, *_ = setup(dbs)
    assert len(notices.visible(dbs, alice.id, account.id, NOW, limit=2)) == 2
