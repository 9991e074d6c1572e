"""The parser's error path runs in linear time (issue #14: a backtracking regex over the text
before the error made ``Name=="` + "=" * 16000 + `" and`` take seconds).

No timings here: the scan is compared with the regex it replaces on generated text, and its
steps are counted on adversarial input. tests/benchmarks/bench_parse_errors.py measures time
against size.
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import fel
from fel.syntax import parser
from fel.syntax.parser import MAX_INPUT, split_value_tail

# What parser._translate searched before (kept here as the reference).
OLD = re.compile(r'([=<>]=?|!=)\s*([^\s;,()"]+)\s*([;,])\s*([A-Za-z_][A-Za-z0-9_]*)\s*$')


def reference(before: str):
    m = OLD.search(before)
    return None if m is None else (m.start(2), m.end(4), m.group(3), m.group(4))


ALPHABET = st.sampled_from(list('=<>!;,()" \t\naZ_9\u00a0\u2003x=='))


@given(st.lists(ALPHABET, max_size=30).map("".join))
@settings(max_examples=1000, deadline=None)
def test_scan_finds_what_the_regex_found(text):
    assert split_value_tail(text) == reference(text)


@given(st.text(max_size=40))
@settings(max_examples=1000)
def test_scan_agrees_on_any_text(text):
    assert split_value_tail(text) == reference(text)


def test_known_cases():
    assert split_value_tail("Name==a,b") == (6, 9, ",", "b")
    assert split_value_tail("Name == a ; b  ") == (8, 13, ";", "b")
    assert split_value_tail("Name==a b,c") is None or reference("Name==a b,c") == split_value_tail("Name==a b,c")
    assert split_value_tail("x,b") is None
    assert split_value_tail("") is None


class CountingStr(str):
    """A str that counts its item reads (the scan's steps)."""

    reads = 0

    def __getitem__(self, key):
        CountingStr.reads += 1
        return str.__getitem__(self, key)


def _steps(text: str) -> int:
    CountingStr.reads = 0
    split_value_tail(CountingStr(text))
    return CountingStr.reads


ADVERSARIAL = [
    lambda n: "=" * n + "a,b",
    lambda n: "Name==" + "=" * n + ' ,b',
    lambda n: "= " * n + "a,b",
    lambda n: "!" * n + "=,b",
    lambda n: "Name==" + "<" * n + "=" + ";b",
    lambda n: "a" * n + ",b",
]


def test_scan_steps_are_linear_in_the_input():
    for make in ADVERSARIAL:
        small, big = _steps(make(1000)), _steps(make(16000))
        assert big <= 4 * 16000 + 64, (make(3), big)
        assert big <= 17 * max(small, 1), (make(3), small, big)


def test_error_path_holds_no_regex_over_the_text():
    # The module that translates Lark errors no longer imports re at all.
    assert not hasattr(parser, "re")


def test_long_inputs_give_the_right_diagnostics():
    n = MAX_INPUT - 40
    d = fel.check('Job where Name=="' + "=" * n + '" and')
    assert [x.code for x in d] == ["FEL001"]
    assert d[0].span.start >= n
    d = fel.check("type=Job&filter=Name==" + "a" * n + ",b")
    assert [(x.code, x.span.start, x.span.end) for x in d][0] == ("FEL013", 22, 22 + n + 2)
