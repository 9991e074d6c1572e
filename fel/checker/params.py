"""Query-level checks: the endpoint, ``type``, ``format``, sorting, paging and stray or
duplicate parameters."""
from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Fix, make
from ..schema import QueryType, Schema, suggest
from ..schema.versions import EmVersion
from ..span import Span
from ..syntax.ast import Param, Query
from ..syntax.urlinput import KNOWN_PARAMS

__all__ = ["check_params", "resolve_type"]

FORMATS = ("Entities", "References")
_FORMAT_BY_LOWER = {f.lower(): f for f in FORMATS}
_OPERATOR = re.compile(r"(==|!=|<=|>=|<|>)")


def resolve_type(query: Query, schema: Schema, em_version: EmVersion | None, source: str,
                 out: list[Diagnostic]) -> QueryType | None:
    name = query.type
    if name is None or not name.text.strip():
        span = name.span if name is not None else Span(query.span.start, query.span.start)
        out.append(make("FEL103", span, "the query has no `type`" if name is None else "`type` is empty",
                        hint="add type=<QueryType>, e.g. type=BackupJobSession; `fel schema` (`\\types` in the REPL) "
                             "lists the types"))
        return None
    qtype = schema.type(name.text.strip())
    if qtype is None:
        sugg = suggest(name.text.strip(), schema.type_names)
        hint = (f"did you mean {' or '.join('`' + s + '`' for s in sugg)}?" if sugg
                else "`fel schema` (`\\types` in the REPL) lists the query types")
        in_text = name.span.end > name.span.start  # not a `type=` argument given beside a bare filter
        fix = Fix(name.span, sugg[0], f"write `{sugg[0]}`", safe=False) if sugg and in_text else None
        given = "" if in_text else " (the type given for the bare filter)"
        out.append(make("FEL102", name.span, f"`{name.text}`{given} is not a query type", hint=hint, fix=fix))
        return None
    if em_version is not None and not qtype.available_in(em_version):
        out.append(make("FEL104", name.span, f"{qtype.name} is not available in Enterprise Manager {em_version} "
                        f"(it appeared in {qtype.since})"))
    if name.text != qtype.name and name.span.end > name.span.start:
        out.append(make("FEL105", name.span, f"the documented spelling is `{qtype.name}`",
                        fix=Fix(name.span, qtype.name, f"write `{qtype.name}`")))
    return qtype


def check_params(query: Query, qtype: QueryType | None, source: str, out: list[Diagnostic]) -> None:
    """Checks shared by URL input and statements (statements carry equivalent params)."""
    url = query.origin == "url"
    seen: dict[str, Param] = {}
    filter_seen = False
    for p in query.params:
        key = KNOWN_PARAMS.get(p.name.lower())
        if key is None:
            if url:
                _stray(p, qtype, filter_seen, source, out)
            continue
        if key == "filter":
            filter_seen = True
        if url and p.name != key:
            out.append(make("FEL105", p.name_span, f"the documented parameter name is `{key}`",
                            fix=Fix(p.name_span, key, f"write `{key}`")))
        prev = seen.get(key)
        if prev is not None:
            what = f"`{key}`" if url else ("`where`" if key == "filter" else f"the {key} clause")
            out.append(make("FEL302", p.span, f"{what} is given more than once; the first one is used",
                            hint="remove the repeated parameter",
                            fix=Fix(_with_separator(p, source), "", "remove it", safe=False) if url else None))
        else:
            seen[key] = p
    if "sortAsc" in seen and "sortDesc" in seen:
        p = seen["sortDesc"] if seen["sortDesc"].span.start > seen["sortAsc"].span.start else seen["sortAsc"]
        out.append(make("FEL307", p.span, "both sortAsc and sortDesc are given; EM sorts by one field"))
    if url and "filter" in seen and not seen["filter"].value.strip():
        p = seen["filter"]
        out.append(make("FEL010", p.span, "the filter is empty",
                        fix=Fix(_with_separator(p, source), "", "remove the empty filter")))
    _check_format(query, out)
    _check_sort(query, qtype, out)
    _check_paging(query, url, out)


