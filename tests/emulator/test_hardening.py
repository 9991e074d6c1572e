"""Issue #14, the emulator's side: a flood of idle connections, bad Content-Length values,
non-ASCII digits and whitespace in attribute values. Loopback only; every socket is closed
by the end of its test; assertions are on outcomes, never on how long something took."""
from __future__ import annotations

import socket
import threading

import pytest
import requests
from lxml import etree

from emkit import NOW, SEED, app_token, logon, q, xml
from fel.emulator import Emulator
from fel.emulator.app import EmulatorApp
from fel.emulator.render import Node, to_xml

TIMEOUT = 30  # generous: a loaded CI machine must not fail these


def _connect(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return s


# -- a flood of idle connections ----------------------------------------------------------------
def test_an_ordinary_query_answers_while_hundreds_of_idle_connections_are_open():
    with Emulator(seed=SEED, now=NOW, max_connections=16) as em:
        idle: list[socket.socket] = []
        try:
            for _ in range(300):
                idle.append(_connect(em.port))
            # half of them have started a request head and stalled (slowloris)
            for s in idle[::2]:
                s.sendall(b"GET /api/ HTTP/1.1\r\nHost: x\r\n")
            session = logon(em.url, timeout=TIMEOUT)
            r = session.get(em.url + "query?type=Job&format=Entities&pageSize=2", timeout=TIMEOUT)
            assert r.status_code == 200 and len(xml(r.content).find(q("Entities"))[0]) == 2
            server = em._server
            assert server is not None
            assert server.open_connections <= 16  # so at most 16 handler threads
            assert server.evicted >= 300 - 16
            handlers = [t for t in threading.enumerate() if "process_request_thread" in t.name]
            assert len(handlers) <= 16 + 2  # a thread or two may be finishing
        finally:
            for s in idle:
                s.close()


def test_an_idle_connection_is_closed_after_the_idle_timeout():
    with Emulator(seed=SEED, now=NOW, idle_timeout=0.3) as em:
        with _connect(em.port) as s:
            assert s.recv(1) == b""  # closed by the server (the socket timeout is 30 s)
        with _connect(em.port) as s:  # also when the request head stalls half-way
            s.sendall(b"GET /api/ HTTP/1.1\r\n")
            data = s.recv(65536)
            while data and not data.endswith(b"\r\n\r\n") and s.recv(65536):
                pass
        # the server still answers
        assert requests.get(em.url, timeout=TIMEOUT).status_code == 200


def test_a_connection_being_answered_is_never_evicted():
    """Many requests over few slots, each on keep-alive sessions, while new connections
    keep arriving: every request gets its full answer."""
    with Emulator(seed=SEED, now=NOW, max_connections=2) as em:
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                s = logon(em.url, timeout=TIMEOUT)
                for i in range(5):
                    r = s.get(em.url + f"query?type=BackupJobSession&format=Entities&pageSize=20&page={i + 1}",
                              timeout=TIMEOUT)
                    assert r.status_code == 200
                    xml(r.content)  # complete and well-formed
            except requests.ConnectionError:
                pass  # a keep-alive connection closed while idle: allowed, and urllib3 may not retry
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
        assert not errors


@pytest.mark.parametrize("bad", [-1, 0, 5000])
def test_emulator_bounds_are_checked(bad):
    if bad == 5000:
        Emulator(max_connections=bad)  # fine
        return
    with pytest.raises(ValueError):
        Emulator(max_connections=bad)


# -- Content-Length ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "0x10", "\u0665", "+5", ""])
def test_a_content_length_that_is_not_ascii_digits_is_a_400(value):
    with Emulator(seed=SEED, now=NOW) as em:
        raw = f"POST /api/sessionMngr/?v=latest HTTP/1.1\r\nHost: x\r\nContent-Length: {value}\r\n\r\n"
        answer = send_raw(em.port, raw.encode("utf-8"))
        if value == "":
            assert answer.startswith(b"HTTP/1.1 401")  # an empty value reads as no body
        else:
            assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
            assert b"Content-Length" in answer
        assert requests.get(em.url, timeout=TIMEOUT).status_code == 200  # and it goes on serving


# -- EM's numbers are ASCII digits ------------------------------------------------------------
@pytest.mark.parametrize("params", ["pageSize=%D9%A5", "page=%D9%A1&pageSize=2", "pageSize=%EF%BC%95",
                                    "pageSize=%E0%A5%AB"])
def test_non_ascii_digits_in_paging_are_refused(params):
    app = EmulatorApp()
    token = app_token(app)
    r = app.handle("GET", f"/api/query?type=Job&{params}", {"X-RestSvcSessionId": token})
    assert r.status == 400, r.body[:300]
    ok = app.handle("GET", "/api/query?type=Job&pageSize=5&page=1", {"X-RestSvcSessionId": token})
    assert ok.status == 200


# -- control characters: HTTP.sys refuses their escapes before EM sees the request --------------
@pytest.mark.parametrize("params", ["filter=Name==%22a%00b%22", "filter=Name==%22a%1Fb%22", "filter=Name==%22x%C2%85%22",
                                    "pageSize=5%0A"])
def test_control_characters_in_the_url_are_a_400(params):
    app = EmulatorApp()
    token = app_token(app)
    r = app.handle("GET", f"/api/query?type=Job&{params}", {"X-RestSvcSessionId": token})
    assert r.status == 400 and b"control character" in r.body, r.body[:300]
    ok = app.handle("GET", "/api/query?type=Job&filter=Name==%22a%20b%22&pageSize=5", {"X-RestSvcSessionId": token})
    assert ok.status == 200


# -- whitespace in attribute values -----------------------------------------------------------
@pytest.mark.parametrize("name", ["a\tb", "line1\nline2", "cr\rhere", "crlf\r\nend", " lead and trail ",
                                  "all\t\n\r", "quote\" amp& lt<"])
def test_attribute_values_keep_tabs_and_line_breaks(name):
    """An XML parser turns raw tab/CR/LF in an attribute into spaces: the XML wire must write
    them as character references so its names equal the JSON wire's."""
    text = to_xml(Node("Job", [("Type", "Job"), ("Name", name)], None, None, [("Alias", None, "http://x/", name)]),
                  declaration=False)
    el = etree.fromstring(text.encode("utf-8"))
    assert el.get("Name") == name
    assert el.find("Links")[0].get("Name") == name


# -- malformed requests: always an answer, never a crash --------------------------------------
import random  # noqa: E402

from request_fuzz import ALLOWED, check_answer, random_request, raw_request, send_raw  # noqa: E402


@pytest.mark.parametrize("value", ["Basic \u0665", "Basic ZGVtbzpkZW1v\u00e9", "Basic \u00ff\u00fe", "Basic ////"])
def test_a_non_ascii_or_broken_authorization_header_is_a_401(value):
    r = EmulatorApp().handle("POST", "/api/sessionMngr/?v=latest", {"Authorization": value})
    assert r.status == 401


def test_three_thousand_random_requests_each_get_a_proper_answer():
    app = EmulatorApp()
    token = app_token(app)
    rng = random.Random(1414)
    problems = []
    for _ in range(3000):
        method, target, headers = random_request(rng, token)
        try:
            r = app.handle(method, target, headers, b"")
        except Exception as exc:  # noqa: BLE001 - the finding
            problems.append((method, target, headers, f"{type(exc).__name__}: {exc}"))
            continue
        problem = check_answer(r.status, r.body)
        if problem:
            problems.append((method, target, headers, problem))
    assert problems == []


def test_malformed_requests_over_the_socket_each_get_an_answer_or_a_close():
    """Broken request lines, Content-Length values, chunking, truncation, long and many
    headers: the server answers each (or closes the connection) and keeps serving."""
    with Emulator(seed=SEED, now=NOW, idle_timeout=2) as em:
        token = logon(em.url, timeout=TIMEOUT).headers["X-RestSvcSessionId"]
        rng = random.Random(14)
        statuses = []
        for _ in range(150):
            answer = send_raw(em.port, raw_request(rng, token))
            if answer.startswith(b"HTTP/"):
                status = int(answer.split(b" ", 2)[1])
                statuses.append(status)
                assert status in ALLOWED, answer[:300]
            elif answer:  # an HTTP/0.9-style request (no or a bad version) gets a bare error page
                import re

                m = re.search(rb"Error code: (\d+)", answer)
                assert m and int(m.group(1)) in ALLOWED, answer[:300]
                statuses.append(int(m.group(1)))
        assert len(statuses) > 100  # most get an answer (a truncated head may just be closed)
        assert requests.get(em.url, timeout=TIMEOUT).status_code == 200


def test_connections_stalled_in_a_request_body_do_not_hold_the_slots():
    with Emulator(seed=SEED, now=NOW, max_connections=4) as em:
        stalled = []
        try:
            for _ in range(12):
                s = _connect(em.port)
                s.sendall(b"POST /api/sessionMngr/?v=latest HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nab")
                stalled.append(s)
            assert requests.get(em.url, timeout=TIMEOUT).status_code == 200
            assert em._server.evicted >= 8
        finally:
            for s in stalled:
                s.close()
