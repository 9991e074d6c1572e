"""File offsets (Python ``str`` indices) ↔ LSP positions (line, UTF-16 code units).

LSP counts a line's characters in UTF-16 code units by default: a character outside the Basic
Multilingual Plane (an emoji, some CJK) is two units, and ``"\\r\\n"``, ``"\\r"`` and ``"\\n"``
all end a line. :class:`LineIndex` is built once per document version and answers both ways
in O(log lines + line length).
"""
from __future__ import annotations

from bisect import bisect_right

__all__ = ["LineIndex", "utf16_len"]


def utf16_len(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    n = len(text)
    if text.isascii():
        return n
    return n + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LineIndex:
    """Line starts of one text, for converting offsets and positions."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        i, n = 0, len(text)
        while i < n:
            j = text.find("\n", i)
            k = text.find("\r", i)
            if j < 0 and k < 0:
                break
            if k >= 0 and (j < 0 or k < j):
                i = k + 2 if text.startswith("\r\n", k) else k + 1
            else:
                i = j + 1
            starts.append(i)
        self.starts = starts

    def _line_end(self, line: int) -> int:
        """The offset where ``line``'s text ends (before its line break)."""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        while end > self.starts[line] and self.text[end - 1] in "\r\n":
            end -= 1
        return end

    def position(self, offset: int) -> tuple[int, int]:
        """(line, UTF-16 character) of ``offset``, both from 0; clamped to the text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self._line_end(line))
        return line, utf16_len(self.text[start:offset])

    def offset(self, line: int, character: int) -> int:
        """The offset of an LSP position; past a line's end is its end, past the text its end."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self._line_end(line)
        units = 0
        i = start
        while i < end and units < character:
            units += 2 if ord(self.text[i]) > 0xFFFF else 1
            i += 1
        return i
