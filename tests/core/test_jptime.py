import datetime as dt

from mypage import jptime


def test_screens_mails_and_pdfs_write_japan_time_one_way():
    moment = dt.datetime(2025, 4, 30, 0, 5, tzinfo=dt.UTC)
    assert jptime.format_datetime(moment) == "2025年4月30日 9:05"
    assert jptime.format_datetime(moment.replace(tzinfo=None)) == "2025年4月30日 9:05"  # SQLite's naive UTC
    assert jptime.format_datetime(None) == "" and jptime.format_date(None) == ""
    assert jptime.format_date(dt.date(2025, 1, 2)) == "2025年1月2日"


def test_the_day_in_japan_is_ahead_of_utc():
    assert jptime.today(dt.datetime(2025, 4, 30, 15, 0, tzinfo=dt.UTC)) == dt.date(2025, 5, 1)
    assert jptime.today(dt.datetime(2025, 4, 30, 14, 59, tzinfo=dt.UTC)) == dt.date(2025, 4, 30)
    assert jptime.start_of(dt.date(2025, 5, 1)) == dt.datetime(2025, 4, 30, 15, 0, tzinfo=dt.UTC)
