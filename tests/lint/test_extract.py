"""Source extraction per language: findings land on the exact characters of the file."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from fel.diagnostics import Locator
from fel.lint.extract import extract
from fel.lint.languages import LANGUAGES, language_for
from fel.span import Span

from .conftest import lint, load_golden, position

CASES = load_golden("extract.json")


def _expected_span(source: str, exp: dict) -> tuple[int, int]:
    idx = -1
    for _ in range(exp.get("nth", 0) + 1):
        idx = source.index(exp["at"], idx + 1)
    end = idx + len(exp["at"])
    if exp.get("empty_at_end"):
        return end, end
    return idx, end


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_findings_at_exact_positions(case):
    source = case["source"]
    diags = lint(source, case["file"])
    got = sorted((d.code, d.span.start, d.span.end) for d in diags)
    want = sorted((e["code"], *_expected_span(source, e)) for e in case["expect"])
    assert got == want, [(c, source[s:e], position(source, s)) for c, s, e in got]
    loc = Locator(source)
    for d in diags:  # line/column agree with the offsets
        row = d.to_dict(source, loc)
        assert (row["line"], row["column"]) == position(source, d.span.start)
        assert (row["end_line"], row["end_column"]) == position(source, d.span.end)


@pytest.mark.parametrize("name,expected", [
    ("a.py", "python"), ("a.PS1", "powershell"), ("a.psm1", "powershell"), ("a.sh", "shell"),
    ("a.bash", "shell"), ("a.php", "php"), ("a.js", "javascript"), ("a.ts", "javascript"), ("a.go", "go"),
    ("a.cs", "csharp"), ("a.pl", "perl"), ("a.rb", "ruby"), ("a.yaml", "yaml"), ("a.yml", "yaml"),
    ("a.json", "json"), ("a.md", "markdown"), ("a.txt", "plain"), ("a.queries", "plain"), ("a.weird", "plain"),
])
def test_language_by_extension(name, expected):
    assert language_for(name) == expected


def test_language_by_shebang():
    assert language_for("check_veeam", "#!/usr/bin/env python3") == "python"
    assert language_for("check_veeam", "#!/bin/bash") == "shell"
    assert language_for("check_veeam", "#!/usr/bin/pwsh") == "powershell"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("'\"`$@{}()[]\\#/*<>=;,&?+.:% \n\tqueryapi=xa$%{")), max_size=120),
       language=st.sampled_from(sorted(LANGUAGES)))
def test_extraction_never_raises_and_maps_inside_the_text(text, language):
    for cand in extract(text, language):
        for i in range(len(cand.text)):
            span = cand.file_span(Span(i, i + 1))
            assert 0 <= span.start <= span.end <= len(text)
            if cand.owner and cand.owner[i] >= 0:  # literal characters map to non-empty file text
                assert span.end > span.start


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200), language=st.sampled_from(sorted(LANGUAGES)))
def test_lint_never_raises(text, language):
    ext = {v: k for k, v in {".py": "python", ".js": "javascript", ".json": "json", ".go": "go", ".cs": "csharp",
                             ".java": "clike", ".dart": "dart", ".sh": "shell", ".ps1": "powershell", ".pl": "perl",
                             ".php": "php", ".rb": "ruby", ".yml": "yaml", ".md": "markdown", ".txt": "plain",
                             ".kt": "kotlin", ".scala": "scala", ".groovy": "groovy"}.items()}
    for d in lint(text, "x" + ext[language]):
        assert 0 <= d.span.start <= d.span.end <= len(text)
