"""Inline suppressions: ``fel: noqa`` (everything on the line) and ``fel: noqa: FEL101, FEL306``.

A directive sits in a comment and applies to findings that start on its line, and to findings in a string that
ends on its line (so a directive after a multi-line string works). Directives that suppress
nothing are reported as FEL490 (unused-noqa), as are unknown codes in them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import codes
from ..diagnostics import Diagnostic, Locator, make
from ..span import Span
from .rules_url import UNUSED_NOQA

__all__ = ["Directive", "find_directives", "Suppressor"]

_DIRECTIVE = re.compile(r"(?i)\bfel:\s*noqa\b(?::[ \t]*(?P<codes>[A-Za-z]+[0-9]+(?:[ \t]*,?[ \t]*[A-Za-z]+[0-9]+)*))?")
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


@dataclass(slots=True)
class Directive:
    line: int                 # 1-based
    span: Span                # the directive text in the file
    codes: dict[str, Span] | None  # code -> its span; None for a bare ``fel: noqa``
    used: set[str] = field(default_factory=set)
    used_bare: bool = False


def find_directives(source: str) -> dict[int, Directive]:
    """Directives by line number (only lines that mention ``noqa`` are looked at)."""
    out: dict[int, Directive] = {}
    if "noqa" not in source.lower():
        return out
    line_of = Locator(source).position
    for m in _DIRECTIVE.finditer(source):
        line = line_of(m.start())[0]
        found = None
        if m.group("codes"):
            base = m.start("codes")
            found = {c.group().upper(): Span(base + c.start(), base + c.end()) for c in _CODE.finditer(m.group("codes"))}
        out.setdefault(line, Directive(line, Span(m.start(), m.end()), found))
    return out


_LEADS = ("#", "//", "--", ";", "<#", "/*", "*", "rem", "'")


def _in_comment(source: str, at: int, comments: list[tuple[int, int]]) -> bool:
    """Whether ``at`` starts a directive: inside a comment, first in it (or after a further
    comment marker, as in ``# note  # fel: noqa``) — not a mention in prose like ``fel: noqa``."""
    for a, b in comments:
        if a <= at < b:
            before = source[a:at].rstrip()
            return not before or before.endswith(_LEADS)
    return False


class Suppressor:
    """Applies a file's directives to its findings and reports the unused ones."""

    def __init__(self, source: str, comments: list[tuple[int, int]] | None = None) -> None:
        """``comments``: file spans of the comments; directives elsewhere (in strings, in
        prose) are not directives. None accepts them anywhere."""
        self.directives = find_directives(source)
        if comments is not None:
            self.restrict(source, comments)

    def restrict(self, source: str, comments: list[tuple[int, int]]) -> None:
        """Keep only the directives that sit in one of ``comments`` (file spans)."""
        if self.directives:
            self.directives = {line: d for line, d in self.directives.items()
                               if _in_comment(source, d.span.start, comments)}

    def suppressed(self, diag: Diagnostic, lines: tuple[int, ...]) -> bool:
        """Whether a directive on any of ``lines`` covers ``diag`` (marks it used)."""
        for line in lines:
            d = self.directives.get(line)
            if d is None:
                continue
            if d.codes is None:
                d.used_bare = True
                return True
            if diag.code in d.codes:
                d.used.add(diag.code)
                return True
        return False

    def unused(self, enabled=lambda code: True) -> list[Diagnostic]:
        """FEL490 findings for directives (or codes in them) that suppressed nothing. Codes
        that are known but not enabled (``--select``/``--ignore``) are not reported."""
        out: list[Diagnostic] = []
        for d in self.directives.values():
            if d.codes is None:
                if not d.used_bare:
                    out.append(make(UNUSED_NOQA, d.span, "this `fel: noqa` suppresses nothing",
                                    hint="remove it"))
                continue
            for code, span in d.codes.items():
                if code in d.used or (code in codes.RULES and not enabled(code)):
                    continue
                if code not in codes.RULES:
                    out.append(make(UNUSED_NOQA, span, f"`{code}` is not a fel rule code",
                                    hint="see `fel rule --all` for the codes"))
                else:
                    out.append(make(UNUSED_NOQA, span, f"`{code}` is suppressed here but not reported",
                                    hint=f"remove `{code}` from the directive"))
        return out
