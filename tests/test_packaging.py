"""Packaging facts a user relies on: the distribution name, the Pythons, the TOML reader on 3.10,
the changelog and CI's coverage of the supported Pythons."""
from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import fel

ROOT = Path(__file__).resolve().parent.parent
tomllib = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_distribution_name_is_not_the_taken_fel_and_keeps_import_and_command():
    # `fel` on the public index is an unrelated tool with its own `fel` command.
    assert _normalised(PROJECT["name"]) not in {"fel"}
    assert PROJECT["scripts"] == {"fel": "fel.cli:main"}
    assert (ROOT / "fel" / "__init__.py").is_file()


def test_readme_and_docs_install_the_distribution_name():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install {PROJECT['name']}" in readme
    for page in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"pip install (-U )?fel(\s|$|`|\[)", text), f"{page} installs the wrong `fel`"


def test_one_version_shared_by_package_metadata_and_changelog():
    assert "version" in PROJECT.get("dynamic", []), "version comes from fel/__init__.py only"
    changelog = (ROOT / "docs" / "changelog.md").read_text(encoding="utf-8")
    top = re.search(r"^## (\S+)", changelog, re.M)
    assert top and top.group(1) == fel.__version__, (top and top.group(1), fel.__version__)
    assert "docs/changelog.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_tomli_is_a_dependency_where_tomllib_is_missing():
    deps = [d.replace(" ", "") for d in PROJECT["dependencies"]]
    assert any(d.startswith("tomli") and "python_version<'3.11'" in d.replace('"', "'") for d in deps), deps


def _tomllib_imports_unguarded(tree: ast.AST) -> list[int]:
    """Lines of `import tomllib` not inside an `if sys.version_info >= (3, 11)` branch."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "version_info" in ast.unparse(node.test) and "3, 11" in ast.unparse(node.test):
            for child in node.body:
                guarded.update(n.lineno for n in ast.walk(child) if hasattr(n, "lineno"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "tomllib" for a in node.names):
            found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "tomllib":
            found.append(node.lineno)
    return sorted(n for n in found if n not in guarded)


def test_no_module_needs_tomllib_on_python_3_10():
    assert _tomllib_imports_unguarded(ast.parse("import tomllib\n")) == [1]  # the scan sees a bare import
    offenders = []
    for folder in ("fel", "repl", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            lines = _tomllib_imports_unguarded(ast.parse(path.read_text(encoding="utf-8")))
            offenders += [f"{path.relative_to(ROOT)}:{n}" for n in lines]
    assert not offenders, f"`import tomllib` fails on Python 3.10 (requires-python {PROJECT['requires-python']}): {offenders}"


def test_ci_runs_the_oldest_supported_python_and_builds_the_right_files():
    oldest = re.fullmatch(r">=\s*(3\.\d+)", PROJECT["requires-python"]).group(1)
    extra = re.search(r'^EXTRA_PYTHONS="([^"]*)"', CI, re.M).group(1).split()
    assert oldest in extra, (oldest, extra)
    assert re.search(r"pytest -q", CI)
    glob = re.search(r'^DIST_GLOB="([^"]*)"', CI, re.M).group(1)
    assert glob == PROJECT["name"].replace("-", "_") + "-*", glob  # wheel file names use underscores
    assert "twine check --strict" in CI
    assert "is NOT on this machine" in CI  # a missing Python is reported, not skipped


def test_classifiers_name_every_python_from_the_oldest():
    oldest = int(re.fullmatch(r">=\s*3\.(\d+)", PROJECT["requires-python"]).group(1))
    named = {int(m) for c in PROJECT["classifiers"] for m in re.findall(r"Python :: 3\.(\d+)$", c)}
    assert min(named) == oldest and named == set(range(oldest, max(named) + 1)), named
