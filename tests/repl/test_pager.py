"""The pager and the \\all progress bar."""
from __future__ import annotations

import io
import sys

from fel.client.decode import Page
from fel.repl.pager import page, pager_command
from fel.repl.results import Progress


def test_pager_command_from_the_environment(monkeypatch):
    monkeypatch.setenv("FEL_PAGER", f"{sys.executable} -c pass")
    assert pager_command() == [sys.executable, "-c", "pass"]
    monkeypatch.setenv("FEL_PAGER", "no-such-pager-anywhere --x")
    assert pager_command() is None
    monkeypatch.setenv("FEL_PAGER", "unbalanced 'quote")
    assert pager_command() is None


def test_page_sends_the_text_through_the_pager(monkeypatch, tmp_path):
    target = tmp_path / "paged.txt"
    script = f"import sys; open({str(target)!r}, 'w').write(sys.stdin.read())"
    monkeypatch.setenv("FEL_PAGER", f"{sys.executable} -c {script!r}")
    assert page("line 1\nline 2")
    assert target.read_text() == "line 1\nline 2\n"
    monkeypatch.setenv("FEL_PAGER", "no-such-pager-anywhere")
    assert not page("x")                       # the caller prints instead


def test_progress_bar():
    out = io.StringIO()
    bar = Progress(out, width=10)

    class Stream:
        pages_fetched = 0

    s = Stream()
    for n in (1, 2, 4):
        s.pages_fetched = n
        bar.update(s, Page([], "Entities", n, 5, 4))
    bar.done()
    text = out.getvalue()
    assert "[██········] page 1/4" in text and "[██████████] page 4/4" in text
    assert text.endswith("\r")
