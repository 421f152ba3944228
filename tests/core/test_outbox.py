"""The outbox read back for メール確認: recipient, subject, time, text with its links."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest

from mypage import jptime, mail, outbox
from mypage.operator import devpages
from mypage.outbox import Piece
from mypage.settings import get_settings


@pytest.fixture
def settings(tmp_path):
    return dataclasses.replace(get_settings(), smtp_host=None, outbox_dir=tmp_path / "outbox")


def test_a_sent_mail_reads_back_as_the_subscriber_reads_it(settings):
    body = "青森 太郎 様\n\n次のリンクを開いてください。\nhttps://mypage.example.jp/verify?token=abc-DEF_123\n"
    mail.send("taro@example.jp", "【ACT MyPage】メールアドレスの確認", body, settings)

    [read] = outbox.read(settings.outbox_dir)

    assert read.recipient == "taro@example.jp"
    assert read.subject == "【ACT MyPage】メールアドレスの確認"
    assert read.text.startswith("青森 太郎 様\n\n次のリンクを開いてください。")
    assert settings.branding.phone in read.text
    link = "https://mypage.example.jp/verify?token=abc-DEF_123"
    assert read.pieces[:2] == [Piece("青森 太郎 様\n\n次のリンクを開いてください。\n"), Piece(link, link)]
    assert read.pieces[2].text.startswith("\n") and read.pieces[2].href == ""
    assert abs(read.sent_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert read.sent_at_text == jptime.format_datetime(read.sent_at)


def test_newest_first_even_within_one_second(settings):
    for number in range(3):
        mail.send(f"user{number}@example.jp", f"件名{number}", "本文", settings)
    assert [m.subject for m in outbox.read(settings.outbox_dir)] == ["件名2", "件名1", "件名0"]


def test_the_date_header_orders_before_the_file_time(settings):
    mail.send("a@example.jp", "古い", "本文", settings)
    [old] = settings.outbox_dir.glob("*.eml")
    old.write_bytes(old.read_bytes().replace(b"Date: ", b"Date: Mon, 02 Jan 2006 15:04:05 +0900\nX-Old-Date: ", 1))
    mail.send("b@example.jp", "新しい", "本文", settings)
    # The old mail's file is the newest on disk, but its Date says 2006.
    os.utime(old, ns=(2**62, 2**62))
    assert [m.subject for m in outbox.read(settings.outbox_dir)] == ["新しい", "古い"]


def test_a_missing_outbox_is_empty_and_junk_is_tolerated(settings):
    assert outbox.read(settings.outbox_dir) == []
    settings.outbox_dir.mkdir(parents=True)
    (settings.outbox_dir / "broken.eml").write_bytes(b"\xff\xfe not a mail")
    (settings.outbox_dir / "notes.txt").write_text("not an eml")
    [junk] = outbox.read(settings.outbox_dir)
    assert junk.subject == "" and junk.recipient == ""


def test_only_the_newest_are_read(settings):
    for number in range(5):
        mail.send("a@example.jp", f"件名{number}", "本文", settings)
    assert [m.subject for m in outbox.read(settings.outbox_dir, limit=2)] == ["件名4", "件名3"]


VERIFY = "http://localhost:3000/verify?token=t"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("リンクはありません", [Piece("リンクはありません")]),
        ("", [Piece("")]),
        (
            "こちら（https://a.example/x?y=1）を開く",
            [Piece("こちら（"), Piece("https://a.example/x?y=1", "https://a.example/x?y=1"), Piece("）を開く")],
        ),
        ("http://localhost:3000/verify?token=t。", [Piece(VERIFY, VERIFY), Piece("。")]),
        # Only http and https become links.
        ("javascript:alert(1) ftp://x.example/", [Piece("javascript:alert(1) ftp://x.example/")]),
    ],
)
def test_lines_are_cut_into_text_and_links(line, expected):
    assert outbox.pieces(line) == expected


@pytest.mark.parametrize(("env", "enabled"), [("development", True), ("test", False), ("production", False)])
def test_the_dev_pages_exist_only_in_development(env, enabled):
    assert outbox.dev_tools_enabled(dataclasses.replace(get_settings(), env=env)) is enabled


def test_make_run_prints_the_dev_pages_only_in_development():
    development = dataclasses.replace(get_settings(), env="development", base_url="http://localhost:8080")
    printed = "\n".join(devpages.lines(development))
    assert "http://localhost:8080/dev/mail" in printed and "http://localhost:8080/dev/gallery" in printed
    assert "mypage demo --reset" in printed
    assert devpages.lines(dataclasses.replace(development, env="test")) == []
    assert devpages.lines(dataclasses.replace(development, env="production")) == []


def test_waiting_for_a_portal_that_never_answers_gives_up():
    assert devpages.wait_until_up("http://localhost:9/ping", timeout=0.2) is False
