"""--fix: safe fixes only, written in the literal's own quoting, idempotent, never adding errors."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from fel.lint.fixes import fix_text

from .conftest import all_settings, lint, load_golden

CASES = load_golden("fixes.json")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fix_golden(case):
    fixed, result, n = fix_text(case["source"], path=case["file"], settings=all_settings())
    assert fixed == case["fixed"]
    assert (n > 0) == (case["source"] != case["fixed"])
    if "remaining" in case:
        assert sorted(case["remaining"]) == sorted({d.code for d in result.diagnostics} & set(case["remaining"]))
    # the remaining findings are those of a fresh lint of the fixed text
    assert [d.code for d in result.diagnostics] == [d.code for d in lint(fixed, case["file"])]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fix_is_idempotent(case):
    once, _, _ = fix_text(case["source"], path=case["file"], settings=all_settings())
    twice, result, n = fix_text(once, path=case["file"], settings=all_settings())
    assert twice == once and n == 0
    assert not [d for d in result.diagnostics if d.fix is not None and d.fix.safe]


# ---- properties --------------------------------------------------------------------------------
TYPES = ["BackupJobSession", "backupjobsession", "Job", "job", "VmRestorePoint", "Repository", "JobSession"]
CONDS = ["Result==failed", "result==Failed", "JobName==Backup Job 1", "Name==\u201cExchange Backup\u201d",
         "CreationTime>=2025-08-15T06:00:00Z", "CreationTime>=\"2025-08-15 06:00:00\"", "JobType==backup",
         "Platform==vmware", "Name=='x'", "State==Working", "JobUid==f7d731be-53f7-40ca-9c45-cbdaf29e2d99",
         "Result=Failed", "Name==a,b", "(Name==a", "IsRetry==yes"]
SEPS = [";", ",", "&", " AND ", ";("]
PARAMS = ["&format=entities", "&format=Entity", "&pageSize=10", "&page=1", "&sortDesc=name", "", "&Type=Job"]
PREFIX = ["", "/api/query?", "https://em:9398/api/query?", "http://em:9398/api/query?", "https://em:9399/api/query?",
          "https://em:9398/api/querySvc?", "https://em:9398/api//query?"]


@st.composite
def queries(draw):
    conds = draw(st.lists(st.sampled_from(CONDS), min_size=0, max_size=3))
    filt = ""
    for i, c in enumerate(conds):
        filt += (draw(st.sampled_from(SEPS)) if i else "") + c
    text = draw(st.sampled_from(PREFIX)) + "type=" + draw(st.sampled_from(TYPES))
    if conds:
        text += "&filter=" + filt
    text += "".join(draw(st.lists(st.sampled_from(PARAMS), max_size=3)))
    return text


def _errors(diags):
    return sorted(d.code for d in diags if d.is_error)


@settings(max_examples=150, deadline=None)
@given(q=queries())
def test_fixing_never_adds_errors(q):
    source = q + "\n"
    before = lint(source)
    fixed, result, _ = fix_text(source, path="q.queries", settings=all_settings())
    after = result.diagnostics
    assert len(_errors(after)) <= len(_errors(before)), (q, fixed)
    if not _errors(before):
        assert not _errors(after), (q, fixed)
    again, _, n = fix_text(fixed, path="q.queries", settings=all_settings())
    assert again == fixed and n == 0


@settings(max_examples=80, deadline=None)
@given(q=queries(), quote=st.sampled_from(["'", '"']))
def test_fixing_inside_python_strings_keeps_them_valid(q, quote):
    """A fixed Python file still parses, and its string still holds the fixed query."""
    import ast

    body = q.replace("\\", "\\\\").replace(quote, "\\" + quote)
    source = f"u = {quote}{body}{quote}\n"
    fixed, _, _ = fix_text(source, path="x.py", settings=all_settings())
    tree = ast.parse(fixed)
    value = tree.body[0].value.value  # type: ignore[attr-defined]
    assert isinstance(value, str)
    assert len(_errors(lint(value + "\n"))) <= len(_errors(lint(q + "\n"))), (q, value)
