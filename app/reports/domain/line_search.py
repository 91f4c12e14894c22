"""Find the lines of a long text that contain given words, with one fast scan.

Line rules (headings, CUEC lists) need only a few of a report's thousands of lines; a
substring search of the lower-cased text finds them many times faster than running a
case-insensitive pattern over every line or over the whole text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

# Characters that match an ASCII letter when case is ignored but do not lower-case to it.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f")


def lowered(text: str) -> str | None:
    """Return the text in lower case when every character keeps its offset and meaning."""
    low = text.lower()
    if len(low) != len(text) or any(char in text for char in _FOLDS_TO_ASCII):
        return None
    return low


def lines_with_words(
    words: tuple[str, ...], text: str, offsets: Sequence[int], low: str | None
) -> list[int]:
    """Return the indexes of the lines of `text` containing any of these lower-case words.

    Matching is the same as a case-insensitive pattern of the words; a plain substring
    search of the lower-cased text is many times faster than that pattern on a long
    report, and line rules then look only at the lines found.
    """
    if low is None:
        pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
        return _lines_matching(pattern, text, offsets)
    found: set[int] = set()
    for word in words:
        position = low.find(word)
        while position != -1:
            index = bisect.bisect_right(offsets, position) - 1
            found.add(index)
            # One hit is enough for a line: continue on the next one.
            position = low.find(word, offsets[index + 1]) if index + 1 < len(offsets) else -1
    return sorted(found)


def _lines_matching(pattern: re.Pattern[str], text: str, offsets: Sequence[int]) -> list[int]:
    indexes: list[int] = []
    position = 0
    while found := pattern.search(text, position):
        index = bisect.bisect_right(offsets, found.start()) - 1
        indexes.append(index)
        position = offsets[index + 1] if index + 1 < len(offsets) else len(text)
    return indexes
