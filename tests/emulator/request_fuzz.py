"""Malformed and odd requests for the emulator, made from a seeded ``random.Random``.

``random_request(rng)`` gives ``(method, target, headers)`` as ``http.server`` would hand them
to ``EmulatorApp.handle``: the target is Latin-1 text (the request line is read as bytes and
decoded so), headers likewise. ``raw_request(rng)`` gives whole request bytes for the socket
(broken request lines, Content-Length values, pipelining, truncation) and ``send_raw`` sends
such bytes on a fresh connection and reads the answer. ``check_answer`` states what every
answer must satisfy. Used by tests/emulator/test_hardening.py (a few
thousand cases) and tests/fuzz/fuzz_network.py (as many as time allows).
"""
from __future__ import annotations

import random
import socket
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

PIECES = (
    "type=", "Job", "BackupJobSession", "VmRestorePoint", "&", "&amp;", "=", "filter=", "Name==", "Name%3D%3D",
    "%", "%D9%A5", "%EF%BC%95", "%u0041", "%uD800", "%ZZ", "+", "pageSize=", "page=", "0", "1", "-1", "5",
    "999999999999999999999", "format=", "Entities", "references", "sortAsc=", "sortDesc=", "name", ";", ",",
    "(", ")", "\"", "'", "%00", "%FF", "%C0%AF", "%E2%80%9C", "v=", "latest", "v1_5", "host=", "name=",
    "CreationTime>", "2025-01-01", "now-1d", "%22", "%3B", "..", "/", "?", "#", "\\", "*", "\t", "%0D%0A",
    "Result==Failed", "JobType==Backup", "%25", "=%3D", "\u0665", "\u00e9",
)
PATHS = (
    "/api/query?", "/api/", "/api", "/api/lookup?", "/api//query?", "/api/jobs/", "/api/jobs?", "/api/backupSessions?",
    "/api/logonSessions/", "/api/reports/summary/", "/api/security/", "/api/querySvc?", "/api/lookupSvc?",
    "/api/sessionMngr/?", "/", "/api/../", "/API/QUERY?", "//api//query?", "/api/backupSessions/",
)
METHODS = ("GET", "GET", "GET", "GET", "POST", "DELETE", "PUT", "HEAD", "PATCH")
AUTH = ("Basic ZGVtbzpkZW1v", "Basic %%%", "Basic " + "A" * 5000, "Bearer x", "Basic ZGVtbw==", "Basic \u0665",
        "Basic ZGVtbzpkZW1v\u00e9", "basic ZGVtbzpkZW1v", "Basic", "", "Basic ////")


def _latin1(text: str) -> str:
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def random_target(rng: random.Random) -> str:
    return _latin1(rng.choice(PATHS) + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14))))


def random_request(rng: random.Random, token: str) -> tuple[str, str, dict[str, str]]:
    headers: dict[str, str] = {"X-RestSvcSessionId": token}
    roll = rng.random()
    if roll < 0.15:
        headers = {"Authorization": _latin1(rng.choice(AUTH))}
    elif roll < 0.2:
        headers["X-RestSvcSessionId"] = _latin1(rng.choice(("", "x", token + "\u00e9", token * 50, " " + token)))
    if rng.random() < 0.1:
        headers["Cookie"] = rng.choice(("X-RestSvcSessionId=x", "=;;==", "X-RestSvcSessionId", f"x-restsvcsessionid={token}"))
    if rng.random() < 0.3:
        headers["Accept"] = rng.choice(("application/json", "application/xml", "*/*", "text/html", "application/json;q=0"))
    return rng.choice(METHODS), random_target(rng), headers


def raw_request(rng: random.Random, token: str) -> bytes:
    """One request's bytes for the socket, often malformed."""
    target = random_target(rng).encode("latin-1")
    method = rng.choice((b"GET", b"POST", b"DELETE", b"BREW", b"", b"G\x00T"))
    version = rng.choice((b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.1", b"", b"HTTP/9"))
    lines = [method + b" " + target + (b" " + version if version else b"")]
    lines.append(b"Host: 127.0.0.1")
    lines.append(b"X-RestSvcSessionId: " + token.encode())
    roll = rng.random()
    body = b""
    if roll < 0.3:
        length = rng.choice((b"abc", b"-1", b"1e3", b"0x10", "\u0665".encode(), b"+5", b"", b" 7 ", b"99999999999999999999",
                             b"5", b"0"))
        lines.append(b"Content-Length: " + length)
        body = b"x" * rng.choice((0, 3, 5))
    elif roll < 0.35:
        lines.append(b"Transfer-Encoding: chunked")
        body = rng.choice((b"0\r\n\r\n", b"zz\r\n", b"5\r\nabc"))
    if rng.random() < 0.05:
        lines.append(b"X-Long: " + b"y" * rng.choice((1000, 70000)))
    if rng.random() < 0.05:
        lines.extend(b"X-H%d: 1" % i for i in range(rng.choice((50, 150))))
    head = b"\r\n".join(lines) + b"\r\n\r\n"
    if rng.random() < 0.1:
        head = head[:rng.randint(0, len(head))]  # cut short
    return head + body


#: statuses the emulator may answer (503 only from injected faults, which the harness turns off)
ALLOWED = frozenset({200, 201, 204, 400, 401, 403, 404, 405, 411, 413, 414, 431, 501, 505})


def check_answer(status: int, body: bytes) -> str | None:
    """What is wrong with an answer, or None."""
    if status not in ALLOWED:
        return f"status {status}"
    if status >= 400 and status != 405 and not body:
        return f"status {status} without a body"
    return None


def send_raw(port: int, request: bytes, timeout: float = 30) -> bytes:
    """Send ``request`` on a fresh connection to 127.0.0.1 and read until the server closes it
    or a complete response head and Content-Length body have arrived."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(request)
            s.shutdown(socket.SHUT_WR)  # nothing more: a cut-short request ends here, not at the idle timeout
        except OSError:  # the server answered and closed before reading it all: read the answer
            pass
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")[1:]
                               if line.lower().startswith(b"content-length:")), None)
                if length is not None and len(body) >= length:
                    return data


@contextmanager
def idle_connections(port: int, n: int) -> Iterator[subprocess.Popen]:
    """A child process that opens ``n`` connections to 127.0.0.1:``port``, prints ``open`` once
    they all are, and holds them idle until the block ends (for the flood measurements)."""
    code = (f"import socket,sys\ns=[socket.create_connection(('127.0.0.1',{port}),timeout=60) for _ in range({n})]\n"
            "print('open',flush=True)\nsys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
