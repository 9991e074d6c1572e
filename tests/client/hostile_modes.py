"""A catalogue of hostile-server behaviours and what the client must make of each.

Each mode is a function ``(conn, rng) -> None`` run for every connection of a
:class:`hostile_kit.HostileServer` (``rng`` varies sizes and timings in the fuzz script; the
suite passes a fixed one). :data:`EXPECTED` names the outcome: the :class:`ClientError`
subclass the fetch must end with, or ``"ok"`` (a clean result, possibly capped). Used by
tests/client/test_hostile_servers.py (each mode once, small sizes) and by
tests/fuzz/fuzz_network.py (random modes and sizes, for as long as asked).
"""
from __future__ import annotations

import functools
import gzip
import random
import zlib
from typing import Callable

from hostile_kit import NS, Conn, query_page

Mode = Callable[[Conn, random.Random], None]

#: what a query against each mode must end with (an exception class name, or "ok")
EXPECTED: dict[str, str] = {}
MODES: dict[str, Mode] = {}
#: modes whose body takes real work to refuse or decode (tens of MB decompressed, 100k
#: attributes): under a deadline shorter than that work, TimedOut is right too
SLOW_WORK = frozenset({"gzip-bomb", "endless-chunked-body", "wide-element"})


def mode(expected: str) -> Callable[[Mode], Mode]:
    def register(fn: Mode) -> Mode:
        name = fn.__name__.strip("_").replace("_", "-")
        MODES[name] = fn
        EXPECTED[name] = expected
        return fn

    return register


def _serve(conn: Conn, answer: Callable[[Conn], bool]) -> None:
    """Log on every POST, answer DELETE 204, give every other request to ``answer``."""
    while conn.read_request():
        if conn.method == "POST":
            ok = conn.logon()
        elif conn.method == "DELETE":
            ok = conn.answer(204, b"")
        else:
            ok = answer(conn)
        if not ok:
            return


def _head(status: int = 200, ctype: str = "application/xml", extra: str = "") -> bytes:
    return f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n{extra}".encode("latin-1")


# -- time --------------------------------------------------------------------------------------
@mode("TimedOut")
def trickle_body(conn: Conn, rng: random.Random) -> None:
    body = query_page(1, 1)
    _serve(conn, lambda c: c.send(_head(extra=f"Content-Length: {len(body)}\r\n\r\n")) and c.trickle(body, 0.05))


@mode("TimedOut")
def trickle_headers(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 4000 + b"\r\n\r\n", 0.02))


@mode("TimedOut")
def trickle_chunked(conn: Conn, rng: random.Random) -> None:
    def answer(c: Conn) -> bool:
        if not c.send(_head(extra="Transfer-Encoding: chunked\r\n\r\n")):
            return False
        while not c.stop.wait(0.05):
            if not c.send(b"1\r\n \r\n"):
                return False
        return False

    _serve(conn, answer)


@mode("TimedOut")
def hang_after_logon(conn: Conn, rng: random.Random) -> None:
    def answer(c: Conn) -> bool:
        c.hang()
        return False

    _serve(conn, answer)


@mode("TimedOut")
def hang_before_logon(conn: Conn, rng: random.Random) -> None:
    conn.read_request()
    conn.hang()


# -- broken HTTP -----------------------------------------------------------------------------
@mode("ConnectFailed")
def close_at_once(conn: Conn, rng: random.Random) -> None:
    conn.read_request()


@mode("ConnectFailed")
def garbage_status_line(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.send(b"HELLO THERE\r\n\r\n") and False)


@mode("ConnectFailed")
def too_many_headers(conn: Conn, rng: random.Random) -> None:
    headers = "".join(f"X-H{i}: {i}\r\n" for i in range(500))
    _serve(conn, lambda c: c.send(_head(extra=headers + "Content-Length: 0\r\n\r\n")) and False)


@mode("ConnectFailed")
def header_line_too_long(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.send(_head(extra="X-Long: " + "y" * 200_000 + "\r\n\r\n")) and False)


@mode("ConnectFailed")
def body_shorter_than_announced(conn: Conn, rng: random.Random) -> None:
    body = query_page(1, 1)
    _serve(conn, lambda c: c.send(_head(extra=f"Content-Length: {len(body) + 500}\r\n\r\n") + body) and False)


@mode("ConnectFailed")
def bad_chunk_size(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.send(_head(extra="Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")) and False)


@mode("BodyTooLarge")
def announces_a_huge_body(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.send(_head(extra=f"Content-Length: {10**12}\r\n\r\n") + b"<") and False)


