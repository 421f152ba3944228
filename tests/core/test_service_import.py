"""Contracted services from the billing system; encodings and Japanese column names of every import."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from mypage.billing.contract import contract
from mypage.models import Customer, Service
from mypage.operator.csvfile import ImportFailed, decode
from mypage.operator.importer import import_bills, import_customers
from mypage.operator.service_import import import_services
from tests.core.clirun import counts, run
from tests.core.csv_samples import BILLS, CUSTOMERS

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
SERVICE_HEADER = "customer_number,kind,name,plan,started_on,ended_on,monthly_fee,tax_rate"
SERVICES = f"""{SERVICE_HEADER}
3000000001,tv,ACTテレビ,スタンダードコース,2020-04-01,,4500,10
3000000001,オプション,ミネラルウォーター定期便,,2021/05/01,,"1,600",8%
3000000001,レンタル機器,STBレンタル,,2020-04-01,,500,
3000000001,internet,ACTネット,320Mコース,2019-04-01,2020-03-31,4300,10
3000000002,インターネット,ACTネット,1Gコース,2022-10-01,,4800,10
"""
JAPANESE_HEADER = "お客様番号,種別,サービス名,プラン,開始日,終了日,月額料金,税率"


def services(dbs, number: str) -> list[Service]:
    customer = dbs.exec(select(Customer).where(Customer.customer_number == number)).one()
    return list(dbs.exec(select(Service).where(Service.customer_id == customer.id).order_by(Service.id)))


def errors_of(call) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        call()
    return [str(error) for error in caught.value.errors]


@pytest.fixture
def with_customers(dbs):
    import_customers(dbs, CUSTOMERS.encode(), NOW)
    dbs.commit()
    return dbs


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp932", "euc_jp", "iso2022_jp"])
def test_services_are_imported_in_every_encoding(with_customers, codec):
    dbs = with_customers
    data = SERVICES.replace("ACTテレビ", "ACTテレビ 八戸").encode(codec)
    summary = import_services(dbs, data)
    assert (summary.kind, summary.created, summary.updated, summary.unchanged) == ("services", 5, 0, 0)
    assert summary.encoding == {"utf-8-sig": "utf-8"}.get(codec, codec)
    tv, water, stb, old_net = services(dbs, "3000000001")
    assert (tv.kind, tv.name, tv.plan, tv.started_on, tv.monthly_fee) == (
        "tv",
        "ACTテレビ 八戸",
        "スタンダードコース",
        dt.date(2020, 4, 1),
        4500,
    )
    assert (water.kind, water.monthly_fee, water.tax_rate, water.started_on) == ("option", 1600, 8, dt.date(2021, 5, 1))
    assert (stb.kind, stb.tax_rate, stb.plan) == ("equipment", 10, "")
    assert old_net.ended_on == dt.date(2020, 3, 31)


def test_contract_shows_what_was_imported(with_customers):
    dbs = with_customers
    import_services(dbs, SERVICES.encode())
    dbs.commit()
    customer_id = services(dbs, "3000000001")[0].customer_id
    shown = contract(dbs, customer_id, dt.date(2026, 11, 25))
    assert [(s.kind_label, s.plan, s.monthly_fee) for s in shown.services] == [
        ("テレビ", "ACTテレビ スタンダードコース", 4500),
        ("オプション", "ミネラルウォーター定期便", 1600),
        ("レンタル機器", "STBレンタル", 500),
    ]


def test_importing_again_changes_nothing_and_a_change_updates(with_customers):
    dbs = with_customers
    import_services(dbs, SERVICES.encode())
    dbs.commit()
    before = [s.model_dump() for s in dbs.exec(select(Service).order_by(Service.id))]
    again = import_services(dbs, SERVICES.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert [s.model_dump() for s in dbs.exec(select(Service).order_by(Service.id))] == before
    changed = SERVICES.replace("スタンダードコース,2020-04-01,,4500", "プレミアムコース,2020-04-01,2026-12-31,5500")
    summary = import_services(dbs, changed.encode())
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    tv = services(dbs, "3000000001")[0]
    assert (tv.plan, tv.monthly_fee, tv.ended_on) == ("プレミアムコース", 5500, dt.date(2026, 12, 31))


def test_japanese_column_names(with_customers):
    dbs = with_customers
    data = SERVICES.replace(SERVICE_HEADER, JAPANESE_HEADER)
    assert import_services(dbs, data.encode("cp932")).created == 5
    assert import_services(dbs, SERVICES.encode()).unchanged == 5


def test_japanese_column_names_for_customers_and_bills(dbs):
    customers = CUSTOMERS.replace(
        "customer_number,name,kana,email,postal_code,address,phone",
        "お客様番号,氏名,フリガナ,メールアドレス,郵便番号,住所,電話番号",
    )
    assert import_customers(dbs, customers.encode(), NOW).created == 2
    bills = BILLS.replace(
        BILLS.splitlines()[0],
        "お客様番号,請求月,請求書番号,発行日,支払期限,支払方法,状態,品目,数量,単価,金額,税率",
    )
    summary = import_bills(dbs, bills.encode("euc_jp"))
    assert (summary.created, summary.lines) == (3, 5)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("3000000009,tv,X,,2020-04-01,,1,10", "line 2, customer_number: no customer has the number 3000000009"),
        ("3000000001,radio,X,,2020-04-01,,1,10", "line 2, kind: must be one of tv (テレビ)"),
        ("3000000001,tv,,,2020-04-01,,1,10", "line 2, name: is required"),
        ("3000000001,tv,X,,2020-02-30,,1,10", "line 2, started_on: must be a date YYYY-MM-DD, not '2020-02-30'"),
        ("3000000001,tv,X,,2020-04-01,2020-03-01,1,10", "line 2, ended_on: 2020-03-01 is before started_on"),
        ("3000000001,tv,X,,2020-04-01,,abc,10", "line 2, monthly_fee: must be a whole number, not 'abc'"),
        ("3000000001,tv,X,,2020-04-01,,1,5", "line 2, tax_rate: must be 10 or 8 (percent), not '5'"),
        ("3000000001,tv,X,,,,,10", "line 2, started_on: is required"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(with_customers, row, expected):
    dbs = with_customers
    data = f"{SERVICE_HEADER}\n{row}\n3000000002,tv,Y,,2020-04-01,,1,10\n".encode()
    messages = errors_of(lambda: import_services(dbs, data))
    assert any(m.startswith(expected) for m in messages), messages
    assert dbs.exec(select(Service)).all() == []


def test_a_service_twice_in_the_file_is_refused(with_customers):
    data = f"{SERVICE_HEADER}\n3000000001,tv,X,,2020-04-01,,1,10\n3000000001,option,X,,2020-04-01,,1,10\n"
    assert errors_of(lambda: import_services(with_customers, data.encode())) == [
        "line 3, name: customer 3000000001 already has 'X' on line 2"
    ]


def test_a_missing_column_is_named(with_customers):
    data = "customer_number,kind,name\n3000000001,tv,X\n"
    (message,) = errors_of(lambda: import_services(with_customers, data.encode()))
    assert message == "line 1, header: missing column started_on, monthly_fee"


# --- encodings: read correctly or refused, never misread ----------------------------------------


def test_euc_jp_is_not_read_as_shift_jis():
    text = "customer_number,name,kana\n3000000001,八戸 次郎,ハチノヘ ジロウ\n"
    assert decode(text.encode("euc_jp")) == (text, "euc_jp")
    assert decode(text.encode("cp932")) == (text, "cp932")


def test_iso_2022_jp_is_not_read_as_utf_8():
    text = "customer_number,name\n3000000001,八戸 次郎\n"
    assert decode(text.encode("iso2022_jp")) == (text, "iso2022_jp")


def test_a_file_that_reads_as_both_is_refused_with_both_readings():
    data = "customer_number,name\n3000000001,青森県\n".encode("euc_jp")
    (message,) = errors_of(lambda: decode(data))
    assert message.startswith("line 2, encoding: the file reads as Japanese in two encodings (")
    assert "'3000000001,青森県' in EUC-JP" in message and "--encoding euc-jp" in message
    assert decode(data, "euc-jp") == ("customer_number,name\n3000000001,青森県\n", "euc_jp")


def test_a_given_encoding_that_cannot_read_the_file_is_named():
    (message,) = errors_of(lambda: decode("a\n髙﨑①".encode("cp932"), "euc-jp"))
    assert message.startswith("line 2, encoding: the file cannot be read as EUC-JP")


# --- the command --------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path, database_url):
    (tmp_path / "customers.csv").write_bytes(CUSTOMERS.encode("cp932"))
    (tmp_path / "services.csv").write_bytes(SERVICES.replace(SERVICE_HEADER, JAPANESE_HEADER).encode("euc_jp"))
    assert run(database_url, "import", "customers", str(tmp_path / "customers.csv")).returncode == 0
    return tmp_path


def test_import_services_command(database_url, files):
    done = run(database_url, "import", "services", str(files / "services.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "services: 5 created, 0 updated, 0 unchanged (read as euc_jp)"
    done = run(database_url, "import", "services", str(files / "services.csv"), "--json")
    assert json.loads(done.stdout) == {
        "kind": "services",
        "created": 0,
        "updated": 0,
        "unchanged": 5,
        "lines": 0,
        "encoding": "euc_jp",
    }


@pytest.mark.parametrize("kind", ["customers", "services"])
def test_dry_run_checks_and_writes_nothing(database_url, files, kind):
    if kind == "customers":
        (files / "customers.csv").write_bytes(CUSTOMERS.replace("3000000002", "3000000003").encode())
    before = counts(database_url)
    done = run(database_url, "import", kind, str(files / f"{kind}.csv"), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["dry_run"] is True
    assert summary["created"] == (1 if kind == "customers" else 5)
    assert "nothing was written" not in done.stderr
    assert counts(database_url) == before
    text = run(database_url, "import", kind, str(files / f"{kind}.csv"), "--dry-run")
    assert "dry run: the file is valid; nothing was written" in text.stderr


def test_dry_run_of_a_bad_file_lists_the_errors(database_url, files):
    bad = files / "bad.csv"
    bad.write_text(f"{SERVICE_HEADER}\n3000000001,radio,X,,2020-04-01,,1,10\n", encoding="utf-8")
    done = run(database_url, "import", "services", str(bad), "--dry-run")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("line 2, kind: must be one of")
    assert counts(database_url)["service"] == 0


def test_an_encoding_can_be_given_to_the_command(database_url, files):
    path = files / "ambiguous.csv"
    path.write_bytes(f"{SERVICE_HEADER}\n3000000001,tv,青森県,,2020-04-01,,1,10\n".encode("euc_jp"))
    refused = run(database_url, "import", "services", str(path))
    assert refused.returncode == 1 and "--encoding euc-jp" in refused.stderr
    done = run(database_url, "import", "services", str(path), "--encoding", "euc-jp", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] == 1


def test_progress_is_told_while_the_rows_are_checked(with_customers):
    rows = "".join(f"3000000001,option,オプション{n},,2020-04-01,,100,10\n" for n in range(2500))
    told = []
    summary = import_services(with_customers, f"{SERVICE_HEADER}\n{rows}".encode(), progress=lambda *a: told.append(a))
    assert summary.created == 2500
    assert told == [(1000, 2500), (2000, 2500), (2500, 2500)]
