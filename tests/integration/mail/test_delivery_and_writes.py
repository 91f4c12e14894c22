"""Delivering mail never holds the database's write lock while the mail server answers."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlmodel import Session, select

from app.core import migrate
from app.core.db import create_db_engine, session_scope
from app.mail import service as mail_service
from app.mail.models import OutgoingMail
from app.mail.transport import Mail
from tests.conftest import fresh_database_url


class _SlowMailer:
    """A mail server that answers only when told to; meanwhile the test writes."""

    def __init__(self) -> None:
        self.sending = threading.Event()
        self.answer = threading.Event()

    def send(self, mail: Mail) -> None:
        self.sending.set()
        assert self.answer.wait(10)


def test_a_write_goes_through_while_a_message_is_being_sent(tmp_path: Path):
    url = fresh_database_url("sqlite", "mail", tmp_path)
    migrate.upgrade(url)
    engine = create_db_engine(url, pool_size=2)
    with session_scope(engine) as session:
        session.add(OutgoingMail(to="v@example.com", subject="Hello", text_body="Hello"))
    mailer = _SlowMailer()
    dispatcher = mail_service.MailDispatcher(engine, mailer)
    sender = threading.Thread(target=dispatcher.deliver)
    sender.start()
    assert mailer.sending.wait(10)

    with session_scope(engine) as session:  # another request's write, while the server is slow
        session.add(OutgoingMail(to="other@example.com", subject="Queued meanwhile"))

    mailer.answer.set()
    sender.join(10)
    with Session(engine) as session:
        rows = session.exec(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert rows[0].sent_at is not None and rows[0].attempts == 1
    assert rows[1].subject == "Queued meanwhile"
    engine.dispose()
