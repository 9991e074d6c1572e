"""Paging through a query result with bounded memory.

:class:`ResultStream` is the iterator :meth:`fel.client.Client.query` returns. It fetches one
page at a time, yields its entities and only then asks for the next page, so memory holds one
page however large the result. The caller chooses:

* ``page=N`` — that page only;
* ``limit=N`` — the first N entities, across as many pages as that takes;
* ``all=True`` — every page;
* none of these — the first page, i.e. exactly what the query says.

The next page is found from ``PagingInfo``'s ``Next`` link (``&amp;`` already unescaped by
the XML parser), moved onto the client's own origin so the session token never goes to
another host; when there is no usable link but ``PageNum < PagesCount``, the ``page``
parameter of the request is stepped instead. A page that does not advance stops the stream
with a :class:`~fel.client.errors.DecodeError` rather than looping.

A query without ``pageSize`` is cut at 100 entities by EM. When the stream stops at such a
page while more pages exist, it sets :attr:`ResultStream.truncated` and issues a
:class:`TruncatedResultWarning`.

A stream follows at most ``max_pages`` pages (:data:`DEFAULT_MAX_PAGES`, 10,000, unless the
caller says otherwise; 0 or None: no cap), so a server that claims 10^9 pages cannot keep it
going for ever. When the cap stops a stream while the server says more pages exist, it sets
:attr:`ResultStream.capped` and issues a :class:`PageLimitWarning` — never silently.
"""
from __future__ import annotations

import warnings
from typing import Callable, Iterator
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from .decode import Page
from .entity import Entity
from .errors import DecodeError

__all__ = ["ResultStream", "TruncatedResultWarning", "PageLimitWarning", "with_page", "rebase", "DEFAULT_MAX_PAGES"]

#: EM's page size when a query gives none.
SERVER_DEFAULT_PAGE_SIZE = 100
#: Pages one stream follows unless told otherwise (``fel run --max-pages``, ``Client(max_pages=)``).
DEFAULT_MAX_PAGES = 10_000


class TruncatedResultWarning(UserWarning):
    """A query without pageSize stopped at EM's default page of 100 while more exist."""


class PageLimitWarning(UserWarning):
    """A stream stopped at its page cap (``max_pages``) while the server says more exist."""


def with_page(url: str, page: int) -> str:
    """``url`` with its ``page`` parameter set to ``page`` (other parameters untouched)."""
    parts = urlsplit(url)
    pieces = [p for p in parts.query.split("&") if p and p.split("=", 1)[0].lower() != "page"]
    pieces.append(f"page={page}")
    return urlunsplit(parts._replace(query="&".join(pieces)))


def rebase(href: str, origin_url: str) -> str:
    """``href`` moved onto the scheme, host and port of ``origin_url`` (path and query kept)."""
    h = urlsplit(href)
    o = urlsplit(origin_url)
    if not h.scheme and not h.netloc:
        path = h.path if h.path.startswith("/") else "/" + h.path
        return urlunsplit((o.scheme, o.netloc, path, h.query, ""))
    return urlunsplit((o.scheme, o.netloc, h.path, h.query, ""))


def _query_page_size(url: str) -> int | None:
    for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if k.lower() == "pagesize":
            try:
                return int(v)
            except ValueError:
                return None
    return None


