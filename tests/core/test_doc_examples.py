"""Every example URL of the 13.x documentation passes `fel check` without error — except the Job
example that joins conditions with `&`, which is an error with a fix."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from pathlib import Path

DOC_QUERIES = Path(__file__).resolve().parents[1] / "fixtures" / "shared" / "doc-queries-13.txt"

import fel
from fel.diagnostics import apply_fixes

QUERIES = [q for q in DOC_QUERIES.read_text(encoding="utf-8").splitlines() if q.strip()]
AMPERSAND_BUG = "filter=Platform==vCloud&JobType==Backup"


def test_all_56_doc_examples_present():
    assert len(QUERIES) == 56


@pytest.mark.parametrize("url", QUERIES)
def test_doc_example_checks(url):
    errors = [d for d in fel.check(url) if d.is_error]
    if AMPERSAND_BUG in url:
        assert [d.code for d in errors] == ["FEL003"]
        fixed = apply_fixes(url, errors)
        assert "Platform==vCloud;JobType==Backup" in fixed
        assert not [d for d in fel.check(fixed) if d.is_error]
    else:
        assert errors == []


@pytest.mark.parametrize("url", [q for q in QUERIES if AMPERSAND_BUG not in q])
def test_doc_example_compiles_to_same_meaning(url):
    compiled = fel.compile_query(url)
    original = {k.lower(): v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    assert compiled.type.lower() == original["type"].lower()
    if "filter" in original:
        # The canonical filter differs only in spelling and quoting: same parse after canonicalisation.
        assert fel.compile_query(f"type={compiled.type}&filter={compiled.filter}").filter == compiled.filter
    round_trip = dict(parse_qsl(urlsplit(compiled.url()).query, keep_blank_values=True))
    assert round_trip.get("filter") == compiled.filter
