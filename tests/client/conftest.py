"""Fixtures for the client tests (helpers live in client_kit.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from client_kit import FakeServer  # noqa: E402


@pytest.fixture
def serve():
    """``serve(app, tls=False) -> FakeServer``; every server is stopped after the test."""
    servers: list[FakeServer] = []

    def start(app, *, tls: bool = False) -> FakeServer:
        s = FakeServer(app, tls=tls)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()
