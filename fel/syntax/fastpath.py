"""A hand-written fast path for the common case: a plain, well-formed EM filter.

``fast_filter(text)`` parses filters such as ``Result==Failed;JobName=="Backup Job 2"`` — field
names, the six EM operators, bare or double-quoted values, ``;``, ``,`` and parentheses — with
one compiled regular expression (a whole comparison is one token) and a small recursive
descent. It builds exactly the tree the Lark parser builds (same node classes, spans, quoting,
separators and parentheses details) and returns ``None`` for anything else: mistake tokens
(``=``, ``&``, ``||``, typographic quotes), fel's friendly layer (``and``, ``or``, ``not``,
``in``), unquoted values with spaces, unbalanced or empty input, input over the size or depth
limits. On ``None`` the caller runs the grammar, so every diagnostic still comes from
``grammar/fel.lark``; declining is always safe, accepting must be exact.

``tests/core/test_fastpath.py`` checks the equivalence against Lark on random input.

``quote_depth`` is a faster equivalent of the parser's parenthesis-depth scan, used by its
input limits.
"""
from __future__ import annotations

import re
from dataclasses import fields

from ..span import Span
from .ast import And, Comparison, Expr, Name, Or, Sep, Value

__all__ = ["fast_filter", "quote_depth"]

# Lark's %ignore WS is common.WS: exactly these four characters plus newline.
_WS = "[ \t\f\r\n]*"
# Terminals of grammar/fel.lark, copied verbatim: NAME, STRING, BARE and the EM operators.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_STRING = r'"(?:[^"]|"")*"'
_BARE = r'[^\s;,()"=!<>&|\u201c\u201d\u201e\u201f\u2033]+'
_OP = r"==|!=|<=|>=|<|>"

#: One token: a whole comparison ``NAME op value`` or one of ``; , ( )``, with the
#: whitespace around it. Group 1 name, 2 operator, 3 quoted value, 4 bare value, 5 punctuation.
_TOKEN = re.compile(
    f"{_WS}(?:({_NAME}){_WS}({_OP}){_WS}(?:({_STRING})|({_BARE}))|([;,()])){_WS}")

#: Words the grammar's contextual lexer may read as keywords where a field name is expected.
_KEYWORDS = frozenset({"where", "order", "by", "asc", "desc", "limit", "page", "format",
                       "and", "or", "not", "in"})
_NOT_WORD = re.compile(r"(?i)\bnot\b")  # as counted by the parser's depth limit
_PARENS_AND_QUOTES = re.compile(r'[()"]')


class _Decline(Exception):
    """Raised inside the fast parser: not a case it handles (the grammar decides)."""


def quote_depth(text: str) -> tuple[int, int]:
    """(maximum parenthesis depth, final balance) counting only parentheses outside double
    quotes — the same result as a character-by-character scan, visiting only ``( ) "``."""
    if "(" not in text and ")" not in text:
        return 0, 0
    depth = best = 0
    in_q = False
    for ch in _PARENS_AND_QUOTES.findall(text):
        if ch == '"':
            in_q = not in_q
        elif not in_q:
            if ch == "(":
                depth += 1
                if depth > best:
                    best = depth
            else:
                depth -= 1
    return best, depth


def fast_filter(text: str, max_input: int, max_depth: int) -> Expr | None:
    """The tree of a plain EM filter, exactly as the grammar builds it; ``None`` to decline.

    ``max_input`` and ``max_depth`` are the parser's limits: input beyond them is declined so
    that the parser reports it.
    """
    if not _LAYOUT_OK or len(text) > max_input:
        return None
    # n separate matches of \bnot\b need at least 4n - 1 characters: only long texts can exceed.
    if len(text) >= 4 * max_depth + 3 and len(_NOT_WORD.findall(text)) > max_depth:
        return None
    scanned = _scan(text)
    if scanned is None:
        return None
    kinds, items = scanned
    parser = _Parser(kinds + "$", items, max_depth)
    try:
        tree = parser.expr()
    except _Decline:
        return None
    return tree if parser.pos == len(kinds) else None


# ---- node construction --------------------------------------------------------------------
# The nodes are frozen, slotted dataclasses; their generated __init__ sets each slot through
# object.__setattr__. Setting the slots through their descriptors builds the very same
# objects in about half the time. _LAYOUT_OK guards the assumption: if the AST classes
# change shape, the fast path declines everything (and its table test fails) until updated.

