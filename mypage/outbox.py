"""The outbox read back: the mails the portal wrote as .eml files, for メール確認 in development.

Without an SMTP host `mail.send` writes every mail to `MYPAGE_OUTBOX_DIR`. The product team
reads them at /dev/mail; this module parses them into what that page shows: recipient,
subject, time in Japan and the text as the subscriber reads it, cut into pieces so that the
links can be shown as links. It shows nothing a mail does not hold itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from mypage import jptime
from mypage.settings import Settings, get_settings

# The newest this many mails: enough for a walk through the portal, quick to read.
LIMIT = 50
# Links as the portal writes them; a closing bracket or Japanese punctuation ends one.
LINK = re.compile(r"https?://[^\s<>\"'（）「」、。]+")


def dev_tools_enabled(settings: Settings | None = None) -> bool:
    """Whether the product team's pages (/dev/mail, /dev/gallery) exist: only in development."""
    return (settings or get_settings()).env == "development"


@dataclasses.dataclass(frozen=True)
class Piece:
    """A run of a mail's text: plain, or a link (then href is set)."""

    text: str
    href: str = ""


@dataclasses.dataclass(frozen=True)
class OutboxMail:
    """One mail of the outbox as the subscriber reads it."""

    name: str
    recipient: str
    subject: str
    sent_at: dt.datetime
    text: str

    @property
    def sent_at_text(self) -> str:
        """When it was written, in Japan: 2026年11月25日 10:04 (mypage.jptime)."""
        return jptime.format_datetime(self.sent_at)

    @property
    def pieces(self) -> list[Piece]:
        """The text cut into plain runs (line ends kept) and links."""
        return pieces(self.text)


def pieces(line: str) -> list[Piece]:
    """Text cut into plain runs and links (http and https only, so never javascript:); a link ends a line."""
    result: list[Piece] = []
    start = 0
    for match in LINK.finditer(line):
        if match.start() > start:
            result.append(Piece(line[start : match.start()]))
        result.append(Piece(match.group(), href=match.group()))
        start = match.end()
    if start < len(line) or not result:
        result.append(Piece(line[start:]))
    return result


def parse(data: bytes, name: str = "", fallback_time: dt.datetime | None = None) -> OutboxMail:
    """A mail from its bytes as the outbox holds them.

    Args:
        data: The .eml file's bytes.
        name: The file's name, to tell mails apart.
        fallback_time: When the mail has no readable Date header (the file's time).

    Returns:
        The mail; its text is the first text/plain part, decoded, with Windows line ends made plain.
    """
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    try:
        sent_at = parsedate_to_datetime(message["Date"])
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        sent_at = fallback_time or dt.datetime.fromtimestamp(0, dt.UTC)
    return OutboxMail(
        name=name,
        recipient=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        sent_at=sent_at,
        text=text.replace("\r\n", "\n").rstrip("\n"),
    )


def read(folder: Path | None = None, limit: int = LIMIT) -> list[OutboxMail]:
    """The outbox's mails, newest first (a missing folder is an empty outbox).

    Args:
        folder: The outbox; the configured one by default.
        limit: At most this many, the newest.

    Returns:
        The mails; files that cannot be read are left out.
    """
    folder = folder or get_settings().outbox_dir
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.eml"):
        try:
            stat = path.stat()
            found.append((stat.st_mtime_ns, path))
        except OSError:
            continue
    found.sort(reverse=True)
    mails = []
    for mtime_ns, path in found[: limit * 2]:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        mails.append((parse(data, path.name, dt.datetime.fromtimestamp(mtime_ns / 1e9, dt.UTC)), mtime_ns))
    # The Date header counts whole seconds; the file's time orders mails of the same second.
    mails.sort(key=lambda pair: (pair[0].sent_at, pair[1]), reverse=True)
    return [mail for mail, _ in mails[:limit]]
