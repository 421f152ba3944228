"""CSV from the billing system: customers and bills, checked whole before anything is written."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mypage.billing import statements
from mypage.models import Customer, Invoice, InvoiceLine
from mypage.operator.csvfile import ImportFailed, decode
from mypage.operator.importer import import_bills, import_customers
from tests.core.csv_samples import BILL_HEADER, BILLS, CUSTOMER_HEADER, CUSTOMERS

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


def count(dbs, model) -> int:
    return dbs.exec(select(sa.func.count()).select_from(model)).one()


def snapshot(dbs) -> list:
    """Every customer, invoice and line, with ids, to see that nothing changed at all."""
    return [
        [c.model_dump() for c in dbs.exec(select(Customer).order_by(Customer.id))],
        [i.model_dump() for i in dbs.exec(select(Invoice).order_by(Invoice.id))],
        [line.model_dump() for line in dbs.exec(select(InvoiceLine).order_by(InvoiceLine.id))],
    ]


def customer(dbs, number: str) -> Customer:
    return dbs.exec(select(Customer).where(Customer.customer_number == number)).one()


@pytest.fixture
def with_customers(dbs):
    import_customers(dbs, CUSTOMERS.encode(), NOW)
    dbs.commit()
    return dbs


def errors_of(call) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        call()
    return [str(error) for error in caught.value.errors]


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        ("お客様".encode(), "utf-8"),
        ("\ufeffお客様".encode(), "utf-8"),
        ("お客様①".encode("cp932"), "cp932"),
        (b"ascii only", "utf-8"),
    ],
)
def test_the_encoding_is_detected(data, codec):
    text, found = decode(data)
    assert found == codec
    assert not text.startswith("\ufeff")


def test_a_given_encoding_is_used():
    assert decode("八戸".encode("cp932"), "shift_jis") == ("八戸", "cp932")
    assert errors_of(lambda: decode("a\n八戸".encode("cp932"), "utf-8")) == [
        "line 2, encoding: the file cannot be read as UTF-8"
    ]


def test_an_unreadable_file_names_the_line():
    data = "a,b\n八戸,x\n".encode("cp932") + b"\x81\x20\n"  # a lead byte without its trail byte
    (message,) = errors_of(lambda: decode(data))
    assert message.startswith("line 3, encoding: ") and "--encoding" in message


# --- customers ----------------------------------------------------------------------------------


def test_customers_are_created_normalised(dbs):
    summary = import_customers(dbs, CUSTOMERS.encode(), NOW)
    dbs.commit()
    assert (summary.created, summary.updated, summary.unchanged, summary.encoding) == (2, 0, 0, "utf-8")
    jiro = customer(dbs, "3000000001")
    assert (jiro.name, jiro.kana, jiro.email, jiro.postal_code, jiro.address, jiro.phone) == (
        "八戸 次郎",
        "ハチノヘ ジロウ",
        "Jiro@example.jp",
        "031-0001",
        "青森県八戸市類家1-1",
        "0178-11-0001",
    )
    assert jiro.created_at == NOW
    saburo = customer(dbs, "3000000002")
    assert (saburo.postal_code, saburo.address, saburo.email) == ("037-0001", "青森県五所川原市1-2, 3F", "")


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
def test_customers_from_shift_jis_or_bom(dbs, encoding):
    summary = import_customers(dbs, CUSTOMERS.replace("\n", "\r\n").encode(encoding), NOW)
    assert summary.created == 2 and summary.encoding == ("cp932" if encoding == "cp932" else "utf-8")
    assert customer(dbs, "3000000001").kana == "ハチノヘ ジロウ"


def test_importing_customers_again_changes_nothing(with_customers):
    dbs = with_customers
    before = snapshot(dbs)
    summary = import_customers(dbs, CUSTOMERS.encode("cp932"), NOW + dt.timedelta(days=1))
    dbs.commit()
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert snapshot(dbs) == before


def test_customers_are_updated_and_left_out_columns_kept(with_customers):
    dbs = with_customers
    data = "customer_number,name,address\n3000000001,八戸 次郎,青森県八戸市新井田2-2\n3000000003,新 顧客,\n"
    summary = import_customers(dbs, data.encode(), NOW)
    dbs.commit()
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    jiro = customer(dbs, "3000000001")
    assert jiro.address == "青森県八戸市新井田2-2"
    assert jiro.phone == "0178-11-0001" and jiro.kana == "ハチノヘ ジロウ"  # not in the file: kept
    assert customer(dbs, "3000000003").name == "新 顧客"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",名前,,,,,", "line 2, customer_number: is required"),
        ("30000 01,名前,,,,,", "line 2, customer_number: must be 1 to 20 half-width letters"),
        ("1" * 21 + ",名前,,,,,", "line 2, customer_number: must be 1 to 20"),
        ("3000000001,,,,,,", "line 2, name: is required"),
        ("3000000001,　,,,,,", "line 2, name: is required"),
        ("3000000001," + "あ" * 101 + ",,,,,", "line 2, name: must be at most 100 characters"),
        ("3000000001,名前," + "ア" * 101 + ",,,,", "line 2, kana: must be at most 100"),
        ("3000000001,名前,,taro@,,,", "line 2, email: is not a valid e-mail address"),
        ("3000000001,名前,,,030-080,,", "line 2, postal_code: must be NNN-NNNN"),
        ("3000000001,名前,,,," + "あ" * 301 + ",", "line 2, address: must be at most 300"),
        ("3000000001,名前,,,,,017-723-000X", "line 2, phone: must be 10 or 11 digits"),
        ("3000000001,名前,,,,", "line 2, row: has 6 values; the header has 7"),
        ('3000000001,"名前,,,,,,', "line 2, row: "),
    ],
)
def test_a_bad_customer_row_is_named_and_nothing_is_written(with_customers, row, expected):
    dbs = with_customers
    before = snapshot(dbs)
    # The bad row is on line 3: the good one before it must not be written either.
    data = f"{CUSTOMER_HEADER}\n3000000009,正しい 行,,,,,\n{row}\n"
    messages = errors_of(lambda: import_customers(dbs, data.encode(), NOW))
    assert any(m.startswith(expected.replace("line 2", "line 3")) for m in messages), messages
    dbs.rollback()
    assert snapshot(dbs) == before


def test_every_error_of_the_file_is_listed_in_line_order(dbs):
    data = f"{CUSTOMER_HEADER}\n3000000001,,,bad-mail,,,\n3000000002,良い 行,,,,,\n3000000001,重複,,,1234,,\n"
    assert errors_of(lambda: import_customers(dbs, data.encode(), NOW)) == [
        "line 2, name: is required",
        "line 2, email: is not a valid e-mail address: An email address must have an @-sign.",
        "line 4, customer_number: 3000000001 is already on line 2",
        "line 4, postal_code: must be NNN-NNNN (7 digits), not '1234'",
    ]
    assert count(dbs, Customer) == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("customer_number,name,fax", "line 1, header: unknown column 'fax'"),
        ("customer_number,kana", "line 1, header: missing column name"),
        ("customer_number,name,name", "line 1, header: column 'name' appears 2 times"),
        (None, "line 1, header: the file is empty"),
    ],
)
def test_a_bad_header_is_named(dbs, header, expected):
    data = b"\n \n" if header is None else f"{header}\n3000000001,x\n".encode()
    messages = errors_of(lambda: import_customers(dbs, data, NOW))
    assert any(m.startswith(expected) for m in messages), messages
    assert count(dbs, Customer) == 0


def test_headers_may_be_full_width_or_upper_case_and_blank_lines_are_skipped(dbs):
    data = "\n ＣＵＳＴＯＭＥＲ_ＮＵＭＢＥＲ , Name \n\n3000000001,八戸 次郎\n,\n"
    assert import_customers(dbs, data.encode(), NOW).created == 1


def test_a_quoted_line_break_keeps_the_line_numbers(dbs):
    data = f'{CUSTOMER_HEADER}\n3000000001,"八戸\n次郎",,,,,\n3000000002,x,,,bad,,\n'
    assert errors_of(lambda: import_customers(dbs, data.encode(), NOW)) == [
        "line 4, postal_code: must be NNN-NNNN (7 digits), not 'bad'"
    ]


# --- bills --------------------------------------------------------------------------------------


def test_bills_are_grouped_into_invoices(with_customers):
    dbs = with_customers
    summary = import_bills(dbs, BILLS.encode())
    dbs.commit()
    assert (summary.kind, summary.created, summary.updated, summary.unchanged, summary.lines) == (
        "invoices",
        3,
        0,
        0,
        5,
    )
    jiro = customer(dbs, "3000000001")
    october = statements.statements(dbs, jiro.id, dt.date(2026, 11, 25))[0]
    assert (october.invoice_number, october.period, october.issued_on, october.due_on) == (
        "ACT-3000000001-202610",
        "2026-10",
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 27),
    )
    assert (october.payment_method, october.status) == ("口座振替", "scheduled")
    assert [
        (line.description, line.quantity, line.unit_price, line.amount, line.tax_rate) for line in october.lines
    ] == [
        ("ACTテレビ 基本料金", 1, 3000, 3000, 10),
        ("ミネラルウォーター定期便", 2, 800, 1600, 8),
        ("セット割引", 1, -500, -500, 10),
    ]
    assert october.total == 2500 + 250 + 1600 + 128
    saburo = statements.latest(dbs, customer(dbs, "3000000002").id, dt.date(2026, 11, 25))
    assert (saburo.period, saburo.status, saburo.lines[0].amount, saburo.lines[0].tax_rate) == (
        "2026-10",
        "unpaid",
        4800,
        10,
    )
    assert saburo.lines[0].description == "ACTネット"


def test_bills_in_shift_jis(with_customers):
    dbs = with_customers
    summary = import_bills(dbs, BILLS.replace("\n", "\r\n").encode("cp932"))
    assert (summary.created, summary.lines, summary.encoding) == (3, 5, "cp932")
    reduced = dbs.exec(select(InvoiceLine.description).where(InvoiceLine.tax_rate == 8)).one()
    assert reduced == "ミネラルウォーター定期便"


def test_importing_bills_again_changes_nothing(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    before = snapshot(dbs)
    summary = import_bills(dbs, BILLS.encode("cp932"))
    dbs.commit()
    assert (summary.created, summary.updated, summary.unchanged, summary.lines) == (0, 0, 3, 0)
    assert snapshot(dbs) == before


def test_a_changed_invoice_gets_a_correction_and_the_original_stays(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    before = snapshot(dbs)
    changed = f"""{BILL_HEADER},paid_on
