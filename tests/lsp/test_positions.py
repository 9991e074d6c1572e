"""File offsets ↔ LSP positions (UTF-16 code units), against a reference built from UTF-16 text."""
from __future__ import annotations

from hypothesis import given, strategies as st

from fel.lsp.positions import LineIndex, utf16_len

_TEXT = st.lists(st.sampled_from(list("ab =\"&;") + ["\n", "\r", "\r\n", "é", "東", "😀", "𝄞", "\t"]),
                 max_size=60).map("".join)


def _reference(text: str, offset: int) -> tuple[int, int]:
    """Line and UTF-16 column, by splitting the text before ``offset`` at every line break."""
    before = text[:offset]
    line = 0
    i = 0
    last = 0
    while i < len(before):
        if before[i] == "\r":
            if text[i + 1:i + 2] == "\n":
                if i + 1 >= len(before):  # offset between \r and \n: still on the line
                    break
                i += 1
            line += 1
            last = i + 1
        elif before[i] == "\n":
            line += 1
            last = i + 1
        i += 1
    return line, len(before[last:].encode("utf-16-le")) // 2


@given(_TEXT, st.data())
def test_position_matches_reference(text, data):
    offset = data.draw(st.integers(0, len(text)))
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        offset -= 1  # no position lies inside a CRLF
    assert LineIndex(text).position(offset) == _reference(text, offset)


@given(_TEXT, st.data())
def test_offset_inverts_position(text, data):
    index = LineIndex(text)
    offset = data.draw(st.integers(0, len(text)))
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        offset -= 1
    assert index.offset(*index.position(offset)) == offset


def test_astral_characters_count_two_units():
    text = "x😀y\nz"
    index = LineIndex(text)
    assert index.position(2) == (0, 3)
    assert index.offset(0, 3) == 2
    assert index.offset(0, 99) == 3          # past the line's end: its end
    assert index.offset(7, 0) == len(text)   # past the text: its end
    assert utf16_len("😀é") == 3
