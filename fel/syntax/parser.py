"""Parsing EM filters and fel statements into the AST (:mod:`fel.syntax.ast`).

``parse_filter`` and ``parse_statement`` return a tree or raise :class:`SyntaxProblem`, which
carries diagnostics (never a Lark exception: Lark's terminal names are translated to words).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lark is imported only when the grammar is first needed
    from lark import Token
    from lark.exceptions import UnexpectedInput

from ..diagnostics import Diagnostic, FelError, Fix, make
from ..span import Span
from .ast import (And, Comparison, Expr, Membership, Name, Not, Number, Or, Param, Query, Sep, Sort, Value,
                  statement_query)
from .fastpath import fast_filter, fast_statement, quote_depth, too_many_nots
from .grammar import get_lark

__all__ = ["parse_filter", "parse_statement", "get_parser", "SyntaxProblem", "MAX_INPUT", "MAX_DEPTH", "depth_problem",
           "split_value_tail"]

#: Bounds on input (characters) and nesting depth (parentheses and ``not``).
MAX_INPUT = 65536
MAX_DEPTH = 64


class SyntaxProblem(FelError):
    """The text could not be parsed; ``diagnostics`` says why and where."""


def _span(tok: Token) -> Span:
    return Span(tok.start_pos, tok.end_pos)


def _unquote(raw: str) -> str:
    return raw[1:-1].replace('""', '"')


class _Build:
    """Embedded in the LALR parser: builds AST nodes as rules reduce."""

    # ---- filters ------------------------------------------------------------------------
    def filter(self, c):
        return c[0]

    def value(self, c):
        first, last = c[0], c[-1]
        span = Span(first.start_pos, last.end_pos)
        if first.type == "STRING":
            return Value(_unquote(str(first)), span, quoted=True)
        if first.type == "BAD_STRING":
            return Value(str(first)[1:-1], span, quoted=True, typographic=True)
        return Value(" ".join(str(t) for t in c), span, words=len(c))

    def op(self, c):
        return c[0]

    def and_sep(self, c):
        return Sep(str(c[0]), _span(c[0]))

    or_sep = and_sep

    def comparison(self, c):
        name, op, value = c
        return Comparison(Name(str(name), _span(name)), str(op), value,
                          Span(name.start_pos, value.span.end), _span(op))

    def membership(self, c):
        name = c[0]
        negated = c[1].type == "NOT"
        values = tuple(v for v in c if isinstance(v, Value))
        return Membership(Name(str(name), _span(name)), values, negated, Span(name.start_pos, c[-1].end_pos))

    def negation(self, c):
        kw, operand = c
        return Not(operand, Span(kw.start_pos, operand.span.end))

    def group(self, c):
        lpar, expr, rpar = c
        from dataclasses import replace
        return replace(expr, parens=True, span=Span(lpar.start_pos, rpar.end_pos))

    def _chain(self, c, cls):
        operands = tuple(c[0::2])
        seps = tuple(c[1::2])
        return cls(operands, operands[0].span.cover(operands[-1].span), seps)

    def and_expr(self, c):
        return self._chain(c, And)

    def or_expr(self, c):
        return self._chain(c, Or)

    # ---- statements -----------------------------------------------------------------------
    def type_name(self, c):
        return Name(str(c[0]), _span(c[0]))

    def where_clause(self, c):
        kw, expr = c
        return Param("filter", "", Span(kw.start_pos, expr.span.end), _span(kw), expr.span), expr

    def direction(self, c):
        return c[0]

    def order_clause(self, c):
        order, name = c[0], c[2]
        desc = len(c) > 3 and c[3].type == "DESC"
        end = c[-1].end_pos
        key = "sortDesc" if desc else "sortAsc"
        sort = Sort(Name(str(name), _span(name)), desc, Span(order.start_pos, end))
        return Param(key, str(name), Span(order.start_pos, end), _span(order), _span(name)), sort

    def _number_clause(self, c, key):
        kw, num = c
        n = Number(int(str(num)) if len(str(num)) < 12 else None, str(num), _span(num))
        return Param(key, str(num), Span(kw.start_pos, num.end_pos), _span(kw), _span(num)), n

    def limit_clause(self, c):
        return self._number_clause(c, "pageSize")

    def page_clause(self, c):
        return self._number_clause(c, "page")

    def format_clause(self, c):
        kw, name = c
        return (Param("format", str(name), Span(kw.start_pos, name.end_pos), _span(kw), _span(name)),
                Name(str(name), _span(name)))

    def statement(self, c):
        type_name = c[0]
        return statement_query(type_name, c[1:])


_BUILD = _Build()

# Human words for terminals (never show Lark's names such as __ANON_3).
TERMINAL_WORDS = {
    "WHERE": "`where`", "ORDER": "`order by`", "BY": "`by`", "ASC": "`asc`", "DESC": "`desc`",
    "LIMIT": "`limit`", "PAGE": "`page`", "FORMAT": "`format`", "AND": "`and`", "OR": "`or`",
    "NOT": "`not`", "IN": "`in`", "EQ": "`==`", "NE": "`!=`", "LE": "`<=`", "GE": "`>=`",
    "LT": "`<`", "GT": "`>`", "BAD_EQ": None, "SEMI": "`;`", "COMMA": "`,`", "LPAR": "`(`",
    "RPAR": "`)`", "BAD_AND": None, "BAD_OR": None, "NAME": "a field name", "INT": "a number",
    "STRING": "a quoted value", "BAD_STRING": None, "BARE": "a value", "$END": "the end of the input",
}
_OPS = {"EQ", "NE", "LE", "GE", "LT", "GT"}


def _expected_words(expected) -> list[str]:
    names = set(expected)
    words: list[str] = []
    if _OPS & names:
        words.append("a comparison operator (== != < <= > >=)")
        names -= _OPS
    if {"STRING", "BARE"} <= names:
        words.append("a value")
        names -= {"STRING", "BARE"}
    for n in sorted(names, key=lambda n: (n not in ("NAME", "BARE", "STRING"), n)):
        w = TERMINAL_WORDS.get(n, None if n.startswith("__") else n.lower())
        if w and w not in words:
            words.append(w)
    return words


def _join(words: list[str]) -> str:
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _describe(tok: Token | None, text: str, pos: int) -> str:
    if tok is None or tok.type == "$END":
        return "the end of the input" if pos >= len(text.rstrip()) else repr(text[pos:pos + 1])
    return f"`{tok}`"


def depth_problem(text: str, offset: int = 0) -> Diagnostic | None:
    if len(text) > MAX_INPUT:
        return make("FEL009", Span(offset + MAX_INPUT, offset + len(text)),
                    f"input is {len(text)} characters long; fel accepts at most {MAX_INPUT}")
    best, _ = quote_depth(text)
    if best > MAX_DEPTH or too_many_nots(text, MAX_DEPTH):
        return make("FEL009", Span(offset, offset + len(text)),
                    f"nesting is deeper than {MAX_DEPTH} levels")
    return None


def _translate(err: UnexpectedInput, text: str, start: str) -> Diagnostic:
    """One diagnostic for a Lark error, with the specific mistakes recognised."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF
    pos = getattr(err, "pos_in_stream", None)
    tok = getattr(err, "token", None)
    if isinstance(err, UnexpectedEOF) or (tok is not None and tok.type == "$END"):
        pos = len(text)
    if pos is None:
        pos = len(text)
    expected = sorted(getattr(err, "expected", None) or getattr(err, "allowed", None) or ())
    words = _expected_words(expected)
    ch = text[pos:pos + 1]
    before = text[:pos]

    if isinstance(err, UnexpectedCharacters) and ch == '"':
        return make("FEL007", Span(pos, len(text)), "this quoted value is never closed",
                    hint='close it with `"`; a quote inside a value is written twice (`""`)',
                    fix=Fix(Span(len(text), len(text)), '"', "add the closing quote"))
    _, balance = quote_depth(text)
    if balance > 0 and pos >= len(text.rstrip()):
        opened = _last_unclosed_paren(text)
        return make("FEL008", Span(opened, opened + 1), "this parenthesis is never closed",
                    hint="add `)` where the group ends", expected=words)
    if tok is not None and tok.type == "RPAR" and balance < 0:
        return make("FEL008", _span(tok), "this `)` has no matching `(`", hint="remove it or add `(`",
                    expected=words)
    # `Name==a,b` — the separator split an unquoted value: `b` is then read as a field.
    split = split_value_tail(before) if tok is None or tok.type in ("$END", "SEMI", "COMMA", "RPAR") else None
    if split is not None:
        vs, ve, sep, name = split
        return make("FEL013", Span(vs, ve),
                    f"`{name}` is not followed by a comparison; if `{text[vs:ve]}` is one value, quote it",
                    hint=f'write "{text[vs:ve]}" — `{sep}` ends an unquoted value',
                    fix=Fix(Span(vs, ve), '"' + text[vs:ve].replace('"', '""') + '"', "quote the value", safe=False),
                    expected=words)
    if ch and not ch.isascii() and (ch.isalpha() or ch == "_") and before[-1:] in _IDENT_CHARS:
        # `Jöb`, `Nämé`: a name with a non-ASCII letter splits where the ASCII name ends.
        ws, we = pos, pos
        while ws > 0 and text[ws - 1] in _IDENT_CHARS:
            ws -= 1
        while we < len(text) and (text[we].isalnum() or text[we] == "_"):
            we += 1
        word = text[ws:we]
        return make("FEL001", Span(ws, we),
                    f"`{word}` is not a name: query types and fields are spelt with ASCII letters, digits and `_`",
                    hint="check the spelling (`fel schema` lists the types and their fields); a value with such "
                         "letters is written in quotes", expected=words)
    found = _describe(tok, text, pos)
    if isinstance(err, UnexpectedCharacters):
        found = repr(ch) if ch else "the end of the input"
        end = pos + 1
    elif tok is not None and tok.type != "$END":
        end = tok.end_pos
    else:
        end = pos
    if start == "statement" and pos == 0 or (start == "statement" and not before.strip()):
        msg = "a fel statement starts with a query type, e.g. `BackupJobSession where Result==Failed`"
    elif not words:
        msg = f"unexpected {found}"
    else:
        msg = f"expected {_join(words)}, found {found}"
    return make("FEL001", Span(min(pos, len(text)), max(min(end, len(text)), min(pos, len(text)))),
                msg, expected=words)


