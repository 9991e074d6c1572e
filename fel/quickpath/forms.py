"""The quick path's input forms: bare filter, statement, query string and URL.

:func:`quick` recognises the form, reads type, parameters and clauses with the fast parser's
regular expressions and hands the filter to :func:`fel.quickpath.filters.scan_filter`; it
builds the ``CompiledQuery`` (and, for a URL without ``pageSize``, the FEL306 note exactly as
the checker does) or declines with ``None``.
"""
from __future__ import annotations

import re
from urllib.parse import unquote_plus

from ..checker import resolve_version
from ..checker.urlshape import authority_problem
from ..compiler import DEFAULT_BASE, SHORT_ENOUGH, CompiledQuery
from ..diagnostics import Diagnostic, make
from ..schema import QueryType, load_schema
from ..span import Span
from ..syntax.fastpath import _CLAUSE, _CLAUSES, _INT, _KEYWORDS, _NAME_WS, _ORDER_BY, _TYPE, too_many_nots
from ..syntax.parser import MAX_DEPTH
from ..syntax.reader import input_form
from .filters import Decline, scan_filter, type_table

__all__ = ["quick", "MAX_QUICK"]

#: Longer input is left to the full path (the request-line check, FEL414, needs it).
MAX_QUICK = SHORT_ENOUGH
_FORMATS = {"entities": "Entities", "references": "References"}
#: A full URL the quick path takes: lower-case scheme, plain host[:port], the path /api/query.
_FULL = re.compile(r"(https?://[A-Za-z0-9.-]+(?::[0-9]+)?)(/api/)query\?", re.ASCII)
_RELATIVE = re.compile(r"(?:/api/)?query\?", re.ASCII)
#: Shorter text cannot hold more `not`s than the parser's nesting limit.
_FEW_NOTS = 4 * MAX_DEPTH + 2
_URL_PARAMS = frozenset(("type", "format", "filter", "sortAsc", "sortDesc", "pageSize", "page"))
_EXACT: dict[str, QueryType] = {}  # query types by their documented name


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
    except Decline:
        return None


def _type(name: str, version, exact: bool) -> QueryType:
    if not _EXACT:
        _EXACT.update((t.name, t) for t in load_schema().types)
    qtype = _EXACT.get(name)
    if qtype is None and not exact:
        qtype = load_schema().type(name.strip())  # a type= argument: any spelling
    if qtype is None or (version is not None and not qtype.available_in(version)):
        raise Decline
    return qtype


def _bare_filter(text: str, type_name: str, version):
    if not type_name.strip():
        raise Decline
    qtype = _type(type_name, version, False)  # a type= argument is not spelling-checked (no span)
    flt, _ = scan_filter(text, 0, type_table(qtype, version), False)
    return (), CompiledQuery(qtype.name, None, flt, None, None, None, DEFAULT_BASE)


def _statement(text: str, version):
    m = _TYPE.match(text)
    if m is None or m.group(1).lower() in _KEYWORDS:
        raise Decline
    qtype = _type(m.group(1), version, True)
    pos, end = m.end(), len(text)
    flt = sort = page_size = page = fmt = None
    seen = set()
    while pos < end:
        clause = _CLAUSE.match(text, pos)
        if clause is None:
            raise Decline
        word = _CLAUSES[(clause.lastindex or 0) - 1]
        if word in seen:
            raise Decline  # a repeated clause (FEL302)
        seen.add(word)
        pos = clause.end()
        if word == "where":
            flt, pos = scan_filter(text, pos, type_table(qtype, version), True)
        elif word == "order":
            m = _ORDER_BY.match(text, pos)
            if m is None or m.group(1).lower() in _KEYWORDS or qtype.field(m.group(1)) is None \
                    or qtype.field(m.group(1)).name != m.group(1):
                raise Decline
            sort = (m.group(1), m.group(3) is not None)
            pos = m.end()
        elif word == "format":
            m = _NAME_WS.match(text, pos)
            if m is None or m.group(1).lower() not in _FORMATS:
                raise Decline
            fmt = _FORMATS[m.group(1).lower()]
            pos = m.end()
        else:
            m = _INT.match(text, pos)
            if m is None or len(m.group(1)) >= 12 or int(m.group(1)) <= 0:
                raise Decline
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
        raise Decline
    base = DEFAULT_BASE
    m = _FULL.match(text)
    if m is not None:
        authority = m.group(1)[m.group(1).index("//") + 2:]
        if authority_problem(authority) is not None:
            raise Decline
        base = m.group(1) + m.group(2)
        start = m.end()
    else:
        m = _RELATIVE.match(text)
        start = m.end() if m is not None else (1 if text[:1] == "?" else 0)
        if m is None and text[:1] == "/":
            raise Decline
    if text.find("?", start) >= 0:
        raise Decline  # the full reader splits at the first `?`
    values: dict[str, str] = {}
    for part in text[start:].split("&"):
        name, eq, value = part.partition("=")
        if not eq or name not in _URL_PARAMS or name in values:
            raise Decline
        values[name] = value
    if "sortAsc" in values and "sortDesc" in values:
        raise Decline
    if "type" in values:
        tname = values["type"]
        if "%" in tname or "+" in tname or not tname:
            raise Decline
        qtype = _type(tname, version, True)
    elif type_hint is not None and type_hint.strip():
        qtype = _type(type_hint, version, False)
    else:
        raise Decline
    flt = None
    if "filter" in values:
        raw = values["filter"]
        if "%" in raw or "+" in raw:
            raw = _unquote_plus(raw)
            if not raw.isascii():
                raise Decline
        if not raw.strip():
            raise Decline  # an empty filter (FEL010)
        flt, _ = scan_filter(raw, 0, type_table(qtype, version), False)
    fmt = values.get("format")
    if fmt is not None and fmt not in ("Entities", "References"):
        raise Decline
    sort = None
    for name, desc in (("sortAsc", False), ("sortDesc", True)):
        if name in values:
            f = values[name]
            field = qtype.field(f)
            if field is None or field.name != f:
                raise Decline
            sort = (f, desc)
    page_size, page = _number(values.get("pageSize")), _number(values.get("page"))
    diags: tuple[Diagnostic, ...] = ()
    if page_size is None:
        if page is not None:
            raise Decline  # FEL308
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
        raise Decline
    return int(value)

