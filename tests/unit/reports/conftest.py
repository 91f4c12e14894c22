"""Shared fixtures: the sample corpus and generated report PDFs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import fixture_pdfs

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


@pytest.fixture(scope="session")
def corpus_labels() -> list[dict[str, object]]:
    return json.loads((CORPUS / "labels.json").read_text())


@pytest.fixture(scope="session")
def intl_report() -> bytes:
    return fixture_pdfs.build_intl_type_ii()


@pytest.fixture(scope="session")
def soc1_two_column_report() -> bytes:
    return fixture_pdfs.build_soc1_type_i_two_column()


@pytest.fixture(scope="session")
def column_major_report() -> bytes:
    return fixture_pdfs.build_column_major_table()


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()
