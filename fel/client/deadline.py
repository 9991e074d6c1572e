"""An overall deadline for one HTTP exchange, however slowly the server answers.

``requests``' read timeout bounds each socket read, not the response: a server that trickles
one byte a second (headers or body) keeps every read short and never ends. :class:`Watch`
bounds the whole exchange instead. The connections a request takes from urllib3's pools
while a watch is active on the thread are registered with it (:class:`WatchedAdapter`
installs pool classes that do this); when the deadline passes, the watchdog (one thread for
the process) shuts those sockets down, which ends any blocked read at once, and the watch
reports itself :attr:`expired` so the caller raises a timeout instead of using what was read.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from typing import Any

import requests.adapters
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["Watch", "WatchedAdapter", "install"]

_current = threading.local()


class _Watchdog:
    """One daemon thread for every watch of the process: it sleeps until the earliest deadline
    and expires the watches whose time has come (no thread per request)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, "Watch"]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def schedule(self, ends: float, watch: "Watch") -> None:
        with self._cond:
            heapq.heappush(self._heap, (ends, next(self._seq), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fel-deadline", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)  # finished in time
                if not self._heap:
                    self._cond.wait()
                    continue
                ends, _, watch = self._heap[0]
                wait = ends - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            watch._expire()


_watchdog = _Watchdog()


class Watch:
    """Cuts the connections of one exchange ``seconds`` after :meth:`__enter__` (None: never)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.expired = False
        #: the exchange is over (the watchdog forgets it)
        self.done = False
        self._conns: list[Any] = []
        self._lock = threading.Lock()
        self._ends: float | None = None

    def __enter__(self) -> "Watch":
        _current.watch = self
        if self.seconds is not None:
            self._ends = time.monotonic() + max(0.0, self.seconds)
            _watchdog.schedule(self._ends, self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _current.watch = None
        with self._lock:
            self.done = True
            self._conns.clear()

    def check(self) -> bool:
        """True (and expired) once the deadline has passed, even if the watchdog has not woken yet."""
        if not self.expired and self._ends is not None and time.monotonic() >= self._ends:
            self._expire()
        return self.expired

    def add_response(self, resp: Any) -> None:
        """Also watch the socket a response reads its body from: http.client lets go of a
        connection that will close (no Content-Length) once the head is read, so the
        connection no longer names the socket its body still comes from."""
        sock = response_socket(resp)
        if sock is not None:
            self.add(sock)

    def add(self, conn: Any) -> None:
        with self._lock:
            self._conns.append(conn)
            expired = self.expired
        if expired:
            _cut(conn)

    def _expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            conns = list(self._conns)
        for conn in conns:
            _cut(conn)


def response_socket(resp: Any) -> socket.socket | None:
    """The socket under a ``requests`` response (urllib3 → http.client → SocketIO), or None."""
    fp = getattr(getattr(resp, "raw", None), "_fp", None)  # http.client.HTTPResponse
    raw = getattr(getattr(fp, "fp", None), "raw", None)  # BufferedReader → SocketIO
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _cut(conn: Any) -> None:
    """Shut a socket, or the socket of a urllib3 connection, down (a blocked read returns at once)."""
    sock = conn if isinstance(conn, socket.socket) else getattr(conn, "sock", None)
    if sock is None:
        return
    try:
        # the plain socket's shutdown, also for an SSLSocket: no TLS close_notify exchange
        # with a server that may not be reading
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, ValueError, TypeError):
        pass


class _Watched:
    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.add(conn)
        return conn


class _HTTPPool(_Watched, HTTPConnectionPool):
    pass


class _HTTPSPool(_Watched, HTTPSConnectionPool):
    pass


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class WatchedAdapter(requests.adapters.HTTPAdapter):
    """An HTTPAdapter whose connections an active :class:`Watch` can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def install(session: requests.Session) -> None:
    """Mount a :class:`WatchedAdapter` for http and https on ``session`` (unless one is there)."""
    for prefix in ("https://", "http://"):
        if not isinstance(session.adapters.get(prefix), WatchedAdapter):
            session.mount(prefix, WatchedAdapter())
