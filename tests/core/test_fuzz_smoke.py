"""The fuzz campaign's mutation and random-text legs, bounded for the suite (a couple of thousand
inputs with fixed seeds); ``python tests/fuzz/fuzz_core.py --minutes 60`` runs it at length."""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_core.py"
_spec = importlib.util.spec_from_file_location("fuzz_core", _PATH)
fuzz_core = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_core)


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_corpus_holds(seed):
    rng = random.Random(seed)
    seeds = fuzz_core.seed_corpus()
    assert len(seeds) > 100  # the golden inputs at least
    failures = []
    for _ in range(700):
        text, type_name = rng.choice(seeds)
        text = fuzz_core.mutate(rng, text)
        problem = fuzz_core.robustness_failure(text, type_name)
        if problem:
            failures.append((text, type_name, problem))
    assert not failures, failures[:3]


def test_random_text_holds():
    rng = random.Random(3)
    failures = []
    for _ in range(800):
        text = fuzz_core.random_text(rng)
        problem = fuzz_core.robustness_failure(text, rng.choice([None, "Job"]))
        if problem:
            failures.append((text, problem))
    assert not failures, failures[:3]


def test_robustness_failure_notices_a_broken_compile(monkeypatch):
    # The harness itself can fail: a compiler that raises on clean input is reported.
    import fel.api

    def boom(*args, **kwargs):
        raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(fel.api, "compile_checked", boom)
    fuzz_core.clear_caches()
    # Non-ASCII: fel.api's quick path (which compiles clean ASCII input without the compiler)
    # declines it, so the compiler is reached.
    problem = fuzz_core.robustness_failure('Job where Name == "never compiled before, é" limit 5', None)
    assert problem and "compile raised UnicodeEncodeError" in problem
