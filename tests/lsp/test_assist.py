"""Completion and hover inside queries stored in source code: the REPL's completer on the query
under the cursor, edits mapped back into the file and written in the literal's escaping."""
from __future__ import annotations

import pytest

from fel.lsp.assist import complete, hover, query_at

# (language, source with ‸ at the cursor, a label that must be offered, the file text after choosing it)
CASES = [
    ("python", 'r = get("https://em:9398/api/query?type=BackupJobSession&filter=Result==F‸")',
     "Failed", 'r = get("https://em:9398/api/query?type=BackupJobSession&filter=Result==Failed")'),
    ("python", 'r = get("https://em:9398/api/query?type=BackupJobSession&filter=Result==Failed;Job‸")',
     "JobName", 'r = get("https://em:9398/api/query?type=BackupJobSession&filter=Result==Failed;JobName")'),
    ("python", 'r = get("https://em:9398/api/query?type=BackupJobSession&filter=Res‸")', "Result",
     'r = get("https://em:9398/api/query?type=BackupJobSession&filter=Result")'),
    ("python", 'r = get(EM + "query?type=Bac‸")', "BackupJobSession", 'r = get(EM + "query?type=BackupJobSession")'),
    ("python", 'r = get("https://em:9398/api/query?type=Job&sortAsc=Na‸")', "Name",
     'r = get("https://em:9398/api/query?type=Job&sortAsc=Name")'),
    ("python", 'q = "query?type=Job&filter=Name==\\"x\\";Pla‸"', "Platform",
     'q = "query?type=Job&filter=Name==\\"x\\";Platform"'),
    # a quoted value inserted into a double-quoted literal: its quotes are escaped for the language
    ("javascript", 'const u = base + "query?type=BackupJobSession&filter=State==\\"Work‸";', "Working",
     'const u = base + "query?type=BackupJobSession&filter=State==\\"Working\\"";'),
    ("powershell", '$r = Invoke-RestMethod -Uri "$em/query?type=Job&filter=Name==`"x`";Platform==v‸"', "vCloud",
     '$r = Invoke-RestMethod -Uri "$em/query?type=Job&filter=Name==`"x`";Platform==vCloud"'),
    ("powershell", "$r = Invoke-RestMethod -Uri 'https://em:9398/api/query?type=BackupJobSession&filter=State==‸'",
     "Working", "$r = Invoke-RestMethod -Uri 'https://em:9398/api/query?type=BackupJobSession&filter=State==Working'"),
    ("yaml", 'q: "query?type=Job&filter=Platform==vC‸"\n', "vCloud", 'q: "query?type=Job&filter=Platform==vCloud"\n'),
    ("plain", "BackupJobSession where Result == F‸\n", "Failed", "BackupJobSession where Result == Failed\n"),
    ("plain", "Repository where Fre‸\n", "FreeSpace", "Repository where FreeSpace\n"),
    # a percent-encoded filter: the decoded text is completed, the insertion is encoded
    ("python", 'u = "query?type=BackupJobSession&filter=%28Res‸"', "Result",
     'u = "query?type=BackupJobSession&filter=%28Result"'),
    ("python", 'u = "query?type=BackupJobSession&filter=Result%3D%3D‸"', "Failed",
     'u = "query?type=BackupJobSession&filter=Result%3D%3DFailed"'),
    # operators after a field, and time shortcuts in a statement (a plain query list)
    ("plain", "BackupJobSession where CreationTime ‸\n", ">=", "BackupJobSession where CreationTime >=\n"),
    ("plain", "BackupJobSession where CreationTime >= ‸\n", "now-24h",
     "BackupJobSession where CreationTime >= now-24h\n"),
    # non-ASCII before the cursor on the same line
    ("python", 'x = "😀 東京"; u = "query?type=Job&filter=Platform==V‸"', "VMware",
     'x = "😀 東京"; u = "query?type=Job&filter=Platform==VMware"'),
]


def _apply(src: str, edit) -> str:
    return src[:edit.span.start] + edit.text + src[edit.span.end:]


