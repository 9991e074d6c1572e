"""Live validation for the bottom toolbar: the first diagnostic (with its did-you-mean) while
the line is wrong, the compiled URL while it is right.

:func:`status` is pure (``fel.api.check`` / ``fel.api.compile``, both cached per text);
:func:`toolbar_fragments` lays it out for prompt-toolkit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from .multiline import join_continuations

__all__ = ["Status", "status", "toolbar_fragments", "short_hint"]


@dataclass(frozen=True, slots=True)
class Status:
    """What the toolbar says about the current input.

    ``state``: ``empty``, ``command``, ``ok`` (compiles; ``url`` set), ``warning`` (compiles,
    with a warning in ``message``), ``incomplete`` (the only error is at the end of the input)
    or ``error``.
    """

    state: str
    message: str = ""
    hint: str = ""
    code: str = ""
    url: str = ""
    column: int = 0


def short_hint(hint: str | None) -> str:
    """The did-you-mean part of a hint (long field lists cut off)."""
    if not hint:
        return ""
    m = re.match(r"(did you mean [^?]*\?)", hint)
    if m:
        return m.group(1)
    return hint if len(hint) <= 80 else hint[:79] + "…"


def status(text: str, *, now: datetime | None = None, base: str | None = None) -> Status:
    """Check ``text`` as the REPL would run it. Never raises."""
    if not text.strip():
        return Status("empty")
    if text.lstrip().startswith("\\"):
        return Status("command")
    from fel.api import check, compile_query

    from .app import with_repl_defaults
    from fel.diagnostics import Severity

    source = join_continuations(text)
    try:
        diags = check(source)
    except Exception as exc:  # noqa: BLE001 - the toolbar must never take the REPL down
        return Status("error", f"internal error while checking: {exc.__class__.__name__}")
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if errors:
        d = errors[0]
        at_end = d.span.start >= len(source.rstrip()) and d.code == "FEL001"
        return Status("incomplete" if at_end else "error", d.message, short_hint(d.hint), d.code,
                      column=d.span.start)
    try:
        url = with_repl_defaults(compile_query(source, now=now)).url(base)
    except Exception as exc:  # noqa: BLE001
        return Status("error", f"does not compile: {exc}")
    warnings = [d for d in diags if d.severity is Severity.WARNING]
    if warnings:
        d = warnings[0]
        return Status("warning", d.message, short_hint(d.hint), d.code, url, d.span.start)
    return Status("ok", url=url)


def _short_url(url: str) -> str:
    """The request without the API root (shown on the right): ``…/query?type=…``."""
    at = url.find("/api/")
    return "…/" + url[at + 5:] if at >= 0 else url


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def toolbar_fragments(st: Status, *, width: int = 80, connection: str = "",
                      mode: str = "") -> Sequence[tuple[str, str]]:
    """prompt-toolkit formatted text for the bottom toolbar (one line)."""
    right = f" {mode} │ {connection} " if connection else f" {mode} "
    room = max(10, width - len(right) - 1)
    if st.state == "empty":
        left = " Tab completes · \\help · Ctrl-R history · Ctrl-D quits"
        style = "class:toolbar"
    elif st.state == "command":
        left = " backslash command — \\help lists them"
        style = "class:toolbar"
    elif st.state == "ok":
        left = f" ✓ {_short_url(st.url)}"
        style = "class:toolbar.ok"
    elif st.state == "warning":
        left = f" ! {st.code} {st.message}" + (f" — {st.hint}" if st.hint else "") + f"   → {_short_url(st.url)}"
        style = "class:toolbar.warning"
    elif st.state == "incomplete":
        left = f" … {st.message}"
        style = "class:toolbar.incomplete"
    else:
        left = f" ✗ {st.code} {st.message}" + (f" — {st.hint}" if st.hint else "")
        style = "class:toolbar.error"
    if len(left) > room:  # the message matters more than the mode and connection
        right = ""
        room = max(10, width - 1)
    left = _fit(left, room)
    pad = " " * max(1, width - len(left) - len(right))
    return [(style, left), ("class:toolbar", pad), ("class:toolbar.info", right)]
