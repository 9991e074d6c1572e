"""Strings found in source files, with a map back to the file.

A :class:`Literal` is one string literal as the program sees it at run time (escapes
decoded), with, for every character, the span of file text it came from. Interpolation holes
(``{x}``, ``$var``, ``%s`` …) are replaced by a placeholder and remembered, so the checker's
findings on them can be dropped. A :class:`Candidate` is the text that is linted: one literal,
a concatenation of literals and holes (``'…filter=' + x + '…'``), or parameters assembled from
a dict or list. Its :class:`Quoting` tells how replacement text must be written back into the
literal (for ``--fix``), or that it cannot be.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..span import Span

__all__ = ["Quoting", "Literal", "LitBuilder", "Candidate", "CandidateBuilder", "HOLE", "PLAIN",
           "backslash_quoting", "doubling_quoting", "raw_quoting"]

#: Placeholder written into the candidate text for an interpolation hole: a bare EM value.
HOLE = "FELHOLE"


@dataclass(frozen=True, slots=True)
class Quoting:
    """How text is written inside one kind of literal. ``escape`` returns None when the text
    cannot be expressed there (for instance a ``'`` in a shell single-quoted string)."""

    name: str
    escape: Callable[[str], "str | None"]


def _plain_escape(text: str) -> str | None:
    return None if ("\n" in text or "\r" in text) else text


#: Text written as is (plain query files, Markdown, comments, unquoted words).
PLAIN = Quoting("plain", _plain_escape)


#: Quotings already made, by factory and arguments: lexers ask for one per literal, and a
#: quoting (a name and a closure) is the same for the same arguments.
_MADE: dict[tuple, Quoting] = {}


def _made(key: tuple, factory: Callable[..., Quoting], *args) -> Quoting:
    made = _MADE.get(key)
    if made is None:
        made = factory(*args)
        if len(_MADE) < 1024:  # a bounded table: delimiters of some languages vary
            _MADE[key] = made
    return made


def raw_quoting(name: str, forbidden: str, multiline: bool = False) -> Quoting:
    """A literal without escapes (``r'…'``, shell ``'…'``, Go raw strings): characters in
    ``forbidden`` (and newlines unless ``multiline``) cannot be written."""
    return _made(("raw", name, forbidden, multiline), _raw_quoting, name, forbidden, multiline)


def _raw_quoting(name: str, forbidden: str, multiline: bool) -> Quoting:

    def escape(text: str) -> str | None:
        if any(ch in text for ch in forbidden):
            return None
        if not multiline and ("\n" in text or "\r" in text):
            return None
        return text

    return Quoting(name, escape)


def backslash_quoting(name: str, specials: str, extra: dict[str, str] | None = None,
                      escape_char: str = "\\") -> Quoting:
    """A literal with backslash-style escapes: ``escape_char`` itself and every character in
    ``specials`` get the escape prefix; ``extra`` maps substrings to their written form
    (``{`` → ``{{`` in f-strings); newlines become ``\\n`` (or are refused when the escape
    character is not a backslash)."""
    return _made(("backslash", name, specials, tuple((extra or {}).items()), escape_char), _backslash_quoting, name, specials, dict(extra or {}), escape_char)


def _backslash_quoting(name: str, specials: str, extra: dict[str, str], escape_char: str) -> Quoting:

    def escape(text: str) -> str | None:
        out: list[str] = []
        i = 0
        while i < len(text):
            for src, dst in extra.items():
                if text.startswith(src, i):
                    out.append(dst)
                    i += len(src)
                    break
            else:
                ch = text[i]
                if ch == escape_char or ch in specials:
                    out.append(escape_char + ch)
                elif ch == "\n":
                    if escape_char != "\\":
                        return None
                    out.append("\\n")
                elif ch == "\r":
                    return None
                else:
                    out.append(ch)
                i += 1
        return "".join(out)

    return Quoting(name, escape)


def doubling_quoting(name: str, quote: str, forbidden: str = "", multiline: bool = False) -> Quoting:
    """A literal where the quote is written twice (PowerShell ``'…'``, C# ``@"…"``, YAML ``'…'``)."""
    return _made(("doubling", name, quote, forbidden, multiline), _doubling_quoting, name, quote, forbidden, multiline)


def _doubling_quoting(name: str, quote: str, forbidden: str, multiline: bool) -> Quoting:

    def escape(text: str) -> str | None:
        if any(ch in text for ch in forbidden) or (not multiline and ("\n" in text or "\r" in text)):
            return None
        return text.replace(quote, quote + quote)

    return Quoting(name, escape)


@dataclass(slots=True)
class Literal:
    """One string literal: decoded text, per-character file spans, holes, how to write into it."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    holes: list[Span]            # spans in ``text`` (placeholder positions)
    quoting: Quoting
    span: Span                   # whole literal in the file, delimiters included
    content: Span                # the literal's content in the file
    line_end: int = 0            # file offset of the literal's last character (for noqa)
    fixable: bool = True         # False when the literal's text was altered in a way fixes cannot follow


class LitBuilder:
    """Accumulates a literal's decoded characters and their file positions."""

    __slots__ = ("chars", "starts", "ends", "holes", "_len")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.holes: list[Span] = []
        self._len = 0

    def char(self, ch: str, start: int, end: int) -> None:
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)
        self._len += len(ch)
        if len(ch) != 1:  # a decoded escape may yield several code units; keep maps aligned
            for _ in range(len(ch) - 1):
                self.starts.append(start)
                self.ends.append(end)

    def run(self, text: str, start: int) -> None:
        """Characters copied verbatim from the file starting at ``start``."""
        self.chars.append(text)
        self.starts.extend(range(start, start + len(text)))
        self.ends.extend(range(start + 1, start + len(text) + 1))
        self._len += len(text)

    def hole(self, start: int, end: int) -> None:
        at = self._len
        self.chars.append(HOLE)
        self.starts.extend([start] * len(HOLE))
        self.ends.extend([end] * len(HOLE))
        self._len += len(HOLE)
        self.holes.append(Span(at, self._len))

    def build(self, quoting: Quoting, span: Span, content: Span) -> Literal:
        # Tuples of ints: the garbage collector stops tracking them (lists of a file's worth of
        # offsets would be traversed on every full collection).
        return Literal("".join(self.chars), tuple(self.starts), tuple(self.ends), self.holes, quoting, span,
                       content, line_end=max(span.end - 1, span.start))