3000000001,2026-10,ACT-3000000001-202610,2026-11-01,2026-11-27,口座振替,paid,ACTテレビ,1,3000,3000,10,2026-11-27
"""
    summary = import_bills(dbs, changed.encode())
    dbs.commit()
    assert (summary.created, summary.updated, summary.unchanged, summary.corrected, summary.lines) == (0, 0, 0, 1, 1)
    after = snapshot(dbs)
    assert after[1][: len(before[1])] == before[1] and after[2][: len(before[2])] == before[2]  # nothing rewritten
    original = dbs.exec(select(Invoice).where(Invoice.invoice_number == "ACT-3000000001-202610")).one()
    correction = dbs.exec(select(Invoice).where(Invoice.corrects_id == original.id)).one()
    assert (correction.invoice_number, correction.revision, correction.period) == (
        "ACT-3000000001-202610-R1",
        1,
        "2026-10",
    )
    assert (correction.status, correction.paid_on) == ("paid", dt.date(2026, 11, 27))
    assert "削除: ミネラルウォーター定期便（2・¥1,600・8%）" in correction.correction_note
    assert "削除: セット割引" in correction.correction_note
    assert "ご請求金額（税込） ¥4,478 → ¥3,300" in correction.correction_note
    lines = dbs.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == correction.id)).all()
    assert [(line.position, line.description) for line in lines] == [(1, "ACTテレビ")]
    assert count(dbs, Invoice) == 4  # the others are left alone
    # The same file again changes nothing: it is compared with the correction.
    again = import_bills(dbs, changed.encode())
    assert (again.unchanged, again.corrected, again.lines) == (1, 0, 0)
    # A further change corrects the correction.
    third = import_bills(dbs, changed.replace("1,3000,3000,10", "1,3300,3300,10").encode())
    dbs.commit()
    assert third.corrected == 1
    newest = dbs.exec(select(Invoice).where(Invoice.revision == 2)).one()
    assert (newest.invoice_number, newest.corrects_id) == ("ACT-3000000001-202610-R2", correction.id)


def test_a_payment_status_alone_is_updated_in_place(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    paid = BILLS.replace("口座振替,scheduled", "口座振替,paid")
    summary = import_bills(dbs, paid.encode())
    dbs.commit()
    assert (summary.updated, summary.corrected, summary.unchanged) == (1, 0, 2)
    invoice = dbs.exec(select(Invoice).where(Invoice.invoice_number == "ACT-3000000001-202610")).one()
    assert invoice.status == "paid" and count(dbs, Invoice) == 3


def test_an_invoice_renumbered_for_its_period_is_a_correction_under_the_new_number(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    renumbered = BILLS.replace("ACT-3000000002-202610", "ACT-NEW-0001")
    summary = import_bills(dbs, renumbered.encode())
    assert (summary.created, summary.corrected, summary.unchanged) == (0, 1, 2)
    correction = dbs.exec(select(Invoice).where(Invoice.invoice_number == "ACT-NEW-0001")).one()
    assert correction.correction_note == "請求書番号 ACT-3000000002-202610 → ACT-NEW-0001"
    assert count(dbs, Invoice) == 4
    assert import_bills(dbs, renumbered.encode()).unchanged == 3


def test_statements_show_the_correction_and_its_original(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    import_bills(dbs, BILLS.replace(",1,3000,3000,10", ",1,3300,3300,10").encode())
    dbs.commit()
    number = customer(dbs, "3000000001").id
    shown = statements.statements(dbs, number, dt.date(2026, 11, 25))
    assert [s.invoice_number for s in shown] == ["ACT-3000000001-202610-R1", "ACT-3000000001-202609-R1"]
    newest = shown[0]
    assert newest.corrects == "ACT-3000000001-202610" and "¥3,300" in newest.correction_note
    assert [o.invoice_number for o in newest.originals] == ["ACT-3000000001-202610"]
    assert newest.total == newest.originals[0].total + 330  # the totals shown are the corrected ones
    original = statements.statement(dbs, number, newest.originals[0].id, dt.date(2026, 11, 25))
    assert original.corrected_by == "ACT-3000000001-202610-R1"


def test_nothing_deletes_an_invoice_younger_than_seven_years(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    invoice = dbs.exec(select(Invoice)).first()
    for statement in (
        sa.delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id),
        sa.update(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).values(amount=1),
        sa.delete(Invoice).where(Invoice.id == invoice.id),
    ):
        with pytest.raises(sa.exc.DatabaseError, match="kept for 7 years"):
            dbs.exec(statement)
        dbs.rollback()
    old = Invoice(
        customer_id=invoice.customer_id,
        invoice_number="OLD-1",
        period="2010-01",
        issued_on=dt.date(2010, 2, 1),
        due_on=dt.date(2010, 2, 27),
        payment_method="口座振替",
        status="paid",
    )
    dbs.add(old)
    dbs.commit()
    dbs.exec(sa.delete(Invoice).where(Invoice.id == old.id))
    dbs.commit()
    assert dbs.get(Invoice, invoice.id) is not None


BAD_BILL_ROWS = [
    (
        "3000000009,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10",
        "customer_number: no customer has the number 3000000009",
    ),
    (",2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10", "customer_number: is required"),
    ("3000000001,2026-13,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10", "period: must be a month YYYY-MM"),
    ("3000000001,202610,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10", "period: must be a month YYYY-MM"),
    ("3000000001,,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10", "period: is required"),
    ("3000000001,2026-10,,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10", "invoice_number: is required"),
    (
        "3000000001,2026-10," + "X" * 31 + ",2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10",
        "invoice_number: must be at most 30",
    ),
    ("3000000001,2026-10,X-1,2026-11-31,2026-11-27,口座振替,paid,A,1,1,1,10", "issued_on: must be a date YYYY-MM-DD"),
    ("3000000001,2026-10,X-1,2026-11-01,27/11/2026,口座振替,paid,A,1,1,1,10", "due_on: must be a date YYYY-MM-DD"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-10-27,口座振替,paid,A,1,1,1,10", "due_on: 2026-10-27 is before issued_on"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,,paid,A,1,1,1,10", "payment_method: is required"),
    (
        "3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,done,A,1,1,1,10",
        "status: must be one of unpaid (未払い), paid (お支払い済み), scheduled (口座振替予定), not 'done'",
    ),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,,1,1,1,10", "description: is required"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,0,1,1,10", "quantity: must be between 1 and"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1.5,1,1,10", "quantity: must be a whole number"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,abc,1,10", "unit_price: must be a whole number"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,,10", "amount: is required"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,9999999999,10", "amount: must be between"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,5", "tax_rate: must be 10 or 8"),
    ("3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1", "row: has 11 values; the header has 12"),
]


@pytest.mark.parametrize(("row", "expected"), BAD_BILL_ROWS)
def test_a_bad_bill_row_is_named_and_nothing_is_written(with_customers, row, expected):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    before = snapshot(dbs)
    changed = BILLS.replace(",3000,3000,10\n", ",3100,3100,10\n")  # good changes before the bad row
    messages = errors_of(lambda: import_bills(dbs, f"{changed}{row}\n".encode()))
    assert f"line 7, {expected}" in "\n".join(messages), messages
    dbs.rollback()
    assert snapshot(dbs) == before


def test_full_width_values_are_normalised(with_customers):
    dbs = with_customers
    row = (
        "３０００００００01,２０２６－１０,ＡＣＴ－１,２０２６／１１／０１,2026-11-27,ｸﾚｼﾞｯﾄｶｰﾄﾞ,ＰＡＩＤ,"
        'ﾃﾚﾋﾞ,１,"１,０００",１０００,１０％'
    )
    import_bills(dbs, f"{BILL_HEADER}\n{row}\n".encode())
    invoice = dbs.exec(select(Invoice)).one()
    assert (invoice.invoice_number, invoice.period, invoice.issued_on, invoice.payment_method, invoice.status) == (
        "ACT-1",
        "2026-10",
        dt.date(2026, 11, 1),
        "クレジットカード",
        "paid",
    )
    line = dbs.exec(select(InvoiceLine)).one()
    assert (line.description, line.unit_price, line.amount, line.tax_rate) == ("テレビ", 1000, 1000, 10)


def test_rows_of_one_invoice_must_agree(with_customers):
    dbs = with_customers
    data = f"""{BILL_HEADER}
