"""The `mypage` command, run as operators run it: a subprocess with its own environment."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import Session, select

from mypage import db
from mypage.models import Account, AuthCode, Customer
from mypage.security import CODE_ALPHABET, hash_token, normalize_auth_code
from tests.core.clirun import counts, run
from tests.support import PRODUCTION

CODE = re.compile(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}")


def customers(database_url: str) -> list[Customer]:
    with Session(db.engine_for(database_url), expire_on_commit=False) as session:
        return list(session.exec(select(Customer).order_by(Customer.id)))


def test_demo_twice_prints_the_same_and_writes_nothing_new(database_url):
    first = run(database_url, "demo", "--json")
    assert first.returncode == 0, first.stderr
    after_first = counts(database_url)
    second = run(database_url, "demo", "--json")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert counts(database_url) == after_first
    assert after_first["customer"] == 4
    assert after_first["invoice"] == 3 * 24
    assert after_first["account"] == 1
    assert after_first["auth_code"] == 4
    assert after_first["notice"] == 4


def test_demo_json_shape(database_url):
    done = run(database_url, "demo", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["customers"]
    kinds = {c["kind"]: c for c in data["customers"]}
    assert sorted(kinds) == ["full", "internet", "nobills", "registered"]
    for entry in data["customers"]:
        base = {"customer_number", "auth_code", "name", "has_account", "kind"}
        assert set(entry) == (base | {"login_id", "password"} if entry["kind"] == "registered" else base)
        assert re.fullmatch(r"\d{10}", entry["customer_number"])
        assert CODE.fullmatch(entry["auth_code"])
        assert isinstance(entry["has_account"], bool)
    assert kinds["registered"]["has_account"] is True
    assert kinds["registered"]["login_id"] == "hanako01"
    assert kinds["registered"]["password"] == "Hakkoda8Ringo"
    assert not any(kinds[k]["has_account"] for k in ("full", "internet", "nobills"))
    assert kinds["full"] == {
        "customer_number": "1000000001",
        "auth_code": "Ab3D-eF4g-H5jK",
        "name": "青森 太郎",
        "has_account": False,
        "kind": "full",
    }


def test_demo_prints_a_table_with_the_login(database_url):
    done = run(database_url, "demo")
    assert done.returncode == 0, done.stderr
    assert "お客様番号" in done.stdout and "認証コード" in done.stdout
    for text in ("1000000001", "Ab3D-eF4g-H5jK", "hanako01", "Hakkoda8Ringo", "十和田 花子"):
        assert text in done.stdout


def test_demo_is_refused_in_production(database_url):
    done = run(
        database_url,
        "demo",
        "--json",
        **PRODUCTION,
    )
    assert done.returncode == 1
    assert "production" in done.stderr
    assert done.stdout == ""
    assert counts(database_url)["customer"] == 0


def test_demo_without_a_schema_says_to_upgrade(tmp_path):
    done = run(f"sqlite:///{tmp_path / 'empty.db'}", "demo")
    assert done.returncode == 1
    assert "mypage db upgrade" in done.stderr
    assert "Traceback" not in done.stderr


def test_db_upgrade_makes_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    done = run(url, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert counts(url)["customer"] == 0


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"MYPAGE_ENV": "staging"}, "MYPAGE_ENV"),
        ({"MYPAGE_BCRYPT_ROUNDS": "many"}, "MYPAGE_BCRYPT_ROUNDS"),
        ({"MYPAGE_ENV": "production", "MYPAGE_CAPTCHA_TEST_MODE": "0"}, "MYPAGE_SECRET_KEY"),
    ],
)
@pytest.mark.parametrize("command", [["demo"], ["customer", "add", "--name", "x"], ["db", "upgrade"]])
def test_bad_settings_are_one_line_and_exit_1(database_url, env, variable, command):
    done = run(database_url, *command, **env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0]
    assert counts(database_url)["customer"] == 0


def test_customer_add_json(database_url):
    done = run(
        database_url,
        "customer",
        "add",
        "--name",
        "ＡＣＴ 太郎",
        "--kana",
        "アクト タロウ",
        "--email",
        "taro@example.jp",
        "--postal-code",
        "030-0801",
        "--address",
        "青森県青森市新町1-2-3",
        "--phone",
        "017-723-0001",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["customer_number", "auth_code"]
    assert re.fullmatch(r"\d{10}", data["customer_number"])
    assert CODE.fullmatch(data["auth_code"])
    (customer,) = customers(database_url)
    assert customer.customer_number == data["customer_number"]
    assert customer.name == "ACT 太郎"
    assert (customer.email, customer.postal_code, customer.phone) == ("taro@example.jp", "030-0801", "017-723-0001")
    with Session(db.engine_for(database_url)) as session:
        code = session.exec(select(AuthCode).where(AuthCode.customer_id == customer.id)).one()
    assert code.code_hash == hash_token(normalize_auth_code(data["auth_code"]))
    assert code.expires_at is not None


def test_customer_add_after_demo_gets_a_number_of_its_own(database_url):
    assert run(database_url, "demo").returncode == 0
    first = json.loads(run(database_url, "customer", "add", "--name", "一人目", "--json").stdout)
    second = json.loads(run(database_url, "customer", "add", "--name", "二人目", "--json").stdout)
    numbers = {c.customer_number for c in customers(database_url)}
    assert len(numbers) == 6
    assert first["customer_number"] != second["customer_number"]
    assert first["auth_code"] != second["auth_code"]


def test_customer_add_prints_readably_without_json(database_url):
    done = run(database_url, "customer", "add", "--name", "青森 太郎")
    assert done.returncode == 0, done.stderr
    assert "お客様番号" in done.stdout and "認証コード" in done.stdout
    assert CODE.search(done.stdout)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ([], "--name"),
        (["--name", "　"], "--name"),
        (["--name", "x", "--email", "not-an-address"], "--email"),
        (["--name", "x", "--postal-code", "0300-801"], "--postal-code"),
        (["--name", "x", "--phone", "017-723-000X"], "--phone"),
        (["--name", "x" * 101], "--name"),
    ],
)
def test_customer_add_bad_input(database_url, args, field):
    done = run(database_url, "customer", "add", *args, "--json")
    assert done.returncode == 1
    assert field in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert customers(database_url) == []
    assert counts(database_url)["auth_code"] == 0


def test_demo_login_taken_by_someone_else_is_a_clear_error(database_url):
    with Session(db.engine_for(database_url)) as session:
        other = Customer(customer_number="3000000001", name="他の人")
        session.add(other)
        session.flush()
        session.add(
            Account(
                customer_id=other.id,
                login_id="HANAKO01",
                login_id_folded="hanako01",
                password_hash="x",
                email="o@example.jp",
            )
        )
        session.commit()
    done = run(database_url, "demo", "--json")
    assert done.returncode == 1
    assert "conflicts" in done.stderr and "Traceback" not in done.stderr
    assert counts(database_url)["customer"] == 1