@dataclass(slots=True)
class Candidate:
    """Text to lint and the way back to the file.

    With ``base`` set the mapping is the identity shifted by ``base`` (plain lines); otherwise
    ``starts``/``ends`` give each character's file span and ``owner`` the index of its literal
    in ``literals`` (-1 for holes and glue)."""

    text: str
    base: int | None = None
    starts: Sequence[int] = field(default_factory=list)
    ends: Sequence[int] = field(default_factory=list)
    owner: Sequence[int] = field(default_factory=list)
    literals: Sequence[Literal] = field(default_factory=list)
    holes: Sequence[Span] = field(default_factory=list)
    quoting: Quoting = PLAIN
    #: "line" (a plain-file line: always linted), "literal" (linted if it looks like EM),
    #: "params" (parameters assembled from a dict/list), "comment" (URL found in a comment).
    origin: str = "literal"
    #: File offsets of the lines a ``fel: noqa`` comment may sit on for findings here.
    noqa_offsets: tuple[int, ...] = ()
    #: For parameter groups: the endpoint the parameters go to ("query" or "lookup").
    endpoint: str | None = None

    # ---- mapping ------------------------------------------------------------------------
    def file_span_start(self) -> int:
        if self.base is not None:
            return self.base
        return self.starts[0] if self.starts else 0

    def file_span(self, span: Span) -> Span:
        """The file span for a span of :attr:`text`."""
        s, e = span.start, span.end
        if self.base is not None:
            return Span(self.base + s, self.base + e)
        n = len(self.text)
        if n == 0:
            return Span(0, 0)
        s = max(0, min(s, n))
        e = max(s, min(e, n))
        if s == e:
            if s < n:
                at = self.starts[s]
            else:
                at = self.ends[n - 1]
            return Span(at, at)
        return Span(self.starts[s], self.ends[e - 1])

    def fix_target(self, span: Span) -> tuple[Span, Quoting] | None:
        """Where a replacement for ``span`` of :attr:`text` goes in the file, and how it must
        be written; None when the span crosses holes, glue or several literals."""
        if self.base is not None:
            return Span(self.base + span.start, self.base + span.end), self.quoting
        n = len(self.text)
        s, e = span.start, span.end
        if not (0 <= s <= e <= n) or n == 0:
            return None
        if s == e:
            # An insertion: belongs to the literal of the character before, else after.
            if s > 0 and self.owner[s - 1] >= 0:
                lit = self.literals[self.owner[s - 1]]
                at = self.ends[s - 1]
            elif s < n and self.owner[s] >= 0:
                lit = self.literals[self.owner[s]]
                at = self.starts[s]
            else:
                return None
            return (Span(at, at), lit.quoting) if lit.fixable else None
        owners = set(self.owner[s:e])
        if len(owners) != 1 or -1 in owners:
            return None
        lit = self.literals[owners.pop()]
        if not lit.fixable:
            return None
        return Span(self.starts[s], self.ends[e - 1]), lit.quoting

    def touches_hole(self, span: Span, adjacent: bool = False) -> bool:
        """Whether ``span`` overlaps an interpolation hole (an empty span: sits at its edge;
        with ``adjacent``: also when it only touches one)."""
        for h in self.holes:
            if span.start < h.end and span.end > h.start:
                return True
            if (adjacent or span.start == span.end) and span.start <= h.end and span.end >= h.start:
                return True
        return False

    def sub(self, start: int, end: int | None = None) -> "Candidate":
        """The candidate restricted to ``text[start:end]`` (mapping kept)."""
        end = len(self.text) if end is None else end
        if start == 0 and end == len(self.text):
            return self
        holes = [Span(h.start - start, h.end - start) for h in self.holes if h.start >= start and h.end <= end]
        if self.base is not None:
            return Candidate(self.text[start:end], base=self.base + start, holes=holes, quoting=self.quoting,
                             origin=self.origin, noqa_offsets=self.noqa_offsets, endpoint=self.endpoint)
        return Candidate(self.text[start:end], None, self.starts[start:end], self.ends[start:end],
                         self.owner[start:end], self.literals, holes, self.quoting, self.origin,
                         self.noqa_offsets, self.endpoint)


