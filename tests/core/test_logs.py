"""One logging configuration: text for people, MYPAGE_LOG_FORMAT=json for machines; audit events in the stream."""

from __future__ import annotations

import json
import logging

import pytest
from sqlmodel import Session

from mypage import audit, logs
from mypage.settings import load
from tests.core.clirun import run
from tests.core.factories import make_account


@pytest.fixture
def configured():
    """Configure logging for one test and take the handler away after it."""
    yield lambda env: logs.configure(load(env))
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == "mypage":
            root.removeHandler(handler)


def test_json_lines_carry_time_level_logger_message_and_the_audit_fields(configured, capsys, dbs: Session, monkeypatch):
    monkeypatch.setenv("MYPAGE_WORKER_ID", "8002")
    configured({"MYPAGE_LOG_FORMAT": "json"})
    audit.record(dbs, "login_failed", subject="taro01", ip="203.0.113.9", detail="wrong password")
    logging.getLogger("mypage.test").warning("two\nlines")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("mypage.test").exception("failed")
    lines = capsys.readouterr().err.splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert len(records) == 3
    event = records[0]
    assert event["logger"] == "mypage.audit" and event["message"] == "login_failed" and event["level"] == "info"
    assert event["ip"] == "203.0.113.9" and event["subject"] == "taro01" and event["worker"] == "8002"
    assert event["time"].endswith("+00:00")
    assert records[1]["message"] == "two\nlines" and records[1]["level"] == "warning"
    assert "ValueError: boom" in records[2]["exception"]


def test_text_lines_are_for_people(configured, capsys, dbs: Session):
    account = make_account(dbs)
    configured({})
    audit.record(dbs, "logout", account_id=account.id, ip="192.0.2.1")
    line = capsys.readouterr().err.strip()
    assert " INFO mypage.audit logout " in line and f"account_id={account.id}" in line and "ip=192.0.2.1" in line


def test_a_bad_log_format_stops_the_command(database_url: str):
    done = run(database_url, "purge", MYPAGE_LOG_FORMAT="xml")
    assert done.returncode == 1 and "MYPAGE_LOG_FORMAT" in done.stderr


def test_a_command_logs_json_when_asked(database_url: str):
    done = run(database_url, "purge", MYPAGE_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines()]
    assert any(r["logger"] == "mypage.purge" and r["message"].startswith("purged") for r in records)
