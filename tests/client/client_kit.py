"""Helpers for the client tests: a tiny programmable HTTP(S) server on 127.0.0.1:0 and a
minimal EM (logon, token, cookie, paging, logout) for protocol edge cases the emulator does
not stage on purpose. Imported by test modules as ``client_kit`` (conftest puts this folder on
sys.path; the name is unique across the test tree)."""
from __future__ import annotations

import base64
import http.server
import json
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures" / "shared" / "responses"
TLS = HERE / "fixtures" / "tls"
NS = "http://www.veeam.com/ent/v1.0"


@dataclass
class Req:
    method: str
    path: str
    headers: Any
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        return {k.lower(): v for k, v in parse_qsl(urlsplit(self.path).query, keep_blank_values=True)}

    @property
    def route(self) -> str:
        return urlsplit(self.path).path


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = "application/xml; charset=utf-8"
    #: announce this many bytes (more than the body: a truncated reply)
    content_length: int | None = None
    chunked: bool = False


DROP = "drop"  # close the connection without answering


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Req(self.command, self.path, self.headers, body)
        self.server.requests.append(req)  # type: ignore[attr-defined]
        result = self.server.app(req)  # type: ignore[attr-defined]
        if result == DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        assert isinstance(result, Resp)
        self.send_response(result.status)
        if result.content_type:
            self.send_header("Content-Type", result.content_type)
        for k, v in result.headers:
            self.send_header(k, v)
        if result.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            step = 65536
            for i in range(0, len(result.body), step):
                chunk = result.body[i:i + step]
                try:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except OSError:
                    return
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(result.content_length if result.content_length is not None else len(result.body)))
        self.end_headers()
        try:
            self.wfile.write(result.body)
        except OSError:
            return
        if result.content_length is not None and result.content_length > len(result.body):
            self.close_connection = True

    do_GET = do_POST = do_DELETE = do_PUT = _handle


class FakeServer:
    """``app(Req) -> Resp | DROP`` served on 127.0.0.1 at a free port, over HTTP or HTTPS."""

    def __init__(self, app: Callable[[Req], Any], *, tls: bool = False) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.app = app  # type: ignore[attr-defined]
        self.httpd.requests = []  # type: ignore[attr-defined]
        self.tls = tls
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(TLS / "server.pem", TLS / "server.key")
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/api/"

    @property
    def requests(self) -> list[Req]:
        return self.httpd.requests  # type: ignore[attr-defined]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- bodies ---------------------------------------------------------------------------------
def entity_xml(e: dict[str, Any], element: str = "BackupJobSession") -> str:
    attrs = " ".join(f"{k}={quoteattr(str(v))}" for k, v in e.items() if k in ("Type", "Href", "Name", "UID"))
    kids = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in e.items() if k not in ("Type", "Href", "Name", "UID"))
    return f"<{element} {attrs}><Links><Link Rel=\"Up\" Type=\"BackupServerReference\" Href=\"https://em/api/backupServers/1\" Name=\"vbr\"/></Links>{kids}</{element}>"


def query_result_xml(entities: list[dict[str, Any]], *, page: int = 1, page_size: int = 100, pages: int = 1,
                     next_href: str | None = None, container: str = "BackupJobSessions",
                     element: str = "BackupJobSession", part: str = "Entities") -> bytes:
    links = ""
    if next_href:
        links = f"<Links><Link Rel=\"Next\" Href={quoteattr(next_href)}/></Links>"
    items = "".join(entity_xml(e, element) for e in entities)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><QueryResult xmlns=\"{NS}\"><{part}><{container}>{items}"
            f"</{container}></{part}><PagingInfo PageNum=\"{page}\" PageSize=\"{page_size}\" PagesCount=\"{pages}\">"
            f"{links}</PagingInfo></QueryResult>").encode()


def session(i: int) -> dict[str, Any]:
    guid = uuid.UUID(int=i)
    return {
        "Type": "BackupJobSession", "Href": f"https://em/api/backupSessions/{guid}?format=Entity",
        "Name": f"Job {i}@2025-01-01", "UID": f"urn:veeam:BackupJobSession:{guid}",
        "JobName": f"Job {i}", "Result": ["Success", "Warning", "Failed"][i % 3],
        "CreationTimeUTC": f"2025-01-01T00:{i % 60:02d}:00Z", "Progress": i,
    }


