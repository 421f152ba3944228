"""マイページ認証コード通知書: issuing codes for letters, and the letters' PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess

import pypdf
import pytest
from sqlmodel import select

from mypage.accounts.registration import RegistrationError, check_code_pair
from mypage.models import AuditEvent, AuthCode, Customer
from mypage.operator import letters
from mypage.operator.customers import store_auth_code
from mypage.security import CODE_ALPHABET, hash_token, normalize_auth_code
from mypage.settings import Branding, get_settings

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)  # 10:00 in Japan
SPACED = re.compile(rf"([{CODE_ALPHABET}]{{4}}) - ([{CODE_ALPHABET}]{{4}}) - ([{CODE_ALPHABET}]{{4}})")


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """The page's text without line breaks, so that wrapped sentences can be found whole."""
    return text.replace("\n", "")


def add(dbs, number: str, name: str, **fields) -> Customer:
    customer = Customer(customer_number=number, name=name, **fields)
    dbs.add(customer)
    dbs.flush()
    return customer


@pytest.fixture
def two(dbs) -> list[Customer]:
    return [
        add(dbs, "1000000101", "青森 太郎", postal_code="030-0801", address="青森県青森市新町1-2-3"),
        add(dbs, "1000000102", "弘前 健一", postal_code="036-8182", address="青森県弘前市土手町4-5-6"),
    ]


def test_issue_gives_one_new_code_per_customer_and_keeps_only_its_hash(dbs, two):
    issued = letters.issue(dbs, two, NOW, valid_days=90)
    dbs.commit()
    assert [letter.customer_number for letter in issued] == ["1000000101", "1000000102"]
    assert len({letter.auth_code for letter in issued}) == 2
    for customer, letter in zip(two, issued, strict=True):
        assert re.fullmatch(rf"[{CODE_ALPHABET}]{{4}}(-[{CODE_ALPHABET}]{{4}}){{2}}", letter.auth_code)
        row = dbs.exec(select(AuthCode).where(AuthCode.customer_id == customer.id)).one()
        assert row.code_hash == hash_token(normalize_auth_code(letter.auth_code))
        assert row.expires_at == NOW + dt.timedelta(days=90)
        assert letter.auth_code.replace("-", "") not in row.code_hash
        assert (letter.name, letter.postal_code, letter.address) == (
            customer.name,
            customer.postal_code,
            customer.address,
        )
        assert letter.issued_on == dt.date(2026, 11, 25)
        # Expires at 10:00 on 2027-02-23 in Japan: the last whole day is the 22nd.
        assert letter.valid_through == dt.date(2027, 2, 22)
    events = dbs.exec(select(AuditEvent).where(AuditEvent.kind == letters.ISSUED)).all()
    assert sorted(e.subject for e in events) == ["1000000101", "1000000102"]


def test_a_new_letter_makes_the_earlier_code_useless(dbs, two):
    customer = two[0]
    store_auth_code(dbs, customer, "Ab3DeF4gH5jK", NOW - dt.timedelta(days=30), None)
    check_code_pair(dbs, customer.customer_number, "Ab3DeF4gH5jK", NOW)  # works before the new letter
    (letter,) = letters.issue(dbs, [customer], NOW)
    dbs.commit()
    later = NOW + dt.timedelta(minutes=1)
    with pytest.raises(RegistrationError):
        check_code_pair(dbs, customer.customer_number, "Ab3DeF4gH5jK", later)
    found, code = check_code_pair(dbs, customer.customer_number, normalize_auth_code(letter.auth_code), later)
    assert found.id == customer.id and code.revoked_at is None


