"""The public names are explicit exports for type checkers (``mypy --strict`` on user code)
while ``import fel`` stays lazy: ``__all__`` is a literal list equal to the lazy table, and
every name is imported under ``if TYPE_CHECKING:``."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import fel
import fel.client

ROOT = Path(__file__).resolve().parents[2]


def _module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _static_all(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            assert isinstance(node.value, ast.List), "__all__ must be a literal list (type checkers read it statically)"
            return [ast.literal_eval(e) for e in node.value.elts]
    raise AssertionError("no __all__")


def _type_checking_imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom):
                    names |= {a.asname or a.name for a in imp.names}
    return names


@pytest.mark.parametrize("module, path, extra", [
    (fel, ROOT / "fel" / "__init__.py", {"__version__"}),
    (fel.client, ROOT / "fel" / "client" / "__init__.py", set()),
])
def test_all_is_static_and_matches_the_lazy_table(module, path, extra):
    tree = _module(path)
    names = _static_all(tree)
    assert len(names) == len(set(names))
    assert set(names) == set(module._LAZY) | extra  # noqa: SLF001
    assert set(module._LAZY) <= _type_checking_imports(tree)  # noqa: SLF001
    assert module.__all__ == names


def test_the_names_users_type_check_against_are_exported():
    assert {"check", "compile", "compile_params", "compile_query"} <= set(fel.__all__)
    assert "Client" in fel.client.__all__


USER_CODE = '''\
import fel
from fel.client import Client

diagnostics = fel.check("Job")
url: str = fel.compile("Job")
params = fel.compile_params("Job")
compiled = fel.compile_query("Job")


def run(client: Client) -> None:
    client.close()
'''


def test_mypy_strict_sees_the_exports(tmp_path):
    pytest.importorskip("mypy")
    (tmp_path / "user.py").write_text(USER_CODE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "c"),
                           "user.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "does not explicitly export" not in proc.stdout, proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr
