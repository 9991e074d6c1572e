"""What check accepts, compile compiles, into a URL that checks clean and compiles to itself
(issue #14). A few thousand generated statements, filters and URLs per run; the long campaign
is tests/fuzz/fuzz_core.py."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .invariant_kit import invariant_failure, make_case, make_statement, make_url


def test_invariant_on_fixed_seeds():
    rng = random.Random(14)
    failures = []
    for _ in range(2500):
        text, type_name = make_case(rng)
        problem = invariant_failure(text, type_name)
        if problem:
            failures.append((text, type_name, problem))
    assert not failures, failures[:5]


@given(st.randoms(use_true_random=False))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_invariant_on_drawn_statements_and_urls(rng):
    for text in (make_statement(rng), make_url(rng)):
        assert invariant_failure(text) is None, text


@given(st.text(max_size=60), st.sampled_from(["BackupJobSession", "Job", "Repository", None]))
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_invariant_on_any_text(text, type_name):
    assert invariant_failure(text, type_name) is None


@given(st.text(max_size=40))
@settings(max_examples=400, deadline=None)
def test_invariant_on_any_quoted_value(value):
    text = 'BackupJobSession where JobName == "' + value.replace('"', '""') + '" limit 10'
    assert invariant_failure(text) is None
    url = "https://em:9398/api/query?type=Job&pageSize=5&filter=Name==%22" + value.replace('"', '""') + "%22"
    assert invariant_failure(url) is None
