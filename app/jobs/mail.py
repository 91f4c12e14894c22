"""Mail delivery as a queued job, for requests that queued messages."""

from __future__ import annotations

from app.jobs.queue import DELIVER_MAIL, JobQueue
from app.mail.service import MailDispatcher


class QueuedMailDispatcher(MailDispatcher):
    """Hands delivery to a worker instead of sending from the web process."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def deliver(self) -> int:
        """Queue one delivery job (coalesced with one already waiting); nothing is sent here."""
        self.queue.defer(DELIVER_MAIL, queueing_lock=DELIVER_MAIL)
        return 0
