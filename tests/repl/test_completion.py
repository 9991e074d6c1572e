"""Pure completion logic: a golden table of (text, cursor) → suggestions, every prefix of long
queries, and properties over arbitrary text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fel.repl.completion import split_prefix
from fel.repl.lexing import analyze, scan

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "completion_cases.json").read_text(encoding="utf-8"))["cases"]
LONG = [line for line in (DATA / "long_queries.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][-40:] or "<empty>" for c in CASES])
def test_golden_table(completion, case):
    got = completion.suggest(case["text"], case.get("cursor"))
    texts = [s.text for s in got]
    if "exactly" in case:
        assert texts == case["exactly"]
    if "first" in case:
        assert texts[: len(case["first"])] == case["first"], texts[:10]
    for want in case.get("contains", ()):
        assert want in texts, (want, texts)
    for unwanted in case.get("excludes", ()):
        assert unwanted not in texts
    if "start" in case:
        assert {s.start for s in got} <= {case["start"]}
    for text, meta in case.get("metas", {}).items():
        assert [s.meta for s in got if s.text == text] == [meta]


def _expected_word(tokens, i) -> str | None:
    """What completion should offer at token ``i`` of a valid statement (None: free text)."""
    t = tokens[i]
    nxt = tokens[i + 1].type if i + 1 < len(tokens) else None
    if t.type == "ORDER":
        return "order by"
    if t.type == "NOT" and nxt == "IN":
        return "not in"
    if t.type in ("WHERE", "BY", "ASC", "DESC", "LIMIT", "PAGE", "FORMAT", "AND", "OR", "NOT", "IN"):
        return t.text.lower()
    if t.type in ("EQ", "NE", "LT", "LE", "GT", "GE"):
        return t.text
    if t.type == "NAME":
        return t.text
    if t.type == "BARE" and t.text in ("Failed", "Warning", "Working", "Stopped", "VMware", "Replica",
                                       "BackupCopy", "false", "Full", "now-24h"):
        return t.text
    return None


@pytest.mark.parametrize("query", LONG)
def test_every_prefix_offers_the_next_word(completion, query):
    tokens = scan(query)
    assert not any(t.bad for t in tokens)
    checked = 0
    for i, tok in enumerate(tokens):
        want = _expected_word(tokens, i)
        if want is None:
            continue
        # at the token's start, and after each character typed of it
        for k in range(0, len(tok.text) + 1):
            texts = [s.text for s in completion.suggest(query[: tok.start + k])]
            if k == len(tok.text) and tok.type in ("EQ", "NE", "LE", "GE", "LT", "GT"):
                continue  # a complete operator: values are offered next
            assert want in texts, (query[: tok.start + k], want, texts[:8])
            checked += 1
    assert checked > len(tokens)


@pytest.mark.parametrize("query", LONG)
def test_every_prefix_suggestions_keep_the_text_parseable(completion, query):
    for end in range(len(query) + 1):
        before = query[:end]
        suggestions = completion.suggest(before)
        prefix, _ = split_prefix(before)
        for s in suggestions:
            assert -len(before) <= s.start <= 0
            new = before[: len(before) + s.start] + s.text
            if before.lstrip().startswith(("\\", "http")):
                continue
            if analyze(before[: len(before) - len(prefix)]).ok:
                assert analyze(new + " ").ok, (before, s.text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('BackupJobSession wherResult=!<>();,"&|and or not in\\\n\u201c0123456789:-')),
               max_size=60),
       st.integers(min_value=0, max_value=80))
def test_never_raises_on_any_text(text, cursor):
    from fel.repl.completion import Completion

    completion = Completion()
    for s in completion.suggest(text, min(cursor, len(text))):
        assert s.start <= 0 and -s.start <= min(cursor, len(text))
        assert s.text


@pytest.mark.parametrize("before, prefix, is_op", [
    ("", "", False),
    ("Job where Na", "Na", False),
    ("Job where Name ", "", False),
    ("Job where Name=", "=", True),
    ("Job where Name<=", "<=", True),
    ('Job where Name == "Backup Jo', '"Backup Jo', False),
    ('Job where Name == "a" and Na', "Na", False),
    ("Job where CreationTime > now-2", "now-2", False),
    ("type=Job&filter=Name==x;Pl", "Pl", False),
])
def test_split_prefix(before, prefix, is_op):
    assert split_prefix(before) == (prefix, is_op)


def test_ranking_prefers_boosted_names(completion):
    completion.record(["ReplicaJobSession", "ReplicaJobSession"])
    texts = [s.text for s in completion.suggest("JobSess")]
    assert texts.index("ReplicaJobSession") < texts.index("BackupJobSession")


def test_values_seen_in_results_are_offered_quoted_when_needed(completion):
    completion.remember_values("BackupJobSession", "JobName", ["Backup Job 2", "exch"])
    texts = [s.text for s in completion.suggest("BackupJobSession where JobName == ")]
    assert texts == ['"Backup Job 2"', "exch"]
    assert [s.text for s in completion.suggest('BackupJobSession where JobName == "ex')] == ['"exch"']


def test_cols_completes_fields_of_the_current_type(completion):
    assert completion.suggest("\\cols Res") == []          # no query yet: no type to complete for
    completion.current_type = lambda: "BackupJobSession"
    assert [s.text for s in completion.suggest("\\cols Res")] == ["Result"]
    assert [s.text for s in completion.suggest("\\cols JobName, Cre")] == ["CreationTime"]
    assert "default" in [s.text for s in completion.suggest("\\cols ")]
