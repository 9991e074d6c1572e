"""The hostile-server harness, bounded: every mode of tests/client/hostile_modes.py once, on
127.0.0.1, with a short deadline. Each fetch must end with the typed error the catalogue
names (or a clean, bounded result) — never another exception, never a hang, never a secret
in the message. tests/fuzz/fuzz_network.py runs the same modes at random for as long as asked."""
from __future__ import annotations

import base64
import random
import warnings

import pytest

import fel.client.errors as errors
from fel.client import Client

from hostile_kit import HostileServer
from hostile_modes import EXPECTED, MODES, SLOW_WORK

PASSWORD = "p4ss-w0rd:hostile"
#: entities of the modes that end cleanly (a billion pages: the page cap)
COUNTS = {"wide-element": 1, "a-billion-pages": 12, "next-link-to-another-host": 3}


def fetch(url: str, deadline: float = 0.4) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the page cap warns; test_hardening checks that
        with Client(url, "u", PASSWORD, timeout=(2.0, 0.3), retries=2, backoff=0.01, backoff_max=0.02,
                    deadline=deadline, max_pages=12) as c:
            return c.query("type=Job&pageSize=1", all=True).list()


def test_every_mode_has_an_expectation():
    assert set(MODES) == set(EXPECTED) and len(MODES) >= 25
    assert {e for e in EXPECTED.values() if e != "ok"} <= set(errors.__all__)
    assert set(COUNTS) == {m for m, e in EXPECTED.items() if e == "ok"}


@pytest.mark.parametrize("name", sorted(MODES))
def test_hostile_server_mode(name):
    rng = random.Random(14)
    deadline = 10.0 if name in SLOW_WORK else 0.4  # real work (a bomb, 100k attributes) on a busy machine
    with HostileServer(lambda conn: MODES[name](conn, rng)) as server:
        expected = EXPECTED[name]
        if expected == "ok":
            assert len(fetch(server.url, deadline)) == COUNTS[name]
            return
        with pytest.raises(errors.ClientError) as info:
            fetch(server.url, deadline)
    exc = info.value
    assert isinstance(exc, getattr(errors, expected)), f"{type(exc).__name__}: {exc}"
    text = f"{exc} {exc!r}"
    assert "\n" not in str(exc)
    for secret in (PASSWORD, base64.b64encode(f"u:{PASSWORD}".encode()).decode(), "dG9rZW4tMTIzNDU2Nzg5"):
        assert secret not in text
