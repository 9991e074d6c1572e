"""Shared fixtures for the REPL tests."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
FIXED_NOW = datetime(2025, 8, 15, 10, 30, tzinfo=timezone.utc)


@pytest.fixture
def completion():
    from fel.repl.completion import Completion

    return Completion(now=lambda: FIXED_NOW)


def load_json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def long_queries() -> list[str]:
    lines = (DATA / "long_queries.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


# ---- a client stand-in that serves entities from memory through the real paging stream ----------
def make_sessions(n: int) -> list:
    """``n`` BackupJobSession entities (as the client decodes them)."""
    from fel.client.entity import Entity, Link

    results = ("Success", "Warning", "Failed")
    out = []
    for i in range(n):
        created = datetime(2025, 8, 14, 12, 0, tzinfo=timezone.utc).replace(minute=i % 60)
        out.append(Entity(
            {"Type": "BackupJobSession", "Href": f"https://em/api/backupSessions/{i}", "Name": f"Job {i % 3}@2025-08-14 12:{i % 60:02d}",
             "UID": f"urn:veeam:BackupJobSession:00000000-0000-0000-0000-{i:012d}"},
            {"JobUid": "urn:veeam:Job:11111111-1111-1111-1111-111111111111", "JobName": f"Job {i % 3}",
             "JobType": "Backup", "CreationTimeUTC": created, "EndTimeUTC": created, "State": "Stopped",
             "Result": results[i % 3], "Progress": 100, "IsRetry": False},
            (Link("Up", "https://em/api/backupServers/abc", "BackupServerReference", "vbr01"),),
        ))
    return out


class FakeClient:
    """Answers queries from a list of entities, ``page_size`` per page (or the query's own)."""

    base = "http://127.0.0.1:9/api/"

    def __init__(self, entities, *, default_page_size: int = 100, delay: float = 0.0) -> None:
        self.entities = entities
        self.default_page_size = default_page_size
        self.delay = delay
        self.urls: list[str] = []
        self.closed = False

    def _fetch(self, url: str):
        import time
        from urllib.parse import parse_qsl, urlsplit

        from fel.client.decode import Page

        self.urls.append(url)
        if self.delay:
            time.sleep(self.delay)
        q = {k.lower(): v for k, v in parse_qsl(urlsplit(url).query)}
        size = int(q.get("pagesize", self.default_page_size))
        num = int(q.get("page", 1))
        chunk = self.entities[(num - 1) * size: num * size]
        count = max(1, -(-len(self.entities) // size))
        return Page(chunk, "Entities", num, size, count)

    def query(self, compiled, *, limit=None, all=False, page=None, warn=True, on_page=None, **_):
        from fel.client.paging import ResultStream

        return ResultStream(self._fetch, compiled.url(self.base), limit=limit, all=all, page=page,
                            on_page=on_page, warn=warn)

    def logout(self) -> None:
        self.closed = True

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def shell_factory(tmp_path):
    import io

    from fel.repl.app import Connection, Shell

    def make(entities=None, *, connected: bool = True, **client_kw):
        client = FakeClient(make_sessions(7) if entities is None else entities, **client_kw)
        out = io.StringIO()
        conn = Connection(client, "demo@127.0.0.1:9") if connected else None
        shell = Shell(out=out, color=False, connection=conn, width=lambda: 160)
        shell.client = client  # for assertions
        return shell, out

    return make


@pytest.fixture
def sessions_of():
    """``sessions_of(n)``: n BackupJobSession entities."""
    return make_sessions
