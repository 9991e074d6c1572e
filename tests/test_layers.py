"""The structure of the package: layers depend one way, no import cycles, ``import fel`` stays light.

The import graph is read from the source with ``ast`` — imports at module level *and* inside
functions (a lazy import still binds the layers; app <-> connect <-> results in the REPL and
decode <-> codecs in the client were cycles once, hidden behind lazy imports). ``repl/`` is read
as ``fel.repl``, which is what the wheel installs it as.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ((ROOT / "fel", "fel"), (ROOT / "repl", "fel.repl"))

# The layers, bottom first (docs/architecture.md draws them). A module may import its own unit
# and any unit of a lower layer; units of one layer never import each other. "fel" is the
# package facade (fel/__init__.py), whose names all come from fel.api and below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("fel.span", "fel.codes", "fel.baseurl", "fel.lazy"),
    ("fel.diagnostics",),
    ("fel.syntax",),
    ("fel.schema",),
    ("fel.checker",),
    ("fel.compiler", "fel.evaluate"),
    ("fel.quickpath",),
    ("fel.api",),
    ("fel",),
    ("fel.outline",),
    ("fel.client", "fel.emulator", "fel.lint"),
    ("fel.repl",),
    ("fel.lsp",),
    ("fel.cli",),
    ("fel.__main__",),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}

HEAVY = ("lark", "lxml", "requests", "urllib3", "prompt_toolkit", "pygments", "pygls", "lsprotocol",
         "fel.client", "fel.emulator", "fel.lint", "fel.lsp", "fel.repl", "fel.cli")


def modules(sources=SOURCES) -> dict[str, tuple[Path, bool]]:
    """Every module by dotted name → (file, is a package's ``__init__``)."""
    found: dict[str, tuple[Path, bool]] = {}
    for folder, prefix in sources:
        for path in sorted(folder.rglob("*.py")):
            parts = [prefix, *path.relative_to(folder).with_suffix("").parts]
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports_of(name: str, source: str, is_package: bool, known) -> set[str]:
    """The fel modules ``source`` (module ``name``) imports, anywhere in the file."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from fel.x import y` imports fel.x.y when y is a module
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "fel" or m.startswith("fel.")} - {name}


def graph(sources=SOURCES) -> dict[str, set[str]]:
    known = modules(sources)
    return {name: imports_of(name, path.read_text(encoding="utf-8"), is_package, known)
            for name, (path, is_package) in known.items()}


def unit(module: str) -> str:
    """The longest entry of the layer table that ``module`` is or lies in ("fel" is only itself)."""
    candidates = [u for u in RANK if module == u or (u != "fel" and module.startswith(u + "."))]
    assert candidates, f"{module} has no place in the layer table of tests/test_layers.py"
    return max(candidates, key=len)


def upward(g: dict[str, set[str]]) -> list[str]:
    """Every import of a unit not below the importer's own (its own unit is fine)."""
    bad = []
    for module, targets in sorted(g.items()):
        mine = unit(module)
        for target in sorted(targets):
            theirs = unit(target)
            if theirs != mine and RANK[theirs] >= RANK[mine]:
                bad.append(f"{module} imports {target} ({theirs} is not below {mine})")
    return bad


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per back edge found by a depth-first walk."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for start in sorted(g):
        if start not in state:
            visit(start, [start])
    return found


# -- the tools see what they must ------------------------------------------------------------
def test_imports_are_read_at_every_level_and_relative_ones_resolved():
    known = {"fel.a", "fel.a.b", "fel.a.c", "fel.d"}
    source = ("from . import b\nfrom .b import x\nfrom .. import d\nimport os\n"
              "def f():\n    from fel.d import y\n    import fel.a.c\n")
    assert imports_of("fel.a.c", source, False, known) == {"fel.a.b", "fel.d"}  # `import fel.a.c`: itself
    assert imports_of("fel.a", "from .b import x\nfrom . import c\n", True, known) == {"fel.a.b", "fel.a.c"}


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"app": {"results"}, "results": {"connect"}, "connect": {"app"}}) == [
        ["app", "results", "connect", "app"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_layer_check_finds_an_upward_import():
    assert upward({"fel.syntax.parser": {"fel.schema.model", "fel.span"}}) == [
        "fel.syntax.parser imports fel.schema.model (fel.schema is not below fel.syntax)"]
    assert upward({"fel.client.x": {"fel.emulator.y"}}) != []  # one layer: siblings stay apart
    assert upward({"fel.client.x": {"fel.client.y", "fel.api"}}) == []
    with pytest.raises(AssertionError, match="no place in the layer table"):
        unit("fel.newmodule")  # a new module must be placed, not fall under the facade


def test_the_graph_reads_the_whole_package_with_lazy_imports():
    g = graph()
    assert {"fel", "fel.api", "fel.syntax.parser", "fel.repl.app", "fel.cli.run", "fel.lsp.server"} <= set(g)
    assert "fel.client.errors" in g["fel.cli.run"]  # imported inside a function
    assert {"fel.repl.connect", "fel.repl.results"} <= g["fel.repl.app"]


# -- the rules -------------------------------------------------------------------------------
def test_every_module_has_a_layer_and_none_imports_upward():
    assert upward(graph()) == []


def test_no_import_cycle_anywhere():
    assert cycles(graph()) == []


def test_the_client_codecs_stay_below_decode():
    g = graph()  # decode <-> codecs was a cycle once; decode uses the codecs, never the reverse
    assert "fel.client.decode" not in g["fel.client.xmlcodec"] | g["fel.client.jsoncodec"]


def test_import_fel_loads_nothing_heavy():
    code = f"import sys, fel; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
