"""The emulator over HTTP(S): ``Emulator`` (in-process, for tests and ``fel repl --demo``).

Built on the standard library's ``ThreadingHTTPServer`` (HTTP/1.1 with keep-alive, one thread
per open connection), bounded so that a flood of idle connections cannot starve real clients:

* at most ``max_connections`` connections are served at once (default 128), so at most that
  many handler threads exist;
* a connection that sends nothing for ``idle_timeout`` seconds (default 30) is closed;
* when every slot is taken and another client connects, the connection idle the longest (one
  waiting for a request, or still sending its request head or body — never one being
  answered) is closed to make room, as HTTP allows for idle keep-alive connections;
* a ``Content-Length`` that is not a decimal number of ASCII digits is answered 400.

Loopback by default; ``tls=True`` serves HTTPS with a self-signed certificate made at start-up
(the TLS handshake runs in the connection's thread and counts as idle time)::

    with Emulator(seed=1) as em:
        requests.post(em.url + "sessionMngr/?v=latest", auth=em.credentials)
"""
from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .app import EmulatorApp, Settings
from .dataset import Dataset
from .faults import Faults
from .tls import SelfSigned, make_self_signed, server_context

__all__ = ["Emulator", "MAX_CONNECTIONS", "IDLE_TIMEOUT"]

_MAX_BODY = 1 << 20
#: Defaults of the connection bounds (see the module docstring).
MAX_CONNECTIONS = 128
IDLE_TIMEOUT = 30.0


class _Conn:
    """One open connection: its socket (the TLS one once wrapped), last activity, busy flag."""

    __slots__ = ("sock", "since", "busy")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.since = time.monotonic()
        self.busy = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive connections
    server: "_Server"

    def version_string(self) -> str:
        return "Microsoft-HTTPAPI/2.0"  # what EM's HTTP.sys answers with

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # StreamRequestHandler applies it to the socket
        super().setup()

    def _serve(self) -> None:
        state = self.server.connection_state(self.connection)
        try:
            self._answer(state)
        finally:
            if state is not None:
                state.busy = False
                state.since = time.monotonic()

    def _answer(self, state: "_Conn | None") -> None:
        raw_length = (self.headers.get("Content-Length") or "0").strip()
        if not (raw_length.isascii() and raw_length.isdigit()):
            self.close_connection = True
            self.send_error(400, "Bad Request: Content-Length must be a decimal number of bytes")
            return
        length = int(raw_length)
        if length > _MAX_BODY:
            self.close_connection = True
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        if state is not None:  # from here on the request is being answered: never evicted
            state.busy = True  # (while its head or body is still arriving, it may be)
        host = self.headers.get("Host") or self.server.host_port
        base = f"{self.server.scheme}://{host}/api/"
        try:
            resp = self.server.app.handle(self.command, self.path, dict(self.headers.items()), body, base)
        except Exception:  # noqa: BLE001 - a bug must still get an answer, not a dropped connection
            self.close_connection = True
            self.send_error(500, "Internal Server Error (the emulator failed on this request)")
            return
        if resp.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(resp.status)
        for k, v in resp.headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        # Headers and body in one write.
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(resp.body)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer = []

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.access_log is not None:
            # Request line and status only: tokens travel in headers and are never logged, and a
            # SessionId in a path (the token is derived from it) is redacted.
            self.server.access_log(f"{self.address_string()} - {_SESSION_PATH.sub(_REDACTED, format % args)}")


