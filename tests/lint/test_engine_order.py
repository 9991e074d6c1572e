"""``lint_text`` skips its final sort when the findings of a plain file already come in order
(lines are linted in file order). Whatever the lines, the result must be exactly what sorting
gives: in ``sort_diagnostics`` order, without duplicates."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fel.diagnostics import sort_diagnostics
from fel.lint import lint_text

_LINES = st.sampled_from([
    'type=Job&filter=Name="x"', "BackupJobSession where Reslt == Failed", "Job where Name == x",
    "https://em:9398/api/query?type=Job&filter=Platform==vCloud&JobType==Backup&sortAsc=name",
    "https://em:9398/api/query//?type=Job", "http://em:9398/api/query?type=job&pageSize=0&pageSize=5",
    "https://em:9419/api/query?type=BackupJobSession&filter=Result=Failed", "/api//query?type=Foo",
    "query?type=BackupTaskSession&format=entities&filter=creationtime>=\"2025-08-03 06:00\"",
    "https://em:9398/api/querySvc?type=Job", "https://em:9398/api/lookup?host=x", "", "   ", "# a comment",
    "type=Job&filter=Name==x # trailing comment", "https://em:9398/api/backupSessions", "\u00e9\u4e2d",
    "https://[::1:9398/api/query?type=Job&pageSize=1", "https://em:9398/api/query?type=Job&pageSize=1#x",
    'type=Job&filter=Name=="a" &Platform==VMware&pageSize=1', "https://em!:9398//api/query?type=Job&pageSize=1",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_plain_file_findings_are_in_sorted_order(lines, newline):
    found = lint_text(newline.join(lines) + newline, path="x.queries").diagnostics
    assert found == sort_diagnostics(found)


def test_out_of_order_lines_are_still_sorted():
    """A line whose URL rules report before a finding that lies in front of them (FEL410 in the
    path, then FEL413 in the host) forces the sort."""
    from fel.lint.engine import lint_candidate
    from fel.lint.extract import iter_plain_lines
    line = "https://em!:9398//api/query?type=Job&pageSize=1"
    cand = next(iter_plain_lines(line + "\n"))
    raw = lint_candidate(cand)
    assert raw != sort_diagnostics(raw)  # the candidate's own findings are out of order
    text = "type=Job\n" + line + "\n" + line + "\nJob where Nme == x\n"
    found = lint_text(text, path="x.queries").diagnostics
    assert [d.code for d in found] == ["FEL306", "FEL413", "FEL410", "FEL413", "FEL410", "FEL101"]
    assert found == sort_diagnostics(found)