_IDENT_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_IDENT_CHARS = _IDENT_START | frozenset("0123456789")
_VALUE_STOPS = frozenset(';,()"')


def split_value_tail(before: str) -> tuple[int, int, str, str] | None:
    """``Name==a,b`` at the end of ``before``: (value start, end of ``b``, separator, ``b``).

    What ``re.search(r'([=<>]=?|!=)\\s*([^\\s;,()"]+)\\s*([;,])\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*$', before)``
    finds (value start ``m.start(2)``, ``m.end(4)``, ``m.group(3)``, ``m.group(4)``), found by one
    scan back from the end instead: the regex backtracks over every operator in the text, which
    is quadratic in a long value (``"=" * 16000``). ``tests/core/test_reliability.py`` compares
    the two on generated text.
    """
    i = len(before)
    while i > 0 and before[i - 1].isspace():
        i -= 1
    end = i
    while i > 0 and before[i - 1] in _IDENT_CHARS:
        i -= 1
    if i == end or before[i] not in _IDENT_START:
        return None
    name_start = i
    while i > 0 and before[i - 1].isspace():
        i -= 1
    if i == 0 or before[i - 1] not in ";,":
        return None
    sep = before[i - 1]
    i -= 1
    while i > 0 and before[i - 1].isspace():
        i -= 1
    v_end = i
    while i > 0 and not before[i - 1].isspace() and before[i - 1] not in _VALUE_STOPS:
        i -= 1
    run = i  # the run of value characters before the separator: before[run:v_end]
    if run == v_end:
        return None
    while i > 0 and before[i - 1].isspace():
        i -= 1
    # An operator before the run (whitespace between): the leftmost match starts there.
    if i < run and i > 0 and (before[i - 1] in "=<>" or (i > 1 and before[i - 2:i] == "!=")):
        return run, end, sep, before[name_start:end]
    # Otherwise the leftmost operator inside the run that leaves a value after it.
    for s in range(run, v_end - 1):
        c = before[s]
        if c in "=<>":
            e = s + 2 if before[s + 1] == "=" and s + 2 < v_end else s + 1
        elif c == "!" and before[s + 1] == "=" and s + 2 < v_end:
            e = s + 2
        else:
            continue
        return e, end, sep, before[name_start:end]
    return None


