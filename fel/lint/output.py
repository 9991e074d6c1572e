"""Output formats of ``fel lint``: full, concise, json, sarif (2.1.0) and github annotations.

:func:`chunks` streams any format: it takes the results as they come (an iterator) and yields
the text piece by piece, each finding as soon as its file is linted, so memory does not grow
with the number of findings. Joined, the pieces are byte for byte :func:`render`'s text plus a
final newline (``tests/lint/test_output_stream.py`` checks it for every format).
"""
from __future__ import annotations

import json
import os
from json.encoder import encode_basestring as _encode_str  # json.dumps' own, for ensure_ascii=False
from typing import Callable, Iterable, Iterator, Sequence

from .. import codes
from ..diagnostics import Locator, Severity, render_text
from .engine import LintResult

__all__ = ["FORMATS", "render", "chunks", "Tally", "rows", "sarif", "github", "summary", "fails"]

FORMATS = ("full", "concise", "json", "sarif", "github")
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_ERROR, _WARNING, _INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_SEVERITY_WORD = {s: s.value for s in Severity}


def _rows_of(r: LintResult) -> Iterator[dict]:
    if not r.diagnostics:
        return
    loc = Locator(r.source)
    for d in r.diagnostics:
        row = {"path": r.path or "-"}
        row.update(d.to_dict(r.source, loc))
        yield row


def rows(results: Sequence[LintResult]) -> list[dict]:
    """One JSON object per finding: path, line, column, end_line, end_column, code, name,
    severity, message, hint, fix (``null`` or the replacement with its position)."""
    return [row for r in results for row in _rows_of(r)]


class Tally:
    """What the summary line and the exit code need, counted as results go by (the results
    themselves are not kept)."""

    __slots__ = ("counts", "fixable", "worst")

    def __init__(self) -> None:
        self.counts = {s: 0 for s in Severity}
        self.fixable = 0
        self.worst = -1  # highest severity rank seen

    def add(self, result: LintResult) -> None:
        # Counted in locals, then added once per file.
        errors = warnings = others = fixable = 0
        for d in result.diagnostics:
            sev = d.severity
            if sev is _ERROR:
                errors += 1
            elif sev is _WARNING:
                warnings += 1
            else:
                others += 1
            fix = d.fix
            if fix is not None and fix.safe:
                fixable += 1
        if not (errors or warnings or others):
            return
        counts = self.counts
        for sev, n in ((_ERROR, errors), (_WARNING, warnings), (_INFO, others)):
            if n:
                counts[sev] += n
                if sev.rank > self.worst:
                    self.worst = sev.rank
        self.fixable += fixable

    def fails(self, level: Severity) -> bool:
        return self.worst >= level.rank

    def summary(self, fixed: int = 0) -> str:
        counts = self.counts
        total = sum(counts.values())
        parts = []
        if fixed:
            parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
        if not total:
            parts.append("All checks passed." if not fixed else "No findings left.")
            return " ".join(parts)
        detail = ", ".join(f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
                           for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s])
        parts.append(f"Found {total} finding{'s' if total != 1 else ''} ({detail}).")
        if self.fixable:
            parts.append(f"{self.fixable} fixable with `fel lint --fix`.")
        return " ".join(parts)


def summary(results: Sequence[LintResult], fixed: int = 0) -> str:
    tally = Tally()
    for r in results:
        tally.add(r)
    return tally.summary(fixed)


