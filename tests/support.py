"""What every test shares: the test settings (set before mypage is imported), ports, caught mail."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="mypage-tests-"))
# Set before anything imports mypage.settings, whose values are read once per process.
os.environ.update(
    MYPAGE_ENV="test",
    MYPAGE_BCRYPT_ROUNDS="4",
    MYPAGE_OUTBOX_DIR=str(TMP / "outbox"),
    MYPAGE_DATABASE_URL=f"sqlite:///{TMP / 'unit.db'}",
    MYPAGE_CAPTCHA_TEST_MODE="1",
    # Generated development secrets go here, not into the checkout's var/.
    MYPAGE_SECRETS_FILE=str(TMP / "secrets.json"),
)
# What MYPAGE_ENV=production needs at least: long secrets, an https URL, the operator's own details.
PRODUCTION = {
    "MYPAGE_ENV": "production",
    "MYPAGE_CAPTCHA_TEST_MODE": "0",
    "MYPAGE_SECRET_KEY": "k" * 40,
    "MYPAGE_PAYMENT_GATEWAY_SECRET": "g" * 40,
    "MYPAGE_BASE_URL": "https://mypage.example-cable.jp",
    "MYPAGE_OPERATOR_NAME": "八戸ケーブル",
    "MYPAGE_OPERATOR_ADDRESS": "青森県八戸市類家1-1",
    "MYPAGE_MAIL_FROM": "八戸ケーブル マイページ <mypage@example-cable.jp>",
    "MYPAGE_OPERATOR_REGISTRATION_NUMBER": "T7000012050002",
}
for _name in ("MYPAGE_SMTP_HOST", "MYPAGE_REDIS_URL", "MYPAGE_BASE_URL", "MYPAGE_SECRET_KEY"):
    os.environ.pop(_name, None)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
