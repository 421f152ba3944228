"""Outgoing mail: SMTP when MYPAGE_SMTP_HOST is set, otherwise .eml files in the outbox folder."""

from __future__ import annotations

import dataclasses
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from mypage import privatefiles
from mypage.settings import Settings, get_settings

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The mail could not be handed to the SMTP server or written to the outbox."""


@dataclasses.dataclass(frozen=True)
class Mail:
    """A mail the core has written, to be sent once its transaction has committed."""

    to: str
    subject: str
    body: str


def deliver(message: Mail | None) -> None:
    """Send a mail whose transaction has committed; a failure is logged, as the answer has been given."""
    if message is None:
        return
    try:
        send(message.to, message.subject, message.body)
    except MailError:
        log.exception("mail to %s not sent", message.to)


def deliver_all(messages: tuple[Mail, ...] | list[Mail]) -> None:
    """Send each mail in turn (mypage.state.member sends what a member handler's core calls returned)."""
    for message in messages:
        deliver(message)


def compose(to: str, subject: str, body: str, settings: Settings | None = None) -> EmailMessage:
    """A UTF-8 MIME message with the operator's From and Reply-To."""
    settings = settings or get_settings()
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Reply-To"] = settings.mail_reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.branding.mail_domain)
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def footer(settings: Settings | None = None) -> str:
    """The signature every mail ends with: the operator and how to call them."""
    brand = (settings or get_settings()).branding
    return (
        "\n\n──────────────────\n"
        f"{brand.name} {brand.portal_name}\n"
        f"お電話でのお問合せ {brand.phone}（受付時間 {brand.hours}）\n"
        "※このメールは送信専用のアドレスから送信しています。\n"
    )


def send(to: str, subject: str, body: str, settings: Settings | None = None) -> EmailMessage:
    """Send one mail, or write it to the outbox when no SMTP host is set.

    Args:
        to: The recipient's address.
        subject: The Japanese subject.
        body: The Japanese plain-text body; the operator's footer is added.
        settings: The settings to use; the process's by default.

    Returns:
        The message as sent.

    Raises:
        MailError: The SMTP server refused or could not be reached; the cause is logged.
    """
    settings = settings or get_settings()
    message = compose(to, subject, body + footer(settings), settings)
    try:
        if settings.smtp_host:
            _send_smtp(message, settings)
        else:
            _write_outbox(message, settings)
    except (OSError, smtplib.SMTPException) as error:
        log.error("mail to %s (%s) failed: %s", to, subject, error)
        raise MailError(str(error)) from error
    return message


def _send_smtp(message: EmailMessage, settings: Settings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def _write_outbox(message: EmailMessage, settings: Settings) -> None:
    settings.outbox_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_")
    # Owner-only: outbox mail holds reset and confirmation links.
    privatefiles.write_new(settings.outbox_dir / f"{name}.eml", bytes(message))
