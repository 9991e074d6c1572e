"""Issue #14, network half: bounded work and time against hostile servers — attributes decode
in linear time, every call has an overall deadline, a stream has a page cap — and issue #11's
retries and deadline for `fel run` and the profile. Each test names the defect it guards against."""
from __future__ import annotations

import warnings

import pytest

from fel.client import Client, PageLimitWarning
from fel.client.decode import decode_page
from fel.client.errors import TimedOut
from fel.client.transport import Transport, TransportPolicy

from hostile_kit import HostileServer, endless_pages


NS = "http://www.veeam.com/ent/v1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _wide_body(n: int, *, nested: bool = False) -> bytes:
    attrs = " ".join(f'a{i}="v{i}"' for i in range(n))
    if nested:
        inner, root_attrs = f"<Extra {attrs}/>", ""
    else:
        inner, root_attrs = "", f" {attrs}"
    return (f'<QueryResult xmlns="{NS}" xmlns:xsi="{XSI}"><Entities><Jobs>'
            f'<Job Type="Job" Name="wide" xsi:nil="false"{root_attrs}><Description>d</Description>{inner}</Job>'
            "</Jobs></Entities></QueryResult>").encode()


# -- XML decoding is linear in attributes per element ----------------------------------------
# 40k attributes took 24 s and 300k never returned (lxml looks each value up by name); linear
# decoding takes well under a second for 300k. tests/benchmarks/bench_network.py shows the curve.
@pytest.mark.parametrize("nested, n", [(False, 300_000), (True, 100_000)], ids=["root", "nested"])
def test_300k_attributes_on_one_element_decode(nested, n):
    entity = decode_page(_wide_body(n, nested=nested), "application/xml", max_body=None).entities[0]
    where = entity.fields["Extra"] if nested else entity.attributes
    assert where["a0"] == "v0" and where[f"a{n - 1}"] == f"v{n - 1}"
    assert len([k for k in where if k.startswith("a")]) == n
    assert entity.attributes["Name"] == "wide"
    assert all(not k.startswith("{") for k in entity.attributes)  # xsi:nil dropped as before


@pytest.mark.parametrize("n", [0, 1, 31, 32, 33, 200])
def test_attribute_decoding_is_the_same_below_and_above_the_switch(n):
    """Few attributes take lxml's items(), many an XPath: both give the same mapping, in order."""
    entity = decode_page(_wide_body(n), "application/xml").entities[0]
    expected = ["Type", "Name"] + [f"a{i}" for i in range(n)]
    assert list(entity.attributes) == expected
    assert all(entity.attributes[f"a{i}"] == f"v{i}" for i in range(n))


# -- every call has an overall deadline -------------------------------------------------------
# The read timeout bounds one socket read; a server trickling a byte at a time kept a call
# going for ever. These servers run on 127.0.0.1 and stop when the test ends.


BODY = b'<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs/></QueryResult>'


COMPLETED: list[str] = []  # trickles that ran to their end: the client waited for all of it


def _trickle_body(conn):
    if conn.read_request():
        conn.send(f"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {len(BODY)}\r\n\r\n".encode())
        if conn.trickle(BODY, 0.05):
            COMPLETED.append("body")


def _trickle_close_delimited(conn):
    if conn.read_request():  # no Content-Length: the body ends when the connection closes
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\n\r\n")
        if conn.trickle(BODY, 0.05):
            COMPLETED.append("close-delimited")


def _trickle_headers(conn):
    if conn.read_request():
        if conn.trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n", 0.05):
            COMPLETED.append("headers")


@pytest.mark.parametrize("behave", [_trickle_body, _trickle_close_delimited, _trickle_headers],
                         ids=["body", "close-delimited-body", "headers"])
def test_a_trickling_response_ends_at_the_overall_deadline(behave):
    COMPLETED.clear()
    with HostileServer(behave) as server:
        t = Transport(TransportPolicy(timeout=(5.0, 5.0), retries=0, deadline=0.6))
        with pytest.raises(TimedOut) as info:
            t.request("GET", server.url + "query?type=Job")
        t.close()
    assert COMPLETED == []  # cut off mid-way (a trickle takes about 4 s), not read to the end
    text = str(info.value)
    assert "overall deadline of 0.6 s" in text and "--deadline" in text
    assert "127.0.0.1" in text


def test_the_deadline_bounds_retries_too(serve):
    """A hung server: each attempt times out; the deadline stops the retries and says so."""
    def hung(conn):
        conn.read_request()
        conn.hang()

    with HostileServer(hung) as server:
        t = Transport(TransportPolicy(timeout=(5.0, 0.2), retries=10, timeout_retries=10, backoff=0.05,
                                      backoff_max=0.1, deadline=0.7))
        with pytest.raises(TimedOut) as info:
            t.request("GET", server.url + "query?type=Job")
        t.close()
    assert 2 <= t.attempts < 11
    assert "gave up after" in str(info.value) and "deadline of 0.7 s" in str(info.value)


