"""End to end in a real terminal (pexpect): ``fel repl --demo`` starts the emulator, logs on and
answers typed queries. pgcli's recipe: PROMPT_TOOLKIT_NO_CPR=1, temporary XDG directories,
PAGER=cat; failures show what the screen had."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def plain(text: str) -> str:
    return ANSI.sub("", text)


@pytest.fixture
def repl(tmp_path):
    env = dict(os.environ)
    env.update(PROMPT_TOOLKIT_NO_CPR="1", XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), PAGER="cat", TERM="xterm", NO_COLOR="1", COLUMNS="160", LINES="40",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    env.pop("FEL_PROFILE", None)
    child = pexpect.spawn(sys.executable, ["-m", "fel", "repl", "--demo"], env=env, cwd=str(tmp_path),
                          dimensions=(40, 160), encoding="utf-8", timeout=20)
    child.tmp = tmp_path
    try:
        yield child
    finally:
        if child.isalive():
            child.terminate(force=True)


def expect(child, pattern: str) -> None:
    try:
        child.expect(pattern)
    except (pexpect.TIMEOUT, pexpect.EOF):
        pytest.fail(f"expected {pattern!r}; the screen had:\n{plain(child.before or '')[-3000:]}")


def test_demo_complete_run_describe_and_quit(repl):
    expect(repl, "fel> ")
    repl.send("BackupJobSession where ")
    repl.send("\t")                                     # Tab shows the fields with their kinds
    expect(repl, "enum")                              # JobType's kind, then further down the menu
    expect(repl, "CreationTime")
    repl.sendcontrol("u")                               # clear the line (the prompt is up: raw mode)
    repl.send("BackupJobSession where Result == Failed order by CreationTime desc limit 3")
    repl.send("\r")
    expect(repl, r"JobName")
    expect(repl, r"\(3 rows, page 1 of \d+")
    assert "Failed" in plain(repl.before)
    repl.send("\\d BackupJobSession\r")
    expect(repl, "Success, Warning, Failed")
    repl.send("\\connect https://em.example.com user secret-password\r")
    expect(repl, "never a password")
    repl.send("\\q\r")
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0
    history = (repl.tmp / "data" / "fel" / "history").read_text(encoding="utf-8")
    assert "BackupJobSession where Result == Failed" in history
    assert "secret-password" not in history


def test_invalid_line_shows_the_caret_and_next_and_x_work(repl):
    expect(repl, "fel> ")
    repl.send("BackupJobSession where Reslt == Failed\r")
    expect(repl, r"error\[FEL101\]")
    expect(repl, r"\^\^\^\^\^")
    expect(repl, "did you mean `Result`")
    expect(repl, "fel> ")                               # the line is offered again for editing
    repl.sendcontrol("u")
    repl.send("Job limit 2\r")
    expect(repl, r"\(2 rows, page 1 of")
    repl.send("\\next\r")
    expect(repl, r"\(2 rows, page 2 of")
    repl.send("\\x on\r")
    repl.send("\\prev\r")
    expect(repl, r"-\[ RECORD 1 \]")
    expect(repl, "fel> ")                               # control keys only once the prompt is up
    repl.sendcontrol("d")
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0