@mode("BodyTooLarge")
def endless_chunked_body(conn: Conn, rng: random.Random) -> None:
    def answer(c: Conn) -> bool:
        chunk = b"%x\r\n%s\r\n" % (65536, b"<" * 65536)
        if not c.send(_head(extra="Transfer-Encoding: chunked\r\n\r\n")):
            return False
        while not c.stop.is_set() and c.send(chunk):
            pass
        return False

    _serve(conn, answer)


@functools.lru_cache(maxsize=1)
def _bomb() -> bytes:
    # 64 members of 1 MiB of '<' each (a gzip stream may hold several): 64 MiB in about 64 KB
    return gzip.compress(b"<" * (1024 * 1024), 9) * 64


@mode("BodyTooLarge")
def gzip_bomb(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.answer(200, _bomb(), headers=(("Content-Encoding", "gzip"),)))


@mode("DecodeError")
def deflate_garbage(conn: Conn, rng: random.Random) -> None:
    junk = zlib.compress(b"not xml at all")[:-4] + b"\xff\xff\xff\xff"
    _serve(conn, lambda c: c.answer(200, junk, headers=(("Content-Encoding", "deflate"),)) and False)


# -- lying bodies ----------------------------------------------------------------------------
@mode("UnexpectedContentType")
def html_login_page(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.answer(200, b"<html><body>Sign in</body></html>", ctype="text/html"))


@mode("HostileBody")
def billion_laughs(conn: Conn, rng: random.Random) -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<QueryResult xmlns="' + NS.encode() + b'"><Refs><Ref Name="&b;"/></Refs></QueryResult>')
    _serve(conn, lambda c: c.answer(200, body))


@mode("DecodeError")
def invalid_utf8(conn: Conn, rng: random.Random) -> None:
    body = query_page(1, 1).replace(b"job 1", b"job \xff\xfe")
    _serve(conn, lambda c: c.answer(200, body))


@mode("DecodeError")
def deep_nesting(conn: Conn, rng: random.Random) -> None:
    body = (f'<QueryResult xmlns="{NS}"><Entities><Jobs><Job Type="Job">' + "<a>" * 5000 + "</a>" * 5000
            + "</Job></Jobs></Entities></QueryResult>").encode()
    _serve(conn, lambda c: c.answer(200, body))


@mode("HostileBody")
def json_deep_nesting(conn: Conn, rng: random.Random) -> None:
    body = b'{"Refs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    _serve(conn, lambda c: c.answer(200, body, ctype="application/json"))


@mode("ok")
def wide_element(conn: Conn, rng: random.Random) -> None:
    attrs = " ".join(f'a{i}="{i}"' for i in range(rng.choice((50_000, 100_000))))
    body = (f'<QueryResult xmlns="{NS}"><Refs><Ref Type="JobReference" Name="wide" {attrs}/></Refs>'
            '<PagingInfo PageNum="1" PageSize="1" PagesCount="1"/></QueryResult>').encode()
    _serve(conn, lambda c: c.answer(200, body))


# -- paging ----------------------------------------------------------------------------------
@mode("ok")
def a_billion_pages(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.answer(200, query_page(int(c.params.get("page") or 1), 10**9)))


@mode("DecodeError")
def the_same_page_again(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.answer(200, query_page(1, 5)))


@mode("ok")
def next_link_to_another_host(conn: Conn, rng: random.Random) -> None:
    # query_page's Next links name http://elsewhere/: they are fetched from our server
    _serve(conn, lambda c: c.answer(200, query_page(int(c.params.get("page") or 1), 3)))


# -- statuses --------------------------------------------------------------------------------
@mode("ApiError")
def always_503_retry_after_forever(conn: Conn, rng: random.Random) -> None:
    _serve(conn, lambda c: c.answer(503, b"", headers=(("Retry-After", "999999"),)))


@mode("WrongService")
def redirect_elsewhere(conn: Conn, rng: random.Random) -> None:
    def logon_redirect(c: Conn) -> None:
        while c.read_request():
            if not c.answer(302, b"", headers=(("Location", "http://attacker.invalid/steal"),)):
                return

    logon_redirect(conn)


@mode("AuthFailed")
def echo_credentials_401(conn: Conn, rng: random.Random) -> None:
    def answer(c: Conn) -> bool:
        echo = (c.header("Authorization") or "") + " " + (c.header("X-RestSvcSessionId") or "")
        body = f'<Error xmlns="{NS}" StatusCode="401" Message="you sent {echo}"/>'.encode()
        return c.answer(401, body)

    while conn.read_request():
        if not answer(conn):
            return