class ResultStream(Iterator[Entity]):
    """Entities of a query, fetched page by page. Iterate it, or call :meth:`pages`."""

    def __init__(
        self,
        fetch: Callable[[str], Page],
        url: str,
        *,
        limit: int | None = None,
        all: bool = False,
        page: int | None = None,
        follow_links: bool = True,
        on_page: Callable[["ResultStream", Page], None] | None = None,
        warn: bool = True,
        max_pages: int | None = DEFAULT_MAX_PAGES,
    ) -> None:
        if limit is not None and limit < 0:
            raise ValueError("limit must be >= 0")
        if max_pages is not None and max_pages < 0:
            raise ValueError("max_pages must be >= 0 (0: no cap)")
        if page is not None and page < 1:
            raise ValueError("page must be >= 1")
        self._fetch = fetch
        self.url = with_page(url, page) if page is not None else url
        self.limit = limit
        self.all = all and page is None
        self.single = page is not None or (not all and limit is None)
        self.follow_links = follow_links
        self.on_page = on_page
        self.warn = warn
        #: pageSize the request carries (None: EM's default of 100 applies).
        self.page_size = _query_page_size(url)
        self.pages_fetched = 0
        self.entities_yielded = 0
        #: PagesCount of the last page seen.
        self.pages_count: int | None = None
        self.last_page: Page | None = None
        #: True when a query without pageSize stopped at the server's default page of 100.
        self.truncated = False
        #: True when more pages exist beyond what was fetched.
        self.more = False
        #: the page cap (None: none).
        self.max_pages = max_pages or None
        #: True when the stream stopped at ``max_pages`` while more pages exist.
        self.capped = False
        self._iter: Iterator[Entity] | None = None

    # -- iteration -------------------------------------------------------------------------
    def __iter__(self) -> "ResultStream":
        return self

    def __next__(self) -> Entity:
        if self._iter is None:
            self._iter = self._entities()
        return next(self._iter)

    def _entities(self) -> Iterator[Entity]:
        if self.limit == 0:
            return
        for page in self.pages():
            for entity in page.entities:
                if self.limit is not None and self.entities_yielded >= self.limit:
                    self.more = True
                    return
                self.entities_yielded += 1
                yield entity

    def pages(self) -> Iterator[Page]:
        """The pages of the result, fetched lazily (the stream's limit counts entities)."""
        url: str | None = None if self.limit == 0 else self.url
        seen_nums: set[int] = set()
        last_num = 0
        while url is not None:
            page = self._fetch(url)
            self.pages_fetched += 1
            self.last_page = page
            self.pages_count = page.pages_count
            num = page.page_num if page.page_num is not None else last_num + 1
            if num in seen_nums or num < last_num:
                raise DecodeError(f"paging did not advance: the server sent page {num} again")
            seen_nums.add(num)
            last_num = num
            more = page.pages_count is not None and num < page.pages_count or bool(page.next_href)
            if self.on_page is not None:
                self.on_page(self, page)
            yield page
            if self.limit is not None and self.entities_yielded >= self.limit:
                self.more = more
                return
            if self.single:
                self.more = more
                if more and self.page_size is None:
                    self._truncated(page)
                return
            if not more or not page.entities:
                self.more = False
                return
            if self.max_pages is not None and self.pages_fetched >= self.max_pages:
                self.more = True
                self._capped(page)
                return
            url = self._next_url(page, num)

    def _next_url(self, page: Page, num: int) -> str:
        href = page.next_href
        if self.follow_links and href:
            return rebase(href, self.url)
        return with_page(self.url, num + 1)

    def _truncated(self, page: Page) -> None:
        self.truncated = True
        if self.warn:
            total = f" of {page.pages_count}" if page.pages_count else ""
            warnings.warn(
                TruncatedResultWarning(
                    f"the query has no pageSize, so Enterprise Manager returned only its first page"
                    f" of {page.page_size or SERVER_DEFAULT_PAGE_SIZE} (page 1{total}); ask for all"
                    " pages (all=True, `fel run --all`) or set pageSize"
                ),
                stacklevel=5,
            )

    def _capped(self, page: Page) -> None:
        self.capped = True
        if self.warn:
            total = f" of the {page.pages_count} the server claims" if page.pages_count else ""
            warnings.warn(
                PageLimitWarning(
                    f"stopped after {self.pages_fetched} pages{total}: the page cap is {self.max_pages}"
                    " (max_pages=, `fel run --max-pages N`; 0 for no cap)"
                ),
                stacklevel=5,
            )

    # -- conveniences ----------------------------------------------------------------------
    def list(self) -> list[Entity]:
        """All remaining entities as a list (what the mode asks for)."""
        return list(self)
