"""Fault injection for tests of clients: latency, 503 answers and dropped connections.

``error_rate`` is the probability that a query or resource request fails; a failure is a
``503 Service Unavailable`` with an Error body or, as often, a connection closed without an
answer. The decisions come from a random stream seeded with ``seed``, so a client that sends
its requests one after another meets the same faults on every run. Logon and logout are never
faulted (a test can always get and end a session).
"""
from __future__ import annotations

import random
import threading
import time

__all__ = ["Faults", "SERVICE_UNAVAILABLE", "DROP"]

SERVICE_UNAVAILABLE = "503"
DROP = "drop"


class Faults:
    def __init__(self, *, latency_ms: float = 0.0, error_rate: float = 0.0, seed: int = 1) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError("error rate must be between 0 and 1")
        if latency_ms < 0:
            raise ValueError("latency must not be negative")
        self.latency_ms = latency_ms
        self.error_rate = error_rate
        self._rng = random.Random(f"fel-emulator-faults:{seed}")
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or self.error_rate > 0

    def delay(self) -> None:
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000.0)

    def decide(self) -> str | None:
        """None (answer normally), SERVICE_UNAVAILABLE or DROP."""
        if self.error_rate <= 0:
            return None
        with self._lock:
            hit = self._rng.random() < self.error_rate
            kind = self._rng.random()
        if not hit:
            return None
        return SERVICE_UNAVAILABLE if kind < 0.5 else DROP
