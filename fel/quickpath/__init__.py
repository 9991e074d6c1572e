"""The quick path: check and compile clean input straight from its tokens.

Most queries fel sees are correct. For those, the full path (read → tree with spans →
checker → compiler) builds a few dozen objects per comparison only to find nothing to say.
:func:`quick` reads the same input forms with the fast parser's own regular expressions
(:mod:`fel.syntax.fastpath`), looks every name and value up in per-type tables derived from
the schema (field → kind, canonical enum spellings, order, URN types; built once per type and
EM version) and prints the canonical filter while it scans. It never builds a tree, a span or
a ``Reading``.

It answers only when it is sure that the full path finds nothing but, for a URL without
``pageSize``, the FEL306 note (which it builds exactly as the checker does), and it returns
``None`` — decline — on anything else: any value or name the checker would comment on, any
form the fast parser declines, non-ASCII input, time values (``now-24h``), ``not``/``in``,
``;`` and ``,`` mixed without parentheses, repeated or unknown parameters, a ``#``, input
long enough for FEL414. The full path stays the oracle: ``tests/core/test_quickpath.py``
checks on generated, golden and hostile inputs that every answer equals the full path's
diagnostics and compiled query.
"""
from __future__ import annotations

from .forms import MAX_QUICK, quick

__all__ = ["quick", "MAX_QUICK"]
