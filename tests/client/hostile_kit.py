"""A raw-socket server on 127.0.0.1 that misbehaves on purpose: trickles, hangs, lies about
sizes and page counts, echoes credentials. Used by the hostile-server tests and by
tests/fuzz/fuzz_network.py. Every behaviour ends when the server is closed (no thread
outlives ``close()`` by more than a poll interval)."""
from __future__ import annotations

import socket
import threading
import time
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

NS = "http://www.veeam.com/ent/v1.0"
LOGON_XML = (f'<LogonSession xmlns="{NS}" Type="LogonSession"><UserName>u</UserName>'
             "<SessionId>11111111-2222-3333-4444-555555555555</SessionId></LogonSession>").encode()


class Conn:
    """One accepted connection: the request read so far and helpers to answer it."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop
        self.head = b""

    def read_request(self) -> bool:
        """Read one request head (the body of a POST is ignored: ours have none)."""
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return False
            if not chunk:
                return False
            data += chunk
        self.head = data.split(b"\r\n\r\n", 1)[0]
        return True

    @property
    def request_line(self) -> str:
        return self.head.split(b"\r\n", 1)[0].decode("latin-1")

    @property
    def method(self) -> str:
        return self.request_line.split(" ", 1)[0]

    @property
    def target(self) -> str:
        parts = self.request_line.split(" ")
        return parts[1] if len(parts) > 1 else "/"

    @property
    def params(self) -> dict[str, str]:
        return {k.lower(): v for k, v in parse_qsl(urlsplit(self.target).query, keep_blank_values=True)}

    def header(self, name: str) -> str | None:
        for line in self.head.split(b"\r\n")[1:]:
            k, _, v = line.decode("latin-1").partition(":")
            if k.strip().lower() == name.lower():
                return v.strip()
        return None

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def answer(self, status: int, body: bytes, *, ctype: str = "application/xml; charset=utf-8",
               headers: tuple[tuple[str, str], ...] = ()) -> bool:
        head = [f"HTTP/1.1 {status} X", f"Content-Type: {ctype}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers]
        return self.send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def logon(self) -> bool:
        return self.answer(201, LOGON_XML, headers=(("X-RestSvcSessionId", "dG9rZW4tMTIzNDU2Nzg5"),))

    def trickle(self, data: bytes, every: float) -> bool:
        """Send ``data`` one byte at a time, ``every`` seconds apart, until done or closed."""
        for i in range(len(data)):
            if self.stop.wait(every) or not self.send(data[i:i + 1]):
                return False
        return True

    def hang(self) -> None:
        """Never answer; return when the server closes or the client hangs up."""
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                if self.sock.recv(1) == b"":
                    return
            except socket.timeout:
                continue
            except OSError:
                return


Behaviour = Callable[[Conn], None]


class HostileServer:
    """Serve ``behave(conn)`` for every connection (it reads requests itself; keep-alive is
    the behaviour's choice) on 127.0.0.1 at a free port."""

    def __init__(self, behave: Behaviour) -> None:
        self.behave = behave
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api/"
        self.connections = 0
        self._threads: list[threading.Thread] = []
        self._socks: list[socket.socket] = []
        self._accept = threading.Thread(target=self._loop, daemon=True)
        self._accept.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            self._socks.append(sock)
            t = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, sock: socket.socket) -> None:
        conn = Conn(sock, self.stop)
        try:
            self.behave(conn)
        except OSError:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self._accept.join(timeout=2)
        self.listener.close()
        for sock in self._socks:  # wake every handler blocked on a client that kept its socket
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> "HostileServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def keep_alive(answer: Callable[[Conn], bool]) -> Behaviour:
    """A behaviour that answers requests on one connection until ``answer`` returns False."""

    def behave(conn: Conn) -> None:
        while conn.read_request():
            if not answer(conn):
                return

    return behave


def query_page(page: int, pages: int, *, page_size: int = 1, next_link: bool = True) -> bytes:
    """A QueryResult of one reference claiming ``pages`` pages in all."""
    links = (f'<Links><Link Rel="Next" Href="http://elsewhere/api/query?type=Job&amp;pageSize={page_size}'
             f'&amp;page={page + 1}"/></Links>') if next_link and page < pages else ""
    return (f'<QueryResult xmlns="{NS}"><Refs><Ref Type="JobReference" Name="job {page}" '
            f'UID="urn:veeam:Job:{page:08d}-0000-0000-0000-000000000000" Href="http://x/api/jobs/{page}"/></Refs>'
            f'<PagingInfo PageNum="{page}" PageSize="{page_size}" PagesCount="{pages}">{links}</PagingInfo>'
            "</QueryResult>").encode()


def endless_pages(pages: int = 10**9) -> Behaviour:
    """Logon, then every query answers page N of ``pages`` (10^9 by default)."""

    def answer(conn: Conn) -> bool:
        if conn.method == "POST":
            return conn.logon()
        if conn.method == "DELETE":
            return conn.answer(204, b"")
        page = int(conn.params.get("page", "1") or 1)
        return conn.answer(200, query_page(page, pages))

    return keep_alive(answer)


def wait_until(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Poll ``predicate`` (for setting up states, never to assert on timing)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
