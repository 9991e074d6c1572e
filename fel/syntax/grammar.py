"""Loading the Lark grammar: located in the package (wheel) or the source checkout, built lazily
once per process, with Lark's parse-table cache in the user's cache directory."""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

__all__ = ["grammar_path", "grammar_text", "get_lark"]

_GRAMMAR_FILE = "fel.lark"
_lock = threading.Lock()
_lark: Any = None


def grammar_path() -> Path:
    """``fel/grammar/fel.lark`` in an installed wheel; ``grammar/fel.lark`` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the fel package directory
    for candidate in (here / "grammar" / _GRAMMAR_FILE, here.parent / "grammar" / _GRAMMAR_FILE):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"fel grammar {_GRAMMAR_FILE} not found next to {here}")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _cache_file(text: str) -> str | None:
    """A per-user cache path keyed by the grammar and Lark version (never a shared /tmp file:
    Lark's cache is a pickle)."""
    import lark

    base = os.environ.get("FEL_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    folder = Path(base) / "fel" if not os.environ.get("FEL_CACHE_DIR") else Path(base)
    digest = hashlib.sha256((text + lark.__version__).encode("utf-8")).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(folder, os.W_OK):
            return None
    except OSError:
        return None
    return str(folder / f"grammar-{digest}.lark-cache")


def get_lark(transformer: Any) -> Any:
    """The LALR parser with ``transformer`` embedded (built once; thread-safe)."""
    global _lark
    if _lark is not None:
        return _lark
    with _lock:
        if _lark is None:
            from lark import Lark

            text = grammar_text()
            options = dict(parser="lalr", lexer="contextual", start=["filter", "statement"],
                           transformer=transformer, maybe_placeholders=False)
            cache = None if os.environ.get("FEL_NO_CACHE") else _cache_file(text)
            try:
                _lark = Lark(text, cache=cache or False, **options)
            except (OSError, EOFError, ValueError):  # unreadable or stale cache: build without it
                _lark = Lark(text, **options)
    return _lark
