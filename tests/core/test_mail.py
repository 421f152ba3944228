"""Mail through a real SMTP server (aiosmtpd), to the outbox, and its failures."""

from __future__ import annotations

import dataclasses
import logging
import socket
from email import message_from_bytes, policy
from email.utils import parseaddr

import pytest

from mypage import mail as mailer
from mypage.mail import MailError
from mypage.settings import get_settings

SUBJECT = "【ACT MyPage】メールアドレスのご確認"
BODY = "青森 太郎 様\n\nマイページへのご登録ありがとうございます。\n下記のURLを開いて登録を完了してください。"


def mail_text(message) -> str:
    # Shared helpers live in tests/support.py.
    return message.get_body(preferencelist=("plain",)).get_content()


def closed_port() -> int:
    """A port that was free a moment ago and has nothing listening now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(smtp_server, tmp_path):
    host, port, _ = smtp_server
    return dataclasses.replace(get_settings(), smtp_host=host, smtp_port=port, outbox_dir=tmp_path / "outbox")


def test_japanese_mail_arrives_decoded(smtp_settings, mail):
    message = _send_and_catch(smtp_settings, mail, "taro@example.jp")
    assert message["Subject"] == SUBJECT
    text = mail_text(message)
    assert BODY in text
    assert "青森ケーブルテレビ" in text and "0120-442-208" in text
    assert message.get_content_charset() == "utf-8"
    raw = bytes(message)
    assert SUBJECT.encode("utf-8") not in raw  # encoded words on the wire, not raw bytes
    assert not (smtp_settings.outbox_dir).exists()


def _send_and_catch(settings, catcher, to):
    mailer.send(to, SUBJECT, BODY, settings)
    return catcher.wait_for(to)


def test_from_and_reply_to_come_from_settings(smtp_settings, mail):
    settings = dataclasses.replace(
        smtp_settings, mail_from="八戸ケーブル マイページ <mypage@example.jp>", mail_reply_to="help@example.jp"
    )
    message = _send_and_catch(settings, mail, "from-test@example.jp")
    assert parseaddr(str(message["From"])) == ("八戸ケーブル マイページ", "mypage@example.jp")
    assert str(message["Reply-To"]) == "help@example.jp"
    assert str(message["To"]) == "from-test@example.jp"
    assert message["Message-ID"].endswith("@actv.ne.jp>")
    assert message["Date"]


def test_default_sender_is_the_operator(smtp_settings, mail):
    message = _send_and_catch(smtp_settings, mail, "default-from@example.jp")
    name, address = parseaddr(str(message["From"]))
    assert name == "青森ケーブルテレビ マイページ"
    assert address == "mypage@actv.ne.jp"
    assert str(message["Reply-To"]) == "support@actv.ne.jp"


def test_send_returns_the_message_it_sent(smtp_settings, mail):
    message = mailer.send("returned@example.jp", SUBJECT, BODY, smtp_settings)
    assert mail.wait_for("returned@example.jp")["Message-ID"] == message["Message-ID"]
    assert message["Subject"] == SUBJECT
    assert message["To"] == "returned@example.jp"


def test_without_smtp_host_mail_goes_to_the_outbox(tmp_path):
    settings = dataclasses.replace(get_settings(), smtp_host=None, outbox_dir=tmp_path / "outbox")
    sent = mailer.send("outbox@example.jp", SUBJECT, BODY, settings)
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == sent["Message-ID"]
    assert str(message["To"]) == "outbox@example.jp"
    assert BODY in mail_text(message)


def test_each_mail_is_its_own_outbox_file(tmp_path):
    settings = dataclasses.replace(get_settings(), smtp_host=None, outbox_dir=tmp_path / "outbox")
    for n in range(3):
        mailer.send(f"n{n}@example.jp", SUBJECT, BODY, settings)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3


def test_smtp_failure_raises_and_is_logged(caplog):
    settings = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=closed_port())
    with caplog.at_level(logging.ERROR, logger="mypage.mail"), pytest.raises(MailError):
        mailer.send("unreachable@example.jp", SUBJECT, BODY, settings)
    records = [r for r in caplog.records if r.name == "mypage.mail" and r.levelno == logging.ERROR]
    assert records and "unreachable@example.jp" in records[0].getMessage()


def test_starttls_refused_by_the_server_is_an_error(smtp_settings, caplog):
    # aiosmtpd here offers no STARTTLS: the mail must fail, not go out in clear text.
    settings = dataclasses.replace(smtp_settings, smtp_starttls=True)
    with caplog.at_level(logging.ERROR, logger="mypage.mail"), pytest.raises(MailError):
        mailer.send("tls@example.jp", SUBJECT, BODY, settings)
    assert any("tls@example.jp" in r.getMessage() for r in caplog.records)


def test_unwritable_outbox_raises(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox folder should be")
    settings = dataclasses.replace(get_settings(), smtp_host=None, outbox_dir=blocker)
    with pytest.raises(MailError):
        mailer.send("nowhere@example.jp", SUBJECT, BODY, settings)
