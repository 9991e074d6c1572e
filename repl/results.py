"""Showing results and the commands that revisit the last query (a mixin of
:class:`fel.repl.app.Shell`): rendering in the chosen format, the footer with paging facts,
``\\next``/``\\prev``/``\\all`` (with a progress bar), ``\\url``, ``\\explain`` and ``\\connect``.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import TextIO

__all__ = ["ResultsMixin", "Progress", "ProgressClosed", "describe_error", "ALL_PAGE_SIZE"]

#: ``\\all`` fetches pages of at least this many entities.
ALL_PAGE_SIZE = 100


class ResultsMixin:
    """Needs the Shell's ``settings``, ``last``, ``schema``, ``color``, ``info``/``error``/
    ``show``/``_page``, ``width``, ``_compile``, ``run_query`` and the connection."""

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
        if entities and isinstance(getattr(entities[0], "profile", None), str):  # a fan-out's rows
            cols = [R.Column("profile", "profile")] + list(cols)
        width = self._width()
        text = R.table(entities, cols, color=color, width=width)
        if self.settings.expanded == "auto" and "more column(s) not shown" in text and len(entities) <= 3:
            return R.expanded(entities, start=start, color=color)
        return text

    def _show_results(self, entities, compiled, stream, all_pages: bool, elapsed: float) -> None:
        last = self.last
        assert last is not None
        start = (last.page - 1) * (last.page_size or len(entities) or 1) + 1 if not all_pages else 1
        for failure in getattr(stream, "failures", None) or ():  # a fan-out: one line per failed server
            self.error(str(failure))
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
        servers = getattr(stream, "server_count", None)
        if isinstance(servers, int):
            failed = len(getattr(stream, "failures", None) or ())
            rows += f" from {servers - failed} of {servers} servers" if failed else f" from {servers} servers"
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
        # every page, in pages of at least EM's default size (fewer requests than `limit 5` pages)
        size = max(last.compiled.page_size or last.page_size or ALL_PAGE_SIZE, ALL_PAGE_SIZE)
        compiled = replace(last.compiled, page=None, page_size=size)
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
        client = getattr(self._connection, "client", None)
        per_server = getattr(client, "server_urls", None)
        if callable(per_server):  # a fan-out: the request each server gets
            self.info("\n".join(f"{profile}: {url}" for profile, url in per_server(compiled)))
            return
        self.info(compiled.url(getattr(client, "base", None)))

    def explain(self, arg: str) -> None:
        text = self._query_text(arg)
        if text is None:
            return
        from .explain import explain_text

        base = getattr(getattr(self._connection, "client", None), "base", None)
        self.show(explain_text(text, color=self.color, base=base))

    def connect_command(self, arg: str) -> None:
        from .connect import connect_from_args
        from .fanout import is_fleet_request

        words = arg.split()
        if len(words) > 2 and not is_fleet_request(words):
            self.error("\\connect takes a profile name (several, or globs such as 'eu-*', to fan out), or a URL"
                       " and a user — never a password (it is prompted for)")
            return
        try:
            conn = connect_from_args(words, password_prompt=self._password_prompt)
        except Exception as exc:  # noqa: BLE001 - shown, the REPL goes on
            self.error(f"could not connect: {describe_error(exc)}")
            return
        if conn is None:
            self.info(f"connected to {self.connection_label}" if self._connection else "not connected")
            return
        old, self._connection = self._connection, conn
        self._connect_thread = None
        if old is not None:
            old.close()
        for failure in getattr(conn, "failures", None) or ():  # a fan-out: servers that refused the logon
            self.error(f"not connected: {failure}")
        self.info(f"connected to {getattr(conn, 'summary', conn.label)}")


class ProgressClosed(Exception):
    """Raised into an abandoned ``\\all`` fetch (after Ctrl-C) at its next page: it stops."""


class Progress:
    """A one-line progress bar on the terminal for ``\\all`` (pages; for a fan-out, servers done
    and failed and rows so far — :func:`fel.repl.fanout.fleet_status`). Once :meth:`done` (the fetch
    finished or was cancelled with Ctrl-C) it draws nothing more, and a fetch still running
    in its worker thread stops at its next page."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.shown = False
        self.closed = False
        self._drawn = 0  # the longest line drawn, for done() to clear
        self._lock = threading.Lock()

    def update(self, result_stream, page) -> None:
        with self._lock:
            if self.closed:
                raise ProgressClosed("cancelled")
            self._draw(result_stream, page)

    def _draw(self, result_stream, page) -> None:
        fleet = isinstance(getattr(result_stream, "server_count", None), int)  # a fan-out: servers, not pages
        total = 0 if fleet else page.pages_count or 0
        num = getattr(result_stream, "pages_fetched", 0)
        if fleet:
            from .fanout import fleet_status

            text = "\r" + fleet_status(result_stream, self.width)
        elif total:
            filled = int(self.width * min(num, total) / total)
            bar = "█" * filled + "·" * (self.width - filled)
            text = f"\r[{bar}] page {num}/{total}"
        else:
            text = f"\rpage {num}"
        try:
            self.stream.write(text)
            self.stream.flush()
            self.shown = True
            self._drawn = max(self._drawn, len(text))
        except (OSError, ValueError):
            pass

    def done(self) -> None:
        with self._lock:
            self.closed = True
            if self.shown:
                self.shown = False
                try:
                    self.stream.write("\r" + " " * max(self.width + 24, self._drawn) + "\r")
                    self.stream.flush()
                except (OSError, ValueError):
                    pass


def describe_error(exc: BaseException) -> str:
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
