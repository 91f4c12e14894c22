"""Read a rendered form the way a person with a screen reader meets it: each field, the value it
shows, and the message tied to it (aria-describedby) when it is in error."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, _Element] = {}
        self.open: list[_Element] = []
        self.selected: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {k: v or "" for k, v in attrs})
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if tag == "select":
            self._select = element.attrs.get("id")
        if tag == "option" and self._select is not None and "selected" in element.attrs:
            self.selected[self._select] = element.attrs.get("value", "")
        if tag not in ("input", "br", "meta", "link", "img"):
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text.append(data)


@dataclass(frozen=True)
class Field:
    value: str
    error: str | None
    is_invalid: bool


def read_field(html: str, field_id: str) -> Field:
    """Return what the field with this id shows: its value and the error tied to it."""
    page = _Page()
    page.feed(html)
    element = page.by_id.get(field_id)
    assert element is not None, f"no field with id {field_id!r} on the page"
    if element.tag == "textarea":
        value = "".join(element.text)
    elif element.tag == "select":
        value = page.selected.get(field_id, "")
    else:
        value = element.attrs.get("value", "")
    error = None
    for described in element.attrs.get("aria-describedby", "").split():
        if described.endswith("-error") and described in page.by_id:
            error = " ".join("".join(page.by_id[described].text).split())
    return Field(value, error, element.attrs.get("aria-invalid") == "true")


def error_summary(html: str) -> str:
    """Return the text of the summary of errors at the top of the form (empty when none)."""
    page = _Page()
    page.feed(html)
    summary = page.by_id.get("error-summary")
    return " ".join("".join(summary.text).split()) if summary else ""