def _with_separator(p: Param, source: str) -> Span:
    """The parameter's span plus the `&` before it (or after it, for the first one)."""
    start, end = p.span.start, p.span.end
    if start > 0 and source[start - 1] == "&":
        return Span(start - 1, end)
    if end < len(source) and source[end] == "&":
        return Span(start, end + 1)
    return Span(start, end)


def _stray(p: Param, qtype: QueryType | None, filter_seen: bool, source: str, out: list[Diagnostic]) -> None:
    raw = source[p.span.start:p.span.end]
    looks_like_condition = bool(_OPERATOR.search(raw)) and (
        qtype is None or qtype.field(p.name.strip()) is not None or p.value.startswith("="))
    amp = p.span.start - 1
    if looks_like_condition and filter_seen and amp >= 0 and source[amp] == "&":
        out.append(make("FEL003", Span(amp, amp + 1),
                        f"`&` ends the filter: `{raw}` becomes a separate parameter that EM ignores",
                        hint="EM's AND is `;`", fix=Fix(Span(amp, amp + 1), ";", "replace `&` with `;`")))
        return
    known = suggest(p.name, tuple(KNOWN_PARAMS.values()), n=1)
    hint = f"did you mean `{known[0]}`?" if known else "EM's query parameters: " + ", ".join(KNOWN_PARAMS.values())
    out.append(make("FEL107", p.name_span, f"EM ignores the parameter `{p.name}`", hint=hint))


def _check_format(query: Query, out: list[Diagnostic]) -> None:
    fmt = query.format
    if fmt is None:
        return
    canon = _FORMAT_BY_LOWER.get(fmt.text.strip().lower())
    if canon is None:
        sugg = suggest(fmt.text.strip(), FORMATS, n=1)
        if not sugg and fmt.text.strip().lower().startswith("entit"):
            sugg = ["Entities"]
        out.append(make("FEL303", fmt.span, f"`{fmt.text}` is not a format; use Entities or References",
                        fix=Fix(fmt.span, sugg[0], f"write `{sugg[0]}`") if sugg else None))
    elif canon != fmt.text and query.origin == "url":
        out.append(make("FEL105", fmt.span, f"the documented spelling is `{canon}`",
                        fix=Fix(fmt.span, canon, f"write `{canon}`")))


def _check_sort(query: Query, qtype: QueryType | None, out: list[Diagnostic]) -> None:
    sort = query.sort
    if sort is None or qtype is None:
        return
    name = sort.field
    field = qtype.field(name.text.strip())
    if field is None:
        sugg = suggest(name.text.strip(), qtype.field_names)
        hint = (f"did you mean {' or '.join('`' + s + '`' for s in sugg)}? " if sugg else "") + \
            f"{qtype.name} fields: {', '.join(qtype.field_names)}"
        what = "empty sort field" if not name.text.strip() else f"`{name.text}` is not a field of {qtype.name}"
        out.append(make("FEL101", name.span, what, hint=hint,
                        fix=Fix(name.span, sugg[0], f"write `{sugg[0]}`", safe=False) if len(sugg) == 1 else None))
    elif field.name != name.text:
        out.append(make("FEL105", name.span, f"the documented spelling is `{field.name}`",
                        fix=Fix(name.span, field.name, f"write `{field.name}`")))


_ASCII_DIGITS = "EM reads the digits 0-9 only"


def _check_paging(query: Query, url: bool, out: list[Diagnostic]) -> None:
    size, page = query.page_size, query.page
    if size is not None and (size.value is None or size.value <= 0):
        out.append(make("FEL304", size.span, f"pageSize must be a whole number above 0, not `{size.text}`",
                        hint=None if size.text.isascii() else _ASCII_DIGITS))
    if page is not None and (page.value is None or page.value <= 0):
        out.append(make("FEL305", page.span, f"page must be a whole number from 1, not `{page.text}`",
                        hint=None if page.text.isascii() else _ASCII_DIGITS))
    if url and size is None:
        at = query.span.end
        if page is not None:
            out.append(make("FEL308", page.span, "page without pageSize counts pages of the server's default size (100)",
                            hint="add pageSize"))
        else:
            out.append(make("FEL306", Span(at, at), "no pageSize: EM returns at most 100 results",
                            hint="add &pageSize=…&page=1 and follow PagingInfo links, or use `fel run --all`"))