#: A SessionId in a request path (``/api/logonSessions/<GUID>``), redacted in the access log.
_SESSION_PATH = re.compile(r"(?i)(logonSessions/)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_REDACTED = r"\1<session>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # a burst of connects waits in the kernel, not in SYN retransmits

    def __init__(self, address, app: EmulatorApp, tls: ssl.SSLContext | None, access_log,
                 max_connections: int = MAX_CONNECTIONS, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.app = app
        self.tls = tls
        self.access_log = access_log
        self.scheme = "https" if tls else "http"
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        self._conns: dict[int, _Conn] = {}  # id(accepted socket) -> state
        self._conns_lock = threading.Lock()
        #: connections closed to make room for new ones (for tests and statistics).
        self.evicted = 0
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        self.host_port = f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"

    # -- bounded connections ---------------------------------------------------------------
    def process_request(self, request, client_address) -> None:
        """Take a slot (making room by closing the longest-idle connection) and serve the
        connection in its own thread; the accept loop waits while every slot is answering."""
        while not self._slots.acquire(blocking=False):
            self._evict_one()
            if self._slots.acquire(timeout=0.05):
                break
            if getattr(self, "_BaseServer__shutdown_request", False):
                self.shutdown_request(request)
                return
        with self._conns_lock:
            self._conns[id(request)] = _Conn(request)
        try:
            thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                      daemon=True)
            thread.start()
        except RuntimeError:  # no thread to be had: refuse this one, keep serving
            self._release(request)
            self.shutdown_request(request)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(request)

    def _release(self, request) -> None:
        with self._conns_lock:
            self._conns.pop(id(request), None)
        self._slots.release()

    def _evict_one(self) -> None:
        with self._conns_lock:
            idle = [c for c in self._conns.values() if not c.busy]
            victim = min(idle, key=lambda c: c.since) if idle else None
            if victim is not None:
                victim.busy = True  # chosen once
                self.evicted += 1
        if victim is not None:
            try:
                socket.socket.shutdown(victim.sock, socket.SHUT_RDWR)  # the handler's read returns at once
            except (OSError, ValueError, TypeError):
                pass

    def connection_state(self, sock) -> _Conn | None:
        with self._conns_lock:
            for state in self._conns.values():
                if state.sock is sock:
                    return state
        return None

    @property
    def open_connections(self) -> int:
        with self._conns_lock:
            return len(self._conns)

    def finish_request(self, request, client_address) -> None:
        if self.tls is not None:
            key = id(request)
            try:
                request.settimeout(min(10.0, self.idle_timeout))
                request = self.tls.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                return
            with self._conns_lock:
                state = self._conns.get(key)
                if state is not None:
                    state.sock = request
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up is not the server's problem; never print tracebacks


class Emulator:
    """An emulated Enterprise Manager on a local port.

    ``port=0`` picks a free port. ``users`` maps user names to passwords (default demo/demo).
    ``max_connections`` and ``idle_timeout`` bound the connections served at once and how
    long one may sit idle (see the module docstring).
    Other keyword arguments are :class:`Settings` fields (``json_case``, ``link_style``,
    ``session_idle`` …). The dataset is built lazily, so ``start()`` returns at once.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, seed: int = 1, scale: float = 1.0,
                 now: datetime | None = None, users: dict[str, str] | None = None, tls: bool = False,
                 latency_ms: float = 0.0, error_rate: float = 0.0, access_log=None,
                 dataset: Dataset | None = None, max_connections: int = MAX_CONNECTIONS,
                 idle_timeout: float = IDLE_TIMEOUT, **settings: Any) -> None:
        if max_connections < 1 or not idle_timeout > 0:
            raise ValueError("max_connections must be at least 1 and idle_timeout positive")
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        if users is not None:
            settings["users"] = dict(users)
        self.settings = Settings(**settings)
        self.dataset = dataset or Dataset(seed=seed, scale=scale, now=now)
        self.app = EmulatorApp(self.dataset, self.settings,
                               Faults(latency_ms=latency_ms, error_rate=error_rate, seed=seed))
        self.host = host
        self.port = port
        self.tls = tls
        self.access_log = access_log
        self.certificate: SelfSigned | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "Emulator":
        if self._server is not None:
            return self
        ctx = None
        if self.tls:
            self.certificate = make_self_signed()
            ctx = server_context(self.certificate)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        server_cls = type("_BoundServer", (_Server,), {"address_family": family})
        self._server = server_cls((self.host, self.port), self.app, ctx, self.access_log,
                                  self.max_connections, self.idle_timeout)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name=f"fel-emulator:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.certificate is not None:
            self.certificate.cleanup()
            self.certificate = None

    def serve_forever(self) -> None:
        """Block until :meth:`stop` is called (from a signal handler or another thread)."""
        self.start()
        assert self._thread is not None
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ---- facts for clients -----------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def url(self) -> str:
        """The API root, e.g. ``http://127.0.0.1:9398/api/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/api/"

    @property
    def credentials(self) -> tuple[str, str]:
        """The first accepted (user, password)."""
        user, password = next(iter(self.settings.users.items()))
        return user, password

    @property
    def ca_file(self) -> str | None:
        """With ``tls=True``: the self-signed certificate to verify against."""
        return self.certificate.cert_file if self.certificate else None
