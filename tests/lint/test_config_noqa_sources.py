"""Configuration in pyproject.toml, inline suppressions, and which files a directory yields."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fel.lint.config import ConfigError, Settings, find_config, load_config
from fel.lint.sources import GitIgnore, iter_files

from .conftest import lint

# ---- noqa ------------------------------------------------------------------------------------------
NOQA = [
    ("u = 'query?type=job'  # fel: noqa\n", []),
    ("u = 'query?type=job'  # fel: noqa: FEL105\n", ["FEL306"]),
    ("u = 'query?type=job'  # FEL: NOQA: fel105, FEL306\n", []),
    ("u = 'query?type=job&pageSize=1'  # fel: noqa: FEL306\n", ["FEL105", "FEL490"]),
    ("u = 'query?type=Job&pageSize=1'  # fel: noqa: FEL999\n", ["FEL490"]),
    ("x = 1  # fel: noqa\n", ["FEL490"]),
    ("u = '''\nquery?type=job&pageSize=1\n'''  # fel: noqa: FEL105\n", []),
    ("u = 'query?type=job&pageSize=1'\n# fel: noqa: FEL105\n", ["FEL105", "FEL490"]),
]


@pytest.mark.parametrize("source,expected", NOQA)
def test_noqa(source, expected):
    assert sorted(d.code for d in lint(source, "x.py")) == sorted(expected)


def test_noqa_in_plain_query_files():
    src = "type=job&pageSize=1  # fel: noqa: FEL105\ntype=job&pageSize=1\n"
    assert [(d.code, d.span.start > src.index("\n")) for d in lint(src)] == [("FEL105", True)]


def test_unused_noqa_for_disabled_rule_is_not_reported():
    from fel import codes
    from fel.lint.engine import lint_text
    settings = Settings(frozenset(codes.RULES) - {"FEL306"})
    diags = lint_text("u = 'query?type=Job'  # fel: noqa: FEL306\n", path="x.py", settings=settings).diagnostics
    assert diags == []


# ---- configuration ---------------------------------------------------------------------------------
def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.fel.lint]\n" + table, encoding="utf-8")
    sub = tmp_path / "scripts" / "legacy"
    sub.mkdir(parents=True)
    (sub / "old.ps1").write_text("$u = \"http://em:9399/api/query?type=job&pageSize=1\"\n", encoding="utf-8")
    (tmp_path / "scripts" / "new.py").write_text("u = 'http://em:9399/api/query?type=job&pageSize=1'\n", encoding="utf-8")
    return tmp_path


def test_config_found_by_walking_up(tmp_path):
    root = _project(tmp_path, 'ignore = ["FEL105"]\n')
    assert find_config([str(root / "scripts" / "legacy")]) == str(root / "pyproject.toml")
    (tmp_path / "other").mkdir()
    assert find_config([str(tmp_path / "other")]) == str(root / "pyproject.toml")


def test_config_select_ignore_per_file_and_version(run_cli, tmp_path):
    root = _project(tmp_path, 'ignore = ["non-canonical-case"]\nem-version = "12"\n'
                              'per-file-ignores = { "scripts/legacy/*.ps1" = ["FEL404"] }\n')
    code, out, _ = run_cli("lint", "--format", "json", "scripts", cwd=root)
    rows = json.loads(out)
    assert sorted((Path(r["path"]).name, r["code"]) for r in rows) == [("new.py", "FEL404")]
    code, out, _ = run_cli("lint", "--format", "json", "--isolated", "scripts", cwd=root)
    assert {r["code"] for r in json.loads(out)} == {"FEL404", "FEL105"}
    code, out, _ = run_cli("lint", "--format", "json", "--em-version", "9.5", "scripts", cwd=root)
    assert json.loads(out) == []  # 9399 was fine on EM 9.x


@pytest.mark.parametrize("table,message", [
    ('selcet = ["FEL1"]\n', "unknown key"),
    ('ignore = ["FEL777"]\n', "FEL777"),
    ('per-file-ignores = { "*.py" = ["bogus"] }\n', "bogus"),
    ('em-version = "banana"\n', "em-version"),
    ('fail-level = "fatal"\n', "fail-level"),
    ("ignore = [\n", "cannot read"),
])
def test_bad_config_exits_2(run_cli, tmp_path, table, message):
    root = _project(tmp_path, table)
    code, out, err = run_cli("lint", "scripts", cwd=root)
    assert code == 2 and message in err and "Traceback" not in err


def test_load_config_overrides():
    s = load_config(None, select=["FEL1,FEL403"], ignore=["FEL105"], fail_level="warning")
    assert "FEL101" in s.select and "FEL403" in s.select and "FEL105" not in s.select and "FEL306" not in s.select
    with pytest.raises(ConfigError):
        load_config(None, select=["FEL5"])


# ---- files ----------------------------------------------------------------------------------------------
def test_directory_walk_respects_gitignore_and_skips(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/\n*.gen.py\n!keep.gen.py\n/top.sh\n", encoding="utf-8")
    for rel in ["a.py", "b.ps1", "notes.txt", "q.queries", "x.gen.py", "keep.gen.py", "top.sh", "sub/top.sh",
                "build/c.py", "node_modules/d.js", ".venv/e.py", "sub/f.yaml", "sub/.gitignore", "sub/g.go", "img.png"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x\n" if not rel.endswith(".gitignore") else "g.go\n", encoding="utf-8")
    got = sorted(Path(p).relative_to(tmp_path).as_posix() for p in iter_files([str(tmp_path)], Settings()))
    assert got == ["a.py", "b.ps1", "keep.gen.py", "q.queries", "sub/f.yaml", "sub/top.sh"]
    # explicit files are always linted, whatever their extension
    assert list(iter_files([str(tmp_path / "notes.txt")], Settings())) == [str(tmp_path / "notes.txt")]
    more = Settings(extend_include=("*.txt",), exclude=("sub/**",), root=str(tmp_path))
    got = sorted(Path(p).relative_to(tmp_path).as_posix() for p in iter_files([str(tmp_path)], more))
    assert "notes.txt" in got and not any(g.startswith("sub/") for g in got)


@pytest.mark.parametrize("pattern,path,is_dir,expected", [
    ("*.log", "a/b/x.log", False, True), ("/build", "build", True, True), ("/build", "a/build", True, None),
    ("docs/**/*.md", "docs/a/b/c.md", False, True), ("foo/", "foo", False, None), ("foo/", "foo", True, True),
    ("x[0-9].py", "x5.py", False, True), ("\\#notes", "#notes", False, True),
])
def test_gitignore_patterns(pattern, path, is_dir, expected):
    assert GitIgnore(pattern).match(path, is_dir) is expected


def test_binary_files_are_skipped(run_cli, tmp_path):
    (tmp_path / "blob.py").write_bytes(b"\x00\x01query?type=JobSession\x00")
    code, out, _ = run_cli("lint", str(tmp_path))
    assert code == 0
