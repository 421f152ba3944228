"""`mypage codes issue`: new codes for the demo customers, their letters, and bad input."""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
from pathlib import Path

import pypdf
import pytest
from sqlmodel import Session, select

from mypage import db
from mypage.models import AuthCode, Customer
from mypage.security import hash_token, normalize_auth_code
from tests.core.clirun import counts, run

DEMO_CODES = {
    "1000000001": "Ab3DeF4gH5jK",
    "1000000002": "Nq7RsT8uV9wX",
    "1000000003": "Yz2aBc3dEf4G",
    "1000000004": "Hj5KmN6pQr7S",
}


@pytest.fixture(scope="module")
def demo_template(migrated_template, tmp_path_factory) -> Path:
    """A database with the demo data, loaded once for this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(migrated_template, path)
    done = run(f"sqlite:///{path}", "demo")
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def demo(demo_template, tmp_path) -> str:
    """A copy of the demo database of this test's own."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return f"sqlite:///{path}"


def codes(database_url: str) -> dict[str, list[AuthCode]]:
    """Every code row by customer number."""
    with Session(db.engine_for(database_url), expire_on_commit=False) as session:
        rows = session.exec(select(Customer.customer_number, AuthCode).join(AuthCode)).all()
    found: dict[str, list[AuthCode]] = {}
    for number, code in rows:
        found.setdefault(number, []).append(code)
    return found


def live(database_url: str, number: str) -> list[AuthCode]:
    return [code for code in codes(database_url)[number] if code.revoked_at is None]


def page_texts(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_issue_for_named_customers_writes_their_letters(demo, tmp_path):
    out = tmp_path / "letters.pdf"
    done = run(
        demo,
        "codes",
        "issue",
        "--customer",
        "1000000002",
        "--customer",
        "１０００００００01",
        "--letters",
        str(out),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["letters"] == str(out)
    assert [c["customer_number"] for c in data["codes"]] == ["1000000002", "1000000001"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds codes
    texts = page_texts(out)
    assert len(texts) == 2
    for text, entry in zip(texts, data["codes"], strict=True):
        number = entry["customer_number"]
        assert number in text and f"{entry['name']} 様" in text
        printed = re.search(r"(\w{4}) - (\w{4}) - (\w{4})", text).groups()
        assert "-".join(printed) == entry["auth_code"]
        (new,) = live(demo, number)
        assert new.code_hash == hash_token("".join(printed))
        # The demo code printed on the earlier letter no longer works.
        old = [c for c in codes(demo)[number] if c.code_hash == hash_token(DEMO_CODES[number])]
        assert old and old[0].revoked_at is not None
    # Customers not named keep their code.
    (untouched,) = live(demo, "1000000003")
    assert untouched.code_hash == hash_token(DEMO_CODES["1000000003"])


def test_plain_output_names_the_customers_but_not_the_codes(demo, tmp_path):
    out = tmp_path / "letters.pdf"
    done = run(demo, "codes", "issue", "--customer", "1000000001", "--letters", str(out))
    assert done.returncode == 0, done.stderr
    assert "1000000001" in done.stdout and "青森 太郎" in done.stdout
    code = re.search(r"(\w{4}) - (\w{4}) - (\w{4})", page_texts(out)[0]).groups()
    assert "-".join(code) not in done.stdout + done.stderr
    assert str(out) in done.stderr


def test_all_without_account_skips_the_registered_customer(demo, tmp_path):
    out = tmp_path / "letters.pdf"
    done = run(demo, "codes", "issue", "--all-without-account", "--letters", str(out), "--expires-days", "30", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [c["customer_number"] for c in data["codes"]] == ["1000000001", "1000000002", "1000000003"]
    assert len(page_texts(out)) == 3
    (kept,) = live(demo, "1000000004")
    assert kept.code_hash == hash_token(DEMO_CODES["1000000004"])
    for entry in data["codes"]:
        (new,) = live(demo, entry["customer_number"])
        assert new.code_hash == hash_token(normalize_auth_code(entry["auth_code"]))
        assert (new.expires_at - new.issued_at).days == 30


def test_nobody_without_an_account_writes_no_file(database_url, tmp_path):
    out = tmp_path / "letters.pdf"
    done = run(database_url, "codes", "issue", "--all-without-account", "--letters", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"letters": None, "codes": []}
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (["--customer", "1000000001", "--customer", "1999999999"], "--customer", "1999999999"),
        (["--customer", "nope"], "--customer", "nope"),
        ([], "--customer", "--all-without-account"),
        (["--customer", "1000000001", "--all-without-account"], "--customer", "--all-without-account"),
        (["--customer", "1000000001", "--expires-days", "0"], "--expires-days", "0"),
        (["--customer", "1000000001", "--expires-days", "many"], "--expires-days", "many"),
        (["--customer", "1000000001", "--letters", "{tmp}/letters.txt"], "--letters", ".pdf"),
        (["--customer", "1000000001", "--letters", "{tmp}/missing/letters.pdf"], "--letters", "missing"),
        (["--customer", "1000000001", "--letters", "{tmp}/earlier.pdf"], "--letters", "already exists"),
        (["--customer", "1000000001", "--letters", None], "--letters", "PDF file"),
    ],
)
def test_bad_input_revokes_nothing_and_writes_no_file(demo, tmp_path, args, field, says):
    folder = tmp_path / "out"
    folder.mkdir()
    earlier = folder / "earlier.pdf"
    earlier.write_bytes(b"%PDF earlier letters")
    if None in args:  # no --letters at all
        args = args[: args.index("--letters")]
    elif "--letters" not in args:
        args = [*args, "--letters", str(folder / "letters.pdf")]
    args = [a.format(tmp=folder) for a in args]
    before, codes_before = counts(demo), codes(demo)
    done = run(demo, "codes", "issue", *args)
    assert done.returncode == 1
    assert field in done.stderr and says in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert counts(demo) == before
    assert codes(demo) == codes_before  # nothing revoked
    assert sorted(p.name for p in folder.iterdir()) == ["earlier.pdf"]
    assert earlier.read_bytes() == b"%PDF earlier letters"
