"""The REPL's engine without the terminal: :class:`Shell` runs one line at a time.

It checks and compiles queries (``fel.api``), runs them through a :class:`fel.client.Client`
in a worker thread (so Ctrl-C cancels a query and keeps the REPL alive), renders the results
(:mod:`fel.repl.render`) to the screen, a pager or a file, and keeps the state the commands
need (last query and page, output settings, columns). The prompt-toolkit loop lives in
:mod:`fel.repl.session`; tests drive a Shell directly.
"""
from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

from .connect import Connection
from .multiline import join_continuations
from .results import ResultsMixin, Progress, describe_error

__all__ = ["Settings", "LastQuery", "Shell", "Connection", "with_repl_defaults"]


def with_repl_defaults(compiled: Any) -> Any:
    """``compiled`` as the REPL sends it: full entities when the query names no format, by the
    client's one rule (:func:`fel.client.formats.with_default_format`, as ``fel run`` and
    ``Client.query``), so ``\\url`` shows what is sent. ``format References`` gets references."""
    if compiled is None:
        return None
    from fel.client.formats import with_default_format

    return with_default_format(compiled)


@dataclass
class Settings:
    format: str = "table"          # table | json | csv
    expanded: str = "auto"         # on | off | auto (expanded when the table is too wide)
    timing: bool = False
    pager: bool = True
    output: str | None = None      # \o FILE
    columns: dict = field(default_factory=dict)  # type name -> [Column]


@dataclass
class LastQuery:
    text: str
    compiled: Any
    page: int = 1
    pages_count: int | None = None
    page_size: int | None = None
    rows: int = 0