@pytest.mark.parametrize("language,marked,label,expected", CASES)
def test_completion_edit_lands_escaped(language, marked, label, expected):
    offset = marked.index("‸")
    src = marked.replace("‸", "")
    items = complete(src, offset, language)
    chosen = [it for it in items if it.label == label]
    assert chosen, [it.label for it in items][:10]
    assert _apply(src, chosen[0].edit) == expected


@pytest.mark.parametrize("language,marked", [
    ("python", 'x = "hello wor‸"'),
    ("python", 'url = "https://example.com/search?q=fel‸"'),
    ("python", '# plain comment with type‸\n'),
    ("javascript", 'const s = "filter: none‸";'),
])
def test_no_completion_outside_em_queries(language, marked):
    offset = marked.index("‸")
    assert complete(marked.replace("‸", ""), offset, language) == []


def test_query_at_picks_the_query_under_the_cursor():
    src = 'a = "query?type=Job"\nb = "query?type=Repository&filter=Name==x"\n'
    at = query_at(src, src.index("Repository") + 3, "python")
    assert at is not None and at.text == "query?type=Repository&filter=Name==x"
    assert query_at(src, 0, "python") is None


@pytest.mark.parametrize("language,marked,must_contain", [
    ("python", 'q = "query?type=Job&filter=Plat‸form==vCloud"', ["Job.Platform", "enum", "vCloud", "EM "]),
    ("python", 'q = "query?type=BackupJob‸Session&filter=Result==Failed"', ["BackupJobSession", "Result"]),
    ("plain", "BackupJobSession where Creation‸Time >= now-24h\n", ["BackupJobSession.CreationTime", "datetime", "now-24h"]),
    ("javascript", 'const u = "query?type=VmRestorePoint&filter=VmName==\\"😀\\"&Algo‸rithm==Full"', ["Algorithm"]),
])
def test_hover_describes_types_and_fields(language, marked, must_contain):
    offset = marked.index("‸")
    src = marked.replace("‸", "")
    found = hover(src, offset, language)
    assert found is not None
    markdown, span = found
    for word in must_contain:
        assert word in markdown
    assert span.start <= offset <= span.end
    assert src[span.start:span.end].isidentifier()


def test_no_hover_on_unknown_words_or_outside_queries():
    src = 'q = "query?type=Job&filter=Bogus==1"\nx = "Platform"\n'
    assert hover(src, src.index("Bogus") + 2, "python") is None
    assert hover(src, src.index('"Platform') + 3, "python") is None


def test_window_in_a_large_file_gives_the_full_files_answers(monkeypatch):
    """Differential: completion and hover searched in a window of lines (large files) equal those
    searched in the whole file (the oracle), at a cursor in each query of a long script."""
    import fel.lsp.assist as assist

    body = "".join(f'def f{i}():\n    """doc {i} 東京"""\n    return get(EM + "query?type=BackupJobSession&'
                   f'filter=Result==F;JobName==\\"j{i}\\"&pageSize={i % 90 + 10}")\n' for i in range(600))
    text = "import requests\n" + body
    assert len(text) > assist.WINDOW_CHARS
    cursors = [m + len("Result==F") for m in range(len(text)) if text.startswith("Result==F", m)][::37]
    fast = [(complete(text, c, "python"), hover(text, c - 3, "python")) for c in cursors]
    monkeypatch.setattr(assist, "WINDOW_CHARS", 10 ** 9)
    full = [(complete(text, c, "python"), hover(text, c - 3, "python")) for c in cursors]
    assert fast == full
    assert all(items and items[0].label == "Failed" for items, _ in fast)


def test_times_in_a_raw_em_filter_are_written_out():
    """EM takes no `now-24h` (that is FEL011 in a raw filter): there the completer offers the
    time written out, quoted and escaped for the literal."""
    src = 'q = "query?type=BackupJobSession&filter=CreationTime>="'
    items = complete(src, len(src) - 1, "python")
    labels = [it.label for it in items]
    assert "now" not in labels and "now-24h" not in labels
    assert labels[:2] == ["now, written out", "now-24h, written out"]
    import re

    assert all(re.fullmatch(r'\\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\\"', it.edit.text) for it in items)
    from fel import check

    filled = src[:-1] + items[1].edit.text.replace('\\"', '"') + "&pageSize=5"
    assert not [d for d in check(filled[5:]) if d.severity.value == "error"], filled
