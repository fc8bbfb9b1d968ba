"""Notification emails: composed from a digest, sent to the school's SMTP server with aiosmtplib.

Safe for a child's inbox: who wrote, in which conversation, how many are unread and a link — text only when the
school switched it on. Every email carries RFC 8058 one-click unsubscribe headers and a Message-ID derived from
its send, so a resend after a crash is recognisably the same email.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib

from schoolchat.config import Settings
from schoolchat.notifications import texts
from schoolchat.notifications.content import Digest
from schoolchat.notifications.unsubscribe import url_for


class DeliveryFailed(Exception):
    """The server refused the email or could not be reached; the send is retried later."""


def conversation_url(settings: Settings, conversation_id: int) -> str:
    return f"{settings.public_url.rstrip('/')}/?conversation={conversation_id}"


def reports_url(settings: Settings) -> str:
    return f"{settings.public_url.rstrip('/')}/#reports"


def message_id(settings: Settings, send_id: int) -> str:
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "schoolchat.invalid"
    return f"<notification-{send_id}@{domain}>"


def compose(settings: Settings, send_id: int, digest: Digest, now: datetime) -> EmailMessage:
    assert digest.email is not None
    unsubscribe = url_for(settings.public_url, settings.secret_key, digest.user_id)
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = digest.email
    mail["Subject"] = (
        texts.alert_subject() if digest.alerts else texts.subject(digest.unread, len(digest.entries))
    )
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(settings, send_id)
    mail["Auto-Submitted"] = "auto-generated"
    mail["List-Unsubscribe"] = f"<{unsubscribe}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    lines = [texts.greeting(digest.name), ""]
    if digest.alerts:
        lines += [texts.alert_line(), reports_url(settings), ""]
    for entry in digest.entries:
        lines.append(texts.conversation_line(entry.senders, entry.name, entry.unread))
        if entry.text is not None:
            lines.extend(f"> {line}" for line in entry.text.splitlines())
        lines.extend([conversation_url(settings, entry.conversation_id), ""])
    lines += [
        "--",
        texts.email_footer(),
        texts.email_settings_line(),
        f"{texts.email_unsubscribe_line()} {unsubscribe}",
    ]
    mail.set_content("\n".join(lines))
    return mail


class Transport:
    """One SMTP connection reused for the emails of a worker's round (a connection per email cost more than the
    email); opened on the first email, reopened after a failure, closed by ``close``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            settings = self.settings
            assert settings.smtp_host is not None
            client = aiosmtplib.SMTP(
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                username=settings.smtp_username,
                password=settings.smtp_password,
                timeout=settings.smtp_timeout_seconds,
            )
            await client.connect()
            self._client = client
        return self._client

    async def deliver(self, mail: EmailMessage) -> None:
        """Hand the email to the SMTP server; returns once the server accepted it for its recipient."""
        try:
            errors, _ = await (await self._connected()).send_message(mail)
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self.close()
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if errors:
            raise DeliveryFailed(f"refused: {errors}")

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()
