"""Lazy package facades: a package's public names, each imported from its module on first use.

``fel``, ``fel.client`` and ``fel.emulator`` list their names in a ``_LAZY`` table (name →
module) and set ``__getattr__ = lazy_getattr(__name__, _LAZY, globals())``, so that importing
the package loads none of the modules behind it. Imports nothing of fel.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, table: dict[str, str], namespace: dict[str, Any],
                 prefix: str = "") -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``name`` is taken from the module
    ``prefix + table[name]`` and kept in ``namespace``; any other name is an AttributeError."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(prefix + module), name)
        namespace[name] = value
        return value

    return __getattr__
