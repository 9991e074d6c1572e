"""Diagnostics and code actions for one document: ``fel lint`` in LSP terms (no pygls here).

Everything comes from :mod:`fel.lint`: the findings of :func:`fel.lint.lint_text` with the
settings of the workspace's ``[tool.fel.lint]`` (found above the document as ``fel lint`` finds
it), ``fel: noqa`` honoured, and the linter's safe fixes as quick fixes. Only the coordinates
change: file offsets become LSP ranges in UTF-16 code units (:mod:`fel.lsp.positions`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from lsprotocol import types as lsp

from ..diagnostics import Diagnostic, Severity
from .positions import LineIndex

__all__ = ["Analysis", "analyse", "settings_for", "to_lsp", "code_actions", "fix_all_edit", "path_of",
           "FIX_ALL_KIND", "SOURCE", "lsp_range"]

SOURCE = "fel"
#: The code-action kind of "fix all fel findings in this file" (a ``source.fixAll`` sub-kind, which
#: editors run on save when asked to).
FIX_ALL_KIND = "source.fixAll.fel"

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def path_of(uri: str) -> str | None:
    """The file system path of a ``file:`` URI (None for other schemes, e.g. ``untitled:``)."""
    if not uri.startswith("file:"):
        return None
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":  # pragma: no cover
        path = path[1:]
    return path


#: Settings per configuration file, with the file's modification time they were read at.
_SETTINGS: dict[str | None, tuple[float, object, str | None]] = {}


def settings_for(path: str | None, workspace_root: str | None = None):
    """``(settings, error)``: the ``fel lint`` settings for a document — ``[tool.fel.lint]`` of the
    first ``pyproject.toml`` above it (else above the workspace root), re-read when that file
    changes. A broken configuration gives the defaults and its error text (``error``; else None)."""
    from ..lint.config import ConfigError, find_config, load_config

    starts = [os.path.dirname(path)] if path else []
    if workspace_root:
        starts.append(workspace_root)
    config = find_config(starts) if starts else None
    try:
        mtime = os.stat(config).st_mtime if config else 0.0
    except OSError:
        mtime = 0.0
    known = _SETTINGS.get(config)
    if known is not None and known[0] == mtime:
        return known[1], known[2]
    error = None
    try:
        settings = load_config(config)
    except ConfigError as err:
        settings, error = load_config(None), str(err)
    if len(_SETTINGS) > 64:
        _SETTINGS.clear()
    _SETTINGS[config] = (mtime, settings, error)
    return settings, error


@dataclass(slots=True)
class Analysis:
    """One document version's findings, in file offsets and as LSP diagnostics (same order)."""

    text: str
    index: LineIndex
    findings: list[Diagnostic]
    diagnostics: list[lsp.Diagnostic]
    language: str


def to_lsp(d: Diagnostic, index: LineIndex) -> lsp.Diagnostic:
    """One finding as an LSP diagnostic: the code, severity and message ``fel lint`` prints."""
    return lsp.Diagnostic(
        range=lsp_range(index, d.span.start, d.span.end),
        severity=_SEVERITY[d.severity],
        code=d.code,
        source=SOURCE,
        message=d.message + (f"\nhint: {d.hint}" if d.hint else ""),
        data={"fixable": bool(d.fix is not None and d.fix.safe)},
    )


def lsp_range(index: LineIndex, start: int, end: int) -> lsp.Range:
    """The LSP range (UTF-16 positions) of the file offsets ``start``–``end``."""
    sl, sc = index.position(start)
    el, ec = index.position(end)
    return lsp.Range(start=lsp.Position(line=sl, character=sc), end=lsp.Position(line=el, character=ec))


def analyse(text: str, path: str | None, settings=None, language: str | None = None) -> Analysis:
    """Lint ``text`` as ``fel lint`` lints the file at ``path`` (never raises for any ``str``)."""
    from ..lint import lint_text

    result = lint_text(text, path=path, language=language, settings=settings)
    index = LineIndex(text)
    return Analysis(text, index, result.diagnostics, [to_lsp(d, index) for d in result.diagnostics],
                    result.language)


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p: lsp.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def code_actions(uri: str, analysis: Analysis, wanted: lsp.Range,
                 only: list[str] | None = None, path: str | None = None, settings=None) -> list[lsp.CodeAction]:
    """A quick fix for each safe fix of a finding in ``wanted``, and "fix all" for the file."""
    out: list[lsp.CodeAction] = []
    kinds = only or []

    def allowed(kind: str) -> bool:
        return not kinds or any(kind == k or kind.startswith(k + ".") for k in kinds)

    if allowed(lsp.CodeActionKind.QuickFix):
        for d, ld in zip(analysis.findings, analysis.diagnostics):
            if d.fix is None or not d.fix.safe or not _overlaps(ld.range, wanted):
                continue
            edit = lsp.TextEdit(range=lsp_range(analysis.index, d.fix.span.start, d.fix.span.end),
                                new_text=d.fix.replacement)
            title = f"{d.code}: {d.fix.description}" if d.fix.description else f"{d.code}: apply the fix"
            out.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[ld],
                                      is_preferred=True,
                                      edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
    if allowed(FIX_ALL_KIND) and any(d.fix is not None and d.fix.safe for d in analysis.findings):
        edit = fix_all_edit(analysis, path, settings)
        if edit is not None:
            out.append(lsp.CodeAction(title="fel: fix all safely fixable findings", kind=FIX_ALL_KIND,
                                      edit=lsp.WorkspaceEdit(changes={uri: [edit]})))
    return out


def fix_all_edit(analysis: Analysis, path: str | None, settings=None) -> lsp.TextEdit | None:
    """One edit that turns the document into what ``fel lint --fix`` writes (None: nothing to do).
    The edit covers only the changed middle of the text, so the cursor and folds elsewhere stay."""
    from ..lint import fix_text

    old = analysis.text
    new, _, applied = fix_text(old, path=path, language=analysis.language, settings=settings)
    if not applied or new == old:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return lsp.TextEdit(range=lsp_range(analysis.index, start, end_old), new_text=new[start:end_new])
