"""Mail goes out over SMTP to a real server process on loopback."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from app.core.config import MailBackend, Settings
from app.mail import service as mail_service
from app.mail.transport import get_mailer


class _Collect:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_queued_mail_arrives_at_the_smtp_server_with_text_and_html(session, smtp_server):
    controller, handler = smtp_server
    settings = Settings(
        mail_backend=MailBackend.smtp,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_starttls=False,
        mail_from="Diligence <noreply@example.com>",
    )
    mail_service.queue_mail(
        session,
        "reminder",
        to="vendor@example.com",
        subject="Reminder: questionnaire due",
        context={
            "contact": {"name": "Vera"},
            "vendor": {"name": "Acme"},
            "found": {"due_on": None},
            "title": "SOC assurance",
            "days_left": 3,
            "organisation": "Example Corp",
            "link": "https://diligence.example/portal/dlg_p_example",
        },
    )
    assert mail_service.deliver_queued(session, get_mailer(settings)) == 1
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == ["vendor@example.com"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Reminder: questionnaire due"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "due in 3 days" in text
    assert "<strong>SOC assurance</strong>" in html


def test_an_unreachable_smtp_server_keeps_the_mail_queued_for_a_retry(session):
    settings = Settings(
        mail_backend=MailBackend.smtp,
        smtp_host="127.0.0.1",
        smtp_port=_free_port(),
        smtp_starttls=False,
    )
    row = mail_service.queue_mail(
        session,
        "reminder",
        to="vendor@example.com",
        subject="Reminder",
        context={
            "contact": {"name": "V"},
            "vendor": {"name": "A"},
            "found": {"due_on": None},
            "title": "T",
            "days_left": 1,
            "organisation": "O",
            "link": "https://diligence.example/portal/dlg_p_example",
        },
    )
    assert mail_service.deliver_queued(session, get_mailer(settings)) == 0
    session.refresh(row)
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error
    assert row.text_body
