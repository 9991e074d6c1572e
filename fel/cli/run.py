"""``fel run`` — run a query against Enterprise Manager (or saved results) and print entities.

Exit codes: 0 ok; 1 the query has errors (fel's checker, or EM answered 400 to it);
2 usage or configuration errors (no URL, no password source, bad profile); 3 connection,
TLS, authentication, permission, server or response errors; 130 interrupted.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from typing import Any

from ._common import add_input_arguments, read_text_arg, use_color
from .connection import StatusLine, add_connection_arguments, client_from_args, whole_number

PROG = "fel run"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit codes: 0 ok; 1 errors in the query (fel's checker, or EM answered 400); 2 usage or "
                     "configuration; 3 connection, TLS, authentication, permission, server or response errors; "
                     "4 --offline: the query filters or sorts on a field the saved file does not carry; "
                     "130 interrupted; with several profiles, 3 when any server failed. Passwords: --password-env VAR, "
                     "the profile's password_env, the keyring, or a prompt. See docs/client.md.")
    add_input_arguments(parser)
    add_connection_arguments(parser, many_profiles=True)
    sel = parser.add_argument_group("what to fetch")
    mode = sel.add_mutually_exclusive_group()
    mode.add_argument("--all", "-a", action="store_true", help="fetch every page")
    mode.add_argument("--limit", "-n", type=_nonneg, metavar="N", help="fetch the first N entities (across pages)")
    mode.add_argument("--page", type=_positive, metavar="N", help="fetch page N only")
    sel.add_argument("--max-pages", type=_nonneg, metavar="N",
                     help="stop after N pages, with a warning (default 10000; 0: no cap)")
    sel.add_argument("--format", dest="em_format", choices=("entities", "references"), type=str.lower,
                     help="EM format when the query names none (default: Entities)")
    sel.add_argument("--offline", metavar="FILE",
                     help="evaluate the query over a saved QueryResult (XML or JSON) instead of a server")
    out = parser.add_argument_group("output")
    out.add_argument("--output", "-o", choices=("table", "json", "jsonl", "csv"), help="output format (default table)")
    out.add_argument("--fields", "-f", metavar="A,B,...", help="columns: attributes, fields, paths (Result/Message)")
    out.add_argument("--links", action="store_true", help="include each entity's links in json/jsonl output")
    out.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    out.add_argument("--verbose", "-v", action="store_true", help="log requests to stderr (never secrets)")
    out.add_argument("--em-version", metavar="V", help="Enterprise Manager version to check the query against")
    from .run_fleet import add_fleet_arguments

    add_fleet_arguments(parser)


_nonneg = whole_number(0)
_positive = whole_number(1)


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


class _StderrLog(logging.Handler):
    """``-v``: fel's log records on the current ``sys.stderr`` (requests, retries; never secrets)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(f"fel: {record.name}: {record.getMessage()}", file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never end the run
            self.handleError(record)


