"""Validation of a filter expression against a query type's schema."""
from __future__ import annotations

import re

from ..diagnostics import Diagnostic, Fix, make
from ..schema import Field, Kind, QueryType, suggest
from ..span import Span
from ..syntax.ast import And, Comparison, Expr, Membership, Not, Or, Value
from ..syntax.printer import lower, print_filter, print_value
from .values import (MAX_TIME_OFFSET, canonical_datetime, is_decimal, is_integer, parse_bool, parse_datetime,
                     parse_time_expr, parse_uid, time_offset)

__all__ = ["check_filter"]

_AND_WORDS = {"and", "&", "&&"}
# The kinds as module constants (an enum member read through its class costs a lookup each).
_DATETIME, _ENUM, _BOOLEAN, _INTEGER, _DECIMAL, _UID = (Kind.DATETIME, Kind.ENUM, Kind.BOOLEAN, Kind.INTEGER,
                                                        Kind.DECIMAL, Kind.UID)
#: Operators that need an ordered kind (FEL210), and the kinds without an order (``Kind.ordered``).
_ORDERING_OPS = frozenset(("<", "<=", ">", ">="))
_UNORDERED = tuple(k for k in Kind if not k.ordered)
_OR_WORDS = {"or", "||"}


def check_filter(expr: Expr, qtype: QueryType | None, source: str, *, em_mode: bool) -> list[Diagnostic]:
    """Diagnostics for a filter. ``em_mode``: the filter travels to EM as written (URL or bare
    filter), so fel's friendly syntax is a mistake there.

    One walk over the tree; the caller sorts the diagnostics by position.
    """
    out: list[Diagnostic] = []
    friendly_reported = False
    stack = [expr]  # walk(expr), inlined: parents before children
    while stack:
        node = stack.pop()
        if isinstance(node, Comparison):
            _check_comparison(node, qtype, source, em_mode, out)
        elif isinstance(node, (And, Or)):
            _check_chain(node, source, em_mode, out)
            stack.extend(reversed(node.operands))
        else:
            if isinstance(node, Not):
                stack.append(node.operand)
            if em_mode and not friendly_reported and isinstance(node, (Not, Membership)):
                friendly_reported = True
                _report_friendly(node, out)
            if isinstance(node, Membership):
                field = _resolve_field(node.field, qtype, out)
                for v in node.values:
                    _check_value(node, field, v, source, em_mode, out)
    return out


# ---- structure ----------------------------------------------------------------------------

def _check_chain(node: And | Or, source: str, em_mode: bool, out: list[Diagnostic]) -> None:
    for sep in node.seps:
        _check_sep(sep.text, sep.span, isinstance(node, And), em_mode, out)
    if isinstance(node, Or) and not node.parens:
        for child in node.operands:
            if isinstance(child, And) and not child.parens and len(child.operands) > 1:
                text = source[child.span.start:child.span.end]
                out.append(make(
                    "FEL301", child.span,
                    "`;` and `,` are mixed without parentheses; fel reads AND first, but EM does not document it",
                    hint=f"write ({text}) to make the grouping explicit",
                    fix=Fix(child.span, f"({text})", "add parentheses", safe=False)))


def _report_friendly(node: Not | Membership, out: list[Diagnostic]) -> None:
    what = "`not`" if isinstance(node, Not) else "`in (…)`"
    lowered = print_filter(lower(node))
    out.append(make(
        "FEL011", node.span, f"{what} is fel syntax; EM does not understand it in a raw filter",
        hint=f"in EM syntax: {lowered}",
        fix=Fix(node.span, f"({lowered})" if isinstance(lower(node), (And, Or)) else lowered,
                "rewrite in EM syntax")))


def _check_sep(text: str, span: Span, is_and: bool, em_mode: bool, out: list[Diagnostic]) -> None:
    low = text.lower()
    right = ";" if is_and else ","
    if low in (";", ","):
        return
    if low in ("&", "&&", "||"):
        out.append(make("FEL004", span, f"`{text}` is not an EM operator; {'AND' if is_and else 'OR'} is `{right}`",
                        hint=f"use `{right}`" if em_mode else f"use `{right}` or `{'and' if is_and else 'or'}`",
                        fix=Fix(span, right, f"replace `{text}` with `{right}`")))
    elif em_mode and low in ("and", "or"):
        out.append(make("FEL004", span, f"`{text}` is not EM syntax; {'AND' if is_and else 'OR'} is `{right}`",
                        hint=f"use `{right}`", fix=Fix(span, right, f"replace `{text}` with `{right}`")))


# ---- names --------------------------------------------------------------------------------

