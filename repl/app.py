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
from dataclasses import dataclass, field, replace
from typing import Any, Callable, TextIO

from .multiline import join_continuations

__all__ = ["Settings", "LastQuery", "Shell", "Connection", "with_repl_defaults", "DEFAULT_FORMAT"]

#: The REPL asks for full entities when a query names no format (EM's own default is
#: References, which carry only Name, UID and Type). Write `format References` to get those.
DEFAULT_FORMAT = "Entities"


def with_repl_defaults(compiled: Any) -> Any:
    """``compiled`` as the REPL sends it: ``format=Entities`` unless the query names a format."""
    if compiled is not None and getattr(compiled, "format", None) is None:
        return replace(compiled, format=DEFAULT_FORMAT)
    return compiled


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


@dataclass
class Connection:
    """A client (anything with ``query``/``query_url``/``logout``/``close``) and its label."""

    client: Any
    label: str
    closer: Callable[[], None] | None = None

    def close(self) -> None:
        for fn in (getattr(self.client, "logout", None), getattr(self.client, "close", None), self.closer):
            if fn is None:
                continue
            try:
                fn()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


class Shell:
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
            self._connect_error = _describe_error(exc)
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
        progress = _Progress(sys.stderr) if all_pages else None
        started = time.perf_counter()
        outcome = self._in_worker(lambda: self._fetch(conn.client, compiled, page, all_pages, progress))
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

    def _in_worker(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` in a daemon thread; Ctrl-C abandons it. Errors are printed, not raised."""
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
            self.error("cancelled")
            return None
        if "error" in box:
            self.error(_describe_error(box["error"]))
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

    # ---- rendering ------------------------------------------------------------------------------
    def render(self, entities, compiled, *, color: bool | None = None, start: int = 1) -> str:
        from . import render as R

        color = self.color if color is None else color
        qtype = self.schema.type(compiled.type)
        reference = compiled.format in (None, "References") and all(
            getattr(e, "kind", "entity") == "reference" for e in entities) and bool(entities)
        fmt = self.settings.format
        if fmt == "json":
            return R.to_json(entities)
        if fmt == "csv":
            return R.to_csv(entities)
        if self.settings.expanded == "on":
            return R.expanded(entities, start=start, color=color)
        cols = self.columns_for(qtype, reference) if qtype is not None else R.default_columns(None)
        width = self._width()
        text = R.table(entities, cols, color=color, width=width)
        if self.settings.expanded == "auto" and "more column(s) not shown" in text and len(entities) <= 3:
            return R.expanded(entities, start=start, color=color)
        return text

    def _show_results(self, entities, compiled, stream, all_pages: bool, elapsed: float) -> None:
        last = self.last
        assert last is not None
        start = (last.page - 1) * (last.page_size or len(entities) or 1) + 1 if not all_pages else 1
        footer = self._footer(len(entities), all_pages, stream)
        if self.settings.timing:
            footer += f"  Time: {elapsed * 1000:.1f} ms"
        if self.settings.output:
            body = self.render(entities, compiled, color=False, start=start)
            try:
                with open(self.settings.output, "a", encoding="utf-8") as fh:
                    fh.write(body if body.endswith("\n") else body + "\n")
            except OSError as exc:
                self.error(f"cannot write {self.settings.output}: {exc.strerror or exc}")
                return
            self.info(f"{footer} — written to {self.settings.output}")
            return
        if not entities:
            self.info(footer)
            return
        body = self.render(entities, compiled, start=start)
        self._page(body + "\n" + footer if self.settings.format == "table" else body)
        if self.settings.format != "table":
            self.info(footer)

    def _footer(self, n: int, all_pages: bool, stream) -> str:
        last = self.last
        rows = f"({n} row{'s' if n != 1 else ''}"
        if all_pages:
            pages = getattr(stream, "pages_fetched", None)
            return rows + (f", {pages} page{'s' if pages != 1 else ''})" if pages else ")")
        if last is not None and last.pages_count:
            rows += f", page {last.page} of {last.pages_count}"
            if last.page < last.pages_count:
                rows += " — \\next, \\all"
        if getattr(stream, "truncated", False):
            rows += "; no pageSize, so EM stopped at its default page — add `limit N` or use \\all"
        return rows + ")"

    # ---- paging and inspection commands ---------------------------------------------------------
    def page_step(self, delta: int) -> None:
        last = self.last
        if last is None:
            self.error("no query yet — run one first")
            return
        target = last.page + delta
        if target < 1:
            self.error("already on the first page")
            return
        if last.pages_count is not None and target > last.pages_count:
            self.error(f"already on the last page ({last.pages_count})")
            return
        compiled = last.compiled
        if compiled.page_size is None and last.page_size:
            compiled = replace(compiled, page_size=last.page_size)
        self.run_query(last.text, page=target, compiled=compiled)

    def fetch_all(self) -> None:
        last = self.last
        if last is None:
            self.error("no query yet — run one first")
            return
        compiled = replace(last.compiled, page=None)
        self.run_query(last.text, all_pages=True, compiled=compiled)

    def _query_text(self, arg: str) -> str | None:
        if arg:
            return arg
        if self.last is not None:
            return self.last.text
        self.error("give a query, or run one first")
        return None

    def show_url(self, arg: str) -> None:
        text = self._query_text(arg)
        if text is None:
            return
        if not arg and self.last is not None:
            compiled = self.last.compiled
            if self.last.page and self.last.page != (compiled.page or 1):
                compiled = replace(compiled, page=self.last.page, page_size=compiled.page_size or self.last.page_size)
        else:
            compiled = self._compile(text)
        if compiled is None:
            return
        base = getattr(getattr(self._connection, "client", None), "base", None)
        self.info(compiled.url(base))

    def explain(self, arg: str) -> None:
        text = self._query_text(arg)
        if text is None:
            return
        from .explain import explain_text

        base = getattr(getattr(self._connection, "client", None), "base", None)
        self.show(explain_text(text, color=self.color, base=base))

    def connect_command(self, arg: str) -> None:
        from .connect import connect_from_args

        words = arg.split()
        if len(words) > 2:
            self.error("\\connect takes a profile name, or a URL and a user — never a password "
                       "(it is prompted for)")
            return
        try:
            conn = connect_from_args(words, password_prompt=self._password_prompt)
        except Exception as exc:  # noqa: BLE001 - shown, the REPL goes on
            self.error(f"could not connect: {_describe_error(exc)}")
            return
        if conn is None:
            self.info(f"connected to {self.connection_label}" if self._connection else "not connected")
            return
        old, self._connection = self._connection, conn
        self._connect_thread = None
        if old is not None:
            old.close()
        self.info(f"connected to {conn.label}")


class _Progress:
    """A one-line progress bar on the terminal for ``\\all``."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.shown = False

    def update(self, result_stream, page) -> None:
        total = page.pages_count or 0
        num = getattr(result_stream, "pages_fetched", 0)
        if total:
            filled = int(self.width * min(num, total) / total)
            bar = "█" * filled + "·" * (self.width - filled)
            text = f"\r[{bar}] page {num}/{total}"
        else:
            text = f"\rpage {num}"
        try:
            self.stream.write(text)
            self.stream.flush()
            self.shown = True
        except (OSError, ValueError):
            pass

    def done(self) -> None:
        if self.shown:
            try:
                self.stream.write("\r" + " " * (self.width + 24) + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass


def _describe_error(exc: BaseException) -> str:
    """A one-paragraph description of a client or config error (never a traceback)."""
    from fel.diagnostics import FelError

    if isinstance(exc, FelError):
        return str(exc)
    text = str(exc) or exc.__class__.__name__
    hint = getattr(exc, "hint", None)
    if hint and hint not in text:
        text += f" ({hint})"
    try:
        from fel.client.errors import redact

        text = redact(text)
    except Exception:  # noqa: BLE001
        pass
    return text
