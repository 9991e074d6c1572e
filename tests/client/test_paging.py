"""The paging stream: modes, Next links versus stepping, truncation warning, bounded memory."""
from __future__ import annotations

import warnings
from urllib.parse import parse_qsl, urlsplit

import pytest

from fel.client.decode import Page
from fel.client.entity import Entity
from fel.client.errors import DecodeError
from fel.client.paging import ResultStream, TruncatedResultWarning, rebase, with_page

BASE = "https://em:9398/api/query?type=Job&format=Entities"


class Server:
    """Pages of ``total`` entities, ``size`` per page; records every URL fetched."""

    def __init__(self, total: int, size: int, *, links: bool = True, next_host: str = "https://em:9398",
                 page_size_param: bool = True) -> None:
        self.total, self.size, self.links, self.next_host = total, size, links, next_host
        self.fetched: list[str] = []
        self.page_size_param = page_size_param

    def __call__(self, url: str) -> Page:
        self.fetched.append(url)
        params = dict(parse_qsl(urlsplit(url).query))
        num = int(params.get("page", 1))
        pages = max(1, -(-self.total // self.size))
        lo = (num - 1) * self.size
        ents = [Entity({"UID": f"u{i}", "Type": "Job"}, {"N": i}) for i in range(lo, min(self.total, lo + self.size))]
        links = {}
        if self.links and num < pages:
            links["Next"] = f"{self.next_host}/api/query?type=Job&format=Entities&pageSize={self.size}&page={num + 1}"
        return Page(ents, "Entities", num, self.size, pages, links)


def uids(stream) -> list[str]:
    return [e.uid for e in stream]


@pytest.mark.parametrize("links", [True, False])
def test_all_returns_every_entity_once(links):
    srv = Server(23, 5, links=links)
    s = ResultStream(srv, BASE + "&pageSize=5", all=True)
    assert uids(s) == [f"u{i}" for i in range(23)]
    assert s.pages_fetched == 5 and not s.more and not s.truncated


def test_next_links_are_rebased_onto_our_origin():
    srv = Server(6, 2, next_host="https://em-public-name.corp:443")
    list(ResultStream(srv, "https://10.0.0.5:9398/api/query?type=Job&pageSize=2", all=True))
    assert all(u.startswith("https://10.0.0.5:9398/api/query?") for u in srv.fetched)
    assert rebase("/api/query?a=1", "http://h:1/api/") == "http://h:1/api/query?a=1"


def test_stepping_keeps_every_other_parameter():
    url = 'https://em:9398/api/query?type=Job&filter=Name%3D%3D%22a%26b%22&pageSize=2&page=1'
    assert with_page(url, 3) == 'https://em:9398/api/query?type=Job&filter=Name%3D%3D%22a%26b%22&pageSize=2&page=3'
    assert with_page("https://em/api/query?type=Job", 2) == "https://em/api/query?type=Job&page=2"


@pytest.mark.parametrize("limit, pages", [(0, 0), (1, 1), (5, 1), (6, 2), (12, 3), (100, 3)])
def test_limit_fetches_only_the_pages_it_needs(limit, pages):
    srv = Server(13, 5)
    s = ResultStream(srv, BASE + "&pageSize=5", limit=limit)
    got = uids(s)
    assert got == [f"u{i}" for i in range(min(limit, 13))]
    assert len(srv.fetched) == pages
    assert s.more == (0 < limit < 13)  # limit 0 asks nothing, so it knows nothing


def test_page_fetches_that_page_only():
    srv = Server(13, 5)
    s = ResultStream(srv, BASE + "&pageSize=5&page=1", page=3)
    assert uids(s) == ["u10", "u11", "u12"]
    assert srv.fetched == [BASE + "&pageSize=5&page=3"]


def test_default_is_the_first_page_and_warns_when_pagesize_was_omitted():
    srv = Server(250, 100)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = ResultStream(srv, BASE)
        assert len(uids(s)) == 100
    assert s.truncated and s.more and s.pages_count == 3
    assert [w.category for w in caught] == [TruncatedResultWarning]
    assert "no pageSize" in str(caught[0].message) and "page 1 of 3" in str(caught[0].message)


def test_no_warning_when_pagesize_was_given_or_everything_fits():
    for url, total in ((BASE + "&pageSize=100", 250), (BASE, 40)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            s = ResultStream(Server(total, 100), url)
            list(s)
        assert not s.truncated


def test_the_stream_is_lazy_one_page_at_a_time():
    srv = Server(10_000, 100)
    s = ResultStream(srv, BASE + "&pageSize=100", all=True)
    assert srv.fetched == []
    it = iter(s)
    for _ in range(150):
        next(it)
    assert len(srv.fetched) == 2  # only as many pages as consumed


def test_a_page_that_does_not_advance_stops_the_stream():
    def stuck(url: str) -> Page:
        return Page([Entity({"UID": "x"}, {})], "Entities", 1, 1, 5, {"Next": "https://em:9398/api/query?type=Job&page=1"})

    with pytest.raises(DecodeError, match="paging did not advance"):
        list(ResultStream(stuck, BASE, all=True))


def test_an_empty_page_ends_the_stream_even_if_the_count_says_more():
    calls = []

    def lying(url: str) -> Page:
        calls.append(url)
        return Page([], "Entities", 1, 100, 7, {})

    assert list(ResultStream(lying, BASE, all=True)) == [] and len(calls) == 1


def test_on_page_sees_every_page():
    seen = []
    list(ResultStream(Server(7, 3), BASE + "&pageSize=3", all=True, on_page=lambda s, p: seen.append(p.page_num)))
    assert seen == [1, 2, 3]


@pytest.mark.parametrize("kwargs", [{"limit": -1}, {"page": 0}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        ResultStream(Server(1, 1), BASE, **kwargs)
