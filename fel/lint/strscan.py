"""One table-driven scanner for the body of a string literal, shared by every lexer.

The literals of the languages ``fel lint`` reads differ only in data: the closing delimiter
(and whether writing it twice stands for itself, or an opening one nests), whether a newline
ends the literal, and what a few trigger characters start — an escape (``\\n``, PowerShell's
```n``, shell's ``\\$``), an interpolation hole (``${…}``, ``$(…)``, ``$name``, ``{…}``, ``#{…}``),
or a doubled brace. A :class:`StringSpec` holds that data; :func:`scan` runs it. Runs of
ordinary characters are copied in one step (a regex finds the next trigger).

A *handler* ``(lexer, j, builder, limit) -> int | None`` looks at ``lexer.src[j]`` (its
trigger), appends to the builder and returns the index after what it consumed, or None when
it does not apply (the next handler for the trigger is tried, then the character is kept).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .candidate import LitBuilder, Quoting
from .lexbase import Lexer, scan_balanced

__all__ = ["StringSpec", "scan", "Handler", "decode_backslash", "balanced", "regex_hole", "doubled", "backslash",
           "escape_only", "table_escape", "raw_quote", "backquote", "expansion"]

Handler = Callable[[Lexer, int, LitBuilder, int], "int | None"]


@dataclass(frozen=True)
class StringSpec:
    """What one kind of literal looks like from inside.

    ``close`` ends it (None: the body ends at ``limit``, as a heredoc line does);
    ``doubled``: the close written twice stands for one; ``open``: an opening delimiter that
    nests (Perl ``q{…{…}…}``); ``multiline``: a newline does not end it; ``handlers``: trigger
    character → handlers tried in order; ``unterminated``: the quoting recorded when the
    literal runs off the end (it is never fixable then)."""

    close: str | None
    quoting: Quoting
    handlers: dict[str, tuple[Handler, ...]] = field(default_factory=dict)
    doubled: bool = False
    open: str = ""
    multiline: bool = False
    unterminated: Quoting | None = None
    triggers: "re.Pattern[str]" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        chars = set(self.handlers) | set(self.open)
        if self.close:
            chars.add(self.close[0])
        if not self.multiline:
            chars.add("\n")
        pattern = re.compile("[" + re.escape("".join(sorted(chars))) + "]") if chars else re.compile(r"(?!)")
        object.__setattr__(self, "triggers", pattern)


def scan(lx: Lexer, start: int, cstart: int, spec: StringSpec, limit: int | None = None) -> int:
    """Scan a literal whose text starts at ``start`` and content at ``cstart``; emit it (through
    ``lx.literal``) and return the index after it. An unterminated literal runs to the end of
    its line (or of ``limit``/the file when ``multiline``) and is not fixable."""
    src = lx.src
    n = lx.n if limit is None else limit
    close, open_ = spec.close, spec.open
    handlers = spec.handlers
    search = spec.triggers.search
    b = LitBuilder()
    j, depth = cstart, 0
    while j < n:
        m = search(src, j, n)
        stop = n if m is None else m.start()
        if stop > j:  # a run of ordinary characters
            b.run(src[j:stop], j)
            j = stop
            if j >= n:
                break
        ch = src[j]
        if open_ and ch == open_ and open_ != close:
            depth += 1
        elif close and src.startswith(close, j):
            if spec.doubled and src.startswith(close, j + len(close)):
                b.char(close, j, j + 2 * len(close))
                j += 2 * len(close)
                continue
            if depth == 0:
                end = j + len(close)
                lx.literal(b, spec.quoting, start, end, cstart, j)
                return end
            depth -= 1
        if ch == "\n" and not spec.multiline:
            break
        for handler in handlers.get(ch, ()):
            after = handler(lx, j, b, n)
            if after is not None:
                j = after
                break
        else:
            b.char(ch, j, j + 1)
            j += 1
    if close is None:
        lx.literal(b, spec.quoting, start, j, cstart, j)
        return j
    lit = lx.literal(b, spec.unterminated or spec.quoting, start, j, cstart, j)
    lit.fixable = False
    return j


# ---- escapes -------------------------------------------------------------------------------------
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "\\": "\\", "'": "'", '"': '"', "`": "`", "$": "$", "/": "/", "?": "?", "{": "{", "}": "}"}
_LOW_SURROGATE = re.compile(r"\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)
_HEX = re.compile(r"x([0-9A-Fa-f]{2})|u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([0-7]{1,3})")


def decode_backslash(src: str, i: int, b: LitBuilder, keep_unknown: bool = True) -> int:
    """Decode the escape at ``src[i] == '\\\\'`` into ``b``; return the index after it."""
    n = len(src)
    if i + 1 >= n:
        b.char("\\", i, i + 1)
        return i + 1
    nxt = src[i + 1]
    if nxt == "\n":  # line continuation
        return i + 2
    if nxt == "\r" and src.startswith("\r\n", i + 1):
        return i + 3
    m = _HEX.match(src, i + 1)
    if m:
        code = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        if m.group(3) is not None and 0xD800 <= int(code, 16) <= 0xDBFF:
            low = _LOW_SURROGATE.match(src, m.end())
            if low is not None:  # a UTF-16 pair (JS, Java, C#, JSON): one character
                pair = 0x10000 + ((int(code, 16) - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
                b.char(chr(pair), i, low.end())
                return low.end()
        if code is not None:
            try:
                b.char(chr(int(code, 16)), i, m.end())
            except (ValueError, OverflowError):
                b.char("\ufffd", i, m.end())
            return m.end()
        octal = m.group(5)
        b.char(chr(int(octal, 8)), i, m.end())
        return m.end()
    if nxt in _SIMPLE:
        b.char(_SIMPLE[nxt], i, i + 2)
        return i + 2
    if keep_unknown:
        b.char("\\", i, i + 1)
        b.char(nxt, i + 1, i + 2)
    else:
        b.char(nxt, i, i + 2)
    return i + 2


# ---- handlers ------------------------------------------------------------------------------------
def balanced(prefix: str, open_: str, close: str, at: int = 0) -> Handler:
    """A hole from the trigger to the ``close`` matching the ``open_`` at ``j + at``, when the
    text at the trigger starts with ``prefix`` (``${…}``: ``balanced("${", "{", "}", 1)``)."""
    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        if not lx.src.startswith(prefix, j):
            return None
        end = scan_balanced(lx.src, j + at, open_, close)
        b.hole(j, end)
        return end
    return handle


def regex_hole(pattern: "re.Pattern[str]", min_len: int = 1) -> Handler:
    """A hole for what ``pattern`` matches at the trigger (at least ``min_len`` characters)."""
    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        m = pattern.match(lx.src, j)
        if m is None or m.end() - j < min_len:
            return None
        b.hole(j, m.end())
        return m.end()
    return handle


def doubled(ch: str) -> Handler:
    """``{{`` → ``{`` (f-strings, C# interpolation, .NET format strings)."""
    pair = ch * 2

    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        if not lx.src.startswith(pair, j):
            return None
        b.char(ch, j, j + 2)
        return j + 2
    return handle


def backslash(keep_unknown: bool = True) -> Handler:
    """C-style escapes (``\\n``, ``\\x41``, ``\\u00e9``, UTF-16 pairs, line continuations)."""
    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        return decode_backslash(lx.src, j, b, keep_unknown)
    return handle


def escape_only(chars: str, dropped: str = "") -> Handler:
    """The trigger escapes only ``chars`` (the escaped character is kept, the trigger dropped;
    characters in ``dropped`` vanish with it, as a shell's backslash-newline does)."""
    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        if j + 1 >= limit or lx.src[j + 1] not in chars:
            return None
        if lx.src[j + 1] not in dropped:
            b.char(lx.src[j + 1], j, j + 2)
        return j + 2
    return handle


def table_escape(table: dict[str, str]) -> Handler:
    """The trigger escapes any next character, mapped through ``table`` (PowerShell's backtick)."""
    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        if j + 1 >= lx.n:
            return None
        nxt = lx.src[j + 1]
        b.char(table.get(nxt, nxt), j, j + 2)
        return j + 2
    return handle


def raw_quote(quote: str) -> Handler:
    """In a raw string, a backslash still keeps the quote from ending it (both are kept)."""
    def handle(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
        if j + 1 >= lx.n or lx.src[j + 1] != quote:
            return None
        b.char("\\", j, j + 1)
        b.char(quote, j + 1, j + 2)
        return j + 2
    return handle


def backquote(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
    """A shell command substitution in backquotes: a hole to the next backquote."""
    stop = lx.src.find("`", j + 1)
    end = lx.n if stop < 0 else stop + 1
    b.hole(j, end)
    return end


def expansion(lx: Lexer, j: int, b: LitBuilder, limit: int) -> int | None:
    """A shell ``$…`` expansion (the lexer's own ``expansion`` method decides its end)."""
    end = lx.expansion(j, limit)  # type: ignore[attr-defined]
    if end is None:
        return None
    b.hole(j, end)
    return end