def render(results: Sequence[LintResult], fmt: str, *, color: bool = False, fixed: int = 0,
           show_summary: bool = True) -> str:
    if fmt == "json":
        return json.dumps(rows(results), ensure_ascii=False, indent=2)
    if fmt == "sarif":
        return json.dumps(sarif(results), ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(github(results))
    lines: list[str] = [line for r in results for line in _text_lines(r, fmt, color)]
    if show_summary:
        lines.append(summary(results, fixed))
    return "\n".join(lines).rstrip("\n")


def _text_lines(r: LintResult, fmt: str, color: bool) -> Iterator[str]:
    """The full or concise lines of one result."""
    if not r.diagnostics:
        return
    if fmt == "concise":
        position = Locator(r.source).position
        path = r.path or "-"
        for d in r.diagnostics:
            line, col = position(d.span.start)
            fix = d.fix
            mark = "*" if fix is not None and fix.safe else ""
            yield f"{path}:{line}:{col}: {d.code}{mark} [{_SEVERITY_WORD[d.severity]}] {d.message}"
    elif not r.source:  # a path that could not be read (FEL491): no source to show
        for d in r.diagnostics:
            yield f"{r.path or '-'}:1:1: {d.severity.value}[{d.code}] {d.message} ({d.name})"
            if d.hint:
                yield f"  = hint: {d.hint}"
        yield ""
    else:
        yield render_text(r.diagnostics, r.source, path=r.path or "-", color=color)
        yield ""


def _pretty(obj, pad: str = "\n") -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)`` for what findings are made of (dicts
    with string keys, lists, strings, ints, booleans, None), each scalar written by json's C
    string encoder or ``int.__repr__`` instead of its pure-Python indenting encoder (three
    times faster); ``pad`` is the newline and indentation of the current level. Anything
    else goes to json.dumps itself."""
    kind = type(obj)
    if kind is str:
        return _encode_str(obj)
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if kind is int:
        return int.__repr__(obj)
    if kind is dict:
        if not obj:
            return "{}"
        inner = pad + "  "
        parts = []
        for key, value in obj.items():
            if type(key) is not str:
                return _fallback(obj, pad)
            parts.append(inner + _encode_str(key) + ": " + _pretty(value, inner))
        return "{" + ",".join(parts) + pad + "}"
    if kind is list:
        if not obj:
            return "[]"
        inner = pad + "  "
        return "[" + ",".join(inner + _pretty(value, inner) for value in obj) + pad + "]"
    return _fallback(obj, pad)


def _fallback(obj, pad: str) -> str:
    """json.dumps itself, its lines moved to the current level."""
    return json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", pad)


def _dumps(obj, prefix: str = "") -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)`` with every line after ``prefix`` (its
    text has no raw newline inside strings), faster."""
    return prefix + _pretty(obj, "\n" + prefix)


def chunks(results: Iterable[LintResult], fmt: str, *, color: bool = False, tally: Tally | None = None,
           fixed: Callable[[], int] = lambda: 0) -> Iterator[str]:
    """:func:`render`'s text for ``results`` and a final newline, streamed: pieces are yielded
    as results arrive, in order; results are not kept. ``tally`` (if given) counts every result
    for the exit code; ``fixed()`` is asked for the number of fixes once all results are in
    (for the summary line). Nothing is yielded when :func:`render` would give an empty text."""
    tally = tally if tally is not None else Tally()
    if fmt == "json":
        opened = False
        for r in results:
            tally.add(r)
            for row in _rows_of(r):
                yield (",\n" if opened else "[\n") + _dumps(row, "  ")
                opened = True
        yield "\n]\n" if opened else "[]\n"
        return
    if fmt == "sarif":
        yield from _sarif_chunks(results, tally)
        return
    if fmt == "github":
        for r in results:
            tally.add(r)
            for line in _github_lines(_rows_of(r)):
                yield line + "\n"
        return
    # full, concise: the summary line always ends the text, so only trailing blank lines before
    # it would be stripped by render's rstrip — and there are none: it is appended last.
    # Lines go out in batches (a write per finding cost more than formatting it), bounded so
    # that a file with a great many findings is still streamed.
    for r in results:
        tally.add(r)
        batch: list[str] = []
        for line in _text_lines(r, fmt, color):
            batch.append(line)
            if len(batch) == _BATCH:
                yield "\n".join(batch) + "\n"
                batch.clear()
        if batch:
            yield "\n".join(batch) + "\n"
    yield tally.summary(fixed()) + "\n"


#: Lines of full or concise output per piece :func:`chunks` yields.
_BATCH = 256


