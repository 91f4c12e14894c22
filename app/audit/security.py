"""Refusals recorded in the audit trail, at most one per kind and address a minute.

A flood of refused requests would otherwise bloat the log (and hold the write lock): each
(kind, address) gets one event a window, carrying how many were left out since the last,
and the whole process records at most ``MAX_PER_WINDOW`` a window.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.actions import AuditAction
from app.audit.actors import user_actor, visitor_actor
from app.core import security_events
from app.core.security_events import SecurityEvent
from app.core.writes import run_write

WINDOW_SECONDS = 60.0
MAX_PER_WINDOW = 120
_MAX_KEYS = 10_000

ACTIONS = {
    security_events.CSRF_REFUSED: AuditAction.security_csrf_refused,
    security_events.RATE_LIMITED: AuditAction.security_rate_limited,
    security_events.ACCESS_DENIED: AuditAction.security_access_denied,
    security_events.EXPIRED_LINK_USED: AuditAction.security_expired_link_used,
}


class AuditedSecurityEvents:
    """The security-event sink that start-up installs: refusals go to the audit log."""

    def __init__(self, *, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.last: dict[tuple[str, str], float] = {}
        self.left_out: dict[tuple[str, str], int] = {}
        self.window_start = 0.0
        self.in_window = 0

    def _admit(self, key: tuple[str, str]) -> int | None:
        """Return how many of this key were left out since its last record, or None to skip."""
        now = self.clock()
        with self.lock:
            if now - self.window_start >= WINDOW_SECONDS:
                self.window_start, self.in_window = now, 0
                if len(self.last) > _MAX_KEYS:
                    self.last = {k: t for k, t in self.last.items() if now - t < WINDOW_SECONDS}
            last = self.last.get(key)
            if (last is not None and now - last < WINDOW_SECONDS) or (
                self.in_window >= MAX_PER_WINDOW
            ):
                if len(self.left_out) < _MAX_KEYS or key in self.left_out:
                    self.left_out[key] = self.left_out.get(key, 0) + 1
                return None
            self.last[key] = now
            self.in_window += 1
            return self.left_out.pop(key, 0)

    async def __call__(self, app: Any, event: SecurityEvent) -> None:
        left_out = self._admit((event.kind, event.address))
        if left_out is None:
            return
        data: dict[str, Any] = {
            "method": event.method,
            "path": event.path,
            "address": event.address,
            **event.detail,
        }
        if left_out:
            data["not_recorded_since_last"] = left_out
        actor = user_actor(event.user_id) if event.user_id else visitor_actor(event.address)
        work = partial(
            _record, actor=actor, action=ACTIONS.get(event.kind), data=data, kind=event.kind
        )
        await run_write(app, work)


def _record(
    session: Session, *, actor: str, action: AuditAction | None, data: dict[str, Any], kind: str
) -> None:
    if action is None:
        raise ValueError(f"unknown security event {kind!r}")
    audit_service.record(session, actor=actor, action=action, subject_type="request", data=data)
