"""Output formats of ``fel lint``: full, concise, json, sarif (2.1.0) and github annotations."""
from __future__ import annotations

import json
import os
from typing import Sequence

from .. import codes
from ..diagnostics import Locator, Severity, render_text
from .engine import LintResult

__all__ = ["FORMATS", "render", "rows", "sarif", "github", "summary", "fails"]

FORMATS = ("full", "concise", "json", "sarif", "github")
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def rows(results: Sequence[LintResult]) -> list[dict]:
    """One JSON object per finding: path, line, column, end_line, end_column, code, name,
    severity, message, hint, fix (``null`` or the replacement with its position)."""
    out: list[dict] = []
    for r in results:
        if not r.diagnostics:
            continue
        loc = Locator(r.source)
        for d in r.diagnostics:
            row = {"path": r.path or "-"}
            row.update(d.to_dict(r.source, loc))
            out.append(row)
    return out


def summary(results: Sequence[LintResult], fixed: int = 0) -> str:
    diags = [d for r in results for d in r.diagnostics]
    counts = {s: sum(1 for d in diags if d.severity is s) for s in Severity}
    fixable = sum(1 for d in diags if d.fix is not None and d.fix.safe)
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if not diags:
        parts.append("All checks passed." if not fixed else "No findings left.")
        return " ".join(parts)
    detail = ", ".join(f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
                       for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s])
    parts.append(f"Found {len(diags)} finding{'s' if len(diags) != 1 else ''} ({detail}).")
    if fixable:
        parts.append(f"{fixable} fixable with `fel lint --fix`.")
    return " ".join(parts)


def render(results: Sequence[LintResult], fmt: str, *, color: bool = False, fixed: int = 0,
           show_summary: bool = True) -> str:
    if fmt == "json":
        return json.dumps(rows(results), ensure_ascii=False, indent=2)
    if fmt == "sarif":
        return json.dumps(sarif(results), ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(github(results))
    lines: list[str] = []
    for r in results:
        if not r.diagnostics:
            continue
        if fmt == "concise":
            loc = Locator(r.source)
            for d in r.diagnostics:
                line, col = loc.position(d.span.start)
                mark = "*" if d.fix is not None and d.fix.safe else ""
                lines.append(f"{r.path or '-'}:{line}:{col}: {d.code}{mark} [{d.severity.value}] {d.message}")
        elif not r.source:  # a path that could not be read (FEL491): no source to show
            for d in r.diagnostics:
                lines.append(f"{r.path or '-'}:1:1: {d.severity.value}[{d.code}] {d.message} ({d.name})")
                if d.hint:
                    lines.append(f"  = hint: {d.hint}")
            lines.append("")
        else:
            lines.append(render_text(r.diagnostics, r.source, path=r.path or "-", color=color))
            lines.append("")
    if show_summary:
        lines.append(summary(results, fixed))
    return "\n".join(lines).rstrip("\n")


# ---- GitHub workflow commands ------------------------------------------------------------------
def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(results: Sequence[LintResult]) -> list[str]:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` per finding."""
    out: list[str] = []
    for row in rows(results):
        title = f"{row['code']} {row['name']}"
        message = row["message"] + (f" (hint: {row['hint']})" if row.get("hint") else "")
        props = (f"file={_gh_prop(row['path'])},line={row['line']},col={row['column']},"
                 f"endLine={row['end_line']},endColumn={row['end_column']},title={_gh_prop(title)}")
        out.append(f"::{_GH_LEVEL[row['severity']]} {props}::{_gh_data(message)}")
    return out


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


def sarif(results: Sequence[LintResult]) -> dict:
    """A SARIF 2.1.0 log with one run; rules are the whole catalogue (stable indices)."""
    from .. import __version__

    catalogue = sorted(codes.RULES.values(), key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(catalogue)}
    sarif_results: list[dict] = []
    for r in results:
        if not r.diagnostics:
            continue
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
            sarif_results.append(res)
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

