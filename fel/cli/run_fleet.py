"""``fel run`` across several Enterprise Managers (fan-out), called from :mod:`fel.cli.run`.

Chosen by ``--all-profiles``, more than one ``--profile``, or a ``--profile`` glob
(``'eu-*'``; also a glob in ``$FEL_PROFILE`` when no ``--profile`` or ``--url`` is given). The query has been checked by then; it is compiled once here, the profiles and
passwords are resolved (a bad profile: exit 2, before any request), and the servers are
queried in a bounded pool (:class:`fel.client.fleet.Fleet`). Rows are printed as each
server's pages arrive, each naming its profile; a server that fails gets one line on stderr.

Exit codes: 0 every server answered; 3 any server failed (its line on stderr says why; the
rows of the others are printed); 2 usage or configuration; 1 the query has errors.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from typing import Any

from .connection import StatusLine, whole_number

__all__ = ["add_fleet_arguments", "wants_fleet", "run_fleet"]

PROG = "fel run"


_parallel = whole_number(1)


def add_fleet_arguments(parser: argparse.ArgumentParser) -> None:
    from fel.client.fleet import DEFAULT_PARALLEL

    group = parser.add_argument_group("several servers (fan-out; see docs/fanout.md)")
    group.add_argument("--all-profiles", action="store_true", help="query every profile of the config file")
    group.add_argument("--parallel", type=_parallel, metavar="N",
                       help=f"servers queried at once (default {DEFAULT_PARALLEL})")
    group.add_argument("--merge-sort", action="store_true",
                       help="merge the servers' sorted rows into one order (needs `order by`); without it rows"
                            " of different servers interleave as they arrive")


def _patterns(args: argparse.Namespace) -> list[str]:
    """The --profile values, else a glob in $FEL_PROFILE (when no --url names a server)."""
    import os

    from fel.client.config import is_pattern

    given = list(getattr(args, "profile", None) or [])
    env = os.environ.get("FEL_PROFILE")
    if not given and env and is_pattern(env) and not getattr(args, "url", None):
        return [env]
    return given


def wants_fleet(args: argparse.Namespace) -> bool:
    """Several servers: --all-profiles, --profile given more than once, or a glob (also in
    $FEL_PROFILE)."""
    from fel.client.config import is_pattern

    profiles = _patterns(args)
    return bool(getattr(args, "all_profiles", False) or len(profiles) > 1 or any(is_pattern(p) for p in profiles))


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _names(profiles: list[str], most: int = 8) -> str:
    shown = ", ".join(profiles[:most])
    return shown + (f" and {len(profiles) - most} more" if len(profiles) > most else "")


def run_fleet(args: argparse.Namespace, text: str) -> int:
    import dataclasses

    import fel
    from fel.client.fanout import Batch
    from fel.client.fleet import DEFAULT_PARALLEL, Fleet, servers_from_profiles
    from fel.client.config import select_profiles
    from fel.client.fleet_output import make_fleet_writer
    from fel.client.transport import InsecureConnectionWarning

    if args.url:
        _error("--url names one server; with several profiles each profile names its own (drop --url)")
        return 2
    if args.offline:
        _error("--offline reads one saved file; it does not combine with several profiles")
        return 2
    compiled = fel.compile_query(text, type=args.type, em_version=args.em_version)
    if args.merge_sort and compiled.sort is None:
        _error("--merge-sort merges sorted rows: the query needs `order by FIELD` (or sortAsc/sortDesc)")
        return 2
    profiles = select_profiles(_patterns(args), all_profiles=args.all_profiles, path=args.config)
    servers = servers_from_profiles(profiles, user=args.user, password_env=args.password_env,
                                    verify=False if args.insecure else None, ca_bundle=args.ca_bundle,
                                    wire=args.wire, retries=getattr(args, "retries", None))
    servers = [dataclasses.replace(s, options=_options(args, dict(s.options))) for s in servers]
    insecure = [s.profile for s in servers if s.options.get("verify") is False and not s.options.get("ca_bundle")]
    if insecure:
        _note(f"warning: TLS certificates are not verified for {_names(insecure)}")
    fleet = Fleet(servers, parallel=args.parallel or DEFAULT_PARALLEL)
    outputs = {p.output for p in profiles}  # the profiles' own default, when they agree
    default_output = outputs.pop() if len(outputs) == 1 else None
    writer = make_fleet_writer(sys.stdout, args.output or default_output or "table", args.fields, links=args.links)
    progress = _FleetProgress(len(servers), enabled=not args.no_progress and sys.stderr.isatty())
    result = fleet.query(compiled, all=args.all, limit=args.limit, page=args.page,
                         format=None if compiled.format else args.em_format, merge_sort=args.merge_sort)
    with fleet, result, warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureConnectionWarning)  # said once above, not from every thread
        try:
            for event in result.events():
                if isinstance(event, Batch):
                    progress.clear()
                    writer.write(event.rows)
                elif event.failure is not None:
                    progress.clear()
                    _error(str(event.failure))
                progress.show(result)
            progress.clear()
            writer.close()
        finally:
            progress.clear()
    _summary_notes(args, result)
    answered = [p for p in result.profiles if p in result.servers and result.servers[p].ok]
    if not result.rows and answered:  # never a silent empty answer (a table of no rows prints nothing)
        _note(f"no {compiled.type} matches the query on {_names(answered)} (0 rows)")
    return 3 if result.failures else 0


def _options(args: argparse.Namespace, options: dict) -> dict:
    """A server's client options with --timeout, --deadline and --max-pages applied as in a
    one-server ``fel run`` (0 means none for the last two)."""
    if args.timeout is not None:
        connect = tuple(options.get("timeout") or (5.0, 60.0))[0]
        options["timeout"] = (min(connect, args.timeout), args.timeout)
    if getattr(args, "deadline", None) is not None:
        options["deadline"] = args.deadline or None
    if getattr(args, "max_pages", None) is not None:
        options["max_pages"] = args.max_pages or None
    return options


def _summary_notes(args: argparse.Namespace, result: Any) -> None:
    servers = [result.servers[p] for p in result.profiles if p in result.servers]
    capped = [s.profile for s in servers if s.ok and s.capped]
    if capped:
        _note(f"warning: the page cap stopped the pages of {_names(capped)} (--max-pages N raises it; 0 for no cap)")
    cut = [s.profile for s in servers if s.ok and s.truncated and not s.capped]
    if cut:
        _note("warning: the query has no pageSize, so Enterprise Manager returned only its first page of 100 on "
              f"{_names(cut)}; use --all, --limit N or a pageSize")
    more = [s.profile for s in servers if s.ok and s.more and not s.truncated and not s.capped]
    if more and not args.all and args.limit is None:
        _note(f"more pages exist on {_names(more)} (--all fetches them)")


class _FleetProgress(StatusLine):
    """One line on stderr (only on a terminal): servers done and failed, rows so far."""

    def __init__(self, total: int, *, enabled: bool, interval: float = 0.1) -> None:
        super().__init__(enabled)
        self.total = total
        self.interval = interval
        self._last = 0.0

    def show(self, result: Any) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not self.text or now - self._last >= self.interval or result.done == self.total:
            self._last = now
            failed = len(result.failures)
            self.draw(f"servers {result.done}/{self.total} done" + (f", {failed} failed" if failed else "")
                      + f" · {result.rows:,} rows")
        elif not self.shown:
            self.draw()
