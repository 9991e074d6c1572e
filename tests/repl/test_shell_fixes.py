"""REPL behaviours that once differed from the rest of fel: \\cols suggestions and exit status
in pipe mode, \\help at any width, Ctrl-C during \\all, the shared width-aware cells."""
from __future__ import annotations

import _thread
import io
import threading
import time

import pytest


def test_cols_with_unknown_names_suggests_real_fields_or_nothing(shell_factory):
    shell, out = shell_factory()
    shell.execute("BackupJobSession limit 1")
    before = shell.error_count
    shell.execute("\\cols Name Reslt Bogus")
    text = out.getvalue()
    assert "(did you mean ?)" not in text and "did you mean ?" not in text
    assert "Reslt (did you mean Result?)" in text
    assert "; Bogus (\\d BackupJobSession lists its fields)" in text
    assert shell.error_count == before + 1
    assert "columns: Name" not in text  # nothing changed


@pytest.mark.parametrize("lines, status", [
    ("BackupJobSession limit 1\n\\cols Name Kind Bogus\n", 1),
    ("BackupJobSession limit 1\n\\cols Name JobName\n", 0),
])
def test_cols_errors_fail_a_piped_session_like_other_errors(shell_factory, lines, status):
    from fel.repl.main import run_batch

    shell, out = shell_factory()
    assert run_batch(shell, io.StringIO(lines)) == status, out.getvalue()


ENTER = "run the line (continues it when a `(` or `\"` is open or it ends with `\\`)"


def _help_at(width: int) -> str:
    from fel.repl.app import Shell

    buf = io.StringIO()
    shell = Shell(out=buf, color=False, width=lambda: width)
    shell.execute("\\help")
    return buf.getvalue()


def test_help_does_not_cut_rows_on_a_wide_terminal():
    text = _help_at(220)
    assert ENTER in text
    cut = [line for line in text.splitlines() if "…" in line and "FIELD …" not in line]
    assert cut == []


def test_help_wraps_rows_on_a_narrow_terminal():
    text = _help_at(80)
    table_lines = [line for line in text.splitlines() if " | " in line or line.startswith("-")]
    assert table_lines and all(len(line) <= 80 for line in table_lines)
    assert not [line for line in text.splitlines() if "…" in line and "FIELD …" not in line]
    enter = [line for line in text.splitlines() if "Enter" in line and "run the line" in line]
    assert enter and not enter[0].rstrip().endswith("`\\`)")  # wrapped onto the next line, not cut


def test_ctrl_c_during_all_stops_the_progress_bar_for_good(shell_factory, sessions_of, capsys):
    shell, out = shell_factory(sessions_of(250))
    shell.execute("BackupJobSession limit 2")
    capsys.readouterr()
    shell.client.delay = 0.4
    timer = threading.Timer(0.6, _thread.interrupt_main)  # after page 1 of 3 is drawn
    timer.start()
    try:
        shell.execute("\\all")
    finally:
        timer.cancel()
    assert "cancelled" in out.getvalue()
    drawn = capsys.readouterr().err
    assert "page 1/3" in drawn and drawn.endswith("\r")  # drawn, then cleared
    time.sleep(1.2)  # the abandoned fetch reaches its next page
    assert capsys.readouterr().err == ""  # nothing drawn over the next prompt
    assert len(shell.client.urls) <= 3  # the first query, page 1, page 2; never page 3
    shell.client.delay = 0
    assert shell.execute("\\d Job") and "Platform" in out.getvalue()


def test_progress_after_done_refuses_to_draw():
    from fel.repl.results import Progress, ProgressClosed

    class P:
        pages_count = 3

    class S:
        pages_fetched = 1

    buf = io.StringIO()
    bar = Progress(buf)
    bar.update(S(), P())
    assert "page 1/3" in buf.getvalue()
    bar.done()
    shown = buf.getvalue()
    with pytest.raises(ProgressClosed):
        bar.update(S(), P())
    assert buf.getvalue() == shown


def test_the_repl_and_fel_run_measure_cells_with_one_function():
    from fel.client import output
    from fel.repl import render

    assert render.display_width is output.display_width
    assert output.display_width("バックアップ 東京") == 17
    assert output.display_width("e\u0301") == 1  # a combining accent takes no column
    assert output.pad("東京", 6) == "東京  "
    assert output.clip("バックアップ", 7) == "バック…"


def test_uids_are_never_clipped_in_fel_run_or_repl_tables():
    """A UID cut with … cannot be copied into the next query or \\lookup (HierarchyRoot's UID is
    what the lookup service takes)."""
    import io

    from fel.client import output
    from fel.client.entity import Entity

    uid = "urn:veeam:HierarchyRoot:0b2c8f4e-6a55-4f0e-9d1a-3c2b1a0f9e88"
    assert output.clip(uid, 48) == uid and len(uid) > 48
    assert output.clip("a long name " * 10, 48).endswith("…")
    assert output.clip("urn:with spaces " * 5, 48).endswith("…")
    buf = io.StringIO()
    w = output.make_writer(buf, "table", "UID,Name")
    w.write([Entity({"UID": uid, "Name": "vc01", "Type": "HierarchyRoot"}, {})])
    w.close()
    assert uid in buf.getvalue()


def test_the_format_rule_is_shared_and_light():
    """The REPL's toolbar applies the client's format rule on every keystroke: the rule lives
    in a module that loads neither requests nor lxml."""
    import subprocess
    import sys

    from fel.client.formats import with_default_format
    from fel.client.session import with_default_format as client_rule

    assert client_rule is with_default_format
    code = ("import sys, fel; from fel.repl.app import with_repl_defaults; "
            "print(with_repl_defaults(fel.compile_query('Job')).format, "
            "[m for m in ('requests', 'lxml') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "Entities []"
