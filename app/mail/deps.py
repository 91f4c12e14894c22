"""The mail dispatcher a request uses to send what it queued, after its commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.mail.service import MailDispatcher
from app.mail.transport import get_mailer


def get_mail_dispatcher(request: Request) -> MailDispatcher:
    """Return a dispatcher for the application's engine and configured mailer."""
    return MailDispatcher(request.app.state.engine, get_mailer(request.app.state.settings))


MailDispatcherDep = Annotated[MailDispatcher, Depends(get_mail_dispatcher)]