def _resolve_field(name, qtype: QueryType | None, out: list[Diagnostic]) -> Field | None:
    if qtype is None:
        return None
    field = qtype.field(name.text)
    if field is None:
        sugg = suggest(name.text, qtype.field_names)
        hint = (f"did you mean {' or '.join('`' + s + '`' for s in sugg)}? " if sugg else "") + \
            f"{qtype.name} fields: {', '.join(qtype.field_names)}"
        fix = Fix(name.span, sugg[0], f"replace with `{sugg[0]}`", safe=False) if len(sugg) == 1 else None
        out.append(make("FEL101", name.span, f"`{name.text}` is not a field of {qtype.name}", hint=hint, fix=fix))
        return None
    if field.undocumented:
        out.append(make("FEL106", name.span, f"`{field.name}` is not in Veeam's field table for {qtype.name}",
                        hint=field.note or "it works on real servers; fel accepts it"))
    if name.text != field.name:
        out.append(make("FEL105", name.span, f"the documented spelling is `{field.name}`",
                        fix=Fix(name.span, field.name, f"write `{field.name}`")))
    return field


# ---- comparisons and values -----------------------------------------------------------------

def _check_comparison(node: Comparison, qtype: QueryType | None, source: str, em_mode: bool,
                      out: list[Diagnostic]) -> None:
    if node.op == "=":
        out.append(make("FEL005", node.op_span, "`=` is not an EM comparison; equality is `==`",
                        fix=Fix(node.op_span, "==", "replace `=` with `==`")))
    field = _resolve_field(node.field, qtype, out)
    if field is not None and node.op in _ORDERING_OPS and field.kind in _UNORDERED:
        out.append(make("FEL210", node.op_span,
                        f"`{node.op}` on {field.name}, a {field.kind.value} field, has no meaningful order",
                        hint="compare with `==` or `!=`"))
    _check_value(node, field, node.value, source, em_mode, out)


def _quoted_fix(value: Value, text: str, description: str, safe: bool = True) -> Fix:
    return Fix(value.span, '"' + text.replace('"', '""') + '"', description, safe)


def _check_value(node, field: Field | None, value: Value, source: str, em_mode: bool,
                 out: list[Diagnostic]) -> None:
    text = value.text
    if value.typographic:
        out.append(make("FEL002", value.span, "typographic quotes are not EM quotes",
                        hint='use straight double quotes (")', fix=_quoted_fix(value, text, "use straight quotes")))
    elif value.words > 1 and len(text) >= 2 and text[0] == text[-1] == "'":
        out.append(make("FEL012", value.span, "single quotes are not EM quotes: EM drops the spaces and keeps the quotes",
                        hint=f'use double quotes: "{text[1:-1]}"', fix=_quoted_fix(value, text[1:-1], "use double quotes")))
    elif value.words > 1:
        out.append(make("FEL006", value.span,
                        f"unquoted value with spaces: EM drops the spaces and looks for `{text.replace(' ', '')}`",
                        hint=f'quote it: "{text}"', fix=_quoted_fix(value, text, "quote the value")))
    elif not value.quoted and len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        out.append(make("FEL012", value.span, "single quotes become part of the value in EM",
                        fix=_quoted_fix(value, text[1:-1], "use double quotes")))
    if not text.isprintable():
        _check_control(value, out)
    if field is None:
        return
    kind = field.kind
    if kind is _DATETIME:
        _check_datetime(field, value, em_mode, out)
    elif not em_mode and not value.quoted and parse_time_expr(text):
        out.append(make("FEL212", value.span, f"`{text}` is compared with {field.name}, which is not a DateTime; "
                        "it stays a literal string"))
    if kind is _ENUM:
        canon = field.canonical_enum(text)
        if canon is None:
            sugg = suggest(text, field.enum)
            out.append(make("FEL208", value.span, f"`{text}` is not a value of {field.name}",
                            hint=(f"did you mean `{sugg[0]}`? " if sugg else "") + "values: " + ", ".join(field.enum),
                            fix=Fix(value.span, sugg[0], f"write `{sugg[0]}`", safe=False) if sugg else None))
        elif canon != text and not field.documented_spelling(text):
            out.append(make("FEL209", value.span, f"the documented spelling is `{canon}`",
                            fix=Fix(value.span, canon, f"write `{canon}`")))
    elif kind is _BOOLEAN:
        b = parse_bool(text)
        if b is None:
            out.append(make("FEL207", value.span, f"{field.name} is a Boolean; `{text}` is not `true` or `false`",
                            hint="use true or false"))
        elif text != ("true" if b else "false"):
            canon = "true" if b else "false"
            out.append(make("FEL209", value.span, f"the canonical spelling is `{canon}`",
                            fix=Fix(value.span, canon, f"write `{canon}`")))
    elif kind is _INTEGER and not is_integer(text):
        out.append(make("FEL206", value.span, f"{field.name} is a whole number ({field.doc_type}); `{text}` is not",
                        hint="write digits only, e.g. 107374182400 for 100 GiB"))
    elif kind is _DECIMAL and not is_decimal(text):
        out.append(make("FEL206", value.span, f"{field.name} is a number ({field.doc_type}); `{text}` is not"))
    elif kind is _UID:
        _check_uid(field, value, out)


