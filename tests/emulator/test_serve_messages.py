"""`fel serve` messages: a --users-file it cannot use is a one-line usage error (exit 2) naming
the path, never a raw `[Errno 2]` or a silent fall-back to demo:demo; listening beyond loopback
warns that the credentials are reachable from the network."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fel.cli import main
from fel.cli.serve import is_loopback

ROOT = Path(__file__).resolve().parents[2]


def _users_file(tmp_path: Path, kind: str) -> str:
    path = tmp_path / "users.txt"
    if kind == "missing":
        return str(tmp_path / "nonexistent")
    if kind == "directory":
        return str(tmp_path)
    content = {
        "empty": b"",
        "only comments": b"# nobody yet\n\n",
        "bad line": b"alice:s3cret-one\nbob\n",
        "not text": b"\xff\xfe\x00\x01alice:\x80\x81\n",
    }[kind]
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(("kind", "says"), [
    ("missing", "no such file or directory"),
    ("directory", "is a directory"),
    ("empty", "no NAME:PASSWORD line"),
    ("only comments", "no NAME:PASSWORD line"),
    ("bad line", ":2: expected NAME:PASSWORD"),
    ("not text", "not UTF-8 text"),
])
def test_unusable_users_file_is_a_one_line_usage_error(tmp_path, capsys, kind, says):
    path = _users_file(tmp_path, kind)
    assert main(["serve", "--port", "0", "--users-file", path]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # nothing was served: no URL, no credentials
    assert err.count("\n") == 1 and err.startswith("fel serve: "), err
    assert path in err and says in err, err
    assert "Errno" not in err and "Traceback" not in err
    assert "s3cret-one" not in err  # a password in the file is never echoed


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.0.2.10", False), ("name.invalid", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def _first_stderr_lines(*args: str) -> tuple[list[str], list[str]]:
    """Start `fel serve` and return its stdout lines (URL, credentials) and stderr up to the ready line."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "fel", "serve", "--port", "0", "--now", "2026-11-28T12:00:00Z",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        out = [proc.stdout.readline().strip(), proc.stdout.readline().strip()]
        err = []
        while not err or "stop with Ctrl-C" not in err[-1]:
            line = proc.stderr.readline()
            assert line, f"fel serve ended early: {err}"
            err.append(line.strip())
        return out, err
    finally:
        proc.terminate()
        proc.communicate(timeout=15)


@pytest.mark.e2e
def test_listening_beyond_loopback_warns():
    out, err = _first_stderr_lines("--host", "0.0.0.0")
    assert out[0].endswith("/api/") and out[1] == "demo:demo"
    warnings = [line for line in err if "warning" in line]
    assert len(warnings) == 1, err
    assert "0.0.0.0" in warnings[0] and "credentials" in warnings[0] and "unencrypted" in warnings[0]


@pytest.mark.e2e
def test_loopback_does_not_warn():
    out, err = _first_stderr_lines()
    assert out[0].startswith("http://127.0.0.1:")
    assert not [line for line in err if "warning" in line], err


@pytest.mark.parametrize(("flag", "value", "says"), [
    ("--max-connections", "0", "must be >= 1"),
    ("--max-connections", "many", "not a whole number"),
    ("--idle-timeout", "0", "must be above 0"),
])
def test_connection_limits_are_checked(capsys, flag, value, says):
    with pytest.raises(SystemExit) as exc:
        main(["serve", flag, value])
    assert exc.value.code == 2
    assert says in capsys.readouterr().err


def test_connection_limits_reach_the_server(monkeypatch):
    seen = {}

    class Stop(Exception):
        pass

    class FakeEmulator:
        def __init__(self, **kwargs):
            seen.update(kwargs)
            raise Stop

    monkeypatch.setattr("fel.emulator.Emulator", FakeEmulator)
    with pytest.raises(Stop):
        main(["serve", "--port", "0", "--max-connections", "7", "--idle-timeout", "2.5"])
    assert (seen["max_connections"], seen["idle_timeout"]) == (7, 2.5)


@pytest.mark.parametrize("flag", ["--latency", "--session-idle", "--idle-timeout"])
@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_durations_must_be_finite_and_not_negative(capsys, flag, value):
    with pytest.raises(SystemExit) as exc:
        main(["serve", flag, value])
    assert exc.value.code == 2 and "must be a finite number" in capsys.readouterr().err
