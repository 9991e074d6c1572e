"""A hand-written fast path for the common case: plain, well-formed filters and statements.

``fast_filter(text)`` parses EM filters such as ``Result==Failed;JobName=="Backup Job 2"`` —
field names, the six EM operators, bare or double-quoted values, ``;``, ``,`` and parentheses.
``fast_statement(text)`` parses fel statements made of a type, ``where`` with such a filter
(``and``/``or`` allowed as separators), ``order by F [asc|desc]``, ``limit N``, ``page N`` and
``format F``. Both use one compiled regular expression for the filter (a whole comparison is
one token) and a small precedence parser.

They build exactly the tree the Lark parser builds (same node classes, spans, quoting,
separators and parentheses details) and return ``None`` for anything else: mistake tokens
(``=``, ``&``, ``||``, typographic quotes), ``not`` and ``in``, ``and``/``or`` in a raw EM
filter, unquoted values with spaces, keywords used as names, unbalanced or empty input, input
over the size or depth limits. On ``None`` the caller runs the grammar, so every diagnostic
still comes from ``grammar/fel.lark``: declining is always safe, accepting must be exact.
``tests/core/test_fastpath.py`` checks the equivalence against Lark on random input.

``quote_depth`` is a faster equivalent of the parser's parenthesis-depth scan, used by its
input limits.
"""
from __future__ import annotations

import re
from dataclasses import fields

from ..span import Span
from .ast import And, Comparison, Expr, Name, Number, Or, Param, Query, Sep, Sort, Value, statement_query

__all__ = ["fast_filter", "fast_statement", "quote_depth"]

# Lark's %ignore WS is common.WS: exactly these characters.
_WS = "[ \t\f\r\n]*"
# Terminals of grammar/fel.lark, copied verbatim: NAME, INT, STRING, BARE and the EM operators.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_STRING = r'"(?:[^"]|"")*"'
_BARE = r'[^\s;,()"=!<>&|\u201c\u201d\u201e\u201f\u2033]+'
_OP = r"==|!=|<=|>=|<|>"
#: Every keyword of the grammar (case-insensitive, whole words: the grammar's ``/kw\b/i``).
_KEYWORD_WORDS = ("where", "order", "by", "asc", "desc", "limit", "page", "format", "and", "or", "not", "in")
_KEYWORDS = frozenset(_KEYWORD_WORDS)

#: One filter token and the whitespace around it: a whole comparison ``NAME op value``
#: (groups 1-4: name, operator, quoted value, bare value), one of ``; , ( )`` (group 5) or a
#: keyword (group 6).
_TOKEN = re.compile(
    f"{_WS}(?:({_NAME}){_WS}({_OP}){_WS}(?:({_STRING})|({_BARE}))|([;,()])"
    f"|((?i:{'|'.join(_KEYWORD_WORDS)}))\\b){_WS}")
_TYPE = re.compile(f"{_WS}({_NAME}){_WS}")
# One group per keyword: under IGNORECASE, `ı`, `ſ` and the Kelvin sign match ASCII letters
# (as in Lark's /limit\b/i), so which keyword matched is told by the group, never by lower().
_CLAUSES = ("where", "order", "limit", "page", "format")
_CLAUSE = re.compile(f"(?i:{'|'.join(f'({w})' for w in _CLAUSES)})\\b{_WS}")
_ORDER_BY = re.compile(f"(?i:by)\\b{_WS}({_NAME}){_WS}(?:(?i:(asc)|(desc))\\b{_WS})?")
_INT = re.compile(f"([0-9]+){_WS}")
_NAME_WS = re.compile(f"({_NAME}){_WS}")
_NOT_WORD = re.compile(r"(?i)\bnot\b")  # as counted by the parser's depth limit
_PARENS_AND_QUOTES = re.compile(r'[()"]')
_SEPARATORS = {";": ";", ",": ",", "and": ";", "or": ","}  # separator (lower case) -> kind


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


def _within_limits(text: str, max_input: int, max_depth: int) -> bool:
    """The parser's input limits (parentheses are counted while parsing)."""
    if not _LAYOUT_OK or len(text) > max_input:
        return False
    return not too_many_nots(text, max_depth)


def too_many_nots(text: str, max_depth: int) -> bool:
    """More than ``max_depth`` words `not` (the parser's nesting limit counts them)."""
    # n separate matches of \bnot\b need at least 4n - 1 characters: only long texts can exceed.
    return len(text) >= 4 * max_depth + 3 and len(_NOT_WORD.findall(text)) > max_depth


