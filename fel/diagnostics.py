"""One diagnostic model for the library, the REPL toolbar and the linter.

A :class:`Diagnostic` has a stable code (``FEL101``) and name (``unknown-field``), a severity,
a message in plain words, a source span, an optional hint (did-you-mean) and an optional
:class:`Fix` (a replacement for a span of the source). The catalogue of codes lives in
:mod:`fel.codes`; this module holds the records, positions and renderers, and imports
nothing else from fel but the catalogue.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Sequence

from .codes import RULES
from .span import Span

__all__ = [
    "Severity", "Fix", "Diagnostic", "make", "Locator", "render_text", "to_dicts", "to_json",
    "has_errors", "apply_fixes", "FelError", "sort_diagnostics",
]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """3 for errors, 2 for warnings, 1 for infos."""
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}
_BY_VALUE = {s.value: s for s in Severity}


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace ``span`` of the source with ``replacement``. ``safe`` fixes keep the meaning
    the author evidently intended and may be applied automatically (``fel lint --fix``)."""

    span: Span
    replacement: str
    description: str = ""
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None
    fix: Fix | None = None
    expected: tuple[str, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self, source: str, locator: "Locator | None" = None) -> dict:
        loc = locator or Locator(source)
        line, col = loc.position(self.span.start)
        end_line, end_col = loc.position(self.span.end)
        return {
            "line": line,
            "column": col,
            "end_line": end_line,
            "end_column": end_col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "fix": None if self.fix is None else {
                "replacement": self.fix.replacement,
                "start": self.fix.span.start,
                "end": self.fix.span.end,
                "line": loc.position(self.fix.span.start)[0],
                "column": loc.position(self.fix.span.start)[1],
                "end_line": loc.position(self.fix.span.end)[0],
                "end_column": loc.position(self.fix.span.end)[1],
                "description": self.fix.description,
                "safe": self.fix.safe,
            },
        }


def make(code: str, span: Span, message: str, *, hint: str | None = None, fix: Fix | None = None,
         severity: Severity | str | None = None, expected: Sequence[str] = ()) -> Diagnostic:
    """Build a diagnostic for a catalogued code (its name and default severity come from
    :data:`fel.codes.RULES`)."""
    rule = RULES[code]
    sev = _BY_VALUE[rule.severity] if severity is None else (
        severity if isinstance(severity, Severity) else Severity(severity))
    return Diagnostic(code, rule.name, sev, message, span, hint, fix, tuple(expected))


class Locator:
    """Maps character offsets to 1-based (line, column) pairs."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find, at = text.find, text.find("\n")
        while at >= 0:  # one C-level search per line, not a Python step per character
            at += 1
            starts.append(at)
            at = find("\n", at)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        idx = bisect_right(self._starts, offset) - 1
        return idx + 1, offset - self._starts[idx] + 1

    def line_text(self, line: int) -> str:
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return self.text[start:end]


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Position order, then severity (errors first), then code; duplicates removed.

    Duplicates share their start, so only the findings at one position are remembered."""
    items = list(diags)
    if len(items) < 2:
        return items
    rank = _RANK
    items.sort(key=lambda d: (d.span.start, -rank[d.severity], d.code, d.span.end))
    out: list[Diagnostic] = []
    at = None
    seen: set = set()
    for d in items:
        if d.span.start != at:
            at = d.span.start
            seen.clear()
        key = (d.code, d.span.end, d.message)  # the start is `at` (no Span hashed: a Python-level __hash__)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diags)


def _printable(text: str) -> str:
    """Control characters shown visibly so a caret line stays aligned."""
    return "".join(ch if ch >= " " or ch == "\t" else "\N{REPLACEMENT CHARACTER}" for ch in text)


def render_text(diags: Sequence[Diagnostic], source: str, *, path: str | None = None,
                color: bool = False) -> str:
    """ruff-style "full" output: a header line, the source line, a caret underline, hint, fix."""
    loc = Locator(source)
    out: list[str] = []
    colors = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
    bold, reset = ("\x1b[1m", "\x1b[0m") if color else ("", "")
    for d in diags:
        line, col = loc.position(d.span.start)
        end_line, end_col = loc.position(d.span.end)
        where = f"{path}:" if path else ""
        sev = d.severity.value
        sev_txt = f"{colors[sev]}{sev}{reset}" if color else sev
        out.append(f"{bold}{where}{line}:{col}:{reset} {sev_txt}[{d.code}] {d.message} ({d.name})")
        text = _printable(loc.line_text(line).expandtabs(1))
        # Long lines (whole URLs) are windowed around the span.
        width = 100
        start = 0
        if len(text) > width and col > width // 2:
            start = min(col - width // 2, max(0, len(text) - width))
        shown = text[start:start + width]
        lead = "…" if start > 0 else ""
        tail = "…" if start + width < len(text) else ""
        gutter = f"{line:>4} | "
        out.append(f"{gutter}{lead}{shown}{tail}")
        caret_len = max(1, (end_col - col) if end_line == line else len(text) - col + 1)
        caret_len = min(caret_len, max(1, width - (col - 1 - start)))
        pad = " " * (len(gutter) - 2) + "| " + " " * (len(lead) + col - 1 - start)
        out.append(f"{pad}{'^' * caret_len}")
        if d.hint:
            out.append(f"     = hint: {d.hint}")
        if d.fix is not None:
            desc = d.fix.description or f"replace with {d.fix.replacement!r}"
            out.append(f"     = fix: {desc}")
    return "\n".join(out)


def to_dicts(diags: Sequence[Diagnostic], source: str) -> list[dict]:
    loc = Locator(source)
    return [d.to_dict(source, loc) for d in diags]


def to_json(diags: Sequence[Diagnostic], source: str, **extra) -> str:
    rows = to_dicts(diags, source)
    for row in rows:
        row.update(extra)
    return json.dumps(rows, ensure_ascii=False, indent=2)


def apply_fixes(source: str, diags: Iterable[Diagnostic], *, safe_only: bool = True) -> str:
    """Apply non-overlapping fixes (first by position wins)."""
    fixes = sorted((d.fix for d in diags if d.fix is not None and (d.fix.safe or not safe_only)),
                   key=lambda f: (f.span.start, f.span.end))
    out, pos = [], 0
    for f in fixes:
        if f.span.start < pos:
            continue
        out.append(source[pos:f.span.start])
        out.append(f.replacement)
        pos = f.span.end
    out.append(source[pos:])
    return "".join(out)


class FelError(ValueError):
    """Raised by :func:`fel.compile` and friends when the input has errors.

    ``diagnostics`` holds every diagnostic found (errors and the rest); ``source`` the text.
    The exception message is the first error, in plain words, with its position.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], source: str = "") -> None:
        self.diagnostics = list(diagnostics)
        self.source = source
        errors = [d for d in self.diagnostics if d.is_error] or self.diagnostics
        if errors:
            first = errors[0]
            line, col = Locator(source).position(first.span.start)
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            msg = f"{line}:{col}: {first.message} [{first.code}]{more}"
        else:
            msg = "invalid query"
        super().__init__(msg)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def render(self, *, path: str | None = None, color: bool = False) -> str:
        return render_text(self.diagnostics, self.source, path=path, color=color)
