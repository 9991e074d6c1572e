"""Canonical text for syntax trees, and the syntactic lowering of fel's friendly layer.

* :func:`print_filter` — EM filter text: no whitespace, ``;`` and ``,``, parentheses wherever
  AND and OR mix, values bare when they match ``[A-Za-z0-9_.:-]+`` and quoted otherwise
  (``""`` doubles a quote).
* :func:`print_statement` — fel statement text (``Type where … order by … limit …``).
* :func:`lower` — rewrite ``not``/``in`` into plain EM comparisons (De Morgan), flattening
  nested AND/OR. Time values are lowered by the compiler, which knows the field types.

``parse(print(tree)) == tree`` holds for both printers (spans are not compared).
"""
from __future__ import annotations

import re
from typing import Callable

from .ast import NEGATED_OP, And, Comparison, Expr, Membership, Not, Or, Query, Value

__all__ = ["print_filter", "print_statement", "print_value", "lower", "flatten", "negate"]

_BARE = re.compile(r"[A-Za-z0-9_.:-]+").fullmatch


def print_value(value: Value, force_quotes: bool = False) -> str:
    text = value.text
    if not force_quotes and _BARE(text):
        return text
    return '"' + text.replace('"', '""') + '"'


QuoteRule = Callable[[Comparison | Membership, Value], bool]


def _needs_parens(child: Expr, parent: type) -> bool:
    return isinstance(child, (And, Or)) and not isinstance(child, parent)


def print_filter(expr: Expr, *, style: str = "em", force_quotes: QuoteRule | None = None) -> str:
    """Canonical text of a filter. ``style`` is ``"em"`` (``;`` ``,``) or ``"fel"`` (``and``/``or``
    with spaces). ``not``/``in`` always print in fel syntax (lower them first for EM)."""
    em = style == "em"
    and_sep, or_sep = (";", ",") if em else (" and ", " or ")
    op_pad = "" if em else " "

    def val(node, v: Value) -> str:
        return print_value(v, bool(force_quotes and force_quotes(node, v)))

    def emit(node: Expr) -> str:
        if isinstance(node, Comparison):
            return f"{node.field.text}{op_pad}{node.op}{op_pad}{val(node, node.value)}"
        if isinstance(node, Membership):
            kw = " not in " if node.negated else " in "
            return node.field.text + kw + "(" + ", ".join(val(node, v) for v in node.values) + ")"
        if isinstance(node, Not):
            inner = emit(node.operand)
            return "not (" + inner + ")" if isinstance(node.operand, (And, Or)) else "not " + inner
        sep = and_sep if isinstance(node, And) else or_sep
        parts = []
        for child in node.operands:
            text = emit(child)
            parts.append("(" + text + ")" if _needs_parens(child, type(node)) else text)
        return sep.join(parts)

    return emit(expr)


def print_statement(query: Query) -> str:
    """Canonical fel statement text of a query."""
    out = [query.type.text if query.type else "?"]
    if query.filter is not None:
        out.append("where " + print_filter(query.filter, style="fel"))
    if query.sort is not None:
        out.append(f"order by {query.sort.field.text} {'desc' if query.sort.descending else 'asc'}")
    if query.page_size is not None:
        out.append(f"limit {query.page_size.text or query.page_size.value}")
    if query.page is not None:
        out.append(f"page {query.page.text or query.page.value}")
    if query.format is not None:
        out.append(f"format {query.format.text}")
    return " ".join(out)


def flatten(expr: Expr) -> Expr:
    """Merge nested AND-in-AND and OR-in-OR; drop single-operand chains."""
    if isinstance(expr, (And, Or)):
        ops: list[Expr] = []
        for child in expr.operands:
            child = flatten(child)
            if type(child) is type(expr):
                ops.extend(child.operands)  # type: ignore[union-attr]
            else:
                ops.append(child)
        if len(ops) == 1:
            return ops[0]
        return type(expr)(tuple(ops), expr.span, expr.seps, expr.parens)
    if isinstance(expr, Not):
        return Not(flatten(expr.operand), expr.span, expr.parens)
    return expr


def negate(expr: Expr) -> Expr:
    """``not expr`` in plain EM terms (De Morgan; operators inverted)."""
    if isinstance(expr, Comparison):
        op = NEGATED_OP.get(expr.op, expr.op)
        return Comparison(expr.field, op, expr.value, expr.span, expr.op_span)
    if isinstance(expr, Membership):
        return lower(Membership(expr.field, expr.values, not expr.negated, expr.span))
    if isinstance(expr, Not):
        return lower(expr.operand)
    if isinstance(expr, And):
        return Or(tuple(negate(o) for o in expr.operands), expr.span)
    return And(tuple(negate(o) for o in expr.operands), expr.span)


def lower(expr: Expr) -> Expr:
    """Rewrite fel's friendly layer (``not``, ``in``, ``not in``) into EM comparisons."""
    if isinstance(expr, Membership):
        op = "!=" if expr.negated else "=="
        comps = tuple(Comparison(expr.field, op, v, expr.span) for v in expr.values)
        if len(comps) == 1:
            return comps[0]
        return And(comps, expr.span) if expr.negated else Or(comps, expr.span)
    if isinstance(expr, Not):
        return flatten(negate(expr.operand))
    if isinstance(expr, (And, Or)):
        return flatten(type(expr)(tuple(lower(o) for o in expr.operands), expr.span, expr.seps))
    return expr
