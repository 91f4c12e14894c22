"""The mail dispatcher a request uses to send what it queued, after its commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.jobs.mail import QueuedMailDispatcher
from app.jobs.queue import get_job_queue
from app.mail.service import MailDispatcher
from app.mail.transport import get_mailer


def get_mail_dispatcher(request: Request) -> MailDispatcher:
    """Return a dispatcher for the configured mailer, or one that hands delivery to a worker."""
    settings = request.app.state.settings
    queue = get_job_queue(settings)
    if queue is not None:
        return QueuedMailDispatcher(queue)
    return MailDispatcher(request.app.state.engine, get_mailer(settings))


MailDispatcherDep = Annotated[MailDispatcher, Depends(get_mail_dispatcher)]
