"""A reader that crashes is recorded as a crash, with its signal, not as a limit it never hit."""

from __future__ import annotations

import os
import signal

import pytest

from app.reports import sandbox
from app.reports.errors import ReportReadError
from tests.unit.reports.conftest import corpus_bytes


@pytest.mark.parametrize(
    ("sent", "said"), [(signal.SIGSEGV, "crashed (SIGSEGV)"), (signal.SIGKILL, "was killed")]
)
def test_a_crashed_reader_is_named_for_what_ended_it(monkeypatch, sent, said):
    send_document = sandbox._send_document

    def crash_then_send(child, *args, **kwargs):
        # The reader dies while it waits for the document: a small file is read too fast
        # for a signal sent afterwards to find the reader still running.
        os.kill(child.process.pid, sent)
        child.process.join(timeout=10)
        send_document(child, *args, **kwargs)

    monkeypatch.setattr(sandbox, "_send_document", crash_then_send)
    with pytest.raises(ReportReadError) as raised:
        sandbox.read_pdf_text_sandboxed(corpus_bytes("a11.pdf"), prepare_next=False)
    assert said in str(raised.value)
    assert raised.value.kind == "crashed"
    assert "memory" not in str(raised.value) and "CPU" not in str(raised.value)