def _hung(conn):
    """Logs on, then never answers a query."""
    while conn.read_request():
        if conn.method == "POST":
            conn.logon()
        else:
            conn.hang()
            return


def test_fel_run_against_a_hung_server_retries_once_and_says_so(capsys, monkeypatch, tmp_path):
    """Issue #11: `--timeout 3` against a hung server took 20 s in 5 silent attempts. A read
    timeout is retried once (TransportPolicy.timeout_retries), -v says so, the error counts."""
    from fel.cli import main

    monkeypatch.setenv("FEL_TEST_PW", "p4ssw0rd")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("FEL_PROFILE", raising=False)
    with HostileServer(_hung) as server:
        code = main(["run", "--url", server.url, "--user", "u", "--password-env", "FEL_TEST_PW", "-v",
                     "--timeout", "0.3", "type=Job"])
    out, err = capsys.readouterr()
    assert code == 3
    assert "did not answer within 0.3 s" in err and "gave up after 2 attempts" in err
    retries = [line for line in err.splitlines() if "retrying in" in line and "/api/query?" in line]
    assert len(retries) == 1 and "(attempt 2 of 5)" in retries[0]
    assert "not logging out" in err  # no third wait for the hung server at exit


def test_without_a_deadline_only_the_timeouts_apply(serve):
    from client_kit import MiniEM

    em = MiniEM(items=3)
    server = serve(em)
    with Client(server.url, em.user, em.password, deadline=None) as c:
        assert c.transport.policy.deadline is None
        assert len(c.query("type=BackupJobSession&format=Entities").list()) == 3


# -- a server claiming 10^9 pages ---------------------------------------------------------------
@pytest.mark.parametrize("follow_links", [True, False])
def test_a_server_claiming_a_billion_pages_is_capped_and_says_so(follow_links):
    with HostileServer(endless_pages()) as server:
        with Client(server.url, "u", "p4ssw0rd", follow_links=follow_links, max_pages=25) as c:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                stream = c.query("type=Job&pageSize=1", all=True)
                names = [e.name for e in stream]
    assert names == [f"job {i}" for i in range(1, 26)]
    assert stream.capped and stream.more and stream.pages_fetched == 25
    [w] = [w for w in caught if issubclass(w.category, PageLimitWarning)]
    assert "25 pages" in str(w.message) and "1000000000" in str(w.message) and "--max-pages" in str(w.message)


def test_the_page_cap_is_per_query_and_zero_means_none():
    with HostileServer(endless_pages(pages=40)) as server:
        with Client(server.url, "u", "p4ssw0rd", max_pages=5) as c:
            assert len(c.query("type=Job&pageSize=1", all=True, max_pages=0).list()) == 40
            capped = c.query("type=Job&pageSize=1", all=True, max_pages=12, warn=False)
            assert len(capped.list()) == 12 and capped.capped
            whole = c.query("type=Job&pageSize=1", all=True, max_pages=40)
            assert len(whole.list()) == 40 and not whole.capped and not whole.more


# -- profile keys: retries and deadline ---------------------------------------------------------
def _profile(tmp_path, body: str):
    from fel.client.config import load_profile

    path = tmp_path / "config.toml"
    path.write_text(f"[profiles.p]\nurl = 'https://em'\n{body}\n", encoding="utf-8")
    return load_profile("p", path=path, env={})


def test_profile_retries_and_deadline(tmp_path):
    p = _profile(tmp_path, "retries = 0\ndeadline = 12.5")
    assert (p.retries, p.deadline) == (0, 12.5)
    p = _profile(tmp_path, "")
    assert (p.retries, p.deadline) == (None, None)


@pytest.mark.parametrize("body, words", [
    ("retries = -1", "retries must be a whole number"), ("retries = 'x'", "retries must be a whole number"),
    ("retries = true", "retries must be a whole number"), ("deadline = -3", "deadline must be seconds"),
    ("deadline = 'soon'", "deadline must be seconds"), ("deadline = inf", "deadline must be seconds"),
    ("timeout = 0", "timeout must be seconds"), ("timeout = -1", "timeout must be seconds"),
    ("timeout = inf", "timeout must be seconds"), ("timeout = nan", "timeout must be seconds"),
    ("timeout = [5, inf]", "timeout must be seconds"), ("timeout = [0, 30]", "timeout must be seconds"),
])
def test_bad_profile_retries_and_deadline_are_config_errors(tmp_path, body, words):
    from fel.client.errors import ConfigError

    with pytest.raises(ConfigError, match=words):
        _profile(tmp_path, body)


