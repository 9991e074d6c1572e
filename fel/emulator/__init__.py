"""fel's Enterprise Manager emulator: EM's REST query service on your laptop or in CI.

    from fel.emulator import Emulator
    with Emulator(seed=1) as em:
        em.url            # "http://127.0.0.1:<port>/api/"
        em.credentials    # ("demo", "demo")

See docs/emulator.md. The dataset (``Dataset``) and the request handling (``EmulatorApp``)
are usable without a socket too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Emulator", "EmulatorApp", "Settings", "Dataset"]

_LAZY = {"Emulator": "fel.emulator.server", "EmulatorApp": "fel.emulator.app",
         "Settings": "fel.emulator.app", "Dataset": "fel.emulator.dataset"}

if TYPE_CHECKING:  # pragma: no cover
    from .app import EmulatorApp, Settings
    from .dataset import Dataset
    from .server import Emulator


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fel.emulator' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
