"""Google VSAQ questionnaires: JSON with `//` comments and `"a" + "b"` string joins.

Blocks become sections, `line`/`box` text questions, `radiogroup`/`checkgroup` choice
questions (a Yes/No pair stays a choice with the publisher's wording), `upload` a file
question; `info`, `tip` and `spacer` items are guidance, not questions. A `cond` such as
`x_no`, `!x_yes`, `a && b` or `a || b` names choice IDs and becomes the question's show-if.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from app.questionnaires.domain.source import SourceQuestion, SourceQuestionnaire, identifier
from app.questionnaires.domain.vocabulary import QuestionType

_KINDS: Final = {
    "line": QuestionType.SHORT_TEXT,
    "box": QuestionType.LONG_TEXT,
    "radiogroup": QuestionType.SINGLE_CHOICE,
    "checkgroup": QuestionType.MULTIPLE_CHOICE,
    "yesno": QuestionType.YES_NO,
    "upload": QuestionType.FILE_UPLOAD,
}
_TAG: Final = re.compile(r"<[^>]+>")
MAX_TEXT: Final = 2000


class VsaqError(ValueError):
    """The text is not a VSAQ questionnaire."""


def strip_script_syntax(text: str) -> str:
    """Remove comments and join `"a" + "b"` so that the text is plain JSON."""
    out: list[str] = []
    index, length = 0, len(text)
    in_string = joining = False
    while index < length:
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < length:
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif text.startswith("//", index):
            index = text.find("\n", index)
            index = length if index < 0 else index
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end < 0 else end + 2
            continue
        elif char == "+" and out and "".join(out).rstrip().endswith('"'):
            while out and out[-1].isspace():
                out.pop()
            out.pop()  # the closing quote: the next string continues this one
            joining = True
        elif char == '"':
            if not joining:
                out.append(char)
            in_string, joining = True, False
        elif not (joining and char.isspace()):
            out.append(char)
        index += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def _plain(text: object) -> str:
    flat = html.unescape(_TAG.sub(" ", str(text or "")))
    return re.sub(r"\s+", " ", flat).strip()[:MAX_TEXT]


@dataclass
class _Reader:
    """Walks the item tree, remembering which question each choice ID belongs to."""

    questions: list[SourceQuestion] = field(default_factory=list)
    choice_owner: dict[str, str] = field(default_factory=dict)
    choice_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: dict[str, QuestionType] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def walk(self, item: dict[str, Any], section: str, inherited: str | None) -> None:
        kind = item.get("type")
        cond = _join(inherited, item.get("cond"))
        if kind == "block":
            title = _plain(item.get("text")) or section
            for child in item.get("items") or ():
                if isinstance(child, dict):
                    self.walk(child, title, cond)
            return
        if kind in _KINDS:
            self.add(item, _KINDS[kind], section, cond)

    def add(self, item: dict[str, Any], kind: QuestionType, section: str, cond: str | None) -> None:
        choices = tuple(_choices(item.get("choices")))
        if kind is QuestionType.MULTIPLE_CHOICE and len(choices) == 1:
            kind = QuestionType.YES_NO  # one tick box is a yes/no question
            text = _plain(item.get("text"))
            item = {**item, "text": f"{text} {choices[0][1]}".strip()}
        source_id = str(item.get("id") or "") or identifier(
            section + " " + str(len(self.questions)), self.taken
        )
        text = _plain(item.get("text")) or f"{section}: select what applies"
        for choice_id, _ in choices:
            self.choice_owner[choice_id] = source_id
        self.choice_ids[source_id] = tuple(value for value, _ in choices)
        self.kinds[source_id] = kind
        shown_if = self.condition(cond) if cond else None
        self.questions.append(
            SourceQuestion(
                source_id=source_id,
                section=section or "Questions",
                text=text,
                kind=kind,
                choices=()
                if kind is QuestionType.YES_NO
                else tuple((_value(value), label) for value, label in choices),
                shown_if=shown_if,
            )
        )

    def condition(self, expression: str) -> dict[str, Any] | None:
        """Turn `a && !b || c` into a definition condition over earlier questions."""
        alternatives = []
        for part in expression.split("||"):
            terms = [self.leaf(term.strip().strip("()").strip()) for term in part.split("&&")]
            known = [term for term in terms if term is not None]
            if not known:
                continue
            alternatives.append(known[0] if len(known) == 1 else {"and": known})
        if not alternatives:
            return None
        return alternatives[0] if len(alternatives) == 1 else {"or": alternatives}

    def leaf(self, term: str) -> dict[str, Any] | None:
        negated = term.startswith("!")
        choice = term.lstrip("!").strip()
        owner = self.choice_owner.get(choice)
        if owner is None:
            return None
        if self.kinds[owner] is QuestionType.YES_NO:
            return {"question": owner, "equals": "no" if negated else "yes"}
        if not negated:
            return {"question": owner, "equals": _value(choice)}
        others = [_value(value) for value in self.choice_ids[owner] if value != choice]
        if self.kinds[owner] is QuestionType.MULTIPLE_CHOICE or not others:
            return None  # "not ticked" cannot be said of a multiple choice; show it always
        return {"question": owner, "any_of": others}


def _join(outer: str | None, inner: object) -> str | None:
    if not inner:
        return outer
    if not outer:
        return str(inner)
    # (a || b) && c: distribute so the expression stays a flat or-of-ands
    return "||".join(
        f"{left}&&{right}" for left in outer.split("||") for right in str(inner).split("||")
    )


def _choices(raw: object) -> Iterator[tuple[str, str]]:
    if not isinstance(raw, list):
        return
    for entry in raw:
        if isinstance(entry, dict):
            for key, label in entry.items():
                yield (str(key), _plain(label) or str(key))


def _value(choice_id: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", choice_id.lower()).strip("_")[:64] or "choice"


def is_vsaq(text: str) -> bool:
    """Tell whether a text looks like a VSAQ file (a `questionnaire` list of typed items)."""
    return '"questionnaire"' in text and '"type"' in text


def read_vsaq(text: str, name: str) -> SourceQuestionnaire:
    """Read a VSAQ questionnaire; raise VsaqError when the text is not one."""
    try:
        data = json.loads(strip_script_syntax(text))
    except json.JSONDecodeError as error:
        raise VsaqError(f"not valid VSAQ JSON: line {error.lineno}: {error.msg}") from error
    items = data.get("questionnaire") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise VsaqError("a VSAQ file has a top-level 'questionnaire' list")
    reader = _Reader()
    title = ""
    for item in items:
        if isinstance(item, dict):
            title = title or _plain(item.get("text"))
            reader.walk(item, "", None)
    return SourceQuestionnaire("vsaq", "", title or name, tuple(reader.questions))
