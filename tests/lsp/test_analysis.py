"""The language server's findings are ``fel lint``'s: same codes, severities, messages and ranges
(ranges converted to UTF-16 positions), the same ``noqa`` and configuration, the same fixes."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from lsprotocol import types as lsp

from fel.lsp.analysis import FIX_ALL_KIND, analyse, code_actions, fix_all_edit, settings_for

from .conftest import SAMPLES

FILES = sorted(p.name for p in SAMPLES.iterdir())


def _lint_json(path) -> list[dict]:
    """What `fel lint --format json` prints for one file (the CLI, as users run it)."""
    out = subprocess.run([sys.executable, "-m", "fel", "lint", "--isolated", "--exit-zero", "--format", "json",
                          str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _code_point_column(line_text: str, utf16: int) -> int:
    """1-based code-point column of a UTF-16 character offset in a line."""
    units = 0
    for i, ch in enumerate(line_text):
        if units >= utf16:
            return i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line_text) + 1


@pytest.fixture(scope="module")
def cli_rows():
    return {name: _lint_json(SAMPLES / name) for name in FILES}


@pytest.mark.parametrize("name", FILES)
def test_same_findings_as_fel_lint(name, cli_rows):
    path = SAMPLES / name
    text = path.read_text(encoding="utf-8")
    settings, error = settings_for(None)
    assert error is None
    got = analyse(text, str(path), settings).diagnostics
    lines = text.splitlines()
    expected = cli_rows[name]
    assert expected, f"{name}: the sample should have findings"
    assert len(got) == len(expected)
    severities = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
                  "info": lsp.DiagnosticSeverity.Information}
    for d, row in zip(got, expected):
        assert d.code == row["code"]
        assert d.severity == severities[row["severity"]]
        assert d.message == row["message"] + (f"\nhint: {row['hint']}" if row["hint"] else "")
        assert d.source == "fel"
        start, end = d.range.start, d.range.end
        assert (start.line + 1, _code_point_column(lines[start.line], start.character)) == (row["line"], row["column"])
        assert (end.line + 1, _code_point_column(lines[end.line], end.character)) == (row["end_line"], row["end_column"])


def test_non_ascii_line_positions_are_utf16():
    # 😀 is one code point but two UTF-16 units: the `&` after it is one unit further right.
    text = 'x = "query?type=Job&filter=Name==\\"a😀\\"&JobType==Backup&pageSize=5"\n'
    (d,) = analyse(text, "x.py").diagnostics
    assert d.code == "FEL003"
    amp = text.index('"&JobType') + 1
    assert d.range.start.character == amp + 1 and d.range.end.character == amp + 2


def test_noqa_and_config_are_honoured(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.fel.lint]\nignore = ["FEL306"]\n', encoding="utf-8")
    src = ('a = "query?type=Job&filter=Platform==vCloud"\n'
           'b = "query?type=Job&filter=Platform==vCloud&JobType==Backup"  # fel: noqa: FEL003\n')
    path = tmp_path / "check.py"
    settings, error = settings_for(str(path))
    assert error is None and "FEL306" not in settings.select
    codes = [d.code for d in analyse(src, str(path), settings).diagnostics]
    assert codes == []  # FEL306 ignored by configuration, FEL003 by noqa
    assert [d.code for d in analyse(src, str(path), settings_for(None)[0]).diagnostics] == ["FEL306", "FEL306"]


def test_broken_configuration_falls_back_and_says_so(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.fel.lint]\nselect = ["NOPE9"]\n', encoding="utf-8")
    settings, error = settings_for(str(tmp_path / "x.py"))
    assert error is not None and "NOPE9" in error
    assert "FEL003" in settings.select


def _whole(text: str) -> lsp.Range:
    return lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=len(text.splitlines()) + 1, character=0))


def test_quick_fix_per_safe_fix_and_fix_all_equal_fel_lint_fix(tmp_path):
    path = SAMPLES / "check_jobs.py"
    text = path.read_text(encoding="utf-8")
    a = analyse(text, str(path))
    actions = code_actions("file:///check_jobs.py", a, _whole(text))
    quick = [c for c in actions if c.kind == lsp.CodeActionKind.QuickFix]
    fixable = [d for d in a.findings if d.fix is not None and d.fix.safe]
    assert len(quick) == len(fixable) >= 1
    assert all(c.diagnostics and c.diagnostics[0].code == c.title.split(":")[0] for c in quick)
    (fix_all,) = [c for c in actions if c.kind == FIX_ALL_KIND]
    (edit,) = fix_all.edit.changes["file:///check_jobs.py"]
    # Apply the edit and compare with what `fel lint --fix` writes.
    from fel.lsp.positions import LineIndex

    index = LineIndex(text)
    s = index.offset(edit.range.start.line, edit.range.start.character)
    e = index.offset(edit.range.end.line, edit.range.end.character)
    edited = text[:s] + edit.new_text + text[e:]
    copy = tmp_path / "check_jobs.py"
    copy.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "fel", "lint", "--isolated", "--fix", "--exit-zero", str(copy)],
                   capture_output=True, check=True)
    assert edited == copy.read_text(encoding="utf-8")
    assert edited != text


def test_only_filters_kinds_and_range_selects_findings():
    text = 'a = "query?type=Job&filter=Platform==vCloud&JobType==Backup&pageSize=5"\nb = 1\n'
    a = analyse(text, "x.py")
    second_line = lsp.Range(start=lsp.Position(line=1, character=0), end=lsp.Position(line=1, character=5))
    assert [c.kind for c in code_actions("file:///x.py", a, second_line)] == [FIX_ALL_KIND]
    only_fix_all = code_actions("file:///x.py", a, _whole(text), only=["source.fixAll"])
    assert [c.kind for c in only_fix_all] == [FIX_ALL_KIND]
    assert code_actions("file:///x.py", analyse("b = 1\n", "x.py"), _whole("b = 1\n")) == []
    assert fix_all_edit(analyse("b = 1\n", "x.py"), "x.py") is None