def _last_unclosed_paren(text: str) -> int:
    stack: list[int] = []
    in_q = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_q = not in_q
        elif not in_q:
            if ch == "(":
                stack.append(i)
            elif ch == ")" and stack:
                stack.pop()
    return stack[-1] if stack else 0


def _parse(text: str, start: str):
    problem = depth_problem(text)
    if problem is not None:
        raise SyntaxProblem([problem], text)
    parser = get_lark(_BUILD)
    from lark.exceptions import UnexpectedInput

    try:
        return parser.parse(text, start=start)
    except UnexpectedInput as err:
        raise SyntaxProblem([_translate(err, text, start)], text) from None


def get_parser():
    """The shared Lark parser (with the AST transformer embedded), built on first use.

    For tools that need Lark itself — the REPL's completion asks its interactive parser which
    terminals may come next."""
    return get_lark(_BUILD)


def parse_filter(text: str) -> Expr:
    """Parse an EM filter (``Result==Failed;JobName=="Backup Job 2"``).

    Friendly constructs (``and``, ``not``, ``in``) parse too; the checker reports them as
    mistakes in a raw EM filter. Raises :class:`SyntaxProblem`.
    """
    if not text.strip():
        raise SyntaxProblem([make("FEL010", Span(0, len(text)), "the filter is empty")], text)
    tree = fast_filter(text, MAX_INPUT, MAX_DEPTH)  # plain EM filters; None: let the grammar decide
    return tree if tree is not None else _parse(text, "filter")


def parse_statement(text: str) -> Query:
    """Parse a fel statement (``BackupJobSession where Result == Failed limit 10``)."""
    if not text.strip():
        raise SyntaxProblem([make("FEL001", Span(0, len(text)), "the input is empty",
                                  hint="write a query type, e.g. `BackupJobSession where Result==Failed`")], text)
    query = fast_statement(text, MAX_INPUT, MAX_DEPTH)  # plain statements; None: let the grammar decide
    return query if query is not None else _parse(text, "statement")
