"""Fuzzy matching for completion: prefix, initials, substring, then subsequence, ranked.

``rank("CT", names)`` puts ``CreationTime`` first (initials), ``ct`` also finds ``ObjectType``
(subsequence), and candidates of the same quality keep their original (documented) order,
possibly re-ordered by how often the user picked them (``boost``).
"""
from __future__ import annotations

from typing import Mapping, Sequence

__all__ = ["score", "rank", "initials"]

#: Match classes, best first.
PREFIX, INITIALS, SUBSTRING, SUBSEQUENCE = 0, 1, 2, 3


def initials(word: str) -> str:
    """The "humps" of a name: its first character, upper-case letters that follow a lower-case
    letter or digit, and letters after ``_``, ``-``, ``:`` or a space (``BackupJobSession`` →
    ``BJS``; ``urn:veeam:Job:`` → ``uvJ``)."""
    out = []
    prev = ""
    for i, ch in enumerate(word):
        if i == 0 and ch.isalnum():
            out.append(ch)
        elif ch.isalpha() and (prev in "_-: " or (ch.isupper() and (prev.islower() or prev.isdigit()))):
            out.append(ch)
        prev = ch
    return "".join(out)


def _hump_starts(word: str) -> set[int]:
    """Offsets where a hump (see :func:`initials`) starts."""
    out = {0}
    prev = ""
    for i, ch in enumerate(word):
        if i and ch.isalpha() and (prev in "_-: " or (ch.isupper() and (prev.islower() or prev.isdigit()))):
            out.add(i)
        prev = ch
    return out


def _subsequence_span(needle: str, hay: str, starts: set[int] | None = None) -> int | None:
    """Length of the shortest window of ``hay`` that contains ``needle`` as a subsequence
    (greedy from every start; inputs are short), or None. With ``starts``, the window must
    begin at one of those offsets (a word start), which keeps scattered matches out."""
    best = None
    first = needle[0]
    start = hay.find(first)
    while start != -1:
        if starts is not None and start not in starts:
            start = hay.find(first, start + 1)
            continue
        j = start
        ok = True
        for ch in needle[1:]:
            j = hay.find(ch, j + 1)
            if j == -1:
                ok = False
                break
        if not ok:
            break
        width = j - start + 1
        if best is None or width < best:
            best = width
        start = hay.find(first, start + 1)
    return best


def score(prefix: str, candidate: str, *, loose: bool = True) -> tuple[int, int] | None:
    """(match class, tie-breaker) for ``candidate`` against the typed ``prefix``, or None.

    Case-insensitive. With ``loose`` False (or a one-character prefix) only prefix and
    initials matches count, which keeps short prefixes from matching everything.
    """
    if not prefix:
        return (PREFIX, 0)
    p = prefix.lower()
    c = candidate.lower()
    if c.startswith(p):
        return (PREFIX, 0)
    hump = initials(candidate).lower()
    if len(p) > 1 and hump.startswith(p):
        return (INITIALS, 0)
    if not loose or len(p) < 2:
        return None
    at = c.find(p)
    if at >= 0:
        return (SUBSTRING, at)
    width = _subsequence_span(p, c, _hump_starts(candidate))
    if width is not None:
        return (SUBSEQUENCE, width)
    return None


def rank(prefix: str, candidates: Sequence[str], *, loose: bool = True,
         boost: Mapping[str, int] | None = None) -> list[int]:
    """Indexes of the matching candidates, best first (stable: ties keep input order)."""
    scored = []
    for i, cand in enumerate(candidates):
        s = score(prefix, cand, loose=loose)
        if s is not None:
            used = -(boost.get(cand, 0)) if boost else 0
            scored.append((s[0], used, s[1], i))
    scored.sort()
    return [i for *_, i in scored]
