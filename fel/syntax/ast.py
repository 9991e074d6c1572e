"""The fel syntax tree: immutable nodes with source spans.

Every node is a frozen, slotted dataclass. Spans and purely presentational details (how a
value was quoted, which separator spelling was used, whether a group had parentheses) are
excluded from equality, so ``parse(print(tree)) == tree`` holds for the canonical printer.

Offsets in spans are character offsets into the text that was parsed (for URL input: into the
original URL, not the decoded filter).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Union

from ..span import NO_SPAN, Span

__all__ = [
    "Span", "Name", "Value", "Sep", "Comparison", "Membership", "Not", "And", "Or", "Expr",
    "Number", "Sort", "Param", "Query", "walk", "statement_query", "OPERATORS", "NEGATED_OP", "replace",
]

#: EM comparison operators.
OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
#: The operator that means "not op" (used to lower ``not`` by De Morgan).
NEGATED_OP = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}




@dataclass(frozen=True, slots=True)
class Name:
    """An identifier as written: a field, a query type, a format value."""

    text: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Value:
    """A comparison value. ``text`` is the value itself (quotes removed, ``""`` undoubled).

    ``quoted`` tells how it was written; ``words`` > 1 means unquoted words separated by
    spaces (which EM would glue together); ``typographic`` marks curly quotes.
    """

    text: str
    span: Span = field(default=NO_SPAN, compare=False)
    quoted: bool = field(default=False, compare=False)
    words: int = field(default=1, compare=False)
    typographic: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Sep:
    """A separator token as written (``;``, ``and``, ``&``, ``,``, ``or``, ``||`` …)."""

    text: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Comparison:
    """``field op value``. ``op`` is one of OPERATORS, or ``=`` (a mistake kept for diagnostics)."""

    field: Name
    op: str
    value: Value
    span: Span = field(default=NO_SPAN, compare=False)
    op_span: Span = field(default=NO_SPAN, compare=False)
    parens: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Membership:
    """``field in (v1, v2, …)`` or ``field not in (…)`` — fel's friendly layer."""

    field: Name
    values: tuple[Value, ...]
    negated: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    parens: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    """``not expr`` — fel's friendly layer; lowered by De Morgan."""

    operand: "Expr"
    span: Span = field(default=NO_SPAN, compare=False)
    parens: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple["Expr", ...]
    span: Span = field(default=NO_SPAN, compare=False)
    seps: tuple[Sep, ...] = field(default=(), compare=False)
    parens: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple["Expr", ...]
    span: Span = field(default=NO_SPAN, compare=False)
    seps: tuple[Sep, ...] = field(default=(), compare=False)
    parens: bool = field(default=False, compare=False)


Expr = Union[Comparison, Membership, Not, And, Or]


@dataclass(frozen=True, slots=True)
class Number:
    """An integer parameter (``pageSize``, ``page``, ``limit``) with the text it came from."""

    value: int | None
    text: str = field(default="", compare=False)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Sort:
    field: Name
    descending: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Param:
    """One ``name=value`` pair of URL input, decoded, with the spans of its raw parts."""

    name: str
    value: str
    span: Span = NO_SPAN
    name_span: Span = NO_SPAN
    value_span: Span = NO_SPAN
    has_equals: bool = True


@dataclass(frozen=True, slots=True)
class Query:
    """A whole query: what ``/api/query`` receives, from any of fel's input forms.

    ``origin`` is ``"statement"``, ``"url"`` or ``"filter"`` (a bare EM filter). For
    statements, ``page_size`` comes from ``limit``; compiling adds ``page=1`` unless ``page``
    was given. ``params`` keeps every URL parameter as decoded (duplicates and strays
    included) for the checker; ``path`` is the URL path of URL input.
    """

    type: Name | None = None
    filter: Expr | None = None
    sort: Sort | None = None
    page_size: Number | None = None
    page: Number | None = None
    format: Name | None = None
    origin: str = field(default="statement", compare=False)
    params: tuple[Param, ...] = field(default=(), compare=False)
    path: str | None = field(default=None, compare=False)
    base: str | None = field(default=None, compare=False)
    span: Span = field(default=NO_SPAN, compare=False)
    #: Span of the ``filter`` text inside the source (URL or statement), for diagnostics.
    filter_span: Span | None = field(default=None, compare=False)


def statement_query(type_name: Name, clauses: Iterable[tuple[Param, object]]) -> Query:
    """The :class:`Query` of a fel statement from its type and its clauses in source order, each a
    ``(Param, node)`` pair. The first clause of each kind counts; all are kept in ``params``."""
    params = [Param("type", type_name.text, type_name.span, type_name.span, type_name.span)]
    found: dict = {}
    for param, node in clauses:
        params.append(param)
        found.setdefault("sort" if param.name in ("sortAsc", "sortDesc") else param.name, (param, node))
    where = found.get("filter")
    return Query(
        type=type_name,
        filter=where[1] if where else None,
        sort=found["sort"][1] if "sort" in found else None,
        page_size=found["pageSize"][1] if "pageSize" in found else None,
        page=found["page"][1] if "page" in found else None,
        format=found["format"][1] if "format" in found else None,
        origin="statement",
        params=tuple(params),
        span=Span(type_name.span.start, max(p.span.end for p in params)),
        filter_span=where[0].value_span if where else None,
    )


def walk(expr: Expr | None) -> Iterator[Expr]:
    """Every node of a filter expression, parents before children."""
    if expr is None:
        return
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (And, Or)):
            stack.extend(reversed(node.operands))
        elif isinstance(node, Not):
            stack.append(node.operand)
