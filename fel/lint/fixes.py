"""``--fix``: apply safe fixes until none is left, without ever adding errors.

Fixes come from the diagnostics already mapped into the file and re-escaped for the literal
they land in (:func:`fel.lint.engine.lint_text`); a fix that cannot be written in its literal
was dropped there. Rounds repeat (a fix may uncover another finding) up to a limit. If a
round would raise the number of errors, its fixes are tried one at a time and only those that
do not are kept — so fixing never turns a clean query into a broken one.
"""
from __future__ import annotations

from .config import Settings
from .engine import LintResult, lint_text
from ..diagnostics import Diagnostic, Severity

__all__ = ["fix_text", "apply_fixes"]

MAX_ROUNDS = 10


def apply_fixes(source: str, diags: list[Diagnostic]) -> tuple[str, int]:
    """Apply the non-overlapping safe fixes of ``diags`` (first by position wins)."""
    fixes = sorted((d.fix for d in diags if d.fix is not None and d.fix.safe),
                   key=lambda f: (f.span.start, f.span.end))
    out: list[str] = []
    pos = applied = 0
    last_end = -1
    for f in fixes:
        if f.span.start < pos or (f.span.start == f.span.end == last_end):
            continue
        if source[f.span.start:f.span.end] == f.replacement:
            continue
        out.append(source[pos:f.span.start])
        out.append(f.replacement)
        pos = f.span.end
        last_end = f.span.end
        applied += 1
    out.append(source[pos:])
    return "".join(out), applied


def _errors(result: LintResult) -> int:
    return sum(1 for d in result.diagnostics if d.severity is Severity.ERROR)


def fix_text(source: str, *, path: str | None = None, language: str | None = None,
             settings: Settings | None = None) -> tuple[str, LintResult, int]:
    """The fixed text, the findings that remain in it, and how many fixes were applied."""
    result = lint_text(source, path=path, language=language, settings=settings)
    total = 0
    for _ in range(MAX_ROUNDS):
        fixable = [d for d in result.diagnostics if d.fix is not None and d.fix.safe]
        if not fixable:
            break
        new, n = apply_fixes(source, fixable)
        if n == 0 or new == source:
            break
        new_result = lint_text(new, path=path, language=result.language, settings=settings)
        if _errors(new_result) > _errors(result):
            new, n, new_result = _one_by_one(source, fixable, result, path, settings)
            if n == 0:
                break
        source, result = new, new_result
        total += n
    return source, result, total


def _one_by_one(source: str, fixable: list[Diagnostic], result: LintResult, path: str | None,
                settings: Settings | None) -> tuple[str, int, LintResult]:
    """Apply fixes singly (last first, so earlier offsets stay valid), keeping each one only if
    it does not add errors."""
    kept = 0
    current, cur_result = source, result
    for d in sorted(fixable, key=lambda d: d.fix.span.start, reverse=True):  # type: ignore[union-attr]
        trial, n = apply_fixes(current, [d])
        if n == 0:
            continue
        trial_result = lint_text(trial, path=path, language=result.language, settings=settings)
        if _errors(trial_result) <= _errors(cur_result):
            current, cur_result = trial, trial_result
            kept += 1
    return current, kept, cur_result
