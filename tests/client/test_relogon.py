"""Issue #14: after a re-logon, the retry backoff must not outlive a short session-idle limit:
a fresh session that expired while the resend backed off is renewed (bounded), not an error."""
from __future__ import annotations

from typing import Callable

import pytest

from fel.client import Client
from fel.client.errors import AuthFailed

from hostile_kit import HostileServer


def _short_idle_server(idle: float, fail: Callable[[int], bool]):
    """Sessions end after ``idle`` seconds unused; the n-th query that reaches a live session
    answers 503 when ``fail(n)`` (so the transport backs off — longer than ``idle``)."""
    import itertools
    import threading
    import time as _time

    from hostile_kit import LOGON_XML, keep_alive, query_page

    counter = itertools.count(1)
    lock = threading.Lock()
    last_used: dict[str, float] = {}
    stats = {"logons": 0, "queries": 0}

    def answer(conn):
        with lock:
            if conn.method == "POST":
                stats["logons"] += 1
                token = f"tok-{next(counter):06d}"
                last_used[token] = _time.monotonic()
                return conn.answer(201, LOGON_XML, headers=(("X-RestSvcSessionId", token),))
            if conn.method == "DELETE":
                return conn.answer(204, b"")
            token = conn.header("X-RestSvcSessionId") or ""
            now = _time.monotonic()
            if token not in last_used or now - last_used[token] > idle:
                return conn.answer(401, b"")
            last_used[token] = now
            stats["queries"] += 1
            if fail(stats["queries"]):
                return conn.answer(503, b"")
        return conn.answer(200, query_page(1, 1))

    return HostileServer(keep_alive(answer)), stats


def test_a_fresh_session_that_expires_during_backoff_is_renewed():
    # logon; 503, back off, 401 (expired); re-logon; 503, back off, 401 (the fresh session
    # expired during the backoff: this stopped the fetch); re-logon; 200
    server, stats = _short_idle_server(idle=0.1, fail=lambda n: n <= 2)
    with server:
        with Client(server.url, "u", "p4ssw0rd", retries=3, backoff=0.4, backoff_max=0.4) as c:
            names = [e.name for e in c.query("type=Job")]
    assert names == ["job 1"]
    assert stats["logons"] == 3


def test_renewals_for_one_request_are_bounded():
    server, stats = _short_idle_server(idle=0.05, fail=lambda n: True)
    with server:
        with Client(server.url, "u", "p4ssw0rd", retries=1, backoff=0.2, backoff_max=0.2) as c:
            with pytest.raises(AuthFailed, match="fresh sessions in a row"):
                c.query("type=Job").list()
    assert stats["logons"] == 4  # the first logon and MAX_RELOGONS renewals
