"""Linting one text: candidates → targets → diagnostics in file coordinates.

For each candidate string (:mod:`fel.lint.extract`) the engine decides what it is
(:mod:`fel.lint.classify`), runs the URL rules (:mod:`fel.lint.rules_url`) and, for queries,
:func:`fel.check`; it then drops what interpolation holes make uncertain, maps spans and
fixes back into the file (re-escaping replacements for the literal they land in), and applies
rule selection and ``fel: noqa`` directives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Diagnostic, Fix, Locator
from ..syntax.urlinput import make_span
from .candidate import HOLE, PLAIN, Candidate
from .classify import Target, classify
from .config import Settings
from .evidence import ASSUMED_EM, NO_EVIDENCE, Evidence, file_evidence, judge
from .extract import extract, iter_plain_lines
from .languages import language_for
from .noqa import Suppressor
from .rules_url import url_rules

__all__ = ["lint_text", "lint_candidate", "LintResult", "ABSENCE_CODES"]

#: Findings about something *missing*: a hole may supply it, so they are dropped when one could.
ABSENCE_CODES = frozenset({"FEL103", "FEL306", "FEL308"})
#: Syntax findings whose cause may be what a hole next to them holds.
_NEAR_HOLE = frozenset({"FEL001", "FEL007", "FEL008", "FEL013"})
#: Checker codes that lint decides itself (it only hands /api/query targets to the checker).
_ENDPOINT_CODES = frozenset({"FEL401"})


@dataclass(slots=True)
class LintResult:
    path: str | None
    source: str
    diagnostics: list[Diagnostic]
    language: str


_read_and_check = None


def _check(text: str, em_version: str | None) -> list[Diagnostic]:
    # Not fel.check: its cache (for the REPL's keystrokes) would only keep each query's tree
    # alive a while longer here, where every distinct text is checked once per file.
    global _read_and_check
    if _read_and_check is None:
        from ..api import check_once  # the quick path for clean queries, else the full path
        _read_and_check = check_once
    return _read_and_check(text, em_version=em_version)


def _param_level_hole(text: str, t: Target, cand: Candidate) -> bool:
    """Whether a hole may stand for whole parameters: one after ``?``/``&``, before ``=``, in
    the path, or at the very end of the string. (Holes in a parameter group's values cannot:
    the HTTP library encodes ``&`` there.)"""
    if cand.endpoint is not None:
        return False
    for h in cand.holes:
        if h.end <= t.check_start:
            continue  # a base URL in front of the path
        if t.query is None or h.start < t.query.start:
            return True
        before = text[h.start - 1] if h.start > 0 else ""
        after = text[h.end] if h.end < len(text) else ""
        if before in ("&", "?") or h.start == t.query.start or after == "=" or h.end >= t.span.end:
            return True
    return False


def lint_candidate(cand: Candidate, em_version: str | None = None,
                   evidence: Evidence = NO_EVIDENCE) -> list[Diagnostic]:
    """Diagnostics for one candidate, in candidate coordinates (holes already accounted for).
    ``evidence`` is what the whole file says about being EM's (:mod:`fel.lint.evidence`)."""
    t = classify(cand)
    if t is None:
        return []
    text = cand.text
    if t.kind == "query":
        verdict = judge(text, t, cand, evidence)
        if verdict == "foreign":
            return []
        if verdict == "ambiguous":
            return [_not_em(text, t)]
    diags = url_rules(text, t, em_version)
    if t.kind == "query" and t.scheme is not None and t.check_start > t.span.start:
        diags.extend(_origin_shape(text, t, em_version))
    if t.kind in ("query", "statement"):
        start = t.check_start if t.kind == "query" else 0
        end = t.span.end if t.kind == "query" else len(text)
        sub = text[start:end]
        for d in _check(sub, em_version):
            if d.code in _ENDPOINT_CODES and t.kind == "query":
                continue
            if start:
                d = _shift(d, start)
            diags.append(d)
    bare = t.kind == "query" and _partial(cand, t)
    if not cand.holes and not bare:
        return diags
    drop_absence = bare or (t.kind == "query" and _param_level_hole(text, t, cand))
    out = []
    for d in diags:
        if d.code in ABSENCE_CODES:
            if drop_absence:
                continue
        elif cand.touches_hole(d.span, adjacent=d.code in _NEAR_HOLE):
            continue
        out.append(d)
    return out


