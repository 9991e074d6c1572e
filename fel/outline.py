"""The explain report: input form, statement, canonical filter, URL and the syntax tree as an
indented outline, with any diagnostics under them. One renderer for ``fel explain [--tree]``
and the REPL's ``\\explain`` (it sits on :func:`fel.api.explain`, below both)::

    input form : statement
    statement  : Job where not (Name == a or Name == b)
    filter     : Name!=a;Name!=b
    url        : https://localhost:9398/api/query?type=Job&filter=Name%21%3Da%3BName%21%3Db
    tree       :
      query Job
      └─ where
         └─ not
            └─ or  (EM ,)
               ├─ Name == a
               └─ Name == b
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["tree_lines", "explain_lines", "explain_text"]


def _value(v: Any) -> str:
    from .syntax.printer import print_value

    return print_value(v)


def _expr_lines(node: Any, prefix: str, last: bool, out: list[str]) -> None:
    from .syntax.ast import And, Comparison, Membership, Not, Or

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


def explain_lines(info: dict, *, tree: bool = True) -> list[str]:
    """The report lines above the diagnostics for a :func:`fel.api.explain` result."""
    lines = [f"input form : {info['form']}"]
    if info.get("statement"):
        lines.append(f"statement  : {info['statement']}")
    lines.append(f"filter     : {info['filter'] if info['filter'] is not None else '(none)'}")
    lines.append(f"url        : {info['url'] or '(not compiled: see the diagnostics below)'}")
    if tree and info.get("tree") is not None:
        lines.append("tree       :")
        lines += ["  " + line for line in tree_lines(info["tree"])]
    return lines


def explain_text(text: str, *, base: str | None = None, type: str | None = None, now: datetime | None = None,
                 tree: bool = True, color: bool = False) -> str:
    """The whole report for ``text``: :func:`explain_lines`, then the diagnostics (caret
    rendering), separated by a blank line. A malformed ``base`` raises
    :class:`fel.baseurl.BaseURLError`."""
    from .api import explain
    from .diagnostics import render_text

    info = explain(text, base=base, type=type, now=now)
    lines = explain_lines(info, tree=tree)
    if info["diagnostics"]:
        lines.append("")
        lines.append(render_text(info["diagnostics"], text, color=color))
    return "\n".join(lines)
