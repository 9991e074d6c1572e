"""Fixtures for every test directory."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture
def refused_port():
    """A loopback port that refuses connections for the whole test: bound (so nothing else can take
    it) but never listening. Safer than a fixed port such as 1, which a stray server may hold."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    try:
        yield s.getsockname()[1]
    finally:
        s.close()
