"""The quick path's filter: per-type tables, values and the canonical filter printed while scanning.

:func:`scan_filter` reads a filter with the fast parser's regular expressions
(:mod:`fel.syntax.fastpath`), looks every name and value up in the per-type tables (field →
kind, canonical enum spellings, order, URN types; built once per type and EM version) and
prints the canonical filter as the compiler would. Anything the checker would comment on
raises :class:`Decline`; :mod:`fel.quickpath.forms` reads the input forms around it.
"""
from __future__ import annotations

import re
from datetime import datetime

from ..checker.values import (canonical_datetime, is_decimal, is_integer, parse_datetime, parse_time_expr,
                              parse_uid)
from ..schema import Kind, QueryType
from ..syntax.fastpath import _CLAUSES, _KEYWORDS, _SEPARATORS, _TOKEN

__all__ = ["Decline", "scan_filter", "type_table"]

_BARE = re.compile(r"[A-Za-z0-9_.:-]+").fullmatch
_STRING, _ENUM, _BOOL, _INTEGER, _DECIMAL, _DATETIME, _UID, _OTHER = range(8)
_KIND = {Kind.STRING: _STRING, Kind.ENUM: _ENUM, Kind.BOOLEAN: _BOOL, Kind.INTEGER: _INTEGER,
         Kind.DECIMAL: _DECIMAL, Kind.DATETIME: _DATETIME, Kind.UID: _UID, Kind.REFERENCE: _OTHER}
_ORDERED_OPS = frozenset(("<", "<=", ">", ">="))
#: The canonical DateTime form itself: checked with datetime() instead of parse_datetime.
_UTC = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z").fullmatch
#: The fast parser's filter token (``fastpath._TOKEN``: a whole comparison, one of ``; , ( )``
#: or a keyword, with the whitespace around it) as group 1, else the rest of the text as the
#: last group. ``findall`` therefore reads exactly the tokens repeated ``_TOKEN.match`` calls
#: read, all in one call, and anything the fast parser would stop at shows as that last group.
_TOKENS = re.compile(f"({_TOKEN.pattern})|([\\s\\S]+)", _TOKEN.flags).findall
#: Deeper nesting is left to the full path (its limit, MAX_DEPTH, is higher).
_MAX_GROUPS = 32


class Decline(Exception):
    """The full path must answer."""


# ---- per-type tables ----------------------------------------------------------------------

_TABLES: dict[tuple, dict] = {}


def type_table(qtype: QueryType, version) -> dict:
    """Field name (exact, documented spelling) → (kind, name, ordered, enum map, URN types, has URN types)
    for the fields the checker says nothing about by name: documented, filterable in ``version``,
    and — with a version — without version-gated enum values (FEL109 is left to the full path)."""
    key = (qtype.name, version)
    table = _TABLES.get(key)
    if table is None:
        table = {}
        for f in qtype.fields:
            if (f.undocumented or not f.filterable_in(version) or (version is not None and f.enum_since)
                    or f.name.lower() in _KEYWORDS):  # a keyword as a name: the fast parser declines
                continue
            enum = {}
            if f.kind is Kind.ENUM:
                for v in f.enum:  # documented spellings: no FEL209; the compiler writes the canonical one
                    enum[v] = f.canonical_enum(v)
                for spelling, canon in f.enum_spellings:
                    if f.canonical_enum(spelling) is not None:
                        enum.setdefault(spelling, f.canonical_enum(spelling))
            table[f.name] = (_KIND[f.kind], f.name, f.kind.ordered, enum,
                             frozenset(t.lower() for t in f.urn_types), bool(f.urn_types))
        _TABLES[key] = table
    return table


def _print(text: str) -> str:
    return text if _BARE(text) else '"' + text.replace('"', '""') + '"'


def _value(spec: tuple, op: str, quoted: bool, text: str, em_mode: bool) -> str:
    """The canonical text of a value the checker has nothing to say about; else decline."""
    kind, _, ordered, enum, urn_lower, has_urn = spec
    if op in _ORDERED_OPS and not ordered:
        raise Decline
    if not text.isprintable():
        raise Decline  # a control character (FEL214)
    if not quoted:
        if len(text) >= 2 and text[0] == text[-1] == "'":
            raise Decline  # single quotes (FEL012)
        if kind != _DATETIME and not em_mode and parse_time_expr(text):
            raise Decline  # a time value on another kind (FEL212)
    if kind == _STRING or kind == _OTHER:
        return text if _BARE(text) else '"' + text.replace('"', '""') + '"'
    if kind == _ENUM:
        canon = enum.get(text)
        if canon is None:
            raise Decline
        return _print(canon)
    if kind == _BOOL:
        if text == "true" or text == "false":
            return text
        raise Decline
    if kind == _INTEGER:
        if is_integer(text):
            return _print(text.strip())
        raise Decline
    if kind == _DECIMAL:
        if is_decimal(text):
            return _print(text.strip())
        raise Decline
    if kind == _UID:
        uid = parse_uid(text)
        if uid is None:
            raise Decline
        if uid.urn_type is None:
            if has_urn:
                raise Decline  # bare GUID where a URN is expected (FEL204)
        elif has_urn and uid.urn_type.lower() not in urn_lower:
            raise Decline
        return _print(text.strip())
    # DateTime: quoted, UTC, written with `T`
    if not quoted:
        raise Decline
    m = _UTC(text)
    if m is not None:  # already canonical, if it is a real date and time
        try:
            datetime(*map(int, m.groups()))
        except ValueError:
            pass
        else:
            return '"' + text + '"'
    dt = parse_datetime(text)
    if dt is None or (not dt.marked_utc and dt.has_time) or dt.space_separator:
        raise Decline
    return '"' + canonical_datetime(dt).replace('"', '""') + '"'


