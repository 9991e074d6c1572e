"""No import cycles among the REPL's modules — counting imports inside functions too, so a
cycle cannot hide behind a lazy import (app ↔ connect ↔ results once did)."""
from __future__ import annotations

import ast
from pathlib import Path

REPL = Path(__file__).resolve().parents[2] / "repl"


def _imports(path: Path) -> set[str]:
    """The sibling modules ``path`` imports (``from .x import``, ``from . import x``, ``fel.repl.x``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                names.add(node.module.split(".")[0])
            elif node.level == 1:
                names |= {a.name for a in node.names}
            elif node.module and node.module.startswith("fel.repl."):
                names.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[2] for a in node.names if a.name.startswith("fel.repl.")}
    return names


def graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in REPL.glob("*.py")}
    return {name: _imports(path) & set(modules) - {name} for name, path in modules.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for n in sorted(g):
        if n not in state:
            visit(n, [n])
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"app": {"results"}, "results": {"connect"}, "connect": {"app"}}) == [
        ["app", "results", "connect", "app"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_reads_the_repl():
    g = graph()
    assert {"app", "connect", "results", "commands"} <= set(g)
    assert "connect" in g["app"] and "results" in g["app"]


def test_no_import_cycle_in_the_repl():
    assert cycles(graph()) == []