def test_pdf_has_one_page_per_letter_with_every_item(dbs, two):
    issued = letters.issue(dbs, two, NOW)
    pdf = letters.letters_pdf(issued)
    texts = pages(pdf)
    assert len(texts) == 2
    brand, settings = get_settings().branding, get_settings()
    for text, letter, customer in zip(texts, issued, two, strict=True):
        whole = flat(text)
        for required in (
            brand.name,
            brand.address,
            f"TEL {brand.phone}",
            "9:00～17:30",  # the operator
            f"〒{customer.postal_code}",
            customer.address,
            f"{customer.name} 様",  # the addressee
            "「マイページ」設定情報のお知らせ",
            "（マイページ認証コード通知書）",
            letters.INTRO,
            "①お客様番号",
            letter.customer_number,
            "②認証コード",
            letters.spaced(letter.auth_code),
            "文字見本",
            "大文字",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "小文字",
            "abcdefghijklmnopqrstuvwxyz",
            "数字",
            "1234567890",
            "注意事項",
            *letters.CAUTIONS,
            "ご登録方法",
            "新規アカウント作成",
            settings.base_url,
            "認証コードの有効期限：2027年2月22日まで",
            letters.REPLACED_NOTE,
            "発行日：2026年11月25日",
        ):
            assert required in whole, required
        # The code on the page is the one whose hash is stored, and no other code is on it.
        (groups,) = SPACED.findall(text)
        stored = dbs.exec(select(AuthCode).where(AuthCode.customer_id == customer.id)).one()
        assert hash_token("".join(groups)) == stored.code_hash


def test_each_character_of_the_code_is_marked_upper_lower_or_digit():
    letter = letters.Letter("1", "x", "", "", "Ab3D-eF4g-H5jK", dt.date(2026, 11, 25), None)
    (text,) = pages(letters.letters_pdf([letter]))
    marks = re.sub(r"\s", "", text.split("Ab3D - eF4g - H5jK", 1)[1])
    assert marks.startswith("大小数大小大数小大数小大")
    assert letters.KIND_NOTE in flat(text)
    assert "有効期限" not in text  # a code that never expires prints no date


def test_the_code_is_not_in_the_metadata(dbs, two):
    (letter,) = letters.issue(dbs, two[:1], NOW)
    reader = pypdf.PdfReader(io.BytesIO(letters.letters_pdf([letter])))
    metadata = " ".join(str(value) for value in reader.metadata.values())
    assert letter.auth_code not in metadata and letter.auth_code.replace("-", "") not in metadata
    assert "マイページ認証コード通知書" in metadata


def test_pdf_is_deterministic_and_white_label():
    letter = letters.Letter(
        "2000000001",
        "八戸 次郎",
        "031-0001",
        "青森県八戸市類家1-1",
        "Nq7R-sT8u-V9wX",
        dt.date(2026, 11, 25),
        dt.date(2027, 2, 22),
    )
    brand = dataclasses.replace(Branding(), name="みちのくケーブル", phone="0120-000-111", hours="10:00~18:00")
    pdf = letters.letters_pdf([letter], brand=brand, base_url="https://mypage.example.jp/")
    assert pdf == letters.letters_pdf([letter], brand=brand, base_url="https://mypage.example.jp/")
    whole = flat(pages(pdf)[0])
    for required in ("みちのくケーブル", "TEL 0120-000-111", "10:00～18:00", "https://mypage.example.jp"):
        assert required in whole
    assert "青森ケーブルテレビ" not in whole


def test_long_names_and_addresses_stay_on_the_page():
    letter = letters.Letter(
        "2000000001",
        "株式会社みちのくケーブルテレビジョンサービス 本社営業部 総務課 ご担当者",
        "031-0001",
        "青森県八戸市類家1-1 みちのくマンション101号室" * 4,
        "Nq7R-sT8u-V9wX",
        dt.date(2026, 11, 25),
        dt.date(2027, 2, 22),
    )
    texts = pages(letters.letters_pdf([letter]))
    assert len(texts) == 1
    assert "ご担当者 様" in flat(texts[0]) and "Nq7R - sT8u - V9wX" in texts[0]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_japanese_renders_for_poppler(tmp_path):
    letter = letters.Letter(
        "1000000101",
        "青森 太郎",
        "030-0801",
        "青森県青森市新町1-2-3",
        "Ab3D-eF4g-H5jK",
        dt.date(2026, 11, 25),
        dt.date(2027, 2, 22),
    )
    path = tmp_path / "letters.pdf"
    path.write_bytes(letters.letters_pdf([letter]))
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    assert "青森 太郎 様" in text and "「マイページ」設定情報のお知らせ" in text and "Ab3D - eF4g - H5jK" in text
