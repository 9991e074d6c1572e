"""The emulator over HTTP(S): ``Emulator`` (in-process, for tests and ``fel repl --demo``).

Built on the standard library's ``ThreadingHTTPServer`` (HTTP/1.1 with keep-alive, one thread
per connection). Loopback by default; ``tls=True`` serves HTTPS with a self-signed certificate
made at start-up (the TLS handshake runs in the connection's thread)::

    with Emulator(seed=1) as em:
        requests.post(em.url + "sessionMngr/?v=latest", auth=em.credentials)
"""
from __future__ import annotations

import socket
import ssl
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .app import EmulatorApp, Settings
from .dataset import Dataset
from .faults import Faults
from .tls import SelfSigned, make_self_signed, server_context

__all__ = ["Emulator"]

_MAX_BODY = 1 << 20


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive connections
    server: "_Server"

    def version_string(self) -> str:
        return "Microsoft-HTTPAPI/2.0"  # what EM's HTTP.sys answers with

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or self.server.host_port
        base = f"{self.server.scheme}://{host}/api/"
        resp = self.server.app.handle(self.command, self.path, dict(self.headers.items()), body, base)
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
            # Request line and status only: tokens travel in headers and are never logged.
            self.server.access_log(f"{self.address_string()} - {format % args}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, app: EmulatorApp, tls: ssl.SSLContext | None, access_log) -> None:
        self.app = app
        self.tls = tls
        self.access_log = access_log
        self.scheme = "https" if tls else "http"
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        self.host_port = f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"

    def finish_request(self, request, client_address) -> None:
        if self.tls is not None:
            try:
                request.settimeout(10)
                request = self.tls.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up is not the server's problem; never print tracebacks


class Emulator:
    """An emulated Enterprise Manager on a local port.

    ``port=0`` picks a free port. ``users`` maps user names to passwords (default demo/demo).
    Other keyword arguments are :class:`Settings` fields (``json_case``, ``link_style``,
    ``session_idle`` …). The dataset is built lazily, so ``start()`` returns at once.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, seed: int = 1, scale: float = 1.0,
                 now: datetime | None = None, users: dict[str, str] | None = None, tls: bool = False,
                 latency_ms: float = 0.0, error_rate: float = 0.0, access_log=None,
                 dataset: Dataset | None = None, **settings: Any) -> None:
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
        self._server = server_cls((self.host, self.port), self.app, ctx, self.access_log)
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