def fast_filter(text: str, max_input: int, max_depth: int) -> Expr | None:
    """The tree of a plain EM filter, exactly as the grammar builds it; ``None`` to decline.

    ``max_input`` and ``max_depth`` are the parser's limits: input beyond them is declined so
    that the parser reports it.
    """
    if not _within_limits(text, max_input, max_depth):
        return None
    scanned = _scan(text, 0, False)
    if scanned is None or scanned[2] != len(text):
        return None
    return _expr(scanned[0], scanned[1], max_depth)


def fast_statement(text: str, max_input: int, max_depth: int) -> Query | None:
    """The :class:`Query` of a plain fel statement, exactly as the grammar builds it; ``None``
    to decline (same limits as :func:`fast_filter`)."""
    if not _within_limits(text, max_input, max_depth):
        return None
    m = _TYPE.match(text)
    if m is None or m.group(1).lower() in _KEYWORDS:
        return None
    type_name = Name(m.group(1), Span(m.start(1), m.end(1)))
    clauses: list[tuple[Param, object]] = []
    pos, end = m.end(), len(text)
    while pos < end:
        clause = _CLAUSE.match(text, pos)
        if clause is None:
            return None
        group = clause.lastindex or 0
        word = _CLAUSES[group - 1]
        kw_span = Span(clause.start(group), clause.end(group))
        pos = clause.end()
        if word == "where":
            scanned = _scan(text, pos, True)
            if scanned is None:
                return None
            expr = _expr(scanned[0], scanned[1], max_depth)
            if expr is None:
                return None
            pos = scanned[2]
            param = Param("filter", "", Span(kw_span.start, expr.span.end), kw_span, expr.span)
            node: object = expr
        elif word == "order":
            m = _ORDER_BY.match(text, pos)
            if m is None or m.group(1).lower() in _KEYWORDS:
                return None
            name = Name(m.group(1), Span(m.start(1), m.end(1)))
            desc = m.group(3) is not None
            last = max(m.end(2), m.end(3), name.span.end)
            span = Span(kw_span.start, last)
            node = Sort(name, desc, span)
            param = Param("sortDesc" if desc else "sortAsc", name.text, span, kw_span, name.span)
            pos = m.end()
        elif word == "format":
            m = _NAME_WS.match(text, pos)
            if m is None or m.group(1).lower() in _KEYWORDS:
                return None
            fmt = Name(m.group(1), Span(m.start(1), m.end(1)))
            node = fmt
            param = Param("format", fmt.text, Span(kw_span.start, m.end(1)), kw_span, fmt.span)
            pos = m.end()
        else:  # limit, page
            m = _INT.match(text, pos)
            if m is None:
                return None
            digits, num_span = m.group(1), Span(m.start(1), m.end(1))
            node = Number(int(digits) if len(digits) < 12 else None, digits, num_span)
            param = Param("pageSize" if word == "limit" else "page", digits, Span(kw_span.start, m.end(1)),
                          kw_span, num_span)
            pos = m.end()
        clauses.append((param, node))
    return statement_query(type_name, clauses)


# ---- node construction --------------------------------------------------------------------
# The nodes are frozen, slotted dataclasses; their generated __init__ sets each slot through
# object.__setattr__. Setting the slots through their descriptors builds the very same
# objects in about half the time. _LAYOUT_OK guards the assumption: if the AST classes
# change shape, the fast path declines everything (and its table test fails) until updated.

