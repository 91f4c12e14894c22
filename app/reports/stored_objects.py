"""Stored objects that follow the fate of the rows that name them.

An upload writes its row, then its object; a removal deletes its row, then (once that is
committed) its object. Both must follow the transaction the change was made in, and a session
often holds several such changes in savepoints of one transaction (the writes of one group
commit, a job that could not be queued, an answer that clashed). So each object is tied to the
innermost transaction it was written or deleted in:

- a savepoint rolled back takes the objects written inside it (and cancels deletions made
  inside it), and nothing else;
- a savepoint released settles nothing, since the transaction around it may still roll back;
- the outermost transaction settles the rest: committed, its written objects stay and its
  deletions happen; rolled back or closed without a commit, its written objects go and its
  deletions are cancelled.

SQLAlchemy's ``after_commit`` and ``after_rollback`` fire for savepoints too, which is why the
events below look at which transaction ended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core.errors import ServiceUnavailable
from app.reports.storage import DocumentStorage

logger = logging.getLogger(__name__)

_WRITTEN = "stored_objects_written"
_DELETIONS = "stored_objects_to_delete"


@dataclass(frozen=True)
class _Pending:
    storage: DocumentStorage
    key: str
    # The innermost transaction the object was written or deleted in.
    within: SessionTransaction


def remove_if_rolled_back(session: Session, storage: DocumentStorage, key: str) -> None:
    """Remove a just-written object if the transaction that wrote its row is rolled back."""
    _pend(session, _WRITTEN, storage, key)


def delete_after_commit(session: Session, storage: DocumentStorage, key: str) -> None:
    """Delete an object once the removal of its rows is committed for good."""
    _pend(session, _DELETIONS, storage, key)


def _pend(session: Session, kind: str, storage: DocumentStorage, key: str) -> None:
    within = session.get_nested_transaction() or session.get_transaction()
    assert within is not None, "stored objects follow a transaction: begin one first"
    session.info.setdefault(kind, []).append(_Pending(storage, key, within))
    if not event.contains(session, "after_soft_rollback", _savepoint_rolled_back):
        event.listen(session, "after_soft_rollback", _savepoint_rolled_back)
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_transaction_end", _transaction_ended)


def _inside(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _take(session: Session, kind: str, ended: SessionTransaction | None) -> list[_Pending]:
    """Remove and return what is pending inside ``ended`` (everything when None)."""
    taken: list[_Pending] = []
    kept: list[_Pending] = []
    for item in session.info.get(kind, []):
        (taken if ended is None or _inside(item.within, ended) else kept).append(item)
    if kept:
        session.info[kind] = kept
    else:
        session.info.pop(kind, None)
    return taken


def _delete(objects: list[_Pending]) -> None:
    for item in objects:
        try:
            item.storage.delete(item.key)
        except (OSError, ServiceUnavailable) as exc:  # the storage sweep removes it later
            logger.warning("stored object %s could not be removed: %s", item.key[:12], exc)


def _savepoint_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    _delete(_take(session, _WRITTEN, previous_transaction))
    _take(session, _DELETIONS, previous_transaction)


def _committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: the transaction around it may still roll back
    _take(session, _WRITTEN, None)
    _delete(_take(session, _DELETIONS, None))


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    # The outermost transaction ended without a commit (a commit settled everything first).
    _delete(_take(session, _WRITTEN, None))
    _take(session, _DELETIONS, None)
