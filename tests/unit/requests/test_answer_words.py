"""Answers are shown as the vendor saw them: choice labels and file names, never codes."""

from __future__ import annotations

import pytest

from app.questionnaires.domain.definition import Choice, Question
from app.questionnaires.domain.vocabulary import QuestionType
from app.requests.domain.answer_words import answer_words

TYPE = Question(
    id="soc2_report_type",
    type=QuestionType.SINGLE_CHOICE,
    text="Which type?",
    choices=(
        Choice(value="type1", label="Type 1 (control design at a single date)"),
        Choice(value="type2", label="Type 2 (operating effectiveness over a period)"),
    ),
)
CRITERIA = Question(
    id="criteria",
    type=QuestionType.MULTIPLE_CHOICE,
    text="Which criteria?",
    choices=(
        Choice(value="security", label="Security"),
        Choice(value="processing_integrity", label="Processing integrity"),
    ),
)
FILE = Question(id="report_file", type=QuestionType.FILE_UPLOAD, text="Upload the report")
YES_NO = Question(id="holds", type=QuestionType.YES_NO, text="Do you hold one?", allow_na=True)
TRUST = Question(id="tc", type=QuestionType.TRUST_CENTER, text="Where?")
NAMES = {"8": "Orchard SOC 2 2031.pdf", "9": "Bridge letter.pdf"}


@pytest.mark.parametrize(
    ("question", "value", "words"),
    [
        (TYPE, "type2", "Type 2 (operating effectiveness over a period)"),
        (CRITERIA, ["security", "processing_integrity"], "Security, Processing integrity"),
        (FILE, ["8", "9"], "Orchard SOC 2 2031.pdf, Bridge letter.pdf"),
        (FILE, ["8", "12"], "Orchard SOC 2 2031.pdf, a file since removed"),
        (YES_NO, "yes", "Yes"),
        (YES_NO, "n/a", "Not applicable"),
        (
            TRUST,
            ["https://trust.orchard.example", "nda"],
            "https://trust.orchard.example (Sign a non-disclosure agreement)",
        ),
        (TYPE, None, "—"),
    ],
)
def test_an_answer_is_said_in_the_words_the_vendor_chose(question, value, words):
    assert answer_words(question, value, NAMES) == words
