"""Highlighting from the grammar: classes per token, full coverage of any text, Pygments lexers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fel.repl.highlight import EmFilterLexer, FelLexer, classify, fragments

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "highlight_cases.json").read_text(encoding="utf-8"))["cases"]
LONG = [line for line in (DATA / "long_queries.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] or "<empty>" for c in CASES])
def test_classes(case):
    got = [[cls, piece] for cls, piece in fragments(case["text"]) if cls]
    assert got == case["spans"]


@pytest.mark.parametrize("query", LONG)
def test_every_prefix_is_covered_without_errors(query):
    for end in range(len(query) + 1):
        text = query[:end]
        pieces = fragments(text)
        assert "".join(p for _, p in pieces) == text
        # a prefix of a valid query is never marked wrong while it is being typed
        assert not [p for c, p in pieces if c == "error"], text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('Job where Name=!<>();,"&|and or not in\\\n\u201c\u201d01:-\'x?%')), max_size=60))
def test_any_text_is_covered_exactly(text):
    pieces = fragments(text)
    assert "".join(p for _, p in pieces) == text
    spans = classify(text)
    assert all(0 <= s < e <= len(text) for s, e, _ in spans)


def test_pygments_lexers_round_trip_and_classify():
    from pygments.token import Error, Keyword, Name

    text = 'Job where Name == "a b"\nBackupJobSession where (Result == Failed\n  or State == Working)\n'
    tokens = list(FelLexer().get_tokens(text))
    assert "".join(v for _, v in tokens) == text
    assert (Name.Class, "BackupJobSession") in tokens and (Keyword, "or") in tokens
    assert not [v for t, v in tokens if t is Error]
    em = list(EmFilterLexer().get_tokens('Result==Failed;JobName=="Backup Job 2"'))
    assert (Name.Attribute, "Result") in em and (Name.Attribute, "JobName") in em


def test_pygments_entry_points_are_declared_and_resolve():
    """pyproject declares both lexers; where fel is installed (CI installs it), Pygments finds them."""
    import importlib
    import sys
    from importlib.metadata import entry_points

    tomllib = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")

    root = Path(__file__).resolve().parents[2]
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]["pygments.lexers"]
    assert declared == {"fel": "fel.repl.highlight:FelLexer", "em-filter": "fel.repl.highlight:EmFilterLexer"}
    for target in declared.values():
        module, _, name = target.partition(":")
        assert getattr(importlib.import_module(module), name) in (FelLexer, EmFilterLexer)
    installed = {ep.name: ep.value for ep in entry_points(group="pygments.lexers")}
    if "fel" in installed:  # an installed fel (editable or wheel): Pygments resolves it by name
        from pygments.lexers import get_lexer_by_name

        assert isinstance(get_lexer_by_name("fel"), FelLexer)
        assert isinstance(get_lexer_by_name("em-filter"), EmFilterLexer)
