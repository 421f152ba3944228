"""Fixtures for every test: test settings, a fresh migrated database, a real SMTP server."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="mypage-tests-"))
# Set before anything imports mypage.settings, whose values are read once per process.
os.environ.update(
    MYPAGE_ENV="test",
    MYPAGE_BCRYPT_ROUNDS="4",
    MYPAGE_OUTBOX_DIR=str(_TMP / "outbox"),
    MYPAGE_DATABASE_URL=f"sqlite:///{_TMP / 'unit.db'}",
    MYPAGE_CAPTCHA_TEST_MODE="1",
)
for _name in ("MYPAGE_SMTP_HOST", "MYPAGE_REDIS_URL", "MYPAGE_BASE_URL", "MYPAGE_SECRET_KEY"):
    os.environ.pop(_name, None)

from aiosmtpd.controller import Controller  # noqa: E402
from sqlmodel import Session  # noqa: E402

from mypage import db  # noqa: E402


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    """A database file upgraded once through Alembic, copied for each test."""
    path = _TMP / "template.db"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database of this test's own."""
    path = tmp_path / "test.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def dbs(database_url: str) -> Session:
    """A session on this test's own database."""
    with Session(db.engine_for(database_url), expire_on_commit=False) as session:
        yield session


class MailCatcher:
    """An aiosmtpd handler that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to one address, oldest first."""
        with self._lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> EmailMessage:
        """The count-th message to an address, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.messages if address.lower() in str(m["To"]).lower()]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no mail #{count} to {address} within {timeout}s")
                self._lock.wait(left)


def mail_text(message: EmailMessage) -> str:
    """The plain-text body of a caught mail, decoded."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback; yields (host, port, catcher)."""
    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.hostname, controller.port, catcher
    controller.stop()


@pytest.fixture
def mail(smtp_server) -> MailCatcher:
    """The catcher of the session's SMTP server."""
    return smtp_server[2]
