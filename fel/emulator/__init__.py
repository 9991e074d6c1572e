"""fel's Enterprise Manager emulator: EM's REST query service on your laptop or in CI.

    from fel.emulator import Emulator
    with Emulator(seed=1) as em:
        em.url            # "http://127.0.0.1:<port>/api/"
        em.credentials    # ("demo", "demo")

See docs/emulator.md. The dataset (``Dataset``) and the request handling (``EmulatorApp``)
are usable without a socket too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr as _lazy_getattr

__all__ = ["Emulator", "EmulatorApp", "Settings", "Dataset"]

_LAZY = {"Emulator": "fel.emulator.server", "EmulatorApp": "fel.emulator.app",
         "Settings": "fel.emulator.app", "Dataset": "fel.emulator.dataset"}

if TYPE_CHECKING:  # pragma: no cover
    from .app import EmulatorApp, Settings
    from .dataset import Dataset
    from .server import Emulator


__getattr__ = _lazy_getattr(__name__, _LAZY, globals())
