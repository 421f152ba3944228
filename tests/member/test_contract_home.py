import datetime as dt

from mypage import home, jptime
from mypage.billing import contract
from tests import member_data as md

TODAY = dt.date(2025, 5, 10)
NOW = dt.datetime(2025, 5, 10, 3, 0, tzinfo=dt.UTC)


def test_contract_lists_services_in_reading_order_with_tax(dbs):
    customer = md.customer(dbs)
    md.services(dbs, customer)
    found = contract.contract(dbs, customer.id, TODAY)
    assert found.name == "青森 太郎" and found.kana == "アオモリ タロウ" and found.address.startswith("青森県")
    assert [s.kind_label for s in found.services] == ["テレビ", "インターネット", "電話", "オプション", "レンタル機器"]
    tv = found.services[0]
    assert (tv.monthly_fee, tv.tax, tv.fee_with_tax) == (4980, 498, 5478)
    phone = found.services[2]
    assert (phone.monthly_fee, phone.tax, phone.fee_with_tax) == (1463, 146, 1609)  # 146.3 rounds down
    assert "解約済みオプション" not in [s.plan for s in found.services]


def test_contract_of_a_customer_with_nothing(dbs):
    customer = md.customer(dbs)
    found = contract.contract(dbs, customer.id, TODAY)
    assert found.services == () and found.monthly_total == 0
    assert contract.contract(dbs, 999, TODAY) is None


def test_home_shows_name_previous_login_notices_and_the_bill(dbs):
    customer = md.customer(dbs)
    account = md.account(dbs, customer)
    md.invoices(dbs, customer, 3, TODAY)
    md.notice(dbs, "お知らせA", NOW - dt.timedelta(days=1))
    md.login_sessions(dbs, account, NOW - dt.timedelta(days=3, hours=1), NOW)
    data = home.home(dbs, account.id, NOW)
    assert data.name == "青森 太郎"
    assert jptime.format_datetime(data.previous_login) == "2025年5月7日 11:00"  # JST
    assert [n.title for n in data.notices] == ["お知らせA"] and data.unread == 1
    assert data.bill.period == "2025-04" and data.bill.status_label == "未払い"


def test_home_of_a_first_login_without_bills(dbs):
    customer = md.customer(dbs)
    account = md.account(dbs, customer)
    md.login_sessions(dbs, account, NOW)
    data = home.home(dbs, account.id, NOW)
    assert data.previous_login is None and data.bill is None and data.notices == ()
    assert home.home(dbs, 999, NOW) is None


def test_today_in_japan_is_ahead_of_utc():
    assert jptime.today(dt.datetime(2025, 4, 30, 20, 0, tzinfo=dt.UTC)) == dt.date(2025, 5, 1)