3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10
3000000001,2026-11,X-1,2026-11-01,2026-11-30,口座振替,paid,B,1,1,1,10
3000000002,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,C,1,1,1,10
"""
    assert errors_of(lambda: import_bills(dbs, data.encode())) == [
        "line 3, period: '2026-11' differs from '2026-10' on line 2, the same invoice X-1",
        "line 3, due_on: '2026-11-30' differs from '2026-11-27' on line 2, the same invoice X-1",
        "line 4, customer_number: '3000000002' differs from '3000000001' on line 2, the same invoice X-1",
    ]


def test_one_period_one_invoice(with_customers):
    dbs = with_customers
    data = f"""{BILL_HEADER}
3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10
3000000001,2026-10,X-2,2026-11-01,2026-11-27,口座振替,paid,B,1,1,1,10
"""
    assert errors_of(lambda: import_bills(dbs, data.encode())) == [
        "line 3, invoice_number: customer 3000000001 already has invoice X-1 for 2026-10 on line 2"
    ]


def test_an_invoice_number_of_another_customer_is_refused(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    data = f"""{BILL_HEADER}
3000000002,2026-08,ACT-3000000001-202610,2026-09-01,2026-09-27,口座振替,paid,A,1,1,1,10
"""
    assert errors_of(lambda: import_bills(dbs, data.encode())) == [
        "line 2, invoice_number: ACT-3000000001-202610 is already another customer's invoice"
    ]


def test_a_stored_invoice_of_the_period_under_another_number_is_refused(with_customers):
    dbs = with_customers
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    # ACT-3000000001-202609 exists for 2026-09; moving it to 2026-10 would clash with ACT-…-202610.
    data = f"""{BILL_HEADER}
3000000001,2026-10,ACT-3000000001-202609,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10
"""
    assert errors_of(lambda: import_bills(dbs, data.encode())) == [
        "line 2, period: customer 3000000001 already has invoice ACT-3000000001-202610 for 2026-10"
    ]


def test_paid_on_only_for_paid_bills(with_customers):
    dbs = with_customers
    data = f"""{BILL_HEADER},paid_on
3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,unpaid,A,1,1,1,10,2026-11-27
"""
    assert errors_of(lambda: import_bills(dbs, data.encode())) == [
        "line 2, paid_on: is only given for status paid, not unpaid"
    ]
