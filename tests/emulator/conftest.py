"""Fixtures for the emulator tests: one in-process emulator on a free port per test session
(fixed seed and "now", so every figure is reproducible) and a logged-on requests session.
Helpers live in emkit.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from emkit import NOW, SEED, logon  # noqa: E402

from fel.emulator import Emulator  # noqa: E402


@pytest.fixture(scope="session")
def emulator():
    with Emulator(seed=SEED, now=NOW, port=0) as em:
        yield em


@pytest.fixture(scope="session")
def base(emulator) -> str:
    return emulator.url


@pytest.fixture(scope="session")
def api(emulator, base):
    """A logged-on session (token header and cookie) for read-only tests."""
    return logon(base)


@pytest.fixture(scope="session")
def dataset(emulator):
    return emulator.dataset


@pytest.fixture(scope="session")
def camel_emulator():
    with Emulator(seed=SEED, now=NOW, port=0, json_case="camel", link_style="v12", bom=True) as em:
        yield em