def _layout(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_LAYOUT_OK = (_layout(Span) == ("start", "end") and _layout(Name) == ("text", "span")
              and _layout(Value) == ("text", "span", "quoted", "words", "typographic")
              and _layout(Comparison) == ("field", "op", "value", "span", "op_span", "parens"))
_new = object.__new__
_span_start, _span_end = Span.start.__set__, Span.end.__set__  # type: ignore[attr-defined]
_name_text, _name_span = Name.text.__set__, Name.span.__set__  # type: ignore[attr-defined]
_value_slots = tuple(getattr(Value, n).__set__ for n in ("text", "span", "quoted", "words", "typographic"))
_cmp_slots = tuple(getattr(Comparison, n).__set__ for n in ("field", "op", "value", "span", "op_span", "parens"))


def _scan(text: str) -> tuple[str, list] | None:
    """Token kinds as a string (``c`` for a comparison, else the punctuation character) and,
    per token, the built :class:`Comparison` or the punctuation's offset. None: decline."""
    kinds: list[str] = []
    items: list = []
    kind, item = kinds.append, items.append
    match = _TOKEN.match
    new, ss, se, nt, nsp = _new, _span_start, _span_end, _name_text, _name_span
    vt, vsp, vq, vw, vty = _value_slots
    cf, co, cv, csp, cosp, cpar = _cmp_slots
    keywords = _KEYWORDS
    pos, end = 0, len(text)
    while pos < end:
        m = match(text, pos)
        if m is None:
            return None
        (_, pos), (ns, ne), (os_, oe), (qs, qe), (bs, be), (ps, _) = m.regs
        if ps >= 0:
            kind(text[ps])
            item(ps)
            continue
        raw = text[ns:ne]
        if len(raw) < 7 and raw.lower() in keywords:
            return None
        sp = new(Span); ss(sp, ns); se(sp, ne)
        name = new(Name); nt(name, raw); nsp(name, sp)
        value = new(Value)
        if qs >= 0:
            vs, ve = qs, qe
            vt(value, text[qs + 1:qe - 1].replace('""', '"'))
            vq(value, True)
        else:
            vs, ve = bs, be
            vt(value, text[bs:be])
            vq(value, False)
        sp = new(Span); ss(sp, vs); se(sp, ve)
        vsp(value, sp); vw(value, 1); vty(value, False)
        node = new(Comparison)
        cf(node, name); co(node, text[os_:oe]); cv(node, value)
        sp = new(Span); ss(sp, ns); se(sp, ve)
        csp(node, sp)
        sp = new(Span); ss(sp, os_); se(sp, oe)
        cosp(node, sp); cpar(node, False)
        kind("c")
        item(node)
    return "".join(kinds), items


# ---- parsing ------------------------------------------------------------------------------

class _Parser:
    """``expr := and (',' and)*``, ``and := atom (';' atom)*``, ``atom := cmp | '(' expr ')'``;
    chains and groups built as the grammar's transformer builds them."""

    __slots__ = ("kinds", "items", "pos", "depth", "max_depth")

    def __init__(self, kinds: str, items: list, max_depth: int) -> None:
        self.kinds = kinds  # ends with the sentinel "$"
        self.items = items
        self.pos = 0
        self.depth = 0
        self.max_depth = max_depth

    def expr(self) -> Expr:
        first = self._and()
        if self.kinds[self.pos] != ",":
            return first
        operands, seps = [first], []
        while self.kinds[self.pos] == ",":
            at = self.items[self.pos]
            self.pos += 1
            seps.append(Sep(",", Span(at, at + 1)))
            operands.append(self._and())
        return Or(tuple(operands), Span(first.span.start, operands[-1].span.end), tuple(seps))

    def _and(self) -> Expr:
        first = self._atom()
        if self.kinds[self.pos] != ";":
            return first
        operands, seps = [first], []
        while self.kinds[self.pos] == ";":
            at = self.items[self.pos]
            self.pos += 1
            seps.append(Sep(";", Span(at, at + 1)))
            operands.append(self._atom())
        return And(tuple(operands), Span(first.span.start, operands[-1].span.end), tuple(seps))

    def _atom(self) -> Expr:
        k = self.kinds[self.pos]
        item = self.items[self.pos] if k != "$" else None
        self.pos += 1
        if k == "c":
            return item
        if k != "(":
            raise _Decline
        self.depth += 1
        if self.depth > self.max_depth:
            raise _Decline
        inner = self.expr()
        if self.kinds[self.pos] != ")":
            raise _Decline
        span = Span(item, self.items[self.pos] + 1)
        self.pos += 1
        self.depth -= 1
        if inner.__class__ is Comparison:
            return Comparison(inner.field, inner.op, inner.value, span, inner.op_span, True)
        return inner.__class__(inner.operands, span, inner.seps, True)