def run(args: argparse.Namespace) -> int:
    if not args.verbose:
        return _run(args)
    logger = logging.getLogger("fel")
    handler, level = _StderrLog(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        return _run(args)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _run(args: argparse.Namespace) -> int:
    import fel
    from fel.client.errors import ClientError, redact
    from fel.diagnostics import FelError, Severity, render_text

    try:
        text = read_text_arg(args.text)
    except OSError as exc:
        _error(f"cannot read the query: {exc}")
        return 2
    diags = fel.check(text, type=args.type, em_version=args.em_version)
    shown = [d for d in diags if d.severity is not Severity.INFO]
    if shown:
        print(render_text(shown, text, color=use_color(sys.stderr)), file=sys.stderr)
    if any(d.severity is Severity.ERROR for d in diags):
        return 1
    try:
        from .run_fleet import run_fleet, wants_fleet

        if wants_fleet(args):
            return run_fleet(args, text)
        if args.offline:
            return _run_offline(args, text)
        return _run_live(args, text)
    except FelError as exc:
        print(render_text(exc.diagnostics, text, color=use_color(sys.stderr)), file=sys.stderr)
        return 1
    except ClientError as exc:
        _error(str(exc))
        return exc.exit_code
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        _error(redact(f"{exc}"))
        return 3


def _writer(args: argparse.Namespace, default_output: str | None) -> Any:
    from fel.client.output import make_writer

    return make_writer(sys.stdout, args.output or default_output or "table", args.fields, links=args.links)


def _run_offline(args: argparse.Namespace, text: str) -> int:
    import fel
    from fel.client.errors import ConfigError, DecodeError
    from fel.client.offline import EXIT_UNANSWERED, load_saved, run_offline

    compiled = fel.compile_query(text, type=args.type, em_version=args.em_version)
    _warn_unknown_fields(args, compiled.type)
    if args.page:  # as EM pages: the query's pageSize, else its default of 100
        compiled = dataclasses.replace(compiled, page=args.page, page_size=compiled.page_size or 100)
    try:
        page = load_saved(args.offline)
    except DecodeError as exc:  # a file that is no saved QueryResult is a usage error (2), not a server's (3)
        raise ConfigError(f"--offline {args.offline}: {exc}") from None
    result = run_offline(page.entities, compiled, limit=args.limit, source_format=page.format)
    writer = _writer(args, None)
    writer.write(result.entities)
    writer.close()
    for note in result.notes:
        _note(note)
    if result.missing_fields:
        return EXIT_UNANSWERED
    pages = -(-result.matched // compiled.page_size) if compiled.page_size else 1
    return _page_past_the_end(args, compiled, writer.count, pages)


def _warn_unknown_fields(args: argparse.Namespace, type_name: str) -> None:
    """Say which ``--fields`` entities of the type cannot carry (their columns stay empty)."""
    if not args.fields:
        return
    from fel.client.output import unknown_columns

    names = [f.strip() for f in args.fields.split(",") if f.strip()]
    for name, close in unknown_columns(type_name, names):
        hint = f" — did you mean {' or '.join(close)}?" if close else f" (fel schema {type_name} lists them)"
        _note(f"warning: --fields: {name} is not a field of {type_name}; its column stays empty{hint}")


def _page_past_the_end(args: argparse.Namespace, compiled: Any, shown: int, pages: int | None) -> int:
    """0, or — when the page asked for (``--page N`` or ``page N``) lies past the last page
    and nothing was shown — say so and return 2 (``--page``) or 1 (the query's ``page``)."""
    asked = args.page or compiled.page
    if not asked or shown or pages is None or asked <= max(pages, 1):
        return 0
    where = f"--page {asked}" if args.page else f"page {asked} of the query"
    _error(f"{where} is past the end: the result has {pages} page{'s' if pages != 1 else ''}"
           + (f" of {compiled.page_size}" if compiled.page_size else ""))
    return 2 if args.page else 1


def _run_live(args: argparse.Namespace, text: str) -> int:
    import fel
    from fel.client.config import load_profile

    profile = load_profile(args.profile[0] if args.profile else None, path=args.config)
    client, base = client_from_args(args, profile, args.url or profile.url or _url_of(text, args.type), PROG)
    try:
        compiled = fel.compile_query(text, base=base, type=args.type, em_version=args.em_version)
    except BaseException:
        client.close()
        raise
    _warn_unknown_fields(args, compiled.type)
    em_format = compiled.format or args.em_format or profile.format  # none named: the client asks for Entities
    progress = _Progress(enabled=not args.no_progress and sys.stderr.isatty())
    writer = _writer(args, profile.output)
    try:
        stream = client.query(compiled, limit=args.limit, all=args.all, page=args.page,
                              format=em_format, on_page=progress.update, warn=False)
        for page in stream.pages():
            progress.clear()
            remaining = None if args.limit is None else args.limit - writer.count
            batch = page.entities if remaining is None else page.entities[:max(0, remaining)]
            stream.entities_yielded += len(batch)
            writer.write(batch)
            progress.redraw()
        progress.clear()
        writer.close()
    finally:
        progress.clear()
        client.close()
    if stream.capped:
        total = f" of the {stream.pages_count} the server claims" if stream.pages_count else ""
        _note(f"warning: stopped after {stream.pages_fetched} pages{total}: the page cap is {stream.max_pages}"
              " (--max-pages N raises it; 0 for no cap)")
    elif stream.truncated:
        _note("warning: the query has no pageSize, so Enterprise Manager returned only its first page"
              f" of 100 (of {stream.pages_count} pages); use --all, --limit N or a pageSize")
    elif stream.more and not args.all and args.limit is None:
        total = f" of {stream.pages_count}" if stream.pages_count else ""
        _note(f"page {stream.last_page.page_num if stream.last_page else 1}{total}; more pages exist (--all fetches them)")
    code = _page_past_the_end(args, compiled, writer.count, stream.pages_count)
    if code == 0 and writer.count == 0:  # never a silent empty answer (a table of no rows prints nothing)
        _note(f"no {compiled.type} matches the query (0 rows)")
    return code


def _url_of(text: str, type_: str | None) -> str | None:
    """The server of a TEXT that is a full EM URL (used when no --url or profile names one)."""
    import fel

    try:
        return fel.parse(text, type=type_).base
    except Exception:  # noqa: BLE001 - the checker has already reported problems
        return None


class _Progress(StatusLine):
    """A one-line progress bar on stderr for multi-page fetches (only on a terminal)."""

    def update(self, stream: Any, page: Any) -> None:
        if not self.enabled or not page.pages_count or page.pages_count < 2 or stream.single:
            return
        done = page.page_num or stream.pages_fetched
        total = page.pages_count
        width = 30
        filled = int(width * done / total) if total else 0
        self.text = f"[{'#' * filled}{'.' * (width - filled)}] page {done}/{total}"

    def redraw(self) -> None:
        self.draw()
