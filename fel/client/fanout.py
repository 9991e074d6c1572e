"""The fan-out engine: run one job per server in a bounded pool and stream what they find.

This module knows nothing about HTTP: a *job* is a callable ``job(emit) -> ServerResult``
that calls ``emit(entities)`` for each batch (one page) it has, stops when ``emit`` returns
False (the caller has gone), and returns a :class:`ServerResult` — with ``failure`` set
instead of raising when its server failed. :class:`fel.client.fleet.Fleet` makes the jobs
(one logged-on :class:`~fel.client.Client` each); :class:`FleetResult` runs them.

Memory: by default every job's batches go through one bounded queue, so a job that gets
ahead of the reader waits; what is held at any time is at most a few pages per worker,
however many servers and rows there are. ``merge_key`` (``--merge-sort``) merges the
servers' sorted streams instead (:func:`heapq.merge`), which needs the head of every
server's stream before it can give the first row: each server then gets its own unbounded
queue, and rows that arrive ahead of the merge wait in memory.
"""
from __future__ import annotations

import collections
import heapq
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple, Sequence, Union

from .entity import Entity, Link

__all__ = ["PROFILE_KEY", "Row", "ServerFailure", "ServerResult", "Batch", "Event", "Job", "FleetResult",
           "failure_of"]

#: The key (json), column (csv, table) and path (:meth:`Row.get`) that names a row's server.
PROFILE_KEY = "profile"
#: rows per batch when merging sorted streams.
MERGE_BATCH = 200


class Row(NamedTuple):
    """One entity and the profile of the server it came from. Unpacks as
    ``profile, entity = row``, and reads like the entity (``get``, ``to_dict``, ``name`` …)
    with one more value, ``row.get("profile")``, first in ``to_dict()``."""

    profile: str
    entity: Entity

    @property
    def kind(self) -> str:
        return self.entity.kind

    @property
    def type(self) -> str | None:
        return self.entity.type

    @property
    def name(self) -> str | None:
        return self.entity.name

    @property
    def attributes(self) -> dict[str, str]:
        return self.entity.attributes

    @property
    def fields(self) -> dict[str, Any]:
        return self.entity.fields

    @property
    def links(self) -> tuple[Link, ...]:
        return self.entity.links

    def get(self, path: str, default: Any = None) -> Any:
        """``"profile"`` → the profile; anything else as :meth:`Entity.get`."""
        if path == PROFILE_KEY:
            return self.profile
        return self.entity.get(path, default)

    def to_dict(self, *, links: bool = False) -> dict[str, Any]:
        """``{"profile": …}`` followed by :meth:`Entity.to_dict`."""
        out: dict[str, Any] = {PROFILE_KEY: self.profile}
        for key, value in self.entity.to_dict(links=links).items():
            out.setdefault(key, value)
        return out


@dataclass(frozen=True)
class ServerFailure:
    """Why one server gave no (or only part of its) answer. ``reason`` is one line, free of
    secrets; ``rows`` counts the rows it delivered before failing."""

    profile: str
    reason: str
    error: BaseException | None = None
    rows: int = 0

    def __str__(self) -> str:
        after = f" (after {self.rows} row{'s' if self.rows != 1 else ''})" if self.rows else ""
        return f"{self.profile}: {self.reason}{after}"


@dataclass
class ServerResult:
    """What one server's job came to (the last event of that server)."""

    profile: str
    rows: int = 0
    pages: int = 0
    #: PagesCount of the server's last page.
    pages_count: int | None = None
    #: a query without pageSize stopped at EM's default page of 100 while more exist.
    truncated: bool = False
    #: more pages exist beyond those fetched.
    more: bool = False
    #: the client's page cap (``max_pages``) stopped the server's pages.
    capped: bool = False
    seconds: float = 0.0
    failure: ServerFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Batch:
    """Rows as they arrive: one server's page, or (merging) a run of the merged order."""

    rows: list[Row]


Event = Union[Batch, ServerResult]
Job = Callable[[Callable[[Sequence[Entity]], bool]], ServerResult]


def failure_of(profile: str, exc: BaseException, rows: int = 0) -> ServerFailure:
    """A :class:`ServerFailure` for an exception: the client's one-line message (with its
    hint), anything else named by its class; secrets redacted, one line."""
    from .errors import ClientError, redact

    if isinstance(exc, ClientError):
        text = str(exc)
    else:
        detail = str(exc)
        text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    text = " ".join(redact(text).split())
    return ServerFailure(profile, text or type(exc).__name__, exc, rows)


