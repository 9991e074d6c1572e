"""`fel lint` on the command line: formats, exit codes, stdin, --fix on files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fel import codes

from .conftest import FIXTURES

BAD = "https://em:9419/api/query?type=job&filter=Platform==vCloud&JobType==Backup&pageSize=5\n"
INFO_ONLY = "type=BackupJobSession&format=Entities\n"
CLEAN = "type=BackupJobSession&format=Entities&pageSize=100&page=1\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "bad.queries").write_text(BAD, encoding="utf-8")
    (tmp_path / "info.queries").write_text(INFO_ONLY, encoding="utf-8")
    (tmp_path / "clean.queries").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "check.py").write_text("u = base + '/query?type=JobSession&pageSize=1'\n", encoding="utf-8")
    return tmp_path


def test_exit_codes(run_cli, tree):
    assert run_cli("lint", str(tree / "clean.queries"))[0] == 0
    assert run_cli("lint", str(tree / "bad.queries"))[0] == 1
    assert run_cli("lint", str(tree / "info.queries"))[0] == 1
    assert run_cli("lint", "--fail-level", "warning", str(tree / "info.queries"))[0] == 0
    assert run_cli("lint", "--fail-level", "error", str(tree / "bad.queries"))[0] == 1
    assert run_cli("lint", "--exit-zero", str(tree / "bad.queries"))[0] == 0


@pytest.mark.parametrize("args", [
    ("--select", "FEL999"), ("--ignore", "nonsense-rule"), ("--select", "XYZ1"), ("--frobnicate",),
    ("--format", "xml"), ("--fail-level", "fatal"), ("--em-version", "7"),
])
def test_usage_errors_exit_2(run_cli, tree, args):
    code, out, err = run_cli("lint", *args, str(tree / "bad.queries"))
    assert code == 2
    assert "Traceback" not in err


def test_missing_path_exits_2(run_cli, tree):
    code, _, err = run_cli("lint", str(tree / "nope.txt"))
    assert code == 2 and "nope.txt" in err


def test_select_and_ignore(run_cli, tree):
    code, out, _ = run_cli("lint", "--format", "json", "--select", "FEL4", str(tree / "bad.queries"))
    assert {r["code"] for r in json.loads(out)} == {"FEL403"}
    code, out, _ = run_cli("lint", "--format", "json", "--ignore", "FEL403,ampersand-in-filter", str(tree / "bad.queries"))
    assert {r["code"] for r in json.loads(out)} == {"FEL105"}
    code, out, _ = run_cli("lint", "--format", "json", "--ignore", "FEL403,ampersand-in-filter", "--ignore", "FEL1",
                           str(tree / "bad.queries"))
    assert code == 0 and json.loads(out) == []


def test_json_rows(run_cli, tree):
    code, out, _ = run_cli("lint", "--format", "json", str(tree / "bad.queries"))
    rows = json.loads(out)
    assert code == 1 and rows
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "hint", "fix"}
    for r in rows:
        assert keys <= set(r)
        assert r["path"].endswith("bad.queries") and r["line"] == 1
        assert r["name"] == codes.RULES[r["code"]].name
    amp = next(r for r in rows if r["code"] == "FEL003")
    assert BAD[amp["column"] - 1] == "&" and amp["end_column"] == amp["column"] + 1
    assert amp["fix"]["replacement"] == ";" and amp["fix"]["safe"] is True
    port = next(r for r in rows if r["code"] == "FEL403")
    assert BAD[port["column"] - 1:port["end_column"] - 1] == "9419" and port["severity"] == "error"


def test_sarif_is_valid(run_cli, tree):
    import jsonschema  # the test extra requires it
    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    code, out, _ = run_cli("lint", "--format", "sarif", str(tree))
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert set(rule_ids) == set(codes.RULES)
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"FEL403", "FEL003", "FEL102"}
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    # an empty run is valid too
    code, out, _ = run_cli("lint", "--format", "sarif", str(tree / "clean.queries"))
    jsonschema.Draft4Validator(schema).validate(json.loads(out))


def test_github_annotations(run_cli, tree):
    code, out, _ = run_cli("lint", str(tree / "bad.queries"), env={"GITHUB_ACTIONS": "true"})
    lines = out.splitlines()
    assert code == 1 and lines
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    first = next(line for line in lines if "FEL403" in line)
    assert first.startswith("::error file=") and ",line=1,col=12,endLine=1,endColumn=16,title=FEL403 vbr-port::" in first


def test_full_and_concise(run_cli, tree):
    code, out, _ = run_cli("lint", "--format", "full", str(tree / "bad.queries"))
    assert "error[FEL403]" in out and "^^^^" in out and "Found" in out
    code, out, _ = run_cli("lint", "--format", "concise", str(tree / "bad.queries"))
    assert any(line.endswith("bad.queries:1:12: FEL403 [error] " + line.split("[error] ")[-1]) for line in out.splitlines())
    code, out, _ = run_cli("lint", str(tree / "clean.queries"))
    assert code == 0 and "All checks passed." in out


def test_stdin(run_cli):
    code, out, _ = run_cli("lint", "--format", "json", "--stdin-filename", "check.ps1", "-",
                           stdin="$u = 'query?type=JobSession&pageSize=1'\n")
    rows = json.loads(out)
    assert code == 1 and [r["code"] for r in rows] == ["FEL102"] and rows[0]["path"] == "check.ps1"
    code, out, _ = run_cli("lint", "--format", "json", "-", stdin=CLEAN)
    assert code == 0 and json.loads(out) == []


def test_stdin_fix_prints_the_fixed_text(run_cli):
    code, out, err = run_cli("lint", "--fix", "--stdin-filename", "q.py", "-", stdin="u = 'query?type=job&pageSize=1'\n")
    assert out == "u = 'query?type=Job&pageSize=1'\n"
    assert code == 0 and "Fixed 1" in err


def test_fix_rewrites_files_keeping_line_endings_and_encoding(run_cli, tmp_path):
    crlf = tmp_path / "a.ps1"
    crlf.write_bytes(b"\xef\xbb\xbf$u = 'query?type=job&pageSize=1'\r\n$v = \"query?type=Job&pageSize=1\"\r\n")
    utf16 = tmp_path / "b.ps1"
    utf16.write_bytes("$u = 'query?type=repository&pageSize=1'\r\n".encode("utf-16"))
    code, out, _ = run_cli("lint", "--fix", str(tmp_path))
    assert code == 0, out
    assert crlf.read_bytes() == b"\xef\xbb\xbf$u = 'query?type=Job&pageSize=1'\r\n$v = \"query?type=Job&pageSize=1\"\r\n"
    assert utf16.read_bytes().decode("utf-16") == "$u = 'query?type=Repository&pageSize=1'\r\n"
    code, out, _ = run_cli("lint", "--fix", str(tmp_path))
    assert "Fixed" not in out


def test_fix_leaves_unfixable_findings_and_exit_code(run_cli, tmp_path):
    f = tmp_path / "q.queries"
    f.write_text("type=job&pageSize=1\ntype=JobSession&pageSize=1\n", encoding="utf-8")
    code, out, _ = run_cli("lint", "--fix", str(f))
    assert f.read_text(encoding="utf-8") == "type=Job&pageSize=1\ntype=JobSession&pageSize=1\n"
    assert code == 1 and "FEL102" in out and "Fixed 1 finding" in out


def test_rule_command(run_cli):
    code, out, _ = run_cli("rule", "FEL403")
    assert code == 0 and out.startswith("FEL403 vbr-port (error") and "9419" in out and "Triggers on:" in out
    code, out, _ = run_cli("rule", "unknown-field")
    assert code == 0 and out.startswith("FEL101 unknown-field")
    code, out, _ = run_cli("rule", "--format", "json", "FEL003")
    data = json.loads(out)
    assert data["code"] == "FEL003" and data["bad"] and data["good"] and data["fixable"] is True
    code, out, _ = run_cli("rule", "--all")
    assert code == 0 and len(out.splitlines()) == len(codes.RULES)
    code, _, err = run_cli("rule", "FEL999")
    assert code == 2 and "FEL999" in err


def test_every_rule_has_text_for_fel_rule():
    for rule in codes.RULES.values():
        assert rule.summary and rule.severity in ("error", "warning", "info"), rule.code
