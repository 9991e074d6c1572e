"""``\\explain``: the syntax tree (as an indented outline), the canonical statement, the EM
filter and the URL, side by side, with any diagnostics under them."""
from __future__ import annotations

from typing import Any

from .multiline import join_continuations

__all__ = ["tree_lines", "explain_text"]


def _value(v: Any) -> str:
    from fel.syntax.printer import print_value

    return print_value(v)


def _expr_lines(node: Any, prefix: str, last: bool, out: list[str]) -> None:
    from fel.syntax.ast import And, Comparison, Membership, Not, Or

    branch = "└─ " if last else "├─ "
    if isinstance(node, Comparison):
        out.append(f"{prefix}{branch}{node.field.text} {node.op} {_value(node.value)}")
        return
    if isinstance(node, Membership):
        values = ", ".join(_value(v) for v in node.values)
        out.append(f"{prefix}{branch}{node.field.text} {'not in' if node.negated else 'in'} ({values})")
        return
    child_prefix = prefix + ("   " if last else "│  ")
    if isinstance(node, Not):
        out.append(f"{prefix}{branch}not")
        _expr_lines(node.operand, child_prefix, True, out)
        return
    label = "and  (EM ;)" if isinstance(node, And) else "or  (EM ,)" if isinstance(node, Or) else type(node).__name__
    out.append(f"{prefix}{branch}{label}")
    operands = list(getattr(node, "operands", ()))
    for i, child in enumerate(operands):
        _expr_lines(child, child_prefix, i == len(operands) - 1, out)


def tree_lines(query: Any) -> list[str]:
    """An outline of a :class:`fel.syntax.ast.Query`."""
    out = [f"query {query.type.text if query.type else '(no type)'}"]
    parts: list[tuple[str, Any]] = []
    if query.filter is not None:
        parts.append(("where", query.filter))
    if query.sort is not None:
        parts.append((f"order by {query.sort.field.text} {'desc' if query.sort.descending else 'asc'}", None))
    if query.page_size is not None:
        parts.append((f"limit {query.page_size.text or query.page_size.value}", None))
    if query.page is not None:
        parts.append((f"page {query.page.text or query.page.value}", None))
    if query.format is not None:
        parts.append((f"format {query.format.text}", None))
    for i, (label, expr) in enumerate(parts):
        last = i == len(parts) - 1
        out.append(("└─ " if last else "├─ ") + label)
        if expr is not None:
            _expr_lines(expr, "   " if last else "│  ", True, out)
    return out


def explain_text(text: str, *, color: bool = False, base: str | None = None) -> str:
    """The ``\\explain`` report for ``text``."""
    from fel.api import explain
    from fel.diagnostics import render_text

    source = join_continuations(text.strip("\n"))
    info = explain(source, base=base)
    lines = [f"input form : {info['form']}"]
    if info.get("statement"):
        lines.append(f"statement  : {info['statement']}")
    lines.append(f"filter     : {info['filter'] if info['filter'] is not None else '(none)'}")
    lines.append(f"url        : {info['url'] or '(not compiled: see below)'}")
    if info.get("tree") is not None:
        lines.append("tree       :")
        lines += ["  " + line for line in tree_lines(info["tree"])]
    if info["diagnostics"]:
        lines.append("")
        lines.append(render_text(info["diagnostics"], source, color=color))
    return "\n".join(lines)
