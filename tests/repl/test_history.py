"""History: the XDG location, owner-only permissions, and no secret ever stored."""
from __future__ import annotations

import os
import stat

import pytest

from fel.repl.history import SafeFileHistory, history_path, is_secret

SECRET = [
    "\\connect https://em:9398 admin hunter2",
    "\\connect prod password",
    "\\c https://em admin s3cret extra",
    "password=hunter2",
    "Job where Name == x  # token: abc123",
    "Authorization: Basic ZGVtbzpkZW1vZGVtbw==",
    "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.xyz'",
    "X-RestSvcSessionId: NjY2YjYxZGMtNWM0Mi00Yw==",
    "https://admin:hunter2@em.example.com:9398/api/query?type=Job",
    "Job where Name == ZGVtbzpkZW1vZGVtbzEyMw==",
    "api_key=abcdef",
]
PLAIN = [
    "BackupJobSession where Result == Failed limit 5",
    "\\connect https://em.example.com:9398 CORP\\svc",
    "\\connect prod",
    "https://em:9398/api/query?type=Credentials&filter=Username==admin",
    "Passwords where Hint == \"old\"",
    "Job where Description == \"token ring\"",
    "\\d Credentials",
]


@pytest.mark.parametrize("line", SECRET)
def test_secret_lines_are_recognised(line):
    assert is_secret(line)


@pytest.mark.parametrize("line", PLAIN)
def test_ordinary_lines_are_kept(line):
    assert not is_secret(line)


def test_history_lives_in_the_xdg_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert history_path() == tmp_path / "fel" / "history"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history_path() == tmp_path / "home" / ".local" / "share" / "fel" / "history"


def test_secrets_never_reach_the_file_or_memory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    hist = SafeFileHistory()
    for line in PLAIN[:2] + SECRET:
        hist.append_string(line)
    path = tmp_path / "fel" / "history"
    content = path.read_text(encoding="utf-8")
    assert PLAIN[0] in content and "svc" in content
    for word in ("hunter2", "s3cret", "ZGVtbz", "eyJhbGci", "abcdef"):
        assert word not in content
    assert list(hist.get_strings()) == PLAIN[:2]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    again = SafeFileHistory(path)  # a new session reads the file back
    assert list(again.load_history_strings())[::-1] == PLAIN[:2]


def test_an_unwritable_history_does_not_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    hist = SafeFileHistory(blocker / "sub" / "history")  # parent is a file: cannot be created
    hist.append_string("Job limit 1")
    assert list(hist.get_strings()) == ["Job limit 1"]
