"""The core subcommands as users run them: exit codes, text and JSON output, usage errors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fel.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_clean_exits_0(capsys):
    code, out, err = run(capsys, "check", "BackupJobSession where Result == Failed")
    assert code == 0 and out == "All checks passed.\n" and err == ""  # as `fel lint` says it
    code, out, err = run(capsys, "check", "--format", "json", "BackupJobSession where Result == Failed")
    assert code == 0 and json.loads(out) == []


def test_check_error_exits_1_with_caret(capsys):
    text = "type=Job&filter=Platform==vCloud&JobType==Backup"
    code, out, err = run(capsys, "check", text)
    assert code == 1
    assert "error[FEL003]" in out and "(ampersand-in-filter)" in out
    assert "                                 ^" in out  # caret under the `&` (column 33)
    assert "fix: replace `&` with `;`" in out


def test_check_warnings_only_exit_0(capsys):
    code, out, _ = run(capsys, "check", "--type", "BackupJobSession", 'CreationTime>="2024-05-01T10:00:00"')
    assert code == 0 and "warning[FEL202]" in out


def test_check_json_keys(capsys):
    code, out, _ = run(capsys, "check", "--format", "json", "BackupJobSession where Reslt == Failed")
    rows = json.loads(out)
    assert code == 1
    assert set(rows[0]) == {"line", "column", "end_line", "end_column", "code", "name", "severity",
                            "message", "hint", "fix"}
    assert rows[0]["code"] == "FEL101" and rows[0]["column"] == 24 and "Result" in rows[0]["hint"]


def test_check_em_version(capsys):
    code, out, _ = run(capsys, "check", "--em-version", "9.5u4", "NasJob")
    assert code == 1 and "FEL104" in out
    code, out, _ = run(capsys, "check", "--em-version", "10", "NasJob")
    assert code == 0


def test_check_bad_em_version_is_usage_error(capsys):
    code, _, err = run(capsys, "check", "--em-version", "banana", "Job")
    assert code == 2 and "--em-version" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["check"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["check", "--nope", "x"])
    assert e.value.code == 2
    assert main([]) == 2


def test_compile_prints_url(capsys):
    code, out, _ = run(capsys, "compile", "Job where JobType == backup limit 5")
    assert code == 0
    assert out.strip() == "https://localhost:9398/api/query?type=Job&filter=JobType%3D%3DBackup&pageSize=5&page=1"


def test_compile_base_and_params(capsys):
    code, out, _ = run(capsys, "compile", "--base", "https://em:9398/api", "type=Job")
    assert out.strip() == "https://em:9398/api/query?type=Job"
    code, out, _ = run(capsys, "compile", "--params", 'Job where Name == "a b"')
    assert out.splitlines() == ["type\tJob", 'filter\tName=="a b"']


def test_compile_errors_go_to_stderr(capsys):
    code, out, err = run(capsys, "compile", "JobSession")
    assert code == 1 and out == "" and "FEL102" in err and "BackupJobSession" in err


def test_compile_stdin(monkeypatch, capsys):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("type=Job\n"))
    code, out, _ = run(capsys, "compile", "-")
    assert code == 0 and out.strip().endswith("query?type=Job")


def test_schema_lists_the_types(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0 and len(out.splitlines()) == 50  # query_type's 48, ObjectInAgentBackupJob, ExternalRepository
    code, out, _ = run(capsys, "schema", "--em-version", "12")
    assert len(out.splitlines()) == 48
    code, out, _ = run(capsys, "schema", "--em-version", "9.5u4")
    assert len(out.splitlines()) == 40


def test_schema_one_type_json(capsys):
    code, out, _ = run(capsys, "schema", "backupjobsession", "--format", "json")
    data = json.loads(out)
    assert data["name"] == "BackupJobSession"
    result = next(f for f in data["fields"] if f["name"] == "Result")
    assert result["enum"] == ["Success", "Warning", "Failed"]


def test_schema_unknown_type(capsys):
    code, _, err = run(capsys, "schema", "JobSession")
    assert code == 2 and "BackupJobSession" in err


def test_explain(capsys):
    code, out, _ = run(capsys, "explain", "Job where not Platform in (VMware, HyperV)")
    assert code == 0
    assert "filter     : Platform!=VMware;Platform!=HyperV" in out


def test_python_dash_m_fel_and_no_traceback_on_garbage():
    proc = subprocess.run([sys.executable, "-m", "fel", "check", "((((\"\u201c&&\u0001"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "FEL0" in proc.stdout
