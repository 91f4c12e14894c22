"""Readers forked straight from a one-shot command keep every guarantee of the forkserver's."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.reports import ocr, sandbox
from app.reports.extraction import extract_facts_from_pdf
from app.reports.sandbox import SandboxLimits, direct_children, read_pdf_text_sandboxed

from . import fixture_pdfs
from .scanned_pdfs import soc3_with_scanned_auditor_report

ROOT = Path(__file__).resolve().parents[3]
TWO_READERS = SandboxLimits(workers=2)


def _probe(tmp_path: Path, what: str, data: bytes, *limits: str) -> dict[str, object]:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "tests.unit.reports.direct_probe", what, str(path), *limits],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    # Fork was used, and left neither a forkserver nor a refill thread behind.
    assert result["forkserver"] is None
    assert result["threads"] == 1
    return result


def test_a_report_reads_the_same_facts_and_pages_as_through_the_forkserver(tmp_path, intl_report):
    direct = _probe(tmp_path, "read", intl_report)
    assert "error" not in direct
    facts = json.loads(extract_facts_from_pdf(intl_report, limits=TWO_READERS).to_json())
    assert direct["facts"] == facts
    assert facts["service_organization"]
    # Pages shared out between the two readers come back whole and in order.
    pages = read_pdf_text_sandboxed(intl_report, limits=TWO_READERS).pages
    assert direct["pages"] == list(pages) and len(pages) > 1


@pytest.mark.skipif(ocr.tessdata_dir() is None, reason="Tesseract's English data is not installed")
def test_a_scanned_page_is_read_with_ocr_as_through_the_forkserver(tmp_path):
    # The direct reader loads Tesseract itself, after its limits are in force.
    scanned = soc3_with_scanned_auditor_report()
    direct = _probe(tmp_path, "read", scanned)
    facts = json.loads(extract_facts_from_pdf(scanned, limits=TWO_READERS).to_json())
    assert direct["facts"] == facts
    assert "OCR_USED" in [warning["code"] for warning in facts["warnings"]]


def test_a_compression_bomb_is_stopped_by_the_memory_limit(tmp_path):
    direct = _probe(tmp_path, "read", fixture_pdfs.build_compression_bomb())
    assert direct["error"]["kind"] == "memory"
    assert "512 MB memory limit" in direct["error"]["message"]


def test_a_stricter_memory_limit_and_the_wall_clock_limit_still_apply(tmp_path):
    bomb = fixture_pdfs.build_compression_bomb(expanded_bytes=160 * 1024 * 1024)
    assert _probe(tmp_path, "read", bomb, "512", "40")["facts"]["warnings"][0]["code"] == (
        "TEXT_MISSING"
    )
    assert _probe(tmp_path, "read", bomb, "128", "40")["error"]["kind"] == "memory"
    late = _probe(tmp_path, "read", fixture_pdfs.build_intl_type_ii(), "512", "0.001")
    assert late["error"]["kind"] == "wall_time"


def test_each_document_gets_fresh_children_that_limit_themselves_before_reading(tmp_path):
    direct = _probe(tmp_path, "limits", fixture_pdfs.build_intl_type_ii(), "256", "40")
    first, second = direct["children"]
    memory = 256 * 1024 * 1024
    cpu = SandboxLimits().cpu_seconds
    for child in (first, second):
        assert child["parent"] == direct["probe"]
        assert child["memory"] == [memory, memory]
        assert child["cpu"] == [cpu, cpu + 1]
        assert child["file_size"] == [0, 0]
        assert child["ocr_pages"] == SandboxLimits().ocr_budget(0, 2).pages
    assert first["pid"] != second["pid"]


def test_a_process_with_threads_keeps_using_the_forkserver():
    release = threading.Event()
    thread = threading.Thread(target=release.wait, daemon=True)
    thread.start()
    try:
        with direct_children():
            assert sandbox._reader_context().get_start_method() == "forkserver"
    finally:
        release.set()
        thread.join()


def test_the_forkserver_is_used_again_after_the_block():
    with direct_children():
        pass
    assert sandbox._reader_context().get_start_method() == "forkserver"