def test_fel_run_max_pages_stops_and_warns(capsys, monkeypatch, tmp_path):
    from fel.cli import main

    monkeypatch.setenv("FEL_TEST_PW", "p4ssw0rd")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("FEL_PROFILE", raising=False)
    with HostileServer(endless_pages()) as server:
        code = main(["run", "--url", server.url, "--user", "u", "--password-env", "FEL_TEST_PW", "--all",
                     "--max-pages", "7", "-o", "jsonl", "type=Job&pageSize=1"])
    out, err = capsys.readouterr()
    assert code == 0
    assert len(out.splitlines()) == 7
    assert "stopped after 7 pages of the 1000000000 the server claims" in err and "--max-pages" in err


@pytest.mark.parametrize("argv, words", [
    (["--max-pages", "-1"], "must be >= 0"), (["--retries", "x"], "not a whole number"), (["--deadline", "nan"], "seconds"),
    (["--deadline", "-2"], "seconds"), (["--timeout", "nan"], "seconds"), (["--timeout", "-1"], "seconds"),
    (["--timeout", "inf"], "seconds"), (["--timeout", "0"], "above 0"), (["--timeout", "soon"], "not a number of seconds"),
])
def test_fel_run_bad_limits_are_usage_errors(capsys, argv, words):
    from fel.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", "--url", "http://127.0.0.1:9/api/", "--user", "u", *argv, "type=Job"])
    assert info.value.code == 2 and words in capsys.readouterr().err


def test_the_repl_connection_takes_retries_and_deadline_from_the_profile(tmp_path, monkeypatch):
    from fel.repl.connect import open_connection

    path = tmp_path / "config.toml"
    path.write_text("[profiles.p]\nurl = 'https://em'\nuser = 'u'\npassword_env = 'FEL_TEST_PW'\n"
                    "retries = 1\ndeadline = 0\n", encoding="utf-8")
    monkeypatch.setenv("FEL_CONFIG", str(path))
    monkeypatch.setenv("FEL_TEST_PW", "p4ssw0rd")
    conn = open_connection(profile="p", logon=False)
    policy = conn.client.transport.policy
    assert (policy.retries, policy.deadline) == (1, None)


def test_one_watchdog_expires_each_watch_at_its_own_deadline():
    import threading as _threading

    from fel.client.deadline import Watch
    from hostile_kit import wait_until

    watches: dict[float, Watch] = {}
    release = _threading.Event()

    def hold(seconds: float) -> None:
        with Watch(seconds) as w:
            watches[seconds] = w
            release.wait(10)

    threads = [_threading.Thread(target=hold, args=(s,)) for s in (30.0, 0.2, 0.05)]
    for t in threads:
        t.start()
    try:
        assert wait_until(lambda: len(watches) == 3 and watches[0.05].expired and watches[0.2].expired)
        assert not watches[30.0].expired
    finally:
        release.set()
        for t in threads:
            t.join(10)
    assert all(w.done for w in watches.values()) and not watches[30.0].expired


@pytest.mark.parametrize("profile_lines, argv, expected", [
    ("", [], (4, 300.0, 10_000)),
    ("retries = 2\ndeadline = 0", [], (2, None, 10_000)),
    ("retries = 2\ndeadline = 0", ["--retries", "0", "--deadline", "5", "--max-pages", "0"], (0, 5.0, 0)),
])
def test_fel_run_passes_retries_deadline_and_page_cap_to_the_client(capsys, monkeypatch, tmp_path, profile_lines,
                                                                     argv, expected):
    import fel.client.errors as errors_module
    import fel.client.session as session_module
    from fel.cli import main

    seen = {}

    def fake_client(*args, **kwargs):
        seen.update(kwargs)
        raise errors_module.ConfigError("stop here")

    path = tmp_path / "config.toml"
    path.write_text(f"[profiles.p]\nurl = 'http://127.0.0.1:9/api/'\nuser = 'u'\npassword_env = 'FEL_TEST_PW'\n"
                    f"{profile_lines}\n", encoding="utf-8")
    monkeypatch.setenv("FEL_TEST_PW", "p4ssw0rd")
    monkeypatch.setattr(session_module, "Client", fake_client)
    code = main(["run", "--config", str(path), "--profile", "p", *argv, "type=Job"])
    assert code == 2 and "stop here" in capsys.readouterr().err
    assert (seen["retries"], seen["deadline"], seen["max_pages"]) == expected
