"""Transport policy: retries and backoff, TLS, timeouts, and one-line errors for each failure."""
from __future__ import annotations

import socket
import threading
import warnings

import pytest

from fel.client import Client
from fel.client import transport as transport_module
from fel.client.errors import ConnectFailed, TimedOut, TlsFailed
from fel.client.transport import InsecureConnectionWarning, Transport, TransportPolicy, port_hint

from client_kit import DROP, TLS, MiniEM, Resp


def flaky(em, failures: list, route: str = "/api/query"):
    """An app that answers ``failures`` in turn (a status or DROP) before behaving."""
    left = list(failures)
    lock = threading.Lock()

    def app(req):
        if req.route == route:
            with lock:
                step = left.pop(0) if left else None
            if step == DROP:
                return DROP
            if step is not None:
                return Resp(step, b"busy", [("Retry-After", "3")] if step == 503 else [], content_type="text/plain")
        return em(req)

    return app


@pytest.mark.parametrize("failures", [[503], [502, 504], [DROP], [DROP, 503, DROP]])
def test_idempotent_requests_are_retried_until_they_succeed(serve, failures):
    em = MiniEM(items=2)
    delays: list[float] = []
    server = serve(flaky(em, failures))
    with Client(server.url, em.user, em.password, sleep=delays.append) as c:
        assert len(list(c.query("type=BackupJobSession"))) == 2
    queries = [r for r in server.requests if r.route == "/api/query"]
    assert len(queries) == len(failures) + 1
    assert len(delays) == len(failures)
    assert all(0 < d <= 8 for d in delays)


def test_retry_after_is_honoured_up_to_the_cap(serve):
    em = MiniEM(items=1)
    delays: list[float] = []
    server = serve(flaky(em, [503]))
    with Client(server.url, em.user, em.password, sleep=delays.append) as c:
        list(c.query("type=BackupJobSession"))
    assert 1.5 <= delays[0] <= 3.0  # Retry-After: 3, with up to 50 % jitter taken off


def test_retries_are_bounded_and_the_last_status_is_reported(serve):
    em = MiniEM(items=1)
    delays: list[float] = []
    server = serve(flaky(em, [503] * 10))
    with Client(server.url, em.user, em.password, retries=3, sleep=delays.append) as c:
        with pytest.raises(Exception) as info:
            list(c.query("type=BackupJobSession"))
    assert "HTTP 503" in str(info.value)
    assert len([r for r in server.requests if r.route == "/api/query"]) == 4
    assert len(delays) == 3 and max(delays) <= 8


def test_backoff_grows_and_is_capped(refused_port):
    delays: list[float] = []
    policy = TransportPolicy(retries=6, backoff=1.0, backoff_max=4.0)
    t = Transport(policy, sleep=delays.append)
    with pytest.raises(ConnectFailed):
        t.request("GET", f"http://127.0.0.1:{refused_port}/api/")  # refused: only refused_retries retries
    assert len(delays) == policy.refused_retries
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0


def test_non_idempotent_requests_are_not_retried(serve):
    server = serve(lambda req: Resp(503, b"", content_type=None))
    t = Transport(TransportPolicy(), sleep=lambda s: None)
    assert t.request("POST", server.url + "actions").status == 503
    assert len(server.requests) == 1
    assert t.request("POST", server.url + "sessionMngr/", idempotent=True).status == 503
    assert len(server.requests) == 1 + 5


def test_logon_survives_a_dropped_connection(serve):
    em = MiniEM(items=1)
    server = serve(flaky(em, [DROP], route="/api/sessionMngr/"))
    with Client(server.url, em.user, em.password, sleep=lambda s: None) as c:
        assert len(list(c.query("type=BackupJobSession"))) == 1
    assert em.logons == 1


# -- one-line errors -------------------------------------------------------------------------
def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_refused_connection():
    port = _free_port()
    with pytest.raises(ConnectFailed) as info:
        Client(f"http://127.0.0.1:{port}/api/", "u", "pppp", sleep=lambda s: None).logon()
    text = str(info.value)
    assert f"connection refused by 127.0.0.1:{port}" in text and "9398" in text
    assert "\n" not in text and "pppp" not in text and info.value.exit_code == 3


def test_the_vbr_port_is_named_for_what_it_is():
    # nothing listens on 9419 here; the message still says what that port is
    with pytest.raises(ConnectFailed) as info:
        Client("https://127.0.0.1:9419/api/", "u", "pppp", sleep=lambda s: None).logon()
    assert "9419 is the Veeam Backup & Replication REST API, not Enterprise Manager" in str(info.value)
    assert "9419" in port_hint("https://vbr:9419/api/v1/") and port_hint("https://em:9398/api/") is None


def test_unknown_host(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(ConnectFailed, match="cannot resolve host 'em.nowhere.example'"):
        Client("https://em.nowhere.example:9398", "u", "pppp", sleep=lambda s: None).logon()


def test_read_timeout(serve):
    gate = threading.Event()

    def slow(req):
        gate.wait(5)
        return Resp(200, b"")

    server = serve(slow)
    t = Transport(TransportPolicy(timeout=(2.0, 0.2), retries=1), sleep=lambda s: None)
    try:
        with pytest.raises(TimedOut, match="did not answer within 0.2 s"):
            t.request("GET", server.url)
    finally:
        gate.set()


# -- TLS -------------------------------------------------------------------------------------
def test_tls_is_verified_by_default(serve):
    em = MiniEM(items=1)
    server = serve(em, tls=True)
    with pytest.raises(TlsFailed) as info:
        Client(server.url, em.user, em.password, sleep=lambda s: None).logon()
    text = str(info.value)
    assert "TLS verification of 127.0.0.1" in text and "certificate not trusted (unable to get local issuer" in text
    assert "--ca-bundle" in text and "--insecure" in text


def test_a_ca_bundle_makes_the_server_trusted(serve):
    em = MiniEM(items=2)
    server = serve(em, tls=True)
    with Client(server.url, em.user, em.password, ca_bundle=str(TLS / "ca.pem")) as c:
        assert len(list(c.query("type=BackupJobSession"))) == 2


def test_insecure_warns_once_and_works(serve, monkeypatch):
    monkeypatch.setattr(transport_module, "_insecure_warned", False)
    em = MiniEM(items=2)
    server = serve(em, tls=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Client(server.url, em.user, em.password, verify=False) as c:
            assert len(list(c.query("type=BackupJobSession", all=True))) == 2
        Client(server.url, em.user, em.password, verify=False).close()
    insecure = [w for w in caught if issubclass(w.category, InsecureConnectionWarning)]
    assert len(insecure) == 1 and "verification is off" in str(insecure[0].message)
    assert [w for w in caught if w not in insecure] == []  # urllib3's per-request warning is silenced


def test_https_to_a_plain_http_port(serve):
    em = MiniEM()
    server = serve(em)
    with pytest.raises(TlsFailed, match="does not speak HTTPS"):
        Client(server.url.replace("http://", "https://"), em.user, em.password, sleep=lambda s: None).logon()


def test_a_missing_ca_bundle_file_is_a_clear_error(serve, tmp_path):
    em = MiniEM()
    server = serve(em, tls=True)
    with pytest.raises(ConnectFailed, match="cannot send the request"):
        Client(server.url, em.user, em.password, ca_bundle=str(tmp_path / "nope.pem"), sleep=lambda s: None).logon()
