"""The language server: pygls wiring around :mod:`fel.lsp.analysis` and :mod:`fel.lsp.assist`.

Documents sync incrementally. Opening or saving a document lints it at once; a change re-lints
only that document after a short pause (``debounce`` seconds, restarted by every keystroke).
Linting runs in a worker thread, so completion and hover stay responsive while a large file is
linted, and a result for an older version of the text is dropped, never published.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from .analysis import FIX_ALL_KIND, Analysis, analyse, code_actions, lsp_range, path_of, settings_for
from .assist import complete, hover
from .positions import LineIndex

__all__ = ["FelLanguageServer", "build_server", "TRIGGER_CHARACTERS"]

log = logging.getLogger("fel.lsp")

#: Characters after which editors ask for completion without a keystroke of the user's.
TRIGGER_CHARACTERS = ["=", "&", "?", ";", ",", "(", " ", '"']

_KIND = {
    "type": lsp.CompletionItemKind.Class,
    "field": lsp.CompletionItemKind.Field,
    "operator": lsp.CompletionItemKind.Operator,
    "value": lsp.CompletionItemKind.EnumMember,
    "keyword": lsp.CompletionItemKind.Keyword,
    "param": lsp.CompletionItemKind.Property,
    "format": lsp.CompletionItemKind.Value,
    "number": lsp.CompletionItemKind.Value,
}


class FelLanguageServer(LanguageServer):
    """fel's language server (one per editor connection)."""

    def __init__(self, debounce: float = 0.3) -> None:
        from fel import __version__

        super().__init__("fel", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.analyses: dict[str, tuple[int | None, Analysis]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fel-lint")
        self._config_errors: set[str] = set()
        #: Counts per document URI of lint runs (for tests and the benchmark).
        self.lint_runs: dict[str, int] = {}

    # ---- documents -----------------------------------------------------------------------------
    def _root(self) -> str | None:
        root = self.workspace.root_path if self.workspace else None
        return root or None

    def _language_path(self, uri: str) -> str | None:
        """The path the linter sees: the file's path, or the URI's last segment for unsaved buffers
        (so ``untitled:check.ps1`` is still PowerShell)."""
        return path_of(uri) or uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1] or None

    def lint_now(self, uri: str) -> Analysis | None:
        """Lint the document's current text in this thread (also used by code actions when no
        analysis of the current version exists yet)."""
        doc = self.workspace.get_text_document(uri)
        return self._analyse(uri, doc.source, doc.version)

    def _analyse(self, uri: str, text: str, version: int | None) -> Analysis | None:
        path = self._language_path(uri)
        settings, error = settings_for(path_of(uri), self._root())
        if error and error not in self._config_errors:
            self._config_errors.add(error)
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning,
                                                           message=f"fel: {error} (using the defaults)"))
        real = path_of(uri)
        if real:
            from ..lint.sources import excluded

            if excluded(real, settings):  # as `fel lint` skips it when walking the tree
                return Analysis(text, LineIndex(text), [], [], "excluded")
        self.lint_runs[uri] = self.lint_runs.get(uri, 0) + 1
        return analyse(text, path, settings)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, replacing a lint already waiting for it."""
        old = self._timers.pop(uri, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, lambda: asyncio.ensure_future(self.lint_and_publish(uri)))

    async def lint_and_publish(self, uri: str) -> None:
        self._timers.pop(uri, None)
        try:
            doc = self.workspace.get_text_document(uri)
        except Exception:  # pragma: no cover - closed meanwhile
            return
        text, version = doc.source, doc.version
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._linter, self._analyse, uri, text, version)
        except Exception as err:  # never let one document take the server down
            log.exception("linting %s failed", uri)
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error,
                                                         message=f"fel: linting {uri} failed: {err}"))
            return
        if uri not in self.workspace.text_documents:
            return
        if self.workspace.get_text_document(uri).version != version or result is None:
            return  # a newer text is on its way
        self.analyses[uri] = (version, result)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=result.diagnostics))

    def analysis_of(self, uri: str) -> Analysis | None:
        """The analysis of the document's current text (computed now if the last one is stale)."""
        doc = self.workspace.get_text_document(uri)
        known = self.analyses.get(uri)
        if known is not None and known[0] == doc.version and known[1].text == doc.source:
            return known[1]
        result = self.lint_now(uri)
        if result is not None:
            self.analyses[uri] = (doc.version, result)
        return result

    def closed(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.analyses.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def build_server(debounce: float = 0.3) -> FelLanguageServer:
    """A server with every feature registered (not yet started)."""
    server = FelLanguageServer(debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: FelLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        await ls.lint_and_publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FelLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: FelLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        await ls.lint_and_publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FelLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND],
                                          resolve_provider=False))
    def code_action(ls: FelLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.analysis_of(uri)
        if analysis is None:
            return []
        settings, _ = settings_for(path_of(uri), ls._root())
        return code_actions(uri, analysis, params.range, params.context.only,
                            ls._language_path(uri), settings)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                    lsp.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False))
    def completion(ls: FelLanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        text = doc.source
        index = LineIndex(text)
        offset = index.offset(params.position.line, params.position.character)
        language = _language(ls, params.text_document.uri, text)
        items = []
        for it in complete(text, offset, language):
            items.append(lsp.CompletionItem(
                label=it.label, detail=it.detail, kind=_KIND.get(it.kind, lsp.CompletionItemKind.Text),
                sort_text=f"{it.sort:04d}", filter_text=it.label,
                text_edit=lsp.TextEdit(range=lsp_range(index, it.edit.span.start, it.edit.span.end),
                                       new_text=it.edit.text)))
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: FelLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        text = doc.source
        index = LineIndex(text)
        offset = index.offset(params.position.line, params.position.character)
        found = hover(text, offset, _language(ls, params.text_document.uri, text))
        if found is None:
            return None
        markdown, span = found
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown),
                         range=lsp_range(index, span.start, span.end))

    return server


def _language(ls: FelLanguageServer, uri: str, text: str) -> str:
    from ..lint.languages import language_for

    return language_for(ls._language_path(uri), text[:200].split("\n", 1)[0])


def serve_stdio(debounce: float = 0.3) -> None:
    """Run the server on stdin/stdout until the client says exit."""
    build_server(debounce).start_io()
