"""メール確認's state (development only): the outbox's mails as the page shows them."""

from __future__ import annotations

import dataclasses

import reflex as rx

from mypage import outbox


@dataclasses.dataclass
class PieceView:
    """A run of a mail's text; a link when href is set."""

    text: str = ""
    href: str = ""


@dataclasses.dataclass
class MailView:
    """One mail of the outbox."""

    key: str = ""
    recipient: str = ""
    subject: str = ""
    sent_at: str = ""
    sent_at_iso: str = ""
    pieces: list[PieceView] = dataclasses.field(default_factory=list)


def mail_view(mail: outbox.OutboxMail) -> MailView:
    """An outbox mail as plain data for the page."""
    return MailView(
        key=mail.name,
        recipient=mail.recipient,
        subject=mail.subject,
        sent_at=mail.sent_at_text,
        sent_at_iso=mail.sent_at.isoformat(),
        pieces=[PieceView(piece.text, piece.href) for piece in mail.pieces],
    )


class DevMailState(rx.State):
    """The outbox, newest first; empty and refused outside development."""

    mails: list[MailView] = []
    loaded: bool = False

    @rx.event
    def load(self):
        """Read the outbox again (nothing at all unless MYPAGE_ENV is development)."""
        if not outbox.dev_tools_enabled():
            self.mails, self.loaded = [], False
            return
        self.mails = [mail_view(mail) for mail in outbox.read()]
        self.loaded = True