_PLAIN_ORIGIN = re.compile(r"(?i)https?://[A-Za-z0-9.-]+(?::(\d{1,5}))?(?:/[\w.~-]*)*")


def _origin_shape(text: str, t: Target, em_version: str | None) -> list[Diagnostic]:
    """FEL413 for a malformed host or port, or a `#` before the query, in the part of a URL
    in front of `/query` (the checker is given only what follows). The whole URL goes to the
    checker only when that part is not an ordinary `scheme://host:port/path`. EM's REST browser
    links (`https://em:9398/web/#/api/query?…`) carry the API path in the fragment on purpose."""
    head = text[t.span.start:t.check_start]
    if HOLE in head:
        return []
    m = _PLAIN_ORIGIN.fullmatch(head)
    if m is not None and (m.group(1) is None or 0 < int(m.group(1)) < 65536):
        return []
    return [_shift(d, t.span.start) for d in _check(text[t.span.start:t.span.end], em_version)
            if d.code == "FEL413" and d.span.start < len(head)
            and not text.startswith("#/api/", t.span.start + d.span.start)]


def _not_em(text: str, t: Target) -> Diagnostic:
    from ..diagnostics import make
    span = next((vs for name, _, _, vs in t.params(text) if name.strip().lower() == "type"), t.span)
    value = text[span.start:span.end]
    return make("FEL412", span, f"`{value}` is not an EM query type and nothing here says this is Enterprise "
                "Manager's `/api/query`; not checked",
                hint="if it is EM, the type is wrong (FEL102); EM's port 9398 or its `X-RestSvcSessionId` "
                "header in the file makes fel check it")


def _partial(cand: Candidate, t: Target) -> bool:
    """A bare ``type=…&filter=…`` literal in source may be one piece of a larger query."""
    return cand.origin in ("literal", "comment") and t.path.start == t.path.end and cand.endpoint is None


def _split_lines(cands: list[Candidate]):
    """A string that holds several lines (a here-string, a test's query file) is linted line
    by line: an EM URL never contains a raw line break."""
    for cand in cands:
        text = cand.text
        if "\n" not in text or cand.origin == "line":
            yield cand
            continue
        pos = 0
        for line in text.split("\n"):
            end = pos + len(line)
            if line.strip():
                yield cand.sub(pos, end - (1 if line.endswith("\r") else 0))
            pos = end + 1


def _to_file(d: Diagnostic, cand: Candidate) -> Diagnostic:
    base = cand.base
    fix = d.fix
    if base is not None:
        # A plain line: the mapping is a constant shift and replacements are written as is.
        span = make_span(d.span.start + base, d.span.end + base)
        if fix is not None:
            written = cand.quoting.escape(fix.replacement)
            fix = None if written is None else Fix(
                span if fix.span is d.span or fix.span == d.span
                else make_span(fix.span.start + base, fix.span.end + base), written, fix.description, fix.safe)
    else:
        span = cand.file_span(d.span)
        if fix is not None:
            target = cand.fix_target(fix.span)
            fix = None
            if target is not None:
                written = target[1].escape(d.fix.replacement)
                if written is not None:
                    fix = Fix(target[0], written, d.fix.description, d.fix.safe)
    message, hint = d.message, d.hint
    if HOLE in message or (hint and HOLE in hint):
        # Interpolated parts (`' + job + '`, `$name`, `{x}`) read as `…` in what the user sees.
        message = message.replace(HOLE, "…")
        hint = hint.replace(HOLE, "…") if hint else hint
    return Diagnostic(d.code, d.name, d.severity, message, span, hint, fix, d.expected)


