"""`fel lint` never passes without reading, never stops on one bad file, never dies printing.

* unreadable files and folders, explicitly named binary files and paths that are neither:
  FEL491 and exit code 2 (like ruff's E902), unless excluded or FEL491 is ignored;
* a finding that quotes a lone UTF-16 surrogate (an unpaired ``\\ud83d`` escape in JS/C/Go/TS/YAML
  source) prints in every format, in-process and in a real process (issue #14);
* `cat script.ps1 | fel lint -` reads the script as a script (the language sniffed), or asks
  for ``--stdin-filename``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import lint

FORMATS = ("full", "concise", "json", "sarif", "github")
GOOD = "u = 'https://em.example.local:9398/api/query?type=Jobb&pageSize=5'\n"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "pic.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # binary with a source extension
    return tmp_path


def test_binary_file_named_explicitly_is_an_error(run_cli, mixed):
    code, out, _ = run_cli("lint", "--format", "concise", str(mixed / "blob.bin"))
    assert code == 2
    assert "FEL491" in out and "binary" in out and "All checks passed" not in out


def test_binary_file_found_by_walking_is_skipped(run_cli, mixed):
    code, out, _ = run_cli("lint", "--format", "json", "--isolated", str(mixed))
    assert code == 1
    assert {r["code"] for r in json.loads(out)} == {"FEL102"}


def test_a_directory_with_nothing_to_lint_says_so(run_cli, tmp_path):
    """`fel lint folder/` where the folder holds no file fel lints (empty, or only .txt and
    binaries, which are linted only when named) must not pass with "All checks passed." alone."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "queries.txt").write_text("type=Jobb\n", encoding="utf-8")
    (tmp_path / "notes" / "blob.bin").write_bytes(b"\x00\x01binary\x00")
    for folder in ("empty", "notes"):
        code, out, err = run_cli("lint", "--isolated", str(tmp_path / folder))
        assert code == 0 and "All checks passed." in out
        assert f"fel lint: warning: no file to lint in {tmp_path / folder}" in err
    code, out, err = run_cli("lint", "--isolated", str(tmp_path / "notes" / "queries.txt"))
    assert code == 1 and "FEL102" in out and "no file to lint" not in err
    code, out, err = run_cli("lint", "--isolated", "--stdin-filename", "q.queries", "-", stdin="Job limit 5\n")
    assert code == 0 and "no file to lint" not in err


def test_fifo_named_explicitly_is_an_error(run_cli, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "pipe")
    code, out, _ = run_cli("lint", "--format", "json", str(tmp_path / "pipe"))
    rows = json.loads(out)
    assert code == 2 and [r["code"] for r in rows] == ["FEL491"] and rows[0]["severity"] == "error"