class MiniEM:
    """A minimal Enterprise Manager for session and paging protocol tests.

    ``items`` entities are served ``page_size`` per page for any ``/api/query``. Knobs:
    ``header_case`` (how the token header is spelled), ``cookie`` (set a token cookie on the
    first logon only and let it win over the header, as EM does), ``expire_after`` (tokens die
    after this many authenticated calls), ``next_host`` (the host the Next links name)."""

    def __init__(self, *, user: str = "alice", password: str = "s3cr3t-pw", items: int = 7, page_size: int = 3,
                 header_case: str = "X-RestSvcSessionId", cookie: bool = False, expire_after: int | None = None,
                 next_links: bool = True, next_host: str = "https://em.example:9398") -> None:
        self.user, self.password = user, password
        self.items, self.page_size = items, page_size
        self.header_case = header_case
        self.cookie = cookie
        self.expire_after = expire_after
        self.next_links = next_links
        self.next_host = next_host
        self.tokens: dict[str, dict[str, Any]] = {}
        self.logons = 0
        self.logouts: list[str] = []

    def _token_of(self, req: Req) -> str | None:
        if self.cookie:
            for part in (req.headers.get("Cookie") or "").split(";"):
                k, _, v = part.strip().partition("=")
                if k == "X-RestSvcSessionId":
                    return v  # the cookie wins over the header
        return req.headers.get("X-RestSvcSessionId")

    def __call__(self, req: Req) -> Any:
        route = req.route
        if req.method == "POST" and route == "/api/sessionMngr/":
            expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            if req.headers.get("Authorization") != expected:
                return Resp(401, b"", [("WWW-Authenticate", "Basic Realm=RestSvc")], content_type=None)
            self.logons += 1
            token = base64.b64encode(uuid.uuid4().bytes).decode()
            sid = str(uuid.uuid4())
            self.tokens[token] = {"sid": sid, "calls": 0}
            headers = [(self.header_case, token)]
            if self.cookie and self.logons == 1:
                headers.append(("Set-Cookie", f"X-RestSvcSessionId={token}; Path=/"))
            body = (f"<LogonSession xmlns=\"{NS}\" Type=\"LogonSession\" Href=\"{self.next_host}/api/logonSessions/{sid}\">"
                    f"<Links><Link Rel=\"Delete\" Href=\"{self.next_host}/api/logonSessions/{sid}\"/></Links>"
                    f"<UserName>{self.user}</UserName><SessionId>{sid}</SessionId></LogonSession>").encode()
            return Resp(201, body, headers)
        token = self._token_of(req)
        state = self.tokens.get(token or "")
        if state is None:
            return Resp(401, error_xml("Authentication failed", 401))
        state["calls"] += 1
        if self.expire_after is not None and state["calls"] > self.expire_after:
            del self.tokens[token]
            return Resp(401, error_xml("Session expired", 401))
        if req.method == "DELETE" and route.startswith("/api/logonSessions/"):
            self.logouts.append(route.rsplit("/", 1)[-1])
            del self.tokens[token]
            return Resp(204, b"", content_type=None)
        if req.method == "GET" and route == "/api/query":
            p = req.params
            size = int(p.get("pagesize", 100))
            size = min(size, self.page_size) if "pagesize" not in p else size
            page = int(p.get("page", 1))
            pages = max(1, -(-self.items // size))
            lo = (page - 1) * size
            ents = [session(i) for i in range(lo, min(self.items, lo + size))]
            nxt = None
            if self.next_links and page < pages:
                nxt = f"{self.next_host}/api/query?type=BackupJobSession&format=Entities&pageSize={size}&page={page + 1}"
            return Resp(200, query_result_xml(ents, page=page, page_size=size, pages=pages, next_href=nxt))
        return Resp(404, error_xml(f"Resource {route} not found", 404))


def error_xml(message: str, status: int) -> bytes:
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error xmlns=\"{NS}\" Message={quoteattr(message)}"
            f" StatusCode=\"{status}\"><FirstChanceExceptionMessage>{escape(message)}</FirstChanceExceptionMessage></Error>").encode()


def error_json(message: str, status: int) -> bytes:
    return json.dumps({"FirstChanceExceptionMessage": None, "Message": message, "StackTrace": None,
                       "Status": None, "StatusCode": status}).encode()
