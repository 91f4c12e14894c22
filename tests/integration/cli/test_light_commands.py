"""Commands that need no database start without the web stack, the ORM or the job queue."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"

# What a command that only reads a file or some text must not pay for at start-up.
HEAVY = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "uvicorn",
    "psycopg",
    "procrastinate",
    "boto3",
    "jinja2",
    "httpx",
    "app.main",
    "app.demo",
    "app.wiring",
)

_PROBE = """
import json, sys
from app.cli import main
sys.argv = ["diligence", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = json.loads(HEAVY)
sys.stderr.write("\\nLOADED " + json.dumps(sorted(m for m in heavy if m in sys.modules)) + "\\n")
"""


def _modules_loaded_by(*args: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    probe = _PROBE.replace("HEAVY", repr(json.dumps(heavy)))
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED "))
    return json.loads(line.removeprefix("LOADED "))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("questionnaires", "lint", "--text", "Are you SOC 2 certified?"),
        ("reports", "extract", str(CORPUS / "a01.pdf")),
    ],
    ids=["help", "questionnaires-lint", "reports-extract"],
)
def test_a_light_command_does_not_load_the_web_stack_or_the_database(args):
    assert _modules_loaded_by(*args) == []


def test_reading_a_text_pdf_does_not_load_tesseract():
    # Only a page without a text layer needs OCR, and then only in the reader child.
    args = ("reports", "extract", str(CORPUS / "a01.pdf"))
    assert _modules_loaded_by(*args, heavy=("tesserocr", "PIL")) == []


def test_a_database_command_still_loads_what_it_needs():
    # The probe itself can see heavy modules: a command that uses the database loads them.
    assert "sqlalchemy" in _modules_loaded_by("db", "--help")


def test_linting_one_text_loads_neither_the_definition_models_nor_yaml_nor_rich():
    # The wording rules alone: definition files (and their models) are read only when given.
    heavy = ("app.questionnaires.domain.definition", "app.questionnaires.loader", "yaml", "rich")
    probe = _PROBE.replace("HEAVY", repr(json.dumps(heavy)))
    args = ("questionnaires", "lint", "--text", "Are you SOC 2 certified?")
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
    )
    assert "soc-certification" in done.stdout
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED "))
    assert json.loads(line.removeprefix("LOADED ")) == []


def test_the_web_application_does_not_load_the_command_line_toolkit():
    # The server starts on every `make run`; Typer and its console are for commands only.
    probe = "import json, sys, app.main; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert not {"typer", "app.questionnaires.cli"} & loaded


_FORKSERVER_PROBE = """
import multiprocessing.forkserver, sys
from app.cli import main
sys.argv = ["diligence", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nFORKSERVER " + str(multiprocessing.forkserver._forkserver._forkserver_pid))
"""


def test_reading_reports_from_the_command_line_starts_no_forkserver(tmp_path):
    # A one-shot command forks its readers itself: a forkserver would cost more than the read.
    labels = [{"file": "a01.pdf", "doc_kind": "soc_report"}]
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    for args in (
        ("reports", "extract", str(CORPUS / "a01.pdf")),
        ("reports", "evaluate", str(tmp_path / "labels.json"), str(CORPUS)),
    ):
        done = subprocess.run(
            [sys.executable, "-c", _FORKSERVER_PROBE, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "Lumenary Cloud" in done.stdout or "overall: 1/1" in done.stdout, done.stderr
        assert done.stderr.splitlines()[-1] == "FORKSERVER None"