class Shell(ResultsMixin):
    """One REPL session's state and line executor."""

    def __init__(self, *, out: TextIO | None = None, color: bool | None = None,
                 connection: Connection | None = None,
                 connector: Callable[[], Connection] | None = None,
                 completion: Any = None, settings: Settings | None = None,
                 width: Callable[[], int] | None = None, password_prompt: Callable[[str], str] | None = None) -> None:
        self.out = out or sys.stdout
        self.color = (hasattr(self.out, "isatty") and self.out.isatty() and not os.environ.get("NO_COLOR")) \
            if color is None else color
        self.settings = settings or Settings()
        self.completion = completion
        self._width = width or (lambda: shutil.get_terminal_size((100, 24)).columns)
        self._password_prompt = password_prompt
        self.last: LastQuery | None = None
        self._connection = connection
        self._connect_error: str | None = None
        self._connect_thread: threading.Thread | None = None
        self._connector = connector if connection is None else None
        self._schema = None
        #: called from the connecting thread with "connected to …" or the error
        self.on_connect_done: Callable[[str], None] | None = None
        #: a line that did not compile, offered again at the next prompt for editing
        self.retry_text: str | None = None
        #: Errors shown so far (a batch run exits 1 when there were any).
        self.error_count = 0
        self._compile_failed = False
        self._busy = threading.Lock()

    # ---- connection ---------------------------------------------------------------------
    def start_connecting(self) -> None:
        """Open the connection in a background thread (once)."""
        connector, self._connector = self._connector, None
        if connector is not None:
            self._connect_thread = threading.Thread(target=self._background_connect, args=(connector,),
                                                    name="fel-connect", daemon=True)
            self._connect_thread.start()

    def _background_connect(self, connector: Callable[[], Connection]) -> None:
        try:
            self._connection = connector()
            message = f"connected to {self._connection.label}"
            if self._connection.label.endswith("(demo)"):
                message += " — try: BackupJobSession where Result == Failed limit 5   (Tab completes, \\help)"
        except Exception as exc:  # noqa: BLE001 - reported when a query needs the connection
            self._connect_error = describe_error(exc)
            message = f"could not connect: {self._connect_error}"
        hook = self.on_connect_done
        if hook is not None:
            try:
                hook(message)
            except Exception:  # noqa: BLE001 - an announcement must not break anything
                pass

    @property
    def base(self) -> str | None:
        """The API root of the connection (None when not connected)."""
        return getattr(getattr(self._connection, "client", None), "base", None)

    @property
    def connection_label(self) -> str:
        if self._connection is not None:
            return self._connection.label
        if self._connector is not None or self._connect_thread is not None and self._connect_thread.is_alive():
            return "connecting…"
        return "not connected"

    def wait_connected(self) -> Connection | None:
        """The connection, waiting for a background connect (Ctrl-C stops waiting)."""
        self.start_connecting()
        t = self._connect_thread
        if t is not None and t.is_alive():
            while t.is_alive():
                t.join(0.05)
        if self._connection is None and self._connect_error:
            self.error(f"not connected: {self._connect_error}")
            self._connect_error = None
        return self._connection

    def close(self) -> None:
        t = self._connect_thread
        if t is not None and t.is_alive():
            t.join(5)
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def schema(self):
        if self._schema is None:
            from fel.schema import load_schema

            self._schema = load_schema()
        return self._schema

    # ---- output -------------------------------------------------------------------------
    def _write(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def info(self, text: str) -> None:
        self._write(text)

    def error(self, text: str) -> None:
        self.error_count += 1
        self._write(f"\x1b[31m{text}\x1b[0m" if self.color else text)

    def show(self, text: str) -> None:
        """Command output, paged when long."""
        self._page(text)

    def _page(self, text: str) -> None:
        if not (self.settings.pager and self._is_tty()):
            self._write(text)
            return
        size = shutil.get_terminal_size((100, 24))
        lines = text.split("\n")
        if len(lines) < size.lines - 2 and all(len(line) <= size.columns for line in lines):
            self._write(text)
            return
        from .pager import page

        if not page(text, color=self.color):
            self._write(text)

    def width(self) -> int:
        """The terminal width to lay tables out for."""
        try:
            return max(40, int(self._width()))
        except Exception:  # noqa: BLE001
            return 100

    def _is_tty(self) -> bool:
        return hasattr(self.out, "isatty") and self.out.isatty()

    # ---- lines ----------------------------------------------------------------------------
    def execute(self, line: str) -> bool:
        """Run one input line (query or command). Returns False when the session should end."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in ("quit", "exit", "\\quit", "\\q"):
            return False
        if text.startswith("\\"):
            from .commands import dispatch

            return dispatch(self, text)
        self._compile_failed = False
        self.run_query(line)
        if self._compile_failed:
            self.retry_text = line
        return True

    def current_type(self):
        if self.last is not None:
            return self.schema.type(self.last.compiled.type)
        return None

    def columns_for(self, qtype, reference: bool = False):
        from .render import default_columns

        if reference:
            return default_columns(qtype, reference=True)
        return self.settings.columns.get(qtype.name) or default_columns(qtype)

    def _compile(self, text: str):
        """The compiled query, or None after printing the caret diagnostics."""
        from fel.api import check, compile_query
        from fel.diagnostics import FelError, Severity, render_text

        source = join_continuations(text.strip("\n"))
        diags = check(source)
        errors = [d for d in diags if d.severity is Severity.ERROR]
        if errors:
            self._write(render_text(errors, source, color=self.color))
            self._compile_failed = True
            return None
        warnings = [d for d in diags if d.severity is Severity.WARNING]
        if warnings:
            self._write(render_text(warnings, source, color=self.color))
        try:
            return with_repl_defaults(compile_query(source))
        except FelError as exc:
            self._write(render_text(exc.diagnostics, source, color=self.color))
            return None

    def run_query(self, text: str, *, page: int | None = None, all_pages: bool = False,
                  compiled: Any = None) -> bool:
        """Check, compile, run and show one query. Returns whether rows were shown."""
        compiled = compiled or self._compile(text)
        if compiled is None:
            return False
        conn = self.wait_connected()
        if conn is None:
            self.error("not connected — use \\connect, or start with `fel repl --demo`;"
                       f" the request would be:\n{compiled.url()}")
            return False
        progress = Progress(sys.stderr) if all_pages else None
        started = time.perf_counter()
        outcome = self._in_worker(lambda: self._fetch(conn.client, compiled, page, all_pages, progress),
                                  on_cancel=progress.done if progress is not None else None)
        elapsed = time.perf_counter() - started
        if progress is not None:
            progress.done()
        if outcome is None:
            return False
        entities, stream = outcome
        last_page = getattr(stream, "last_page", None)
        page_num = (last_page.page_num if last_page is not None and last_page.page_num else None) or page or compiled.page or 1
        self.last = LastQuery(text, compiled, page_num, getattr(stream, "pages_count", None),
                              compiled.page_size or (last_page.page_size if last_page is not None else None),
                              len(entities))
        self._learn(compiled, entities)
        self._show_results(entities, compiled, stream, all_pages, elapsed)
        return True

    def _fetch(self, client, compiled, page, all_pages, progress):
        stream = client.query(compiled, page=page, all=all_pages, warn=False,
                              on_page=progress.update if progress is not None else None)
        return list(stream), stream

    def _in_worker(self, fn: Callable[[], Any], on_cancel: Callable[[], None] | None = None) -> Any:
        """Run ``fn`` in a daemon thread; Ctrl-C abandons it (calling ``on_cancel`` first, e.g.
        to stop a progress bar for good). Errors are printed, not raised."""
        box: dict[str, Any] = {}
        if self._busy.locked():
            self.info("waiting for the cancelled request to finish… (Ctrl-C stops waiting)")

        def target() -> None:
            # The client is not thread-safe: a cancelled request still running keeps the lock.
            with self._busy:
                try:
                    box["value"] = fn()
                except BaseException as exc:  # noqa: BLE001 - reported below
                    box["error"] = exc

        worker = threading.Thread(target=target, name="fel-query", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.05)
        except KeyboardInterrupt:
            if on_cancel is not None:
                on_cancel()
            self.error("cancelled")
            return None
        if "error" in box:
            self.error(describe_error(box["error"]))
            return None
        return box.get("value")

    def _learn(self, compiled, entities) -> None:
        comp = self.completion
        if comp is None:
            return
        qtype = self.schema.type(compiled.type)
        names = [compiled.type]
        if compiled.sort:
            names.append(compiled.sort[0])
        comp.record(names)
        if qtype is None:
            return
        for f in qtype.fields:
            if f.kind.value == "string" and f.element and not f.element.startswith("link:"):
                values = [v for v in (e.get(f.element) for e in entities[:200]) if isinstance(v, str)]
                if values:
                    comp.remember_values(qtype.name, f.name, values)
