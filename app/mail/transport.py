"""Mail transport: an outbox folder in development, SMTP in production.

Each message is rendered from one HTML template; the plain-text part is derived from the same
HTML so the two never drift apart.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

from app.core.config import MailBackend, Settings
from app.core.templating import build_environment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    # Empty: the mailer's configured sender, and no Reply-To header.
    sender: str = ""
    reply_to: str = ""


class Mailer(Protocol):
    def send(self, mail: Mail) -> None:
        """Deliver one message or raise."""


class _TextExtractor(HTMLParser):
    """Turn the e-mail HTML into readable plain text, keeping link targets."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "tr", "table", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "head"):
            self._skip += 1
        if tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "head"):
            self._skip -= 1
        if tag == "a" and self._href:
            self.parts.append(f" ({self._href})")
            self._href = None
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Return the plain-text rendering of an e-mail body."""
    parser = _TextExtractor()
    parser.feed(html)
    text = unescape("".join(parser.parts))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render_mail(template: str, *, to: str, subject: str, context: dict[str, Any]) -> Mail:
    """Render ``templates/emails/<template>.html`` into a message with text and HTML parts."""
    env = build_environment()
    html = env.get_template(f"emails/{template}.html").render(subject=subject, **context)
    return Mail(to=to, subject=subject, text=html_to_text(html), html=html)


def _to_email_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail.sender or sender
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="diligence.local")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class OutboxMailer:
    """Development delivery: one .eml file per message and a console line with its text."""

    def __init__(self, outbox_dir: Path, sender: str) -> None:
        self.outbox_dir = outbox_dir
        self.sender = sender

    def send(self, mail: Mail) -> None:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.outbox_dir / f"{stamp}.eml"
        path.write_bytes(bytes(_to_email_message(mail, self.sender)))
        # Development only: the console shows the message so links can be followed locally.
        logger.info("mail to %s: %s (saved to %s)\n%s", mail.to, mail.subject, path, mail.text)


class SmtpMailer:
    """Production delivery over SMTP with STARTTLS or implicit TLS."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, mail: Mail) -> None:
        s = self.settings
        message = _to_email_message(mail, s.mail_from)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_ssl:
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=15, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=15)
        with smtp:
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=context)
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
            smtp.send_message(message)
        logger.info("mail sent to %s: %s", mail.to, mail.subject)


def get_mailer(settings: Settings) -> Mailer:
    """Return the mailer the settings ask for."""
    if settings.mail_backend is MailBackend.smtp:
        return SmtpMailer(settings)
    return OutboxMailer(settings.outbox_dir, settings.mail_from)
