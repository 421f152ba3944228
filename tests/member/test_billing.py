import csv
import datetime as dt
import io

from mypage.billing import statements
from tests import member_data as md

TODAY = dt.date(2025, 5, 10)
# Per line, 10 % of 105 rounds down to 10 three times (30) and 8 % of 111 to 8 twice (16);
# per rate, as the rules require, 315 → 31 and 222 → 17.
ROUNDING_LINES = (("A", 1, 105, 10), ("B", 1, 105, 10), ("C", 1, 105, 10), ("D", 1, 111, 8), ("E", 1, 111, 8))


def test_tax_is_rounded_down_once_per_rate():
    lines = [statements.Line(d, q, p, q * p, r) for d, q, p, r in ROUNDING_LINES]
    rates = statements.rate_totals(lines)
    assert [(r.rate, r.subtotal, r.tax) for r in rates] == [(10, 315, 31), (8, 222, 17)]


def test_tax_on_a_net_credit_rounds_toward_zero():
    assert statements.tax_for(-105, 10) == -10
    assert statements.tax_for(0, 8) == 0


def test_statements_newest_first_with_totals(dbs):
    customer = md.customer(dbs)
    md.invoices(dbs, customer, 30, TODAY)
    found = statements.statements(dbs, customer.id, TODAY)
    assert len(found) == statements.DEFAULT_MONTHS
    assert [s.period for s in found[:2]] == ["2025-04", "2025-03"]
    first = found[0]
    assert [line.description for line in first.lines][0] == "ケーブルテレビ 基本料金"
    assert first.subtotal == 11605 and first.tax == 1127 + 26 and first.total == 12758
    assert first.has_reduced and first.label == "2025年4月分"


def test_year_selection_and_years(dbs):
    customer = md.customer(dbs)
    md.invoices(dbs, customer, 30, TODAY)
    assert statements.years(dbs, customer.id) == [2025, 2024, 2023, 2022]  # back to 2022-11
    year = statements.statements(dbs, customer.id, TODAY, year=2024)
    assert [s.period for s in year] == [f"2024-{m:02d}" for m in range(12, 0, -1)]
    assert len(statements.statements(dbs, customer.id, TODAY, limit=None)) == 30


def test_status_labels():
    due = dt.date(2025, 5, 27)
    assert statements.status_label("paid", due, TODAY) == "お支払い済み"
    assert statements.status_label("scheduled", due, TODAY) == "口座振替予定"
    assert statements.status_label("unpaid", due, TODAY) == "未払い"
    assert statements.status_label("unpaid", due, dt.date(2025, 6, 1)) == statements.OVERDUE_LABEL


def test_statement_belongs_to_its_customer_only(dbs):
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    invoice = md.invoices(dbs, alice, 1, TODAY)[0]
    assert statements.statement(dbs, alice.id, invoice.id, TODAY).invoice_number == invoice.invoice_number
    assert statements.statement(dbs, bob.id, invoice.id, TODAY) is None
    assert statements.statement(dbs, alice.id, 999_999, TODAY) is None


def test_no_bills_yet(dbs):
    customer = md.customer(dbs)
    assert statements.statements(dbs, customer.id, TODAY) == []
    assert statements.latest(dbs, customer.id, TODAY) is None
    assert statements.years(dbs, customer.id) == []


def test_chart_series_is_oldest_first(dbs):
    customer = md.customer(dbs)
    md.invoices(dbs, customer, 3, TODAY)
    series = statements.chart_series(statements.statements(dbs, customer.id, TODAY))
    assert series == [{"month": f"2025年{m}月", "total": 12758} for m in (2, 3, 4)]


def test_csv_opens_in_excel_and_agrees_with_the_totals(dbs):
    customer = md.customer(dbs)
    md.invoices(dbs, customer, 1, TODAY, lines=ROUNDING_LINES)
    item = statements.latest(dbs, customer.id, TODAY)
    data = statements.statement_csv(item, customer.name)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["お客様名", "青森 太郎"]
    by_label = {row[0]: row[3] for row in rows if len(row) > 3 and row[0].endswith(("税", "(税抜)", "(税込)"))}
    assert by_label["10%対象 消費税"] == "31" and by_label["8%対象 消費税"] == "17"
    assert by_label["ご請求金額(税込)"] == str(item.total) == str(315 + 31 + 222 + 17)
    assert ["D", "1", "111", "111", "8", "※"] in rows
    assert statements.csv_filename(item) == "statement-2025-04.csv"


def test_yen_and_dates():
    assert statements.yen(12345) == "¥12,345" and statements.yen(-500) == "-¥500"
    assert statements.period_range("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert statements.period_range("2024-12")[1] == dt.date(2024, 12, 31)
