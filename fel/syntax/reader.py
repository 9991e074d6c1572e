"""The front door: read any input form into a :class:`~fel.syntax.ast.Query`.

Forms: a fel statement, a full EM URL, ``/api/query?…``, ``query?…``, a bare query string
(``type=Job&filter=…``) or — when a type is given — a bare EM filter. Syntax problems come
back as diagnostics, never as exceptions, so the checker can report everything at once.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable

from ..diagnostics import Diagnostic, Fix
from ..span import Span
from .ast import Name, Number, Query, Sort
from .parser import MAX_INPUT, SyntaxProblem, depth_problem, parse_filter, parse_statement
from .urlinput import (KNOWN_PARAMS, Decoded, UrlParts, identity_decoded, looks_like_query_string, looks_like_url,
                       read_url_parts)

__all__ = ["Reading", "read", "input_form", "remap_spans"]


@dataclass(slots=True)
class Reading:
    source: str
    form: str                      # "statement" | "url" | "filter"
    query: Query | None            # None when nothing usable could be read
    diagnostics: list[Diagnostic] = field(default_factory=list)
    url: UrlParts | None = None


def input_form(text: str, type_given: bool = False) -> str:
    if looks_like_url(text) or looks_like_query_string(text):
        return "url"
    return "filter" if type_given else "statement"


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass (cached per class); None for anything else."""
    try:
        return _FIELDS[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
        _FIELDS[cls] = names
        return names


def remap_spans(node: Any, fn: Callable[[Span], Span]) -> Any:
    """A copy of an AST (or diagnostic) with every span passed through ``fn``."""
    if isinstance(node, Span):
        return fn(node)
    if isinstance(node, tuple):
        return tuple(remap_spans(n, fn) for n in node)
    names = _field_names(type(node))
    if names is None:
        return node
    changes = {}
    for name in names:
        v = getattr(node, name)
        if v is None or isinstance(v, (str, int)):
            continue
        nv = remap_spans(v, fn)
        if nv is not v:
            changes[name] = nv
    return dataclasses.replace(node, **changes) if changes else node


def read(text: str, *, type: str | None = None) -> Reading:
    """Read ``text`` in whichever form it is. ``type`` names the query type of a bare filter."""
    problem = depth_problem(text)
    if problem is not None:
        return Reading(text, "statement", None, [problem])
    form = input_form(text, type is not None)
    if form == "url":
        return _read_url(text, type)
    if form == "filter":
        return _read_filter(text, type or "")
    try:
        return Reading(text, "statement", parse_statement(text))
    except SyntaxProblem as err:
        return Reading(text, "statement", None, list(err.diagnostics))


def _read_filter(text: str, type_name: str) -> Reading:
    tname = Name(type_name, Span(0, 0))
    try:
        expr = parse_filter(text)
    except SyntaxProblem as err:
        return Reading(text, "filter", Query(type=tname, origin="filter", span=Span(0, len(text))),
                       list(err.diagnostics))
    return Reading(text, "filter", Query(type=tname, filter=expr, origin="filter", span=Span(0, len(text)),
                                         filter_span=expr.span))


def _number(value: str, span: Span) -> Number:
    """``pageSize``/``page``: an optionally signed run of ASCII digits (``str.isdigit`` and
    ``int`` also take ``٥``, an Arabic-Indic 5, which EM does not); else the value is None."""
    v = value.strip(" \t\n\r\f\v")
    digits = v[1:] if v[:1] in ("+", "-") else v
    ok = digits and len(v) < 12 and digits.isascii() and digits.isdigit()
    return Number(int(v) if ok else None, value, span)


#: The parameters a query takes its parts from ("sort" for either sortAsc or sortDesc).
_PART_OF = {low: ("sort" if canon in ("sortAsc", "sortDesc") else canon) for low, canon in KNOWN_PARAMS.items()}


def _read_url(text: str, type_hint: str | None) -> Reading:
    parts, decoded = read_url_parts(text)
    diags: list[Diagnostic] = []
    params = parts.params
    first: dict[str, int] = {}  # part -> index of the first parameter giving it
    part_of = _PART_OF
    for i, p in enumerate(params):
        key = part_of.get(p.name.lower())
        if key is not None and key not in first:
            first[key] = i
    get = first.get

    i = get("type")
    if i is not None:
        tparam = params[i]
        qtype = Name(tparam.value, tparam.value_span)
    else:
        qtype = Name(type_hint, Span(0, 0)) if type_hint else None
    expr = None
    filter_span = None
    i = get("filter")
    if i is not None:
        fparam = params[i]
        if fparam.value.strip():
            filter_span = fparam.value_span
            dec = decoded[i]
            if dec is None:  # nothing was decoded: the value sits in the source as written
                expr, fdiags = _parse_in_place(fparam.value, fparam.value_span.start)
            else:
                expr, fdiags = _parse_decoded_filter(dec)
            if fdiags:
                diags.extend(fdiags)
    sort = None
    i = get("sort")
    if i is not None:
        sparam = params[i]
        sort = Sort(Name(sparam.value, sparam.value_span), sparam.name.lower() == "sortdesc", sparam.span)
    i = get("pageSize")
    page_size = None if i is None else _number(params[i].value, params[i].value_span)
    i = get("page")
    page = None if i is None else _number(params[i].value, params[i].value_span)
    i = get("format")
    fmt = None if i is None else Name(params[i].value, params[i].value_span)
    query = Query(qtype, expr, sort, page_size, page, fmt, "url", params, parts.path, parts.base,
                  Span(len(text) - len(text.lstrip()), len(text.rstrip())), filter_span)
    return Reading(text, "url", query, diags, parts)


def _parse_in_place(text: str, shift: int):
    """Parse a filter value that needed no decoding, found at ``shift`` in the source: at its
    own offset (leading whitespace is insignificant to the grammar), so the spans need no
    mapping at all."""
    if shift <= MAX_INPUT - len(text):
        try:
            return parse_filter(" " * shift + text), []
        except SyntaxProblem as err:
            return None, list(err.diagnostics)
    return _parse_decoded_filter(identity_decoded(text, shift))


def _parse_decoded_filter(dec: Decoded):
    """Parse a decoded filter value; spans (tree and diagnostics) point into the source."""
    shift = dec.shift
    if shift is not None and shift <= MAX_INPUT - len(dec.text):
        return _parse_in_place(dec.text, shift)
    fn = lambda s: dec.span(s.start, s.end)  # noqa: E731
    try:
        expr = parse_filter(dec.text)
    except SyntaxProblem as err:
        return None, [_remap_diag(d, fn) for d in err.diagnostics]
    return remap_spans(expr, fn), []


def _remap_diag(d: Diagnostic, fn: Callable[[Span], Span]) -> Diagnostic:
    fix = d.fix
    if fix is not None:
        fix = Fix(fn(fix.span), fix.replacement, fix.description, fix.safe)
    return dataclasses.replace(d, span=fn(d.span), fix=fix)
