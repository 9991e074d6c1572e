"""The token stream the per-language lexers produce, and their shared machinery.

Lexers are deliberately cheap: they know each language's comments, string literals (quotes,
escapes, raw strings, here-strings, interpolation) and little else. Everything that is not a
string or a comment becomes a one-character operator or a word. They never raise: an
unterminated string ends at the end of its line (or of the file), anything unexpected is
skipped one character at a time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..span import Span
from .candidate import PLAIN, LitBuilder, Literal, Quoting

__all__ = ["Tok", "Comment", "Lexed", "Lexer", "mark_placeholders", "scan_balanced"]


@dataclass(slots=True)
class Tok:
    """``kind`` is ``str`` (a literal), ``hole`` (an unquoted expansion such as shell ``$x``),
    ``op`` (punctuation, one to three characters), ``word`` or ``nl``."""

    kind: str
    text: str
    start: int
    end: int
    lit: Literal | None = None


@dataclass(slots=True)
class Comment:
    """A comment's body (markers excluded) and where it sits. ``code`` says whether it may
    hold commented-out code (False for Markdown prose)."""

    text: str
    start: int
    code: bool = True


@dataclass(slots=True)
class Lexed:
    toks: list[Tok] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    #: Extra candidates' literals found in prose or nested code (Markdown, YAML plain scalars).
    plain: list[Literal] = field(default_factory=list)


_WORD = re.compile(r"[A-Za-z_$@][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*")
_NUMBER = re.compile(r"\d[\w.]*")
_OPS3 = ("===", "!==", "<<<", ">>>", "**=", "...")
_OPS2 = ("==", "!=", "<=", ">=", "=>", "->", "&&", "||", "+=", "-=", ".=", "::", "=~", "!~", "..", "<<", ">>",
         "//", "**", ":=")


class Lexer:
    """Base lexer: subclasses set the comment markers and implement :meth:`string`."""

    line_comments: tuple[str, ...] = ()
    block_comments: tuple[tuple[str, str], ...] = ()

    def __init__(self, src: str, offset: int = 0) -> None:
        self.src = src
        self.n = len(src)
        self.base = offset
        self.out = Lexed()

    # ---- hooks ------------------------------------------------------------------------------
    def string(self, i: int) -> int | None:
        """Scan a literal starting at ``i``; emit it and return the end offset, or None."""
        return None

    def special(self, i: int) -> int | None:
        """Language-specific constructs (regex literals, heredocs, POD…); return the end or None."""
        return None

    def newline(self, i: int) -> int:
        """Handle the newline at ``i`` (heredoc bodies start after it); return the next index."""
        self.emit("nl", "\n", i, i + 1)
        return i + 1

    def line_comment_at(self, i: int) -> str | None:
        for marker in self.line_comments:
            if self.src.startswith(marker, i):
                return marker
        return None

    # ---- driver -----------------------------------------------------------------------------
    def run(self) -> Lexed:
        src, n = self.src, self.n
        i = 0
        guard = 0
        while i < n:
            guard += 1
            if guard > 4 * n + 16:  # pragma: no cover - defensive: never loop forever
                break
            ch = src[i]
            if ch == "\n":
                i = self.newline(i)
                continue
            if ch in " \t\r\f\v\ufeff":
                i += 1
                continue
            end = self.special(i)
            if end is not None and end > i:
                i = end
                continue
            marker = self.line_comment_at(i)
            if marker is not None:
                stop = src.find("\n", i)
                stop = n if stop < 0 else stop
                self.comment(i + len(marker), stop)
                i = stop
                continue
            block = self._block_comment(i)
            if block is not None:
                i = block
                continue
            end = self.string(i)
            if end is not None and end > i:
                i = end
                continue
            m = _WORD.match(src, i)
            if m:
                self.emit("word", m.group(), i, m.end())
                i = m.end()
                continue
            m = _NUMBER.match(src, i)
            if m:
                self.emit("word", m.group(), i, m.end())
                i = m.end()
                continue
            for op in _OPS3 + _OPS2:
                if src.startswith(op, i):
                    self.emit("op", op, i, i + len(op))
                    i += len(op)
                    break
            else:
                self.emit("op", ch, i, i + 1)
                i += 1
        return self.out

    def _block_comment(self, i: int) -> int | None:
        for open_, close in self.block_comments:
            if self.src.startswith(open_, i):
                stop = self.src.find(close, i + len(open_))
                end = self.n if stop < 0 else stop + len(close)
                self.comment(i + len(open_), self.n if stop < 0 else stop)
                return end
        return None

    # ---- output -----------------------------------------------------------------------------
    def emit(self, kind: str, text: str, start: int, end: int, lit: Literal | None = None) -> None:
        self.out.toks.append(Tok(kind, text, start + self.base, end + self.base, lit))

    def comment(self, start: int, end: int) -> None:
        self.out.comments.append(Comment(self.src[start:end], start + self.base))

    def literal(self, b: LitBuilder, quoting: Quoting, start: int, end: int, cstart: int, cend: int,
                placeholders: bool = True) -> Literal:
        """Finish a literal spanning ``src[start:end]`` (content ``cstart:cend``) and emit it."""
        base = self.base
        if base:
            b.starts = [s + base for s in b.starts]
            b.ends = [e + base for e in b.ends]
        lit = b.build(quoting, Span(start + base, end + base), Span(cstart + base, cend + base))
        if placeholders:
            lit = mark_placeholders(lit)
        self.out.toks.append(Tok("str", self.src[start:end], start + base, end + base, lit))
        return lit

    def verbatim(self, quoting: Quoting, start: int, end: int, cstart: int, cend: int) -> Literal:
        """A literal whose content is the file text itself (no escapes)."""
        b = LitBuilder()
        b.run(self.src[cstart:cend], cstart)
        return self.literal(b, quoting, start, end, cstart, cend)


# Placeholders that templating fills in later: ``{0}``/``{name}`` (str.format, -f, C#),
# ``{{ .x }}`` (Go/Jinja templates), ``%s``/``%(x)s``/``%d`` (printf), ``$x``/``${x}``/``$(…)``,
# Ruby ``#{x}``, and the elisions of documentation (``…``, ``...``, ``<Type>`` after ``=``/``/``).
# EM queries never contain braces or ``$`` outside quoted values.
_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}"
    r"|\{[^{}\s\"]{0,60}\}"
    r"|%(?:\([A-Za-z_]\w*\))?[-#0 +]?\d*(?:\.\d+)?[sdirf](?![0-9A-Fa-f])"
    r"|\$\{[^}]{0,80}\}|\$\([^)]{0,80}\)|\$[A-Za-z_][\w]*(?::[A-Za-z_]\w*)?"
    r"|#\{[^}]{0,80}\}"
    r"|\u2026|\.\.\.+"
    r"|(?:(?<=[=/:?&])|^)<[A-Za-z][\w .:-]{0,40}>"
)


def mark_placeholders(lit: Literal) -> Literal:
    """Replace template placeholders in a literal's text by holes (mapping kept)."""
    text = lit.text
    if not any(c in text for c in "{%$#\u2026.<"):
        return lit
    matches = [m for m in _PLACEHOLDER.finditer(text)
               if not any(m.start() < h.end and m.end() > h.start for h in lit.holes)]
    if text.count("%") and matches:
        # ``%d2`` etc. read as printf only when not a valid percent-escape.
        matches = [m for m in matches if not (m.group().startswith("%") and
                                             re.fullmatch(r"%[0-9A-Fa-f]{2}", text[m.start():m.start() + 3]))]
    if not matches:
        return lit
    b = LitBuilder()
    pos = 0
    holes = sorted([(h.start, h.end, True) for h in lit.holes] + [(m.start(), m.end(), False) for m in matches])
    for s, e, _ in holes:
        if s < pos:
            continue
        for j in range(pos, s):
            b.char(text[j], lit.starts[j], lit.ends[j])
        b.hole(lit.starts[s], lit.ends[e - 1] if e > s else lit.starts[s])
        pos = e
    for j in range(pos, len(text)):
        b.char(text[j], lit.starts[j], lit.ends[j])
    new = b.build(lit.quoting, lit.span, lit.content)
    new.line_end = lit.line_end
    new.fixable = lit.fixable
    return new


def scan_balanced(src: str, i: int, open_: str, close: str, quotes: str = "'\"`") -> int:
    """Index just past the ``close`` matching ``src[i] == open_`` (nesting and quoted strings
    skipped); the end of ``src`` when unbalanced."""
    depth = 0
    n = len(src)
    while i < n:
        ch = src[i]
        if ch in quotes:
            q = ch
            i += 1
            while i < n and src[i] != q:
                if src[i] == "\\":
                    i += 1
                i += 1
        elif ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def plain_literal(text: str, start: int, quoting: Quoting = PLAIN) -> Literal:
    """A literal for text taken verbatim from the file (prose, plain scalars, lines)."""
    b = LitBuilder()
    b.run(text, start)
    lit = b.build(quoting, Span(start, start + len(text)), Span(start, start + len(text)))
    return mark_placeholders(lit)
