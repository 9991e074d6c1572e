"""compile_query's result cache: keyed by every argument, bounded, and never used when the
result depends on the clock."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

import fel
from fel import api, compiler
from fel.diagnostics import FelError


class FakeClock:
    """Stands in for ``datetime`` in fel.compiler so the test controls "now"."""

    current = datetime(2026, 1, 10, 12, 0, 0, tzinfo=timezone.utc)

    @classmethod
    def now(cls, tz=None):
        return cls.current


@pytest.fixture(autouse=True)
def empty_cache():
    api.clear_caches()
    yield
    api.clear_caches()


def test_same_arguments_give_the_cached_result():
    a = fel.compile_query("Result==Failed", type="BackupJobSession")
    b = fel.compile_query("Result==Failed", type="BackupJobSession")
    assert a is b
    assert a.filter == "Result==Failed"


@pytest.mark.parametrize("kwargs", [
    {"base": "https://em.example:9398/api/"},
    {"now": datetime(2026, 11, 28, tzinfo=timezone.utc)},
    {"em_version": "12.0"},
])
def test_every_argument_is_part_of_the_key(kwargs):
    plain = fel.compile_query("BackupJobSession where Result == failed")
    other = fel.compile_query("BackupJobSession where Result == failed", **kwargs)
    assert other is not plain
    if "base" in kwargs:
        assert other.url().startswith(kwargs["base"]) and not plain.url().startswith(kwargs["base"])


def test_type_is_part_of_the_key():
    job = fel.compile_query("Name==x", type="Job")
    repo = fel.compile_query("Name==x", type="Repository")
    assert (job.type, repo.type) == ("Job", "Repository")


def test_time_values_follow_the_clock_when_now_is_not_given(monkeypatch):
    monkeypatch.setattr(compiler, "datetime", FakeClock)
    text = "BackupJobSession where CreationTime >= now-24h"
    monkeypatch.setattr(FakeClock, "current", datetime(2026, 1, 10, 12, 0, 0, tzinfo=timezone.utc))
    first = fel.compile_query(text)
    monkeypatch.setattr(FakeClock, "current", datetime(2026, 1, 11, 12, 0, 0, tzinfo=timezone.utc))
    second = fel.compile_query(text)
    assert first.filter == 'CreationTime>="2026-01-09T12:00:00Z"'
    assert second.filter == 'CreationTime>="2026-01-10T12:00:00Z"'


def test_time_values_are_cached_when_now_is_given():
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)
    text = "BackupJobSession where CreationTime >= today-1d"
    a = fel.compile_query(text, now=now)
    assert a is fel.compile_query(text, now=now)
    assert a.filter == 'CreationTime>="2026-11-27T00:00:00Z"'


def test_a_quoted_now_is_a_literal_and_may_be_cached():
    a = fel.compile_query('BackupJobSession where JobName == "now"')
    assert a is fel.compile_query('BackupJobSession where JobName == "now"')


def test_errors_are_raised_every_time_and_not_cached():
    for _ in range(2):
        with pytest.raises(FelError):
            fel.compile_query("Bogus==1", type="Job")
    assert not api._compiled


def test_the_cache_is_bounded():
    for i in range(api._CACHE_SIZE + 50):
        fel.compile_query(f"Name==x{i}", type="Job")
    assert len(api._compiled) == api._CACHE_SIZE
    assert ("Name==x0", "Job", None, None, None) not in api._compiled  # oldest went first


def test_non_str_input_still_names_the_problem():
    with pytest.raises(TypeError, match="str"):
        fel.compile_query(["Result==Failed"], type="Job")  # type: ignore[arg-type]


def test_concurrent_callers_get_equal_results():
    texts = [f"Name==t{i % 40}" for i in range(400)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: fel.compile_query(t, type="Job").filter, texts))
    assert results == texts


def test_compile_memoises_the_url_string():
    first = fel.compile("BackupJobSession where Result == Failed limit 5")
    assert first == "https://localhost:9398/api/query?type=BackupJobSession&filter=Result%3D%3DFailed&pageSize=5&page=1"
    assert fel.compile("BackupJobSession where Result == Failed limit 5") is first
    # the URL cache is keyed like compile_query's: another base is another entry
    other = fel.compile("BackupJobSession where Result == Failed limit 5", base="em")
    assert other.startswith("https://em:9398/api/query?") and other is not first


def test_compile_does_not_memoise_a_url_that_read_the_clock(monkeypatch):
    monkeypatch.setattr(compiler, "datetime", FakeClock)
    text = "BackupJobSession where CreationTime >= now-1h"
    monkeypatch.setattr(FakeClock, "current", datetime(2026, 1, 10, 12, 0, 0, tzinfo=timezone.utc))
    first = fel.compile(text)
    monkeypatch.setattr(FakeClock, "current", datetime(2026, 1, 10, 13, 0, 0, tzinfo=timezone.utc))
    assert fel.compile(text) != first
    assert not api._urls and not api._compiled


def test_the_caches_keep_results_not_trees():
    from fel.compiler import CompiledQuery
    from fel.diagnostics import Diagnostic
    for text in ("BackupJobSession where Result == Failed", "type=Job&filter=Name==x", "Job where Nme == x"):
        fel.check(text)
        try:
            fel.compile(text)
            fel.compile_query(text)
        except FelError:
            pass
    assert api._checked and api._compiled and api._urls
    assert all(isinstance(d, Diagnostic) for v in api._checked.values() for d in v)
    assert all(isinstance(v, CompiledQuery) for v in api._compiled.values())
    assert all(isinstance(v, str) for v in api._urls.values())


def test_check_returns_a_fresh_list_each_time():
    first = fel.check("Job where Nme == x")
    first.clear()
    assert [d.code for d in fel.check("Job where Nme == x")] == ["FEL101"]


def test_concurrent_writers_keep_the_caches_bounded():
    threads = 4
    texts = [f"Name==c{i}" for i in range(api._CACHE_SIZE * 3)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda t: (fel.check(t, type="Job"), fel.compile(t, type="Job")), texts))
    for cache in (api._checked, api._urls):
        assert api._CACHE_SIZE <= len(cache) <= api._CACHE_SIZE + threads
