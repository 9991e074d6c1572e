"""The real-world corpus: every query gets the verdict its notes imply.

``golden/corpus.json`` holds, per corpus line, the codes expected for the ``normalized`` query
(linted as a line of a plain query file) and for a source snippet built from ``raw`` (linted as
a file of the snippet's language). Differences between the two are explained by interpolation
holes: values that come from variables are not judged.
"""
from __future__ import annotations

import json

import pytest

from .conftest import FIXTURES, lint, load_golden

GOLDEN = load_golden("corpus.json")
CORPUS = [json.loads(line) for line in (FIXTURES / "shared" / "realworld-dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_golden_covers_the_whole_corpus():
    assert [g["normalized"] for g in GOLDEN] == [c["normalized"] for c in CORPUS]


@pytest.mark.parametrize("entry", GOLDEN, ids=[f"{g['id']}" for g in GOLDEN])
def test_normalized_verdict(entry):
    found = [d.code for d in lint(entry["normalized"] + "\n")]
    assert sorted(found) == sorted(entry["normalized_expect"]), entry["why"]


@pytest.mark.parametrize("entry", GOLDEN, ids=[f"{g['id']}" for g in GOLDEN])
def test_source_verdict(entry):
    diags = lint(entry["source"], entry["file"])
    assert sorted(d.code for d in diags) == sorted(entry["source_expect"]), entry["why"]
    for d in diags:  # every finding points into the snippet
        assert 0 <= d.span.start <= d.span.end <= len(entry["source"])


@pytest.mark.parametrize("entry", GOLDEN, ids=[f"{g['id']}" for g in GOLDEN])
def test_queries_that_worked_raise_no_error(entry):
    errors = [d for d in lint(entry["normalized"] + "\n") + lint(entry["source"], entry["file"]) if d.is_error]
    assert not errors, [(d.code, d.message) for d in errors]


def test_source_findings_are_a_subset_of_normalized_findings():
    """Holes only ever hide findings; they never add any."""
    for entry in GOLDEN:
        norm = list(entry["normalized_expect"])
        for code in entry["source_expect"]:
            assert code in norm, (entry["id"], code)
            norm.remove(code)
