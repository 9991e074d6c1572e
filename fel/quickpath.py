"""The quick path: check and compile clean input straight from its tokens.

Most queries fel sees are correct. For those, the full path (read → tree with spans →
checker → compiler) builds a few dozen objects per comparison only to find nothing to say.
:func:`quick` reads the same input forms with the fast parser's own regular expressions
(:mod:`fel.syntax.fastpath`), looks every name and value up in per-type tables derived from
the schema (field → kind, canonical enum spellings, order, URN types; built once per type and
EM version) and prints the canonical filter while it scans. It never builds a tree, a span or
a ``Reading``.

It answers only when it is sure that the full path finds nothing but, for a URL without
``pageSize``, the FEL306 note (which it builds exactly as the checker does), and it returns
``None`` — decline — on anything else: any value or name the checker would comment on, any
form the fast parser declines, non-ASCII input, time values (``now-24h``), ``not``/``in``,
``;`` and ``,`` mixed without parentheses, repeated or unknown parameters, a ``#``, input
long enough for FEL414. The full path stays the oracle: ``tests/core/test_quickpath.py``
checks on generated, golden and hostile inputs that every answer equals the full path's
diagnostics and compiled query.
"""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote_plus

from .checker import resolve_version
from .checker.values import (canonical_datetime, is_decimal, is_integer, parse_datetime, parse_time_expr,
                             parse_uid)
from .checker.urlshape import authority_problem
from .compiler import DEFAULT_BASE, CompiledQuery
from .diagnostics import Diagnostic, make
from .schema import Kind, QueryType, load_schema
from .span import Span
from .syntax.fastpath import (_CLAUSE, _CLAUSES, _INT, _KEYWORDS, _NAME_WS, _ORDER_BY, _SEPARATORS, _TOKEN, _TYPE,
                              too_many_nots)
from .syntax.parser import MAX_DEPTH
from .syntax.reader import input_form

__all__ = ["quick", "MAX_QUICK"]

#: Longer input is left to the full path (the request-line check, FEL414, needs it).
MAX_QUICK = 800
_BARE = re.compile(r"[A-Za-z0-9_.:-]+").fullmatch
_FORMATS = {"entities": "Entities", "references": "References"}
_STRING, _ENUM, _BOOL, _INTEGER, _DECIMAL, _DATETIME, _UID, _OTHER = range(8)
_KIND = {Kind.STRING: _STRING, Kind.ENUM: _ENUM, Kind.BOOLEAN: _BOOL, Kind.INTEGER: _INTEGER,
         Kind.DECIMAL: _DECIMAL, Kind.DATETIME: _DATETIME, Kind.UID: _UID, Kind.REFERENCE: _OTHER}
_ORDERED_OPS = frozenset(("<", "<=", ">", ">="))
#: A full URL the quick path takes: lower-case scheme, plain host[:port], the path /api/query.
_FULL = re.compile(r"(https?://[A-Za-z0-9.-]+(?::[0-9]+)?)(/api/)query\?", re.ASCII)
_RELATIVE = re.compile(r"(?:/api/)?query\?", re.ASCII)
#: The canonical DateTime form itself: checked with datetime() instead of parse_datetime.
_UTC = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z").fullmatch
#: Shorter text cannot hold more `not`s than the parser's nesting limit.
_FEW_NOTS = 4 * MAX_DEPTH + 2
#: Deeper nesting is left to the full path (its limit, MAX_DEPTH, is higher).
_MAX_GROUPS = 32
_URL_PARAMS = frozenset(("type", "format", "filter", "sortAsc", "sortDesc", "pageSize", "page"))


class _Decline(Exception):
    pass


# ---- per-type tables ----------------------------------------------------------------------

_TABLES: dict[tuple, dict] = {}
_EXACT: dict[str, QueryType] = {}  # query types by their documented name


def _table(qtype: QueryType, version) -> dict:
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
        raise _Decline
    if not text.isprintable():
        raise _Decline  # a control character (FEL214)
    if not quoted:
        if len(text) >= 2 and text[0] == text[-1] == "'":
            raise _Decline  # single quotes (FEL012)
        if kind != _DATETIME and not em_mode and parse_time_expr(text):
            raise _Decline  # a time value on another kind (FEL212)
    if kind == _STRING or kind == _OTHER:
        return text if _BARE(text) else '"' + text.replace('"', '""') + '"'
    if kind == _ENUM:
        canon = enum.get(text)
        if canon is None:
            raise _Decline
        return _print(canon)
    if kind == _BOOL:
        if text == "true" or text == "false":
            return text
        raise _Decline
    if kind == _INTEGER:
        if is_integer(text):
            return _print(text.strip())
        raise _Decline
    if kind == _DECIMAL:
        if is_decimal(text):
            return _print(text.strip())
        raise _Decline
    if kind == _UID:
        uid = parse_uid(text)
        if uid is None:
            raise _Decline
        if uid.urn_type is None:
            if has_urn:
                raise _Decline  # bare GUID where a URN is expected (FEL204)
        elif has_urn and uid.urn_type.lower() not in urn_lower:
            raise _Decline
        return _print(text.strip())
    # DateTime: quoted, UTC, written with `T`
    if not quoted:
        raise _Decline
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
        raise _Decline
    return '"' + canonical_datetime(dt).replace('"', '""') + '"'


