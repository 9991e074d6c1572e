"""REPL history in the XDG data directory that never stores secrets.

The file is ``$XDG_DATA_HOME/fel/history`` (default ``~/.local/share/fel/history``), created
with owner-only permissions. A line that looks like it carries a secret — a password, a token,
an ``Authorization`` header, an EM session id, credentials in a URL, or a ``\\connect`` with
more than a URL and a user — is kept out of the file *and* out of the session's in-memory
history (the iredis ``SkipAuthFileHistory`` idea, made stricter).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["history_path", "is_secret", "SafeFileHistory"]

_SECRET = re.compile(
    r"(?ix)"
    r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|session[_-]?id|x-restsvcsessionid"
    r"|authorization|credentials?)\s*[:=]"       # password=…, token: …
    r"|\bbasic\s+[A-Za-z0-9+/]{8,}={0,2}"         # an Authorization: Basic value
    r"|\bbearer\s+\S{8,}"
    r"|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"   # https://user:pass@host
    r"|(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{22}==(?![A-Za-z0-9+/=])"  # an EM session token (16 bytes, base64)
)


def history_path() -> Path:
    """``$XDG_DATA_HOME/fel/history``, falling back to ``~/.local/share/fel/history``."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "fel" / "history"


def is_secret(line: str) -> bool:
    """Whether ``line`` must never be written to history."""
    stripped = line.strip()
    if stripped.startswith("\\connect") or stripped.startswith("\\c "):
        # `\connect URL USER` is fine; anything more could be a password typed in the open.
        if len(stripped.split()) > 3 or re.search(r"(?i)pass|token|secret", stripped):
            return True
    return bool(_SECRET.search(line))


def _make_class():
    from prompt_toolkit.history import FileHistory

    class _SafeFileHistory(FileHistory):
        """A prompt-toolkit FileHistory that drops secret lines."""

        def __init__(self, filename: str | os.PathLike[str]) -> None:
            path = Path(filename)
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                if not path.exists():
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
                    os.close(fd)
            except OSError:
                pass  # an unwritable location: FileHistory then only fails on store, caught below
            super().__init__(str(path))

        def append_string(self, string: str) -> None:
            if is_secret(string):
                return
            super().append_string(string)

        def store_string(self, string: str) -> None:
            if is_secret(string):
                return
            try:
                super().store_string(string)
            except OSError:
                pass  # history is a convenience: never crash the REPL over it

    return _SafeFileHistory


_CLASS = None


def SafeFileHistory(filename: str | os.PathLike[str] | None = None):  # noqa: N802 - a factory that looks like a class
    """A history object (prompt-toolkit is imported on first use)."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _make_class()
    return _CLASS(filename or history_path())
