"""The mail dispatcher a request uses to send what it queued, after its commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.mail.service import MailDispatcher


def get_mail_dispatcher(request: Request) -> MailDispatcher:
    """Return the dispatcher wired at start-up: the mailer itself, or a job for the worker."""
    dispatcher: MailDispatcher = request.app.state.mail_dispatcher
    return dispatcher


MailDispatcherDep = Annotated[MailDispatcher, Depends(get_mail_dispatcher)]
