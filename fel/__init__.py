"""fel — the query language of Veeam Backup Enterprise Manager.

Public API (loaded lazily so that ``import fel`` stays light)::

    fel.parse(text, type=None)          -> fel.Query   (statement, URL, query string or filter)
    fel.check(text, *, type=None, em_version=None) -> list[fel.Diagnostic]
    fel.compile(text, *, base=None, now=None, type=None) -> str (canonical URL)
    fel.compile_params(text, ...)       -> list[tuple[str, str]]
    fel.load_schema()                   -> fel.schema.Schema
"""
from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING

from .lazy import lazy_getattr as _lazy_getattr

__version__ = "0.1.0"

# In a source checkout, grammar/ and repl/ sit beside this package; the wheel installs them as
# fel/grammar and fel/repl. Make `fel.repl` importable from a checkout too.
_here = _os.path.dirname(__file__)
_root = _os.path.dirname(_here)
if not _os.path.isdir(_os.path.join(_here, "repl")) and _os.path.isfile(_os.path.join(_root, "repl", "__init__.py")):
    __path__.append(_root)  # type: ignore[name-defined]  # noqa: F821

_LAZY = {
    "parse": "fel.api", "check": "fel.api", "compile": "fel.api", "compile_params": "fel.api",
    "compile_query": "fel.api", "CompiledQuery": "fel.compiler", "explain": "fel.api",
    "Query": "fel.syntax.ast", "Diagnostic": "fel.diagnostics", "Severity": "fel.diagnostics",
    "Fix": "fel.diagnostics", "FelError": "fel.diagnostics", "render_text": "fel.diagnostics",
    "load_schema": "fel.schema", "parse_version": "fel.schema", "Span": "fel.span",
}

# Spelled out (not computed from _LAZY) so that type checkers see the public names as
# explicit exports; tests/core/test_public_names.py keeps it equal to _LAZY.
__all__ = [
    "CompiledQuery", "Diagnostic", "FelError", "Fix", "Query", "Severity", "Span", "check", "compile",
    "compile_params", "compile_query", "explain", "load_schema", "parse", "parse_version", "render_text",
    "__version__",
]

if TYPE_CHECKING:  # pragma: no cover
    from .api import check, compile, compile_params, compile_query, explain, parse
    from .compiler import CompiledQuery
    from .diagnostics import Diagnostic, FelError, Fix, Severity, render_text
    from .schema import load_schema, parse_version
    from .span import Span
    from .syntax.ast import Query


__getattr__ = _lazy_getattr(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return __all__