class FleetResult:
    """The rows of one query across several servers, as they arrive.

    Iterate it for :class:`Row` objects, or call :meth:`events` for :class:`Batch` and
    :class:`ServerResult` events in arrival order (what ``fel run`` prints from). Requests
    start when iteration starts. ``failures`` and ``servers`` fill in as servers finish;
    after the iteration ends every server is in ``servers``. A result is iterated once;
    leaving the loop early (or :meth:`close`) stops the workers after their current request.
    """

    def __init__(self, jobs: Sequence[tuple[str, Job]], *, parallel: int = 16,
                 merge_key: Callable[[Entity], Any] | None = None, merge_reverse: bool = False) -> None:
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        names = [name for name, _ in jobs]
        if len(set(names)) != len(names):
            raise ValueError("each server of a fan-out needs its own profile name")
        self.profiles: list[str] = names
        self.parallel = parallel
        #: finished servers, in the order they finished.
        self.servers: dict[str, ServerResult] = {}
        self.failures: list[ServerFailure] = []
        #: rows handed out so far.
        self.rows = 0
        self._jobs = collections.deque(jobs)
        self._jobs_lock = threading.Lock()
        self._cancel = threading.Event()
        self._merge_key = merge_key
        self._merge_reverse = merge_reverse
        if merge_key is None:
            self._shared: queue.Queue = queue.Queue(maxsize=max(4, 2 * parallel))
            self._queues: dict[str, queue.Queue] = {}
        else:
            self._queues = {name: queue.Queue() for name in names}
        self._threads: list[threading.Thread] = []
        self._started = False
        self._notices: collections.deque[ServerResult] = collections.deque()

    # -- facts -----------------------------------------------------------------------------
    @property
    def done(self) -> int:
        return len(self.servers)

    @property
    def ok(self) -> bool:
        """Every server answered (so far)."""
        return not self.failures

    @property
    def server_count(self) -> int:
        return len(self.profiles)

    @property
    def pages_fetched(self) -> int:
        return sum(s.pages for s in self.servers.values())

    @property
    def pages_count(self) -> int | None:
        """The largest PagesCount any server reported."""
        counts = [s.pages_count for s in self.servers.values() if s.pages_count]
        return max(counts) if counts else None

    @property
    def truncated(self) -> bool:
        return any(s.truncated for s in self.servers.values())

    @property
    def more(self) -> bool:
        return any(s.more for s in self.servers.values())

    last_page = None  # a fan-out has no single last page (for callers written for ResultStream)

    # -- running ---------------------------------------------------------------------------
    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a FleetResult is iterated once")
        self._started = True
        for i in range(min(self.parallel, len(self._jobs))):
            t = threading.Thread(target=self._worker, name=f"fel-fanout-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def _worker(self) -> None:
        while not self._cancel.is_set():
            with self._jobs_lock:
                if not self._jobs:
                    return
                name, job = self._jobs.popleft()
            started = time.monotonic()

            def emit(entities: Sequence[Entity], name: str = name) -> bool:
                rows = [Row(name, e) for e in entities]
                return not rows or self._put(name, Batch(rows))

            try:
                result = job(emit)
            except BaseException as exc:  # noqa: BLE001 - a job should not raise; if it does, it is that server's failure
                result = ServerResult(name, failure=failure_of(name, exc))
            result.seconds = result.seconds or time.monotonic() - started
            self._put(name, result)

    def _put(self, name: str, item: Any) -> bool:
        q = self._queues[name] if self._merge_key is not None else self._shared
        while not self._cancel.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _finish(self, result: ServerResult) -> None:
        self.servers[result.profile] = result
        if result.failure is not None:
            self.failures.append(result.failure)

    def events(self) -> Iterator[Event]:
        """:class:`Batch` and :class:`ServerResult` events, as they happen."""
        self._start()
        try:
            if self._merge_key is None:
                yield from self._arrivals()
            else:
                yield from self._merged()
        finally:
            self.close()

    def _arrivals(self) -> Iterator[Event]:
        pending = len(self.profiles)
        while pending:
            item = self._shared.get()
            if isinstance(item, ServerResult):
                pending -= 1
                self._finish(item)
            else:
                self.rows += len(item.rows)
            yield item

    def _server_rows(self, name: str) -> Iterator[Row]:
        q = self._queues[name]
        while True:
            item = q.get()
            if isinstance(item, ServerResult):
                self._finish(item)
                self._notices.append(item)
                return
            yield from item.rows

    def _merged(self) -> Iterator[Event]:
        key = self._merge_key
        assert key is not None
        streams = [self._server_rows(name) for name in self.profiles]
        batch: list[Row] = []
        for row in heapq.merge(*streams, key=lambda r: key(r.entity), reverse=self._merge_reverse):
            batch.append(row)
            if len(batch) >= MERGE_BATCH or self._notices:
                self.rows += len(batch)
                yield Batch(batch)
                batch = []
                while self._notices:
                    yield self._notices.popleft()
        if batch:
            self.rows += len(batch)
            yield Batch(batch)
        while self._notices:
            yield self._notices.popleft()

    def __iter__(self) -> Iterator[Row]:
        for event in self.events():
            if isinstance(event, Batch):
                yield from event.rows

    def list(self) -> list[Row]:
        """Every row (the whole answer in memory)."""
        return list(self)

    def close(self, wait: float = 2.0) -> None:
        """Stop the workers (each finishes its current request, then logs out) and wait up to
        ``wait`` seconds for them."""
        self._cancel.set()
        deadline = time.monotonic() + wait
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "FleetResult":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