class CandidateBuilder:
    """Joins literals, holes and glue text into one :class:`Candidate`."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.owner: list[int] = []
        self.literals: list[Literal] = []
        self.holes: list[Span] = []
        self.length = 0

    def literal(self, lit: Literal, encode: dict[str, str] | None = None) -> None:
        """Append a literal. With ``encode``, characters in it are written percent-encoded (as
        an HTTP library sends a parameter value); those become unfixable glue."""
        idx = len(self.literals)
        self.literals.append(lit)
        hole_at = {h.start: h for h in lit.holes}
        text = lit.text
        if not encode:
            self._runs(lit, idx, hole_at)
            return
        i = 0
        while i < len(text):
            h = hole_at.get(i)
            if h is not None:
                self.holes.append(Span(self.length, self.length + (h.end - h.start)))
                self._append(text[h.start:h.end], lit.starts[h.start:h.end], lit.ends[h.start:h.end], -1)
                i = h.end
                continue
            ch = text[i]
            if encode and ch in encode:
                self.glue(encode[ch], Span(lit.starts[i], lit.ends[i]))
                i += 1
                continue
            j = i + 1
            while j < len(text) and j not in hole_at and not (encode and text[j] in encode):
                j += 1
            self._append(text[i:j], lit.starts[i:j], lit.ends[i:j], idx)
            i = j

    def _runs(self, lit: Literal, idx: int, hole_at: dict[int, Span]) -> None:
        """:meth:`literal` without encoding: runs of text between holes, appended whole."""
        text = lit.text
        n = len(text)
        i = 0
        for hs in sorted(hole_at):
            if hs >= n:
                break
            if hs < i:
                continue
            if hs > i:
                self._append(text[i:hs], lit.starts[i:hs], lit.ends[i:hs], idx)
            h = hole_at[hs]
            self.holes.append(Span(self.length, self.length + (h.end - h.start)))
            self._append(text[h.start:h.end], lit.starts[h.start:h.end], lit.ends[h.start:h.end], -1)
            i = h.end
        if i < n:
            self._append(text[i:], lit.starts[i:], lit.ends[i:], idx)

    def _append(self, text: str, starts: list[int], ends: list[int], owner: int) -> None:
        self.parts.append(text)
        self.starts.extend(starts)
        self.ends.extend(ends)
        self.owner.extend([owner] * len(text))
        self.length += len(text)

    def hole(self, span: Span) -> None:
        if self.holes and self.holes[-1].end == self.length and self.parts and self.parts[-1] == HOLE:
            # Two holes in a row read as one.
            return
        self.glue(HOLE, span)
        self.holes.append(Span(self.length - len(HOLE), self.length))

    def glue(self, text: str, span: Span) -> None:
        """Synthetic text (``&``, ``=``) standing for ``span`` of the file; never fixable."""
        self.parts.append(text)
        self.starts.extend([span.start] * len(text))
        self.ends.extend([span.end] * len(text))
        self.owner.extend([-1] * len(text))
        self.length += len(text)

    def build(self, origin: str = "literal") -> Candidate:
        text = "".join(self.parts)
        offs = tuple(sorted({lit.line_end for lit in self.literals}))
        quoting = self.literals[0].quoting if len(self.literals) == 1 else PLAIN
        return Candidate(text, None, tuple(self.starts), tuple(self.ends), tuple(self.owner), self.literals,
                         self.holes, quoting, origin, offs)