# ---- the filter ---------------------------------------------------------------------------

def _filter(text: str, pos: int, table: dict, statement: bool) -> tuple[str, int]:
    """(canonical EM filter, where it ends) of the filter at ``pos``; the same tokens the fast
    parser accepts, validated and printed as they are read."""
    kinds: list[str] = []
    items: list = []
    match = _TOKEN.match
    end = len(text)
    em_mode = not statement
    while pos < end:
        m = match(text, pos)
        if m is None:
            raise _Decline
        (_, after), (ns, ne), (os_, oe), (qs, qe), (bs, be), (ps, _), (ks, ke) = m.regs
        if ns < 0:
            if ps >= 0:
                kinds.append(text[ps])
            else:
                word = text[ks:ke].lower()
                if not statement or word not in _SEPARATORS:
                    if statement and word in _CLAUSES:
                        end = ks
                        break
                    raise _Decline
                kinds.append(_SEPARATORS[word])
            items.append(None)
            pos = after
            continue
        raw = text[ns:ne]
        spec = table.get(raw)  # (no keyword is in the table)
        if spec is None:
            raise _Decline  # unknown, misspelt, undocumented or not filterable here
        op = text[os_:oe]
        if qs >= 0:
            value = text[qs + 1:qe - 1]
            if '"' in value:
                value = value.replace('""', '"')
            if spec[0] == _STRING and value.isprintable():  # the commonest case, inlined
                value = value if _BARE(value) else '"' + value.replace('"', '""') + '"'
            else:
                value = _value(spec, op, True, value, em_mode)
        else:
            value = text[bs:be]
            canon = spec[3].get(value) if spec[0] == _ENUM and em_mode else None
            if canon is not None:  # an enum value in a raw filter, inlined (no FEL212 there)
                value = canon if _BARE(canon) else '"' + canon.replace('"', '""') + '"'
            else:
                value = _value(spec, op, False, value, em_mode)
        kinds.append("c")
        items.append(raw + op + value)
        pos = after
    ks = "".join(kinds)
    if "(" not in ks and ")" not in ks:
        n = len(ks)
        if not n or not n % 2 or ks[0::2] != "c" * ((n + 1) // 2):
            raise _Decline
        seps = ks[1::2]
        if not seps:
            return items[0], end
        if seps.strip(";") and seps.strip(","):
            raise _Decline  # `;` and `,` mixed without parentheses (FEL301)
        return seps[0].join(items[0::2]), end
    parser = _Grouped(ks + "$", items)
    node = parser.expr(False)
    if parser.pos != len(ks):
        raise _Decline
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
            raise _Decline
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
            raise _Decline
        self.depth += 1
        if self.depth > _MAX_GROUPS:
            raise _Decline
        inner = self.expr(True)
        if self.kinds[self.pos] != ")":
            raise _Decline
        self.pos += 1
        self.depth -= 1
        return inner


# ---- input forms --------------------------------------------------------------------------

def quick(text: str, type: str | None = None, em_version=None,
          diagnostics: bool = True) -> tuple[tuple[Diagnostic, ...], CompiledQuery] | None:
    """(diagnostics, compiled query) for clean input — exactly what the full path gives —
    or None when the full path must answer. ``diagnostics=False``: the caller only compiles,
    and the diagnostics (only ever a FEL306 note) are left out."""
    if (text.__class__ is not str or len(text) > MAX_QUICK or not text.isascii() or "#" in text
            or (type is not None and type.__class__ is not str)
            or (len(text) > _FEW_NOTS and too_many_nots(text, MAX_DEPTH))):
        return None
    if em_version is None:
        version = None
    else:
        try:
            version = resolve_version(em_version)
        except (ValueError, TypeError):
            return None
    try:
        form = input_form(text, type is not None)
        if form == "url":
            return _url(text, type, version, diagnostics)
        if form == "filter":
            return _bare_filter(text, type, version)
        return _statement(text, version)
    except _Decline:
        return None


def _type(name: str, version, exact: bool) -> QueryType:
    if not _EXACT:
        _EXACT.update((t.name, t) for t in load_schema().types)
    qtype = _EXACT.get(name)
    if qtype is None and not exact:
        qtype = load_schema().type(name.strip())  # a type= argument: any spelling
    if qtype is None or (version is not None and not qtype.available_in(version)):
        raise _Decline
    return qtype


def _bare_filter(text: str, type_name: str, version):
    if not type_name.strip():
        raise _Decline
    qtype = _type(type_name, version, False)  # a type= argument is not spelling-checked (no span)
    flt, _ = _filter(text, 0, _table(qtype, version), False)
    return (), CompiledQuery(qtype.name, None, flt, None, None, None, DEFAULT_BASE)


def _statement(text: str, version):
    m = _TYPE.match(text)
    if m is None or m.group(1).lower() in _KEYWORDS:
        raise _Decline
    qtype = _type(m.group(1), version, True)
    pos, end = m.end(), len(text)
    flt = sort = page_size = page = fmt = None
    seen = set()
    while pos < end:
        clause = _CLAUSE.match(text, pos)
        if clause is None:
            raise _Decline
        word = _CLAUSES[(clause.lastindex or 0) - 1]
        if word in seen:
            raise _Decline  # a repeated clause (FEL302)
        seen.add(word)
        pos = clause.end()
        if word == "where":
            flt, pos = _filter(text, pos, _table(qtype, version), True)
        elif word == "order":
            m = _ORDER_BY.match(text, pos)
            if m is None or m.group(1).lower() in _KEYWORDS or qtype.field(m.group(1)) is None \
                    or qtype.field(m.group(1)).name != m.group(1):
                raise _Decline
            sort = (m.group(1), m.group(3) is not None)
            pos = m.end()
        elif word == "format":
            m = _NAME_WS.match(text, pos)
            if m is None or m.group(1).lower() not in _FORMATS:
                raise _Decline
            fmt = _FORMATS[m.group(1).lower()]
            pos = m.end()
        else:
            m = _INT.match(text, pos)
            if m is None or len(m.group(1)) >= 12 or int(m.group(1)) <= 0:
                raise _Decline
            if word == "limit":
                page_size = int(m.group(1))
            else:
                page = int(m.group(1))
            pos = m.end()
    if page_size is not None and page is None:
        page = 1
    return (), CompiledQuery(qtype.name, fmt, flt, sort, page_size, page, DEFAULT_BASE)


def _url(text: str, type_hint: str | None, version, diagnostics: bool):
    if text != text.strip():
        raise _Decline
    base = DEFAULT_BASE
    m = _FULL.match(text)
    if m is not None:
        authority = m.group(1)[m.group(1).index("//") + 2:]
        if authority_problem(authority) is not None:
            raise _Decline
        base = m.group(1) + m.group(2)
        start = m.end()
    else:
        m = _RELATIVE.match(text)
        start = m.end() if m is not None else (1 if text[:1] == "?" else 0)
        if m is None and text[:1] == "/":
            raise _Decline
    if text.find("?", start) >= 0:
        raise _Decline  # the full reader splits at the first `?`
    values: dict[str, str] = {}
    for part in text[start:].split("&"):
        name, eq, value = part.partition("=")
        if not eq or name not in _URL_PARAMS or name in values:
            raise _Decline
        values[name] = value
    if "sortAsc" in values and "sortDesc" in values:
        raise _Decline
    if "type" in values:
        tname = values["type"]
        if "%" in tname or "+" in tname or not tname:
            raise _Decline
        qtype = _type(tname, version, True)
    elif type_hint is not None and type_hint.strip():
        qtype = _type(type_hint, version, False)
    else:
        raise _Decline
    flt = None
    if "filter" in values:
        raw = values["filter"]
        if "%" in raw or "+" in raw:
            raw = _unquote_plus(raw)
            if not raw.isascii():
                raise _Decline
        if not raw.strip():
            raise _Decline  # an empty filter (FEL010)
        flt, _ = _filter(raw, 0, _table(qtype, version), False)
    fmt = values.get("format")
    if fmt is not None and fmt not in ("Entities", "References"):
        raise _Decline
    sort = None
    for name, desc in (("sortAsc", False), ("sortDesc", True)):
        if name in values:
            f = values[name]
            field = qtype.field(f)
            if field is None or field.name != f:
                raise _Decline
            sort = (f, desc)
    page_size, page = _number(values.get("pageSize")), _number(values.get("page"))
    diags: tuple[Diagnostic, ...] = ()
    if page_size is None:
        if page is not None:
            raise _Decline  # FEL308
    if page_size is None and diagnostics:
        at = len(text)
        diags = (make("FEL306", Span(at, at), "no pageSize: EM returns at most 100 results",
                      hint="add &pageSize=…&page=1 and follow PagingInfo links, or use `fel run --all`"),)
    return diags, CompiledQuery(qtype.name, fmt, flt, sort, page_size, page, base)


def _unquote_plus(raw: str) -> str:
    """``unquote_plus`` for ASCII text, in C: ``%HH`` → ``\\xHH`` read by the unicode_escape codec
    (which takes exactly two hex digits, else raises). Bytes above 7F come out as Latin-1
    characters, not UTF-8 ones; the caller declines any non-ASCII result either way."""
    if "\\" not in raw:
        try:
            return raw.replace("+", " ").replace("%", "\\x").encode("ascii").decode("unicode_escape")
        except UnicodeDecodeError:
            pass
    return unquote_plus(raw)


def _number(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) >= 12 or int(value) <= 0:
        raise _Decline
    return int(value)
