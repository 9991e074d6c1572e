"""`fel lint`'s streamed output (fel.lint.output.chunks) is byte for byte the all-at-once text
(render + a final newline) for every format, and the tally gives the same exit decision."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from fel.diagnostics import Severity, make
from fel.lint import LintResult, lint_text
from fel.lint.output import FORMATS, Tally, chunks, fails, render
from fel.span import Span

SOURCES = {
    "jobs.queries": ('type=Job&filter=Name="x"\n'
                     "BackupJobSession where Reslt == Failed\n"
                     "https://em:9398/api/query?type=Repository&filter=FreeSpace<abc&pageSize=10\n"),
    "clean.queries": "BackupJobSession where Result == Failed limit 5\n",
    "script.py": ('import requests\n'
                  'url = base + "query?type=Job&filter=JobType==Backup;Platform==VMware\\r"\n'
                  'u2 = "/api/query?type=VmRestorePoint&filter=VmDisplayName==\\"d\u00e9j\u00e0 vu\\"&sortDesc=CreationTime"\n'),
    "odd\u00e9 name,with:colon.ps1": 'Invoke-RestMethod "$em/api/query?type=BackupJobSession&filter=Result=Failed"\n',
}


def _results() -> list[LintResult]:
    out = [lint_text(text, path=path) for path, text in SOURCES.items()]
    # a path that could not be read (FEL491): no source
    out.append(LintResult("locked/dir", "", [make("FEL491", Span(0, 0), "cannot read this folder: denied",
                                                  hint="fix its permissions")], "plain"))
    return out


RESULTS = _results()


def test_the_sample_has_findings_with_fixes_and_a_clean_file():
    assert sum(len(r.diagnostics) for r in RESULTS) >= 5
    assert any(d.fix is not None for r in RESULTS for d in r.diagnostics)
    assert any(not r.diagnostics for r in RESULTS)


def _streamed(results, fmt, fixed=0, color=False):
    tally = Tally()
    text = "".join(chunks(iter(results), fmt, color=color, tally=tally, fixed=lambda: fixed))
    return text, tally


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fixed", [0, 3])
def test_streamed_output_equals_the_whole_text(fmt, fixed):
    for results in (RESULTS, RESULTS[:1], RESULTS[1:2], [], list(reversed(RESULTS))):
        whole = render(results, fmt, fixed=fixed)
        text, tally = _streamed(results, fmt, fixed)
        assert text == (whole + "\n" if whole else "")
        for level in Severity:
            assert tally.fails(level) == fails(results, level)


@pytest.mark.parametrize("fmt", ["concise", "full"])
@pytest.mark.parametrize("batch", [1, 2, 3])
def test_batched_lines_equal_the_whole_text(monkeypatch, fmt, batch):
    """Full and concise lines go out in batches: every batch size gives the same text, and a
    file with more lines than a batch comes in several pieces."""
    from fel.lint import output
    monkeypatch.setattr(output, "_BATCH", batch)
    pieces = list(chunks(iter(RESULTS), fmt))
    assert "".join(pieces) == render(RESULTS, fmt) + "\n"
    lines = sum(1 for r in RESULTS for _ in output._text_lines(r, fmt, False))
    assert len(pieces) >= -(-lines // batch) + 1  # at least one piece per batch, then the summary
    assert all(p.endswith("\n") for p in pieces)


def test_streamed_full_output_with_colour_equals_the_whole_text():
    assert _streamed(RESULTS, "full", color=True)[0] == render(RESULTS, "full", color=True) + "\n"


def test_streamed_json_and_sarif_parse():
    rows = json.loads(_streamed(RESULTS, "json")[0])
    assert len(rows) == sum(len(r.diagnostics) for r in RESULTS)
    log = json.loads(_streamed(RESULTS, "sarif")[0])
    assert len(log["runs"][0]["results"]) == len(rows)


def test_results_are_consumed_one_at_a_time():
    """The first finding is out before the second file is linted."""
    seen = []

    def produce():
        for r in RESULTS:
            seen.append(r.path)
            yield r

    for fmt in ("json", "sarif", "concise"):
        seen.clear()
        stream = chunks(produce(), fmt)
        piece = next(stream)
        while "jobs.queries" not in piece:
            piece = next(stream)
        assert seen == ["jobs.queries"]


_lines = st.lists(st.sampled_from([
    'type=Job&filter=Name=="x"', "Job where Nme == x", 'type=Job&filter=Name="a""b"', "Job where Name == x",
    "BackupJobSession where CreationTime >= 2025-01-01", "/api/query?type=Foo", "\u00e9\u4e2d \U0001F600",
    'https://em:9398/api/query?type=Job&filter=Name=="\\u001b[31m"', "",
]), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.queries", "b/c.queries", "-", "d e.queries"]), _lines), max_size=4),
       st.sampled_from(FORMATS))
def test_streamed_equals_whole_on_generated_files(files, fmt):
    results = [lint_text("\n".join(lines) + "\n", path=path) for path, lines in files]
    whole = render(results, fmt)
    assert _streamed(results, fmt)[0] == (whole + "\n" if whole else "")


# ---- the JSON writer of json and sarif output ---------------------------------------------------
_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                          st.floats(allow_nan=True, allow_infinity=True))
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4),
                            st.dictionaries(st.integers(), inner, min_size=1, max_size=2)),
    max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES, st.sampled_from(["", "  ", "      "]))
def test_json_writer_equals_json_dumps(value, prefix):
    """output._dumps writes exactly what json.dumps(indent=2) writes, every line after the
    prefix (strings, numbers, nesting, empty containers, keys json must convert)."""
    from fel.lint.output import _dumps
    expected = prefix + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + prefix)
    assert _dumps(value, prefix) == expected


def test_json_writer_on_real_rows():
    from fel.lint.output import _dumps, rows, sarif
    for row in rows(RESULTS):
        assert _dumps(row, "  ") == "  " + json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    log = sarif(RESULTS)
    assert _dumps(log) == json.dumps(log, ensure_ascii=False, indent=2)