# ---- GitHub workflow commands ------------------------------------------------------------------
def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(results: Sequence[LintResult]) -> list[str]:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` per finding."""
    return list(_github_lines(rows(results)))


def _github_lines(found: Iterable[dict]) -> Iterator[str]:
    for row in found:
        title = f"{row['code']} {row['name']}"
        message = row["message"] + (f" (hint: {row['hint']})" if row.get("hint") else "")
        props = (f"file={_gh_prop(row['path'])},line={row['line']},col={row['column']},"
                 f"endLine={row['end_line']},endColumn={row['end_column']},title={_gh_prop(title)}")
        yield f"::{_GH_LEVEL[row['severity']]} {props}::{_gh_data(message)}"


# ---- SARIF 2.1.0 -----------------------------------------------------------------------------------
def _uri(path: str) -> str:
    from urllib.parse import quote
    rel = path.replace(os.sep, "/")
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path).replace(os.sep, "/")
        except ValueError:  # pragma: no cover
            pass
    if rel.startswith("./"):
        rel = rel[2:]
    return quote(rel, safe="/:@-._~")


def _region(loc: Locator, start: int, end: int) -> dict:
    sl, sc = loc.position(start)
    el, ec = loc.position(end)
    return {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}


def _rule_entry(rule) -> dict:
    help_lines = [rule.summary]
    if rule.rationale:
        help_lines += ["", rule.rationale]
    if rule.bad:
        help_lines += ["", "Bad: " + " | ".join(rule.bad)]
    if rule.good:
        help_lines += ["Good: " + " | ".join(rule.good)]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale or rule.summary},
        "help": {"text": "\n".join(help_lines)},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"fixable": rule.fixable, "tags": [rule.name]},
    }


def _catalogue() -> list:
    return sorted(codes.RULES.values(), key=lambda r: r.code)


def _sarif_results(r: LintResult, index: dict[str, int]) -> Iterator[dict]:
    """The SARIF ``result`` objects of one lint result."""
    if not r.diagnostics:
        return
    loc = Locator(r.source)
    uri = _uri(r.path or "stdin")
    artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"}
    for d in r.diagnostics:
        res: dict = {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": _SARIF_LEVEL[d.severity.value],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": {"artifactLocation": dict(artifact),
                                                "region": _region(loc, d.span.start, d.span.end)}}],
        }
        if d.fix is not None:
            res["fixes"] = [{
                "description": {"text": d.fix.description or f"replace with {d.fix.replacement!r}"},
                "artifactChanges": [{
                    "artifactLocation": dict(artifact),
                    "replacements": [{"deletedRegion": _region(loc, d.fix.span.start, d.fix.span.end),
                                      "insertedContent": {"text": d.fix.replacement}}],
                }],
            }]
            res["properties"] = {"fixSafe": d.fix.safe}
        yield res


def sarif(results: Sequence[LintResult]) -> dict:
    """A SARIF 2.1.0 log with one run; rules are the whole catalogue (stable indices)."""
    catalogue = _catalogue()
    index = {r.code: i for i, r in enumerate(catalogue)}
    return _sarif_log([res for r in results for res in _sarif_results(r, index)], catalogue)


def _sarif_chunks(results: Iterable[LintResult], tally: Tally) -> Iterator[str]:
    """``json.dumps(sarif(results), indent=2)`` and a newline, one result object at a time."""
    catalogue = _catalogue()
    index = {r.code: i for i, r in enumerate(catalogue)}
    empty = json.dumps(_sarif_log([], catalogue), ensure_ascii=False, indent=2)
    at = empty.rindex('"results": []')  # a key: quotes inside rule texts are escaped
    head, tail = empty[:at], empty[at + len('"results": []'):]
    outer = head[head.rindex("\n") + 1:]  # the indentation of the "results" key
    inner = outer + "  "
    yield head + '"results": ['
    opened = False
    for r in results:
        tally.add(r)
        for res in _sarif_results(r, index):
            yield ("," if opened else "") + "\n" + _dumps(res, inner)
            opened = True
    yield ("\n" + outer + "]" if opened else "]") + tail + "\n"


def _sarif_log(sarif_results: list[dict], catalogue: list) -> dict:
    from .. import __version__

    root = os.getcwd().replace(os.sep, "/")
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "fel",
                "semanticVersion": __version__,
                "informationUri": "https://example.invalid/fel/docs/lint",
                "rules": [_rule_entry(r) for r in catalogue],
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + (root if root.startswith("/") else "/" + root) + "/"}},
            "results": sarif_results,
        }],
    }


def fails(results: Sequence[LintResult], level: Severity) -> bool:
    """Whether any finding is at or above ``level``."""
    return any(d.severity.rank >= level.rank for r in results for d in r.diagnostics)

