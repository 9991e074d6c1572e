"""Multi-line input: when Enter continues a statement instead of running it.

A statement continues on the next line when a line ends with a backslash, or when a
parenthesis or a double quote is still open. Backslash commands (``\\d …``) never continue.
"""
from __future__ import annotations

from fel.syntax.fastpath import quote_depth

__all__ = ["continues", "join_continuations", "balance"]


def balance(text: str) -> tuple[int, bool]:
    """(open parentheses outside quotes, whether a double quote is open)."""
    return quote_depth(text)[1], text.count('"') % 2 == 1


def continues(text: str) -> bool:
    """Whether Enter after ``text`` should start a new line rather than run it."""
    body = text.rstrip("\r\n")
    if body.lstrip().startswith("\\"):
        first = body.lstrip().split("\n", 1)[0]
        if first.split(None, 1)[0] not in ("\\url", "\\explain", "\\run"):
            return False
    if body.endswith("\\") and not body.endswith("\\\\"):
        return True
    depth, in_q = balance(body)
    return depth > 0 or in_q


def join_continuations(text: str) -> str:
    """Each line continuation (a backslash ending a line) replaced by spaces, keeping offsets."""
    return text.replace("\\\r\n", "   ").replace("\\\n", "  ")
