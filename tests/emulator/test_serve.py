"""`fel serve` in a subprocess, HTTPS with the self-signed certificate, and fault injection."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from emkit import NOW, SEED, logon, q, xml
from fel.emulator import Emulator
from fel.emulator.faults import DROP, SERVICE_UNAVAILABLE, Faults

ROOT = Path(__file__).resolve().parents[2]


def _serve(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "fel", "serve", "--port", "0", "--now", "2026-11-28T12:00:00Z",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_then_credentials_and_stops_cleanly(sig):
    proc = _serve("--user", "alice:wonder land", "--user", "bob:b0b", "--seed", "3")
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/")
        creds = [proc.stdout.readline().strip(), proc.stdout.readline().strip()]
        assert creds == ["alice:wonder land", "bob:b0b"]
        s = logon(url, auth=("bob", "b0b"))
        r = s.get(url + 'query?type=BackupJobSession&format=Entities&filter=JobName=="Backup Job 2"&pageSize=3')
        assert r.status_code == 200 and len(xml(r.content).find(q("Entities"))[0]) == 3
        assert requests.post(url + "sessionMngr/", auth=("demo", "demo")).status_code == 401
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "b0b" not in err and s.headers["X-RestSvcSessionId"] not in err + out


@pytest.mark.e2e
def test_cli_default_credentials_and_usage_errors():
    proc = _serve()
    try:
        assert proc.stdout.readline().strip().endswith("/api/")
        assert proc.stdout.readline().strip() == "demo:demo"
        proc.terminate()
        proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    for bad in (["--user", "nocolon"], ["--error-rate", "2"], ["--scale", "0"], ["--now", "soon"],
                ["--json-case", "snake"], ["--port", "99999"], ["--port", "http"]):
        done = subprocess.run([sys.executable, "-m", "fel", "serve", *bad], capture_output=True, text=True,
                              cwd=ROOT, timeout=30)
        assert done.returncode == 2, bad
        assert "Traceback" not in done.stderr and "error" in done.stderr


@pytest.mark.e2e
def test_cli_port_in_use_is_a_clean_error():
    with Emulator(seed=SEED, now=NOW) as em:
        done = subprocess.run([sys.executable, "-m", "fel", "serve", "--port", str(em.port)], capture_output=True,
                              text=True, cwd=ROOT, timeout=30)
    assert done.returncode == 2 and "cannot listen" in done.stderr and "Traceback" not in done.stderr


def test_users_file(tmp_path):
    from fel.cli import serve

    f = tmp_path / "users"
    f.write_text("# test users\ncarol:pa:ss\n\n", encoding="utf-8")
    import argparse

    parser = argparse.ArgumentParser()
    serve.configure(parser)
    args = parser.parse_args(["--users-file", str(f), "--user", "dave:x"])
    assert serve._users(args) == {"carol": "pa:ss", "dave": "x"}
    f.write_text("broken\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        serve._users(parser.parse_args(["--users-file", str(f)]))


def test_tls_serves_https_with_a_verifiable_self_signed_certificate():
    with Emulator(seed=SEED, now=NOW, tls=True) as em:
        assert em.url.startswith("https://127.0.0.1:")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(em.url, timeout=10)
        s = logon(em.url, verify=em.ca_file)
        r = s.get(em.url + "query?type=BackupServer", verify=em.ca_file)
        assert r.status_code == 200
        assert all(ref.get("Href").startswith("https://") for ref in xml(r.content).iter(q("Ref")))
        cert_dir = Path(em.ca_file).parent
    assert not cert_dir.exists()  # removed on stop


def test_error_rate_one_fails_every_query_but_never_logon():
    with Emulator(seed=SEED, now=NOW, error_rate=1.0) as em:
        s = logon(em.url)
        seen = set()
        for _ in range(12):
            try:
                r = s.get(em.url + "query?type=Job", timeout=10)
                assert r.status_code == 503
                assert xml(r.content).get("StatusCode") == "503"
                seen.add("503")
            except requests.exceptions.ConnectionError:
                seen.add("drop")
        assert seen == {"503", "drop"}
        assert s.delete(f"{em.url}logonSessions/{s.session_id}").status_code == 204


def test_faults_are_deterministic_given_the_seed():
    def outcomes(seed):
        f = Faults(error_rate=0.3, seed=seed)
        return [f.decide() for _ in range(200)]
    a, b = outcomes(5), outcomes(5)
    assert a == b and outcomes(6) != a
    assert {None, SERVICE_UNAVAILABLE, DROP} == set(a)
    assert 30 < sum(x is not None for x in a) < 90
    with pytest.raises(ValueError):
        Faults(error_rate=1.5)


def test_latency_is_applied(monkeypatch):
    slept = []
    monkeypatch.setattr("fel.emulator.faults.time.sleep", slept.append)
    Faults(latency_ms=250).delay()
    Faults().delay()
    assert slept == [0.25]


def test_emulator_lifecycle():
    em = Emulator(seed=SEED, now=NOW)
    assert not em.running
    em.start()
    try:
        assert em.running and em.port > 0 and em.credentials == ("demo", "demo")
        assert requests.get(em.url).status_code == 200
    finally:
        em.stop()
    assert not em.running
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(em.url, timeout=5)
    em.stop()  # idempotent
