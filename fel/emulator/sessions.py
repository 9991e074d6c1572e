"""Logon sessions: tokens, idle expiry, logout.

A session has a ``SessionId`` (a random GUID, in the LogonSession body and the logout URL) and a
token (the ``X-RestSvcSessionId`` header and cookie): base64 of the SessionId's text, 48
characters, the shape of Veeam's example token (``NDRjZmJkYmUtNWE5NS00MTU2…``). Public clients
that work against real servers (a widely copied shell exporter) never read the token header and
send base64(SessionId) instead, so the emulator derives the token the same way. The SessionId is
therefore as secret as the token: the access log writes ``logonSessions/<id>`` paths redacted.
Sessions expire after ``idle`` seconds without a request (EM: 15 minutes). Tokens are never
logged.
"""
from __future__ import annotations

import base64
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable

__all__ = ["LogonSession", "SessionStore", "DEFAULT_IDLE", "new_token"]

DEFAULT_IDLE = 15 * 60.0


def new_token(session_id: str) -> str:
    """The token of a session: base64 of its SessionId's text (a ``uuid4``: 122 bits from the
    OS's random source)."""
    return base64.b64encode(session_id.encode("ascii")).decode("ascii")


@dataclass(slots=True)
class LogonSession:
    token: str
    session_id: str
    user: str
    last_used: float

    def __repr__(self) -> str:  # never show the token
        return f"LogonSession(session_id={self.session_id!r}, user={self.user!r})"


class SessionStore:
    """Thread-safe store of live sessions."""

    def __init__(self, idle: float = DEFAULT_IDLE, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.clock = clock
        self._by_token: dict[str, LogonSession] = {}
        self._lock = threading.Lock()

    def create(self, user: str) -> LogonSession:
        session_id = str(uuid.uuid4())
        token = new_token(session_id)
        session = LogonSession(token, session_id, user, self.clock())
        with self._lock:
            self._expire()
            self._by_token[token] = session
        return session

    def lookup(self, token: str | None) -> LogonSession | None:
        """The live session of ``token`` (its idle clock restarts), or None."""
        if not token:
            return None
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            now = self.clock()
            if now - session.last_used > self.idle:
                del self._by_token[token]
                return None
            session.last_used = now
            return session

    def by_id(self, session_id: str) -> LogonSession | None:
        with self._lock:
            self._expire()
            return next((s for s in self._by_token.values() if s.session_id.lower() == session_id.lower()), None)

    def sessions_of(self, user: str) -> list[LogonSession]:
        with self._lock:
            self._expire()
            return [s for s in self._by_token.values() if s.user == user]

    def delete(self, session_id: str) -> bool:
        with self._lock:
            for token, s in list(self._by_token.items()):
                if s.session_id.lower() == session_id.lower():
                    del self._by_token[token]
                    return True
        return False

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._by_token)

    def _expire(self) -> None:
        now = self.clock()
        for token in [t for t, s in self._by_token.items() if now - s.last_used > self.idle]:
            del self._by_token[token]