# ---- the filter ---------------------------------------------------------------------------

def scan_filter(text: str, pos: int, table: dict, statement: bool) -> tuple[str, int]:
    """(canonical EM filter, where it ends) of the filter at ``pos``; the same tokens the fast
    parser accepts, validated and printed as they are read."""
    kinds: list[str] = []
    items: list = []
    em_mode = not statement
    tokens = iter(_TOKENS(text, pos))
    end = len(text)
    for token in tokens:
        _, raw, op, quoted, bare, punct, word, rest = token
        if raw:
            spec = table.get(raw)  # (no keyword is in the table)
            if spec is None:
                raise Decline  # unknown, misspelt, undocumented or not filterable here
            if quoted:
                value = quoted[1:-1]
                if '"' in value:
                    value = value.replace('""', '"')
                if spec[0] == _STRING and value.isprintable():  # the commonest case, inlined
                    value = value if _BARE(value) else '"' + value.replace('"', '""') + '"'
                else:
                    value = _value(spec, op, True, value, em_mode)
            else:
                canon = spec[3].get(bare) if spec[0] == _ENUM and em_mode else None
                if canon is not None:  # an enum value in a raw filter, inlined (no FEL212 there)
                    value = canon if _BARE(canon) else '"' + canon.replace('"', '""') + '"'
                else:
                    value = _value(spec, op, False, bare, em_mode)
            kinds.append("c")
            items.append(raw + op + value)
        elif punct:
            kinds.append(punct)
            items.append(None)
        elif word and statement:
            word = word.lower()
            if word in _SEPARATORS:
                kinds.append(_SEPARATORS[word])
                items.append(None)
            elif word in _CLAUSES:  # the next clause: the filter ends where its keyword starts
                after = sum(len(t[0]) + len(t[-1]) for t in tokens)
                end = len(text) - after - len(token[0].lstrip(" \t\f\r\n"))
                break
            else:
                raise Decline
        else:
            raise Decline  # `rest`: text the fast parser does not read as a token
    ks = "".join(kinds)
    if "(" not in ks and ")" not in ks:
        n = len(ks)
        if not n or not n % 2 or ks[0::2] != "c" * ((n + 1) // 2):
            raise Decline
        seps = ks[1::2]
        if not seps:
            return items[0], end
        if seps.strip(";") and seps.strip(","):
            raise Decline  # `;` and `,` mixed without parentheses (FEL301)
        return seps[0].join(items[0::2]), end
    parser = _Grouped(ks + "$", items)
    node = parser.expr(False)
    if parser.pos != len(ks):
        raise Decline
    return _emit(node, None), end


def _emit(node, parent: str | None) -> str:
    """Print as the compiler does: same-kind nesting is transparent, a chain is parenthesised
    only inside a chain of the other kind."""
    if node.__class__ is str:
        return node
    kind, operands = node
    text = kind.join([_emit(o, kind) for o in operands])
    return text if parent is None or parent == kind else "(" + text + ")"


class _Grouped:
    """The fast parser's precedence parser over token kinds, building ``(sep, operands)``
    tuples; FEL301 (an unparenthesised AND chain in an unparenthesised OR chain) declines."""

    __slots__ = ("kinds", "items", "pos", "depth")

    def __init__(self, kinds: str, items: list) -> None:
        self.kinds, self.items, self.pos, self.depth = kinds, items, 0, 0

    def expr(self, wrapped: bool):
        first, chain = self._and()
        if self.kinds[self.pos] != ",":
            return first
        operands, bare_and = [first], chain
        while self.kinds[self.pos] == ",":
            self.pos += 1
            node, chain = self._and()
            operands.append(node)
            bare_and = bare_and or chain
        if bare_and and not wrapped:
            raise Decline
        return (",", operands)

    def _and(self):
        first = self._atom()
        if self.kinds[self.pos] != ";":
            return first, False
        operands = [first]
        while self.kinds[self.pos] == ";":
            self.pos += 1
            operands.append(self._atom())
        return (";", operands), True

    def _atom(self):
        k = self.kinds[self.pos]
        self.pos += 1
        if k == "c":
            return self.items[self.pos - 1]
        if k != "(":
            raise Decline
        self.depth += 1
        if self.depth > _MAX_GROUPS:
            raise Decline
        inner = self.expr(True)
        if self.kinds[self.pos] != ")":
            raise Decline
        self.pos += 1
        self.depth -= 1
        return inner