def _check_datetime(field: Field, value: Value, em_mode: bool, out: list[Diagnostic]) -> None:
    text = value.text
    expr = None if value.quoted else parse_time_expr(text)
    if expr:
        if not em_mode and abs(time_offset(expr)) > MAX_TIME_OFFSET:
            out.append(make("FEL213", value.span, f"`{text}` reaches more than 1000 years from now",
                            hint="fel accepts offsets of up to 1000 years (365250d, 52178w); "
                                 'for a fixed date write it, e.g. "2025-08-15T06:00:00Z"'))
        if em_mode:
            out.append(make("FEL011", value.span, f"`{text}` is a fel time value; EM needs a date and time",
                            hint="use a fel statement (`<Type> where …`) or write the UTC time, e.g. "
                                 '"2025-08-15T06:00:00Z"'))
        return
    dt = parse_datetime(text)
    if dt is None:
        out.append(make("FEL201", value.span, f"`{text}` is not a date and time",
                        hint='write UTC like "2025-08-15T06:00:00Z"' + ("" if em_mode else ", or now, today, now-24h")))
        return
    if not dt.marked_utc and dt.has_time:
        canon = '"' + canonical_datetime(dt) + '"'
        what = "uses a space instead of `T` and " if dt.space_separator else ""
        zone = f"has the offset {dt.zone}" if dt.zone else "has no `Z`"
        out.append(make("FEL202", value.span, f"DateTime value {what}{zone}; EM takes UTC only",
                        hint=f"write {canon}" + ("" if dt.zone else " if the time is UTC"),
                        fix=Fix(value.span, canon, "write it in UTC", safe=dt.zone is not None)))
    elif dt.space_separator:
        canon = '"' + canonical_datetime(dt) + '"'
        out.append(make("FEL202", value.span, "DateTime value uses a space instead of `T`",
                        hint=f"write {canon}", fix=Fix(value.span, canon, "write it in ISO form")))
    elif not value.quoted:
        out.append(make("FEL211", value.span, "DateTime values are quoted in Veeam's examples",
                        fix=Fix(value.span, '"' + text + '"', "quote it")))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _check_control(value: Value, out: list[Diagnostic]) -> None:
    """FEL214: a control character in a value (``isprintable()`` is the cheap pre-test)."""
    m = _CONTROL.search(value.text)
    if m is None:
        return
    ch = m.group()
    names = {"\x00": " (NUL)", "\t": " (tab)", "\n": " (newline)", "\r": " (carriage return)"}
    out.append(make("FEL214", value.span,
                    f"the value holds the control character U+{ord(ch):04X}{names.get(ch, '')}; "
                    "no name in EM holds one, and HTTP.sys rejects it in a URL by default",
                    hint="remove it; if it came from a file or a variable, strip the value first"))


def _check_uid(field: Field, value: Value, out: list[Diagnostic]) -> None:
    uid = parse_uid(value.text)
    if uid is None:
        out.append(make("FEL203", value.span, f"`{value.text}` is not a UID for {field.name}",
                        hint="write urn:veeam:<Type>:<guid> or a bare GUID"
                             + (f", e.g. urn:veeam:{field.urn_types[0]}:<guid>" if field.urn_types else "")))
        return
    if uid.urn_type is None:
        if field.urn_types:
            urn = f"urn:veeam:{field.urn_types[0]}:{uid.guid}"
            out.append(make("FEL204", value.span, f"bare GUID; {field.name} holds urn:veeam:{field.urn_types[0]}:… UIDs",
                            hint=f"write {urn}", fix=Fix(value.span, print_value(Value(urn)), "write the URN",
                                                         safe=False)))
        return
    if field.urn_types and uid.urn_type.lower() not in {t.lower() for t in field.urn_types}:
        out.append(make("FEL205", value.span,
                        f"{field.name} holds {' or '.join(field.urn_types)} UIDs, not {uid.urn_type}",
                        hint=f"check the value; expected urn:veeam:{field.urn_types[0]}:<guid>"))