def test_unreadable_file_is_an_error_and_the_others_are_still_linted(run_cli, mixed, monkeypatch):
    import fel.lint.sources as sources
    real = sources.read_source

    def read(path):
        if path.endswith("a.py"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(sources, "read_source", read)
    (mixed / "b.py").write_text(GOOD, encoding="utf-8")
    code, out, _ = run_cli("lint", "--format", "json", "--isolated", str(mixed / "a.py"), str(mixed / "b.py"))
    rows = json.loads(out)
    assert code == 2
    assert [(Path(r["path"]).name, r["code"]) for r in rows] == [("a.py", "FEL491"), ("b.py", "FEL102")]
    assert "Permission denied" in rows[0]["message"]


def test_unreadable_folder_is_an_error(run_cli, mixed, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    (mixed / "locked").mkdir()
    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = run_cli("lint", "--format", "concise", "--isolated", str(mixed))
    assert code == 2
    assert "locked:1:1: FEL491 [error] cannot read this folder: Permission denied" in out
    assert "All checks passed" not in out
    # the whole folder named explicitly: the same
    code, out, _ = run_cli("lint", "--format", "concise", "--isolated", str(mixed / "locked"))
    assert code == 2 and "FEL491" in out


def test_excluded_or_ignored_unreadable_paths_are_left_out(run_cli, mixed):
    (mixed / "pyproject.toml").write_text('[tool.fel.lint]\nexclude = ["*.bin"]\n', encoding="utf-8")
    code, out, _ = run_cli("lint", "--format", "concise", "--config", str(mixed / "pyproject.toml"),
                           str(mixed / "blob.bin"))
    assert code == 0 and "FEL491" not in out
    code, out, _ = run_cli("lint", "--format", "concise", "--isolated", "--ignore", "FEL491", str(mixed / "blob.bin"))
    assert code == 0 and "FEL491" not in out


def test_one_failing_file_does_not_stop_the_run(run_cli, mixed, monkeypatch):
    import fel.lint as lint_pkg
    real = lint_pkg.lint_text

    def flaky(text, **kw):
        if kw.get("path", "").endswith("boom.py"):
            raise RuntimeError("simulated lexer bug")
        return real(text, **kw)

    monkeypatch.setattr(lint_pkg, "lint_text", flaky)
    (mixed / "boom.py").write_text(GOOD, encoding="utf-8")
    code, out, err = run_cli("lint", "--format", "concise", "--isolated", str(mixed / "boom.py"), str(mixed / "a.py"))
    assert code == 2
    assert "a.py:1:" in out and "FEL102" in out
    assert "boom.py" in err and "simulated lexer bug" in err


# ---- lone surrogates (issue #14) ---------------------------------------------------------------
SURROGATE_SOURCES = [
    ("x.js", 'const u = "https://em:9398/api/query?type=Jo\\ud83db&pageSize=5";\n'),
    ("x.ts", 'const u: string = "https://em:9398/api/query?type=Job&filter=Nme==\\ud83dx&pageSize=5";\n'),
    ("x.go", 'u := "https://em:9398/api/query?type=Jo\\ud83db&pageSize=5"\n'),
    ("x.c", 'const char *u = "https://em:9398/api/query?type=Jo\\ude00b&pageSize=5";\n'),
    ("x.yaml", 'url: "https://em:9398/api/query?type=Jo\\ud83db&pageSize=5"\n'),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name,source", SURROGATE_SOURCES, ids=[n for n, _ in SURROGATE_SOURCES])
def test_lone_surrogate_in_a_finding_prints_in_every_format(run_cli, tmp_path, fmt, name, source):
    (tmp_path / name).write_text(source, encoding="utf-8")
    (tmp_path / "z.py").write_text(GOOD, encoding="utf-8")  # a later file is still reported
    code, out, _ = run_cli("lint", "--isolated", "--format", fmt, str(tmp_path / name), str(tmp_path / "z.py"))
    assert code == 1
    assert "z.py" in out
    out.encode("utf-8")  # no lone surrogate left in what was written
    if fmt == "full":
        assert "\\ud8" in out or "\\ude" in out  # the source line, with the escape as written
    if fmt == "json":
        rows = json.loads(out)
        assert {Path(r["path"]).name for r in rows} == {name, "z.py"}


def test_surrogate_pair_escape_reads_as_one_character():
    diags = lint('const u = "https://em:9398/api/query?type=Jo\\ud83d\\ude00b&pageSize=5";\n', "x.js")
    assert [d.code for d in diags] == ["FEL102"]
    assert "Jo\U0001F600b" in diags[0].message


@pytest.mark.parametrize("fmt", FORMATS)
def test_lone_surrogate_in_a_real_process(tmp_path, fmt):
    (tmp_path / "x.js").write_text(SURROGATE_SOURCES[0][1], encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.run([sys.executable, "-m", "fel", "lint", "--isolated", "--format", fmt, str(tmp_path / "x.js")],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    assert b"FEL102" in proc.stdout
    proc.stdout.decode("utf-8")  # valid UTF-8


# ---- standard input without a name -------------------------------------------------------------
PS1 = ("$server = 'em.example.local'\n"
       "$h = @{ 'X-RestSvcSessionId' = $sid }\n"
       "$r = Invoke-RestMethod -Uri \"https://${server}:9398/api/query?type=Job&filter=Platform==VMware&JobType==Backup&pageSize=10\" -Headers $h\n")


def test_stdin_script_is_sniffed(run_cli):
    code, out, _ = run_cli("lint", "--format", "json", "--isolated", "-", stdin=PS1)
    rows = json.loads(out)
    assert code == 1 and [r["code"] for r in rows] == ["FEL003"]
    assert (rows[0]["path"], rows[0]["line"]) == ("-", 3)


def test_stdin_query_list_stays_a_query_list(run_cli):
    code, out, _ = run_cli("lint", "--format", "json", "--isolated", "-",
                           stdin="# failed sessions\ntype=BackupJobSession&filter=Result==Failed&pageSize=10\n"
                                 "BackupJobSession where Result == Failed limit 10\n")
    assert code == 0 and json.loads(out) == []


def test_stdin_that_tells_nothing_asks_for_a_name(run_cli):
    code, out, err = run_cli("lint", "--isolated", "-", stdin="Some notes.\nSee /api/query?type=Job for more.\n")
    assert code == 2 and "--stdin-filename" in err and out == ""


@pytest.mark.parametrize("text,language", [
    (PS1, "powershell"),
    ("import requests\nr = requests.get(url, params={'type': 'Job'})\n", "python"),
    ("#!/bin/bash\ncurl -k \"$EM/api/query?type=Job\"\n", "shell"),
    ("const r = await fetch(`${base}/query?type=Job`);\n", "javascript"),
    ("def query = [type: 'Job', format: 'Entities']\ndef c = new URL(u).openConnection()\n", "groovy"),
    ("val p = mapOf(\"type\" to \"Job\")\n", "kotlin"),
    ("resp = conn.get('/api/query', { :type => 'Job' })\n", "ruby"),
    ("<?php\n$u = $base . '/query?type=Job';\n", "php"),
    ("type=Job&pageSize=5\nhttps://em:9398/api/query?type=Repository\n", "plain"),
])
def test_sniff_language(text, language):
    from fel.lint.languages import sniff_language
    assert sniff_language(text) == language


# ---- control characters and undecodable names -----------------------------------------------------
CONTROL_SOURCE = 'u = "https://em:9398/api/query?type=Jo\\x1b[2Jb\\x00&pageSize=5"\n'


@pytest.mark.parametrize("fmt", ["full", "concise", "github"])
def test_control_characters_from_the_file_are_shown_escaped(run_cli, tmp_path, fmt):
    (tmp_path / "x.py").write_text(CONTROL_SOURCE, encoding="utf-8")
    code, out, _ = run_cli("lint", "--isolated", "--color", "never", "--format", fmt, str(tmp_path / "x.py"))
    assert code == 1 and "FEL102" in out
    assert "\x1b" not in out and "\x00" not in out
    assert "\\x1b" in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_control_characters_stay_valid_json(run_cli, tmp_path, fmt):
    (tmp_path / "x.py").write_text(CONTROL_SOURCE, encoding="utf-8")
    code, out, _ = run_cli("lint", "--isolated", "--format", fmt, str(tmp_path / "x.py"))
    assert code == 1
    text = json.dumps(json.loads(out))
    assert "\\u001b" in text


def test_undecodable_file_name_is_reported(tmp_path):
    if sys.platform == "win32" or sys.getfilesystemencoding().lower() not in ("utf-8", "utf8"):
        pytest.skip("needs a POSIX file system with UTF-8 names")
    bad = os.path.join(os.fsencode(tmp_path), b"caf\xe9.py")
    with open(bad, "wb") as fh:
        fh.write(GOOD.encode())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.run([sys.executable, "-m", "fel", "lint", "--isolated", "--format", "concise", str(tmp_path)],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    assert b"FEL102" in proc.stdout and b"caf\\udce9.py" in proc.stdout


def test_unreadable_path_in_full_format_shows_no_source(run_cli, mixed):
    code, out, _ = run_cli("lint", "--isolated", "--color", "never", str(mixed / "blob.bin"))
    assert code == 2
    first = out.splitlines()[0]
    assert first.endswith("blob.bin:1:1: error[FEL491] cannot read this file: binary or too large (over 8 MB) "
                          "to lint (unreadable-path)")
    assert " | " not in out and "Found 1 finding (1 error)." in out
