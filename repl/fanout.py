"""Several Enterprise Managers in one REPL session.

``\\connect eu-1 us-1`` (two or more profile names) or ``\\connect 'eu-*'`` (any glob over
the profile names of the config file, ``\\connect *`` for all) opens a
:class:`fel.client.fleet.Fleet`: every server is logged on at once and keeps its session;
every query then runs on all of them in parallel (:meth:`Fleet.query`), and its rows are
:class:`fel.client.fanout.Row` objects, which the table shows with a ``profile`` first
column and JSON/CSV with a ``profile`` key. A server that fails (at ``\\connect`` or in a
query) gets one error line; the others' rows are shown. The toolbar says how many servers
hold a session: ``3 servers``, or ``2 of 3 servers`` when some are down. ``\\all`` draws
the one-line progress bar of :class:`fel.repl.results.Progress` on stderr with
:func:`fleet_status` (servers done and failed, rows so far); Ctrl-C stops the bar and the
fan-out for good.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

__all__ = ["FleetSession", "FleetConnection", "is_fleet_request", "open_fleet", "fleet_connector",
           "fleet_status"]


def fleet_status(result: Any, width: int = 30) -> str:
    """The progress line of a fan-out (a :class:`~fel.client.fanout.FleetResult`): a bar of
    servers done, then what ``fel run``'s fan-out status line says —
    ``[██████········] servers 2/5 done, 1 failed · 1,234 rows``."""
    total = result.server_count
    done = result.done
    failed = len(result.failures)
    filled = int(width * min(done, total) / total) if total else width
    bar = "█" * filled + "·" * (width - filled)
    return (f"[{bar}] servers {done}/{total} done" + (f", {failed} failed" if failed else "")
            + f" · {result.rows:,} rows")


def is_fleet_request(words: Sequence[str], *, config: Any = None) -> bool:
    """Whether ``\\connect`` arguments name several profiles: a glob among them, or two or
    more words that are all profile names of the config file (otherwise two words are a URL
    and a user). Words with a ``/`` (a URL) never fan out."""
    from fel.client.config import is_pattern, load_config
    from fel.client.errors import ConfigError

    if any("/" in w for w in words):  # a URL (and perhaps a password typed after it): never a fan-out
        return False
    if any(is_pattern(w) for w in words):
        return True
    if len(words) < 2:
        return False
    try:
        names = load_config(config).profiles
    except ConfigError:
        return False
    return all(w in names for w in words)


class FleetSession:
    """A :class:`~fel.client.fleet.Fleet` in the place of a client: ``query`` answers a
    :class:`~fel.client.fanout.FleetResult` (rows that name their profile, ``failures``)."""

    #: no single API root: URLs are shown with the default one.
    base = None

    def __init__(self, fleet: Any) -> None:
        self.fleet = fleet

    def query(self, compiled: Any, *, page: int | None = None, all: bool = False, limit: int | None = None,
              format: str | None = None, warn: bool = False, on_page: Any = None) -> Any:
        """The :class:`~fel.client.fanout.FleetResult`; with ``on_page`` (the ``\\all`` progress
        bar's ``update``) one whose iteration calls ``on_page(result, event)`` at each page and
        each server finished. ``warn`` is not used: a fan-out reports truncation per server."""
        result = self.fleet.query(compiled, page=page, all=all, limit=limit, format=format)
        return result if on_page is None else _Reported(result, on_page)

    def query_url(self, compiled: Any, **_: Any) -> str:
        return compiled.url()

    def server_urls(self, compiled: Any) -> list[tuple[str, str]]:
        """(profile, URL) of the request each server gets (``\\url``)."""
        return [(server.profile, compiled.url(server.url)) for server in self.fleet.servers]

    def logout(self) -> None:
        self.fleet.close()

    def close(self) -> None:
        self.fleet.close()


class _Reported:
    """A fan-out's result whose iteration reports every event to ``on_event(result, event)``
    before handing out its rows. When ``on_event`` raises — a progress bar closed by Ctrl-C
    does, at its next update — or the loop is left early, the workers stop (each after its
    current request). Everything else reads through to the result (``failures``, ``rows``…)."""

    def __init__(self, result: Any, on_event: Callable[[Any, Any], None]) -> None:
        self._result = result
        self._on_event = on_event

    def __iter__(self) -> Any:
        from fel.client.fanout import Batch

        events = self._result.events()
        try:
            for event in events:
                self._on_event(self._result, event)
                if isinstance(event, Batch):
                    yield from event.rows
        finally:
            events.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


class FleetConnection:
    """What :class:`fel.repl.app.Shell` holds as its connection when it fans out."""

    def __init__(self, fleet: Any, failures: Sequence[Any] = ()) -> None:
        self.client = FleetSession(fleet)
        self.fleet = fleet
        #: servers that could not be logged on at \\connect.
        self.failures = list(failures)
        self.closer: Callable[[], None] | None = None

    @property
    def label(self) -> str:
        """For the toolbar: how many servers hold a session."""
        total = len(self.fleet.servers)
        up = self.fleet.connected
        return f"{total} servers" if up == total else f"{up} of {total} servers"

    @property
    def summary(self) -> str:
        down = {f.profile for f in self.failures}
        names = [p for p in self.fleet.profiles if p not in down]
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        return f"{self.label} ({shown})" if shown else self.label

    def close(self) -> None:
        try:
            self.fleet.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def open_fleet(words: Sequence[str], *, password_prompt: Callable[[str], str] | None = None,
               interactive: bool | None = None, config: Any = None) -> FleetConnection:
    """``\\connect`` with several profiles: select the profiles ``words`` name (globs allowed),
    resolve their passwords (prompting when needed), and log on to all of them at once. Raises
    :class:`ConfigError` for a bad selection or profile, and :class:`ClientError` when no
    server could be logged on."""
    if interactive is None and password_prompt is not None:
        interactive = True
    return fleet_connector(words, password_prompt=password_prompt, interactive=interactive, config=config)()


def fleet_connector(patterns: Sequence[str], *, user: str | None = None, password_env: str | None = None,
                    password_prompt: Callable[[str], str] | None = None, interactive: bool | None = None,
                    config: Any = None) -> Callable[[], FleetConnection]:
    """Select the profiles and resolve their passwords now (a bad selection or profile raises
    :class:`ConfigError`); the function returned logs on to all of them at once — in the
    background for ``fel repl --profile 'eu-*'`` — and fails only when none answers."""
    from fel.client.errors import ClientError
    from fel.client.fleet import Fleet

    fleet = Fleet.from_profiles(list(patterns), config=config, user=user, password_env=password_env,
                                prompt=password_prompt, interactive=interactive, keep_sessions=True)

    def connect() -> FleetConnection:
        failures = fleet.logon()
        if len(failures) == len(fleet.servers):
            fleet.close()
            raise ClientError(f"none of the {len(failures)} servers answered the logon: "
                              + "; ".join(str(f) for f in failures))
        return FleetConnection(fleet, failures)

    return connect