def _layout(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_LAYOUT_OK = (_layout(Span) == ("start", "end") and _layout(Name) == ("text", "span")
              and _layout(Value) == ("text", "span", "quoted", "words", "typographic")
              and _layout(Comparison) == ("field", "op", "value", "span", "op_span", "parens")
              and _layout(Sep) == ("text", "span"))
_new = object.__new__
_span_start, _span_end = Span.start.__set__, Span.end.__set__  # type: ignore[attr-defined]
_name_text, _name_span = Name.text.__set__, Name.span.__set__  # type: ignore[attr-defined]
_value_slots = tuple(getattr(Value, n).__set__ for n in ("text", "span", "quoted", "words", "typographic"))
_cmp_slots = tuple(getattr(Comparison, n).__set__ for n in ("field", "op", "value", "span", "op_span", "parens"))
_sep_text, _sep_span = Sep.text.__set__, Sep.span.__set__  # type: ignore[attr-defined]


def _scan(text: str, pos: int, statement: bool) -> tuple[str, list, int] | None:
    """The filter tokens from ``pos``: their kinds as a string (``c`` comparison, ``;``/``,``
    separator, ``(``/``)``), per token the built :class:`Comparison`, :class:`Sep` or offset,
    and where the filter ends. In a statement ``and``/``or`` separate too, and a clause keyword
    ends the filter. None: decline."""
    kinds: list[str] = []
    items: list = []
    kind, item = kinds.append, items.append
    match = _TOKEN.match
    new, ss, se, nt, nsp = _new, _span_start, _span_end, _name_text, _name_span
    vt, vsp, vq, vw, vty = _value_slots
    cf, co, cv, csp, cosp, cpar = _cmp_slots
    keywords = _KEYWORDS
    end = len(text)
    while pos < end:
        m = match(text, pos)
        if m is None:
            return None
        (_, after), (ns, ne), (os_, oe), (qs, qe), (bs, be), (ps, _), (ks, ke) = m.regs
        if ns < 0:
            if ps >= 0:
                char = text[ps]
                if char in "()":
                    kind(char)
                    item(ps)
                    pos = after
                    continue
            else:
                char = text[ks:ke].lower()
                if not statement or char not in _SEPARATORS:
                    if statement and char in _CLAUSES:
                        return "".join(kinds), items, ks  # the next clause
                    return None
                ps, after = ks, after
            sp = new(Span); ss(sp, ps); se(sp, ps + len(char))
            sep = new(Sep); _sep_text(sep, text[ps:ps + len(char)]); _sep_span(sep, sp)
            kind(_SEPARATORS[char])
            item(sep)
            pos = after
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
        pos = after
    return "".join(kinds), items, end


# ---- parsing ------------------------------------------------------------------------------

def _expr(kinds: str, items: list, max_depth: int) -> Expr | None:
    """The tree of a token sequence from :func:`_scan`; None if it is not a whole expression."""
    if "(" not in kinds and ")" not in kinds:
        return _flat(kinds, items)
    parser = _Parser(kinds + "$", items, max_depth)
    try:
        tree = parser.expr()
    except _Decline:
        return None
    return tree if parser.pos == len(kinds) else None


def _chain(cls: type, operands: list, seps: list) -> Expr:
    """An AND or OR chain as the grammar's transformer builds it (span: first to last operand)."""
    return cls(tuple(operands), Span(operands[0].span.start, operands[-1].span.end), tuple(seps))


def _flat(kinds: str, items: list) -> Expr | None:
    """No parentheses: ``c`` tokens alternate with ``;``/``,``; AND binds tighter than OR."""
    n = len(kinds)
    if not n % 2 or kinds[0::2] != "c" * ((n + 1) // 2) or kinds[1::2].strip(";,"):
        return None
    if n == 1:
        return items[0]
    if "," not in kinds:
        return _chain(And, items[0::2], items[1::2])
    groups: list = []
    or_seps: list = []
    operands, seps = [items[0]], []
    for i in range(1, n, 2):
        if kinds[i] == ";":
            seps.append(items[i])
            operands.append(items[i + 1])
            continue
        groups.append(_chain(And, operands, seps) if seps else operands[0])
        or_seps.append(items[i])
        operands, seps = [items[i + 1]], []
    groups.append(_chain(And, operands, seps) if seps else operands[0])
    return _chain(Or, groups, or_seps)


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
            seps.append(self.items[self.pos])
            self.pos += 1
            operands.append(self._and())
        return _chain(Or, operands, seps)

    def _and(self) -> Expr:
        first = self._atom()
        if self.kinds[self.pos] != ";":
            return first
        operands, seps = [first], []
        while self.kinds[self.pos] == ";":
            seps.append(self.items[self.pos])
            self.pos += 1
            operands.append(self._atom())
        return _chain(And, operands, seps)

    def _atom(self) -> Expr:
        k = self.kinds[self.pos]
        if k == "c":
            self.pos += 1
            return self.items[self.pos - 1]
        if k != "(":
            raise _Decline
        start = self.items[self.pos]
        self.pos += 1
        self.depth += 1
        if self.depth > self.max_depth:
            raise _Decline
        inner = self.expr()
        if self.kinds[self.pos] != ")":
            raise _Decline
        span = Span(start, self.items[self.pos] + 1)
        self.pos += 1
        self.depth -= 1
        if inner.__class__ is Comparison:
            return Comparison(inner.field, inner.op, inner.value, span, inner.op_span, True)
        return inner.__class__(inner.operands, span, inner.seps, True)
