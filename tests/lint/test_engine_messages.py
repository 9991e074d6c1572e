"""What the user reads never shows the linter's internal placeholder for interpolated parts."""
from __future__ import annotations

from fel.lint.candidate import HOLE
from fel.lint.engine import lint_text


def test_interpolation_placeholder_never_reaches_messages():
    src = ("def f(job):\n"
           "    return BASE + 'query?type=BackupJobSession&filter=Result==Failed&JobName==\"' + job + '\"'\n")
    findings = lint_text(src, path="x.py").diagnostics
    ampersand = [d for d in findings if d.code == "FEL003"]
    assert ampersand, findings
    for d in findings:
        assert HOLE not in d.message and HOLE not in (d.hint or "")
    assert "JobName==\"…\"" in ampersand[0].message
