"""A guarded change runs only from the ETag the client read, and answers 412 for a lost race."""

from __future__ import annotations

import pytest
from fastapi import Response
from pydantic import BaseModel

from app.api.concurrency import GuardedChange, etag_of
from app.api.errors import PreconditionFailed, PreconditionRequired
from app.core.versions import StaleEdit


class _Row:
    def __init__(self, version: int) -> None:
        self.version = version


class _View(BaseModel):
    version: int


def _view(row: _Row) -> _View:
    return _View(version=row.version)


def _guarded(if_match: str | None) -> GuardedChange[_Row, _View]:
    return GuardedChange(_Row(3), _view, if_match, Response(), stale_message="The row changed.")


def _bump(row: _Row) -> None:
    row.version += 1


def test_the_change_runs_only_from_the_current_etag():
    current = etag_of(_View(version=3))
    with pytest.raises(PreconditionRequired):
        _guarded(None).apply(_bump)
    with pytest.raises(PreconditionFailed) as stale:
        _guarded('"read-long-ago"').apply(_bump)
    assert stale.value.details == {"current_etag": current}
    guarded = _guarded(current)
    view = guarded.apply(_bump)
    assert view.version == 4 and guarded.response.headers["ETag"] == etag_of(view)


def test_a_row_that_moved_after_the_check_answers_412_with_the_services_details():
    def refuse(_row: _Row) -> None:
        raise StaleEdit("moved", details={"current_version": 5})

    guarded = _guarded(etag_of(_View(version=3)))
    with pytest.raises(PreconditionFailed) as refused:
        guarded.apply(refuse)
    assert (refused.value.message, refused.value.details) == (
        "The row changed.",
        {"current_version": 5},
    )
    assert "ETag" not in guarded.response.headers