def _shift(d: Diagnostic, delta: int) -> Diagnostic:
    """``d`` moved by ``delta`` characters (span and fix)."""
    span = make_span(d.span.start + delta, d.span.end + delta)
    fix = d.fix
    if fix is not None:
        fix = Fix(span if fix.span is d.span or fix.span == d.span
                  else make_span(fix.span.start + delta, fix.span.end + delta),
                  fix.replacement, fix.description, fix.safe)
    return Diagnostic(d.code, d.name, d.severity, d.message, span, d.hint, fix, d.expected)


def lint_text(source: str, *, path: str | None = None, language: str | None = None,
              settings: Settings | None = None) -> LintResult:
    """Lint a whole file's text. Never raises for any ``str``."""
    settings = settings or Settings(frozenset(_all_codes()))
    if language is None:
        first = source[:200].split("\n", 1)[0]
        language = language_for(path, first)
    enabled = settings.enabled_for(path)
    evidence = NO_EVIDENCE if language == "plain" else ASSUMED_EM if settings.assume_em else file_evidence(source)
    comment_spans: list[tuple[int, int]] = []
    noqa = Suppressor(source, None)
    if language == "plain" and not noqa.directives:
        # Lines are linted as they are read: no candidate outlives its line.
        cands = iter_plain_lines(source)
    else:
        cands = _split_lines(extract(source, language, comments=settings.comments, comment_spans=comment_spans))
        noqa.restrict(source, comment_spans)
    lines = Locator(source) if noqa.directives else None
    out: list[Diagnostic] = []
    em = settings.em_version
    memo: dict = {}  # scripts repeat the same query string
    #: The same for plain lines: text -> () (no findings) or (file offset, *findings in the file).
    shifted: dict[str, tuple] = {}
    # Whether ``out`` is already in sort_diagnostics' order, strictly (so nothing in it is a
    # duplicate): lines come in file order, so it usually is, and the final sort is skipped.
    ordered = lines is None
    last: tuple | None = None
    for cand in cands:
        base = cand.base
        if base is not None and not cand.holes and cand.endpoint is None and cand.origin == "line" \
                and cand.quoting is PLAIN:
            # A plain line: its findings in the file are those of an earlier, identical line
            # moved by the distance between the two (kept once: no copy in line coordinates).
            seen = shifted.get(cand.text)
            if seen is None:
                fds = tuple([_to_file(d, cand) for d in lint_candidate(cand, em, evidence) if d.code in enabled])
                shifted[cand.text] = (base, *fds) if fds else ()
            elif not seen:
                continue
            else:
                delta = base - seen[0]
                fds = tuple([_shift(d, delta) for d in seen[1:]]) if delta else seen[1:]
        else:
            key = (cand.text, tuple(cand.holes), cand.origin, cand.endpoint)
            found = memo.get(key)
            if found is None:
                found = memo[key] = lint_candidate(cand, em, evidence)
            fds = tuple(_to_file(d, cand) for d in found if d.code in enabled)
        if not fds:
            continue
        if lines is None:
            if ordered:
                for fd in fds:
                    rank = (fd.span.start, -fd.severity.rank, fd.code, fd.span.end)
                    if last is not None and rank <= last:
                        ordered = False
                        break
                    last = rank
            out.extend(fds)
            continue
        line_of = lines.position
        extra = tuple(line_of(o)[0] for o in cand.noqa_offsets)
        for fd in fds:
            if not noqa.suppressed(fd, (line_of(fd.span.start)[0], *extra)):
                out.append(fd)
    if noqa.directives:
        out.extend(u for u in noqa.unused(lambda c: c in enabled) if u.code in enabled)
    if not ordered:
        from ..diagnostics import sort_diagnostics
        out = sort_diagnostics(out)
    if any(d.code == "FEL412" for d in out):  # a word once per file is enough
        first = next(d for d in out if d.code == "FEL412")
        out = [d for d in out if d.code != "FEL412" or d is first]
    return LintResult(path, source, out, language)


def _all_codes() -> set[str]:
    from .. import codes
    return set(codes.RULES)

