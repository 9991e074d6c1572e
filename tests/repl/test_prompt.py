"""In-process prompt-toolkit tests: pipe input, dummy output — accept, continue, complete,
toolbar validation, keys, history search and the whole loop."""
from __future__ import annotations

import asyncio
import io

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from fel.repl.app import Shell
from fel.repl.session import build_session, run_loop


@pytest.fixture
def pipe():
    with create_pipe_input() as inp:
        with create_app_session(input=inp, output=DummyOutput()):
            yield inp


def make(pipe, *, history=None, shell=None):
    shell = shell or Shell(out=io.StringIO(), color=False)
    session = build_session(shell, history=history or InMemoryHistory(), input=pipe, output=DummyOutput(),
                            threaded=False)
    return shell, session


def run_with_keys(session, pipe, steps, pause=0.08):
    """Run one prompt, sending ``steps`` one by one with pauses (completion is asynchronous)."""

    async def main():
        async def feed():
            for step in steps:
                await asyncio.sleep(pause)
                pipe.send_text(step)

        task = asyncio.ensure_future(feed())
        try:
            return await session.prompt_async()
        finally:
            task.cancel()

    return asyncio.run(main())


def test_enter_accepts_a_complete_line(pipe):
    _, session = make(pipe)
    pipe.send_text("BackupJobSession where Result == Failed\r")
    assert session.prompt() == "BackupJobSession where Result == Failed"


@pytest.mark.parametrize("keys, expected", [
    ("Job where (Name == a\ror Name == b)\r", "Job where (Name == a\nor Name == b)"),
    ('Job where Name == "a\rb"\r', 'Job where Name == "a\nb"'),
    ("Job where Name == a \\\rlimit 5\r", "Job where Name == a \\\nlimit 5"),
    ("Job\x1b\rlimit 5\r", "Job\nlimit 5"),            # Alt-Enter always inserts a newline
    ("\\d Job\r", "\\d Job"),
])
def test_multi_line_input(pipe, keys, expected):
    _, session = make(pipe)
    pipe.send_text(keys)
    assert session.prompt() == expected


def test_tab_completes_a_field_then_a_value(pipe):
    _, session = make(pipe)
    result = run_with_keys(session, pipe, ["BackupJobSession where Res", "\t", " == Fa", "\t", "\r", "\r"])
    assert result == "BackupJobSession where Result == Failed"


def test_tab_on_a_type_shows_its_fields_in_the_menu(pipe):
    _, session = make(pipe)
    seen = {}

    def peek(_app):
        state = session.default_buffer.complete_state
        if state is not None and state.completions:
            seen.setdefault("menu", [c.text for c in state.completions])
            seen.setdefault("meta", [c.display_meta_text for c in state.completions])

    session.app.after_render += peek
    with pytest.raises(KeyboardInterrupt):
        run_with_keys(session, pipe, ["BackupJobSession where ", "\t", "\x03"])
    assert seen["menu"][:4] == ["UID", "Name", "JobType", "JobUid"]
    assert "enum (String)" in seen["meta"]


def test_toolbar_shows_the_diagnostic_and_the_url(pipe):
    _, session = make(pipe)
    buf = session.default_buffer

    def toolbar_text(text):
        async def inside_a_loop():
            buf.text = text
            return "".join(t for _, t in session.bottom_toolbar())

        return asyncio.run(inside_a_loop())

    empty = toolbar_text("")
    assert "Tab completes" in empty and "table │ not connected" in empty
    bad = toolbar_text("BackupJobSession where Resutl == Failed")
    assert "✗ FEL101 `Resutl` is not a field of BackupJobSession — did you mean `Result`?" in bad
    assert "… expected" in toolbar_text("BackupJobSession where")
    ok = toolbar_text("Job where Name == x limit 5")
    assert "✓ …/query?type=Job&format=Entities&filter=Name%3D%3Dx&pageSize=5&page=1" in ok


def test_ctrl_c_clears_and_ctrl_d_quits(pipe):
    _, session = make(pipe)
    pipe.send_text("Job where\x03")
    with pytest.raises(KeyboardInterrupt):
        session.prompt()
    pipe.send_text("\x04")
    with pytest.raises(EOFError):
        session.prompt()


def test_ctrl_r_searches_history(pipe):
    history = InMemoryHistory()
    for line in ("Job limit 1", "BackupJobSession where Result == Failed", "Repository"):
        history.append_string(line)
    _, session = make(pipe, history=history)
    result = run_with_keys(session, pipe, ["\x12", "Fail", "\r", "\r"])
    assert result == "BackupJobSession where Result == Failed"


def test_f3_prints_the_url_of_the_line(pipe):
    shell, session = make(pipe)
    run_with_keys(session, pipe, ["Job where Name == x", "\x1bOR", "\r"])
    assert "type=Job&format=Entities&filter=Name%3D%3Dx" in shell.out.getvalue()


def test_the_loop_runs_lines_offers_a_bad_line_again_and_quits(pipe):
    shell, session = make(pipe)
    pipe.send_text("\\format json\r")
    pipe.send_text("Job where Nme == x\r")
    pipe.send_text("\x15\\q\r")          # Ctrl-U clears the offered line, then quit
    assert run_loop(shell, session) == 0
    out = shell.out.getvalue()
    assert "output format is json" in out
    assert "error[FEL101] `Nme` is not a field of Job" in out


def test_auto_suggestion_from_history(pipe):
    history = InMemoryHistory()
    history.append_string("BackupJobSession where Result == Failed limit 5")
    _, session = make(pipe, history=history)
    # type a prefix, accept the grey suggestion with the right arrow, run it
    result = run_with_keys(session, pipe, ["BackupJobSession where R", "\x1b[C", "\r"])
    assert result == "BackupJobSession where Result == Failed limit 5"
