"""The EM format a query is sent with: one rule for :meth:`fel.client.Client.query`,
``fel run`` and the REPL (its toolbar, ``\\url`` and queries). Light: no requests, no lxml.

EM's own default, References, carries only Name, UID and Type; fel asks for Entities when a
query names no format (``format References`` in the text, ``format="References"`` or
``fel run --format references`` get references). The compiler itself emits only what the
text says.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .errors import ConfigError

__all__ = ["DEFAULT_FORMAT", "with_default_format"]

#: The format the client asks for when a query names none.
DEFAULT_FORMAT = "Entities"

_CANONICAL = {"entities": "Entities", "references": "References"}


def with_default_format(compiled: Any, format: str | None = None) -> Any:
    """``compiled`` (a :class:`fel.CompiledQuery`) as the client sends it: ``format`` when given
    (``entities``/``references``, any case), else the query's own format, else
    :data:`DEFAULT_FORMAT`."""
    if format is not None:
        canonical = _CANONICAL.get(format.lower())
        if canonical is None:
            raise ConfigError(f"format must be Entities or References, not {format!r}")
    else:
        canonical = compiled.format or DEFAULT_FORMAT
    if canonical == compiled.format:
        return compiled
    return dataclasses.replace(compiled, format=canonical)
