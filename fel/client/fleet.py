"""Fan-out: one query across many Enterprise Managers.

::

    from fel.client import Fleet

    with Fleet.from_profiles(["eu-*", "us-1"]) as fleet:
        result = fleet.query("BackupJobSession where Result == Failed and CreationTime >= now-24h",
                             all=True)
        for profile, session in result:          # rows arrive as each server's pages do
            print(profile, session.name)
        for failure in result.failures:          # a server that was down is a value, not an exception
            print("failed:", failure)

A :class:`Fleet` is a list of :class:`Server` objects (a profile name, an address, a user, a
password source and :class:`~fel.client.Client` options), usually made from the profiles of
the config file, whose names may be given as shell-style globs
(:func:`fel.client.config.select_profiles`). :meth:`Fleet.query` compiles the query once —
so a bad query raises :class:`fel.FelError` before any request, and ``now-24h`` is the same
instant on every server — and returns a :class:`~fel.client.fanout.FleetResult` that runs the
servers in a bounded pool of ``parallel`` threads, each with its own client. Every row is a
:class:`~fel.client.fanout.Row`: ``(profile, entity)``. A server that is down, refuses the
logon, times out or answers an error ends as a :class:`~fel.client.fanout.ServerFailure` in
``result.failures``; the others go on.

``order by`` holds within each server's rows; rows of different servers interleave in the
order they arrive, unless ``merge_sort=True`` merges the sorted streams into one order (see
:mod:`fel.client.fanout` for what that costs in memory). ``limit``/``page`` apply per server.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import ConfigError
from .fanout import Batch, FleetResult, Row, ServerFailure, ServerResult, failure_of

__all__ = ["Server", "Fleet", "servers_from_profiles", "merge_key", "DEFAULT_PARALLEL",
           "Row", "Batch", "ServerFailure", "ServerResult", "FleetResult"]

#: servers queried at once when the caller names no number.
DEFAULT_PARALLEL = 16
_CLIENT_OPTIONS = ("verify", "ca_bundle", "timeout", "wire", "retries")


@dataclass(frozen=True)
class Server:
    """One Enterprise Manager of a fleet: ``profile`` names it in every row and message;
    ``options`` are keyword arguments of :class:`~fel.client.Client` (``verify``, ``timeout`` …);
    ``format`` the EM format asked for when neither the query nor the caller names one."""

    profile: str
    url: str
    user: str | None = None
    password: Any = field(default=None, repr=False)
    options: Mapping[str, Any] = field(default_factory=dict)
    format: str | None = None


def servers_from_profiles(profiles: Iterable[Any], *, user: str | None = None, password_env: str | None = None,
                          env: Mapping[str, str] | None = None, interactive: bool | None = None,
                          prompt: Callable[[str], str] | None = None, **options: Any) -> list[Server]:
    """A :class:`Server` per :class:`~fel.client.config.Profile`. ``user`` and
    ``password_env`` override every profile's; ``options`` (``verify``, ``ca_bundle``,
    ``timeout``, ``wire``, ``retries`` … given as not None) override theirs. Each password is resolved now,
    in order (environment variable, keyring, prompt): a profile without a URL, a user or a
    password source raises :class:`ConfigError` naming it, before any request."""
    from .config import resolve_password
    from .session import normalize_base

    servers = []
    for prof in profiles:
        name = prof.name or "?"
        try:
            if not prof.url:
                raise ConfigError("no url in the profile")
            base = normalize_base(prof.url)
            who = user or prof.user
            if not who:
                raise ConfigError("no user name: set user in the profile or give --user")
            password = resolve_password(user=who, base_url=base, password_env=password_env or prof.password_env,
                                        env=env, interactive=interactive, prompt=prompt)
        except ConfigError as exc:
            raise ConfigError(f"profile {name!r}: {exc.message}", hint=exc.hint) from None
        opts = {k: getattr(prof, k) for k in _CLIENT_OPTIONS if getattr(prof, k, None) is not None}
        if getattr(prof, "deadline", None) is not None:
            opts["deadline"] = prof.deadline or None  # 0: no deadline
        opts.update({k: v for k, v in options.items() if v is not None})
        servers.append(Server(name, base, who, password, opts, prof.format))
    return servers


def merge_key(compiled: Any) -> tuple[Callable[[Any], Any], bool]:
    """(key function over entities, descending) for merging streams sorted by the query's
    ``order by`` — the order :mod:`fel.evaluate` (and the emulator) sorts in. ValueError when
    the query has no ``order by``."""
    if getattr(compiled, "sort", None) is None:
        raise ValueError("merging sorted streams needs a query with `order by` (sortAsc/sortDesc)")
    from fel.evaluate import sort_key
    from fel.schema import load_schema

    name, descending = compiled.sort
    qtype = load_schema().type(compiled.type)
    fld = qtype.field(name) if qtype is not None else None
    if fld is None:
        raise ValueError(f"cannot sort by {name!r}: not a field of {compiled.type}")
    record_key = sort_key(fld, qtype)
    element, canonical = fld.element, fld.name

    def key(entity: Any) -> Any:
        value = entity.get(element) if element else None
        if value is None:
            value = entity.get(canonical)
        if isinstance(value, (dict, list)):
            value = None
        return record_key({canonical: value})

    return key, descending


class Fleet:
    """Several Enterprise Managers queried as one. ``keep_sessions``: keep each server's
    session between queries (the REPL does); otherwise every query logs on and, when the
    server is done, logs out. ``client_factory(server) -> Client`` replaces how clients are made.
    Kept sessions are reused by the next query, so run one query of a fleet at a time."""

    def __init__(self, servers: Iterable[Server], *, parallel: int = DEFAULT_PARALLEL, keep_sessions: bool = False,
                 client_factory: Callable[[Server], Any] | None = None) -> None:
        self.servers = list(servers)
        if not self.servers:
            raise ConfigError("a fleet needs at least one server")
        names = [s.profile for s in self.servers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ConfigError(f"two servers share the profile name {', '.join(map(repr, dupes))}")
        if parallel < 1:
            raise ConfigError("parallel must be at least 1")
        self.parallel = parallel
        self.keep_sessions = keep_sessions
        self._factory = client_factory or _make_client
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_profiles(cls, patterns: Sequence[str] = (), *, all_profiles: bool = False, config: Any = None,
                      env: Mapping[str, str] | None = None, user: str | None = None,
                      password_env: str | None = None, interactive: bool | None = None,
                      prompt: Callable[[str], str] | None = None, parallel: int = DEFAULT_PARALLEL,
                      keep_sessions: bool = False, **options: Any) -> "Fleet":
        """The profiles of the config file (``config``: its path) that ``patterns`` name —
        names or globs such as ``"eu-*"`` — or all of them; see :func:`servers_from_profiles`."""
        from .config import select_profiles

        profiles = select_profiles(patterns, all_profiles=all_profiles, path=config, env=env)
        servers = servers_from_profiles(profiles, user=user, password_env=password_env, env=env,
                                        interactive=interactive, prompt=prompt, **options)
        return cls(servers, parallel=parallel, keep_sessions=keep_sessions)

    def __repr__(self) -> str:
        return f"Fleet({[s.profile for s in self.servers]!r}, parallel={self.parallel})"

    @property
    def profiles(self) -> list[str]:
        return [s.profile for s in self.servers]

    @property
    def connected(self) -> int:
        """Servers with a session open now."""
        with self._lock:
            return sum(1 for c in self._clients.values() if getattr(c, "logged_on", False))

    # -- clients ---------------------------------------------------------------------------
    def _client(self, server: Server) -> Any:
        with self._lock:
            client = self._clients.get(server.profile)
            if client is None:
                client = self._clients[server.profile] = self._factory(server)
            return client

    def _release(self, server: Server, client: Any) -> None:
        if self.keep_sessions:
            return
        with self._lock:
            if self._clients.get(server.profile) is client:
                del self._clients[server.profile]
        client.close()

    # -- work ------------------------------------------------------------------------------
    def query(self, query: Any, *, all: bool = False, limit: int | None = None, page: int | None = None,
              type: str | None = None, format: str | None = None, em_version: str | None = None,
              merge_sort: bool = False) -> FleetResult:
        """Run ``query`` (fel text or a :class:`fel.CompiledQuery`) on every server; iterate the
        result for :class:`Row` objects. ``all``/``limit``/``page`` mean what they mean for
        :meth:`Client.query <fel.client.Client.query>`, per server. Raises
        :class:`fel.FelError` for a query with errors (before any request) and ValueError for
        ``merge_sort`` without ``order by``."""
        if all and limit is not None:
            raise ValueError("give either all=True or limit=N, not both")
        compiled = query
        if isinstance(query, str):
            import fel

            compiled = fel.compile_query(query, type=type, em_version=em_version)
        key, descending = merge_key(compiled) if merge_sort else (None, False)
        mode = dict(all=all, limit=limit, page=page, format=format)
        jobs = [(s.profile, _QueryJob(self, s, compiled, mode)) for s in self.servers]
        return FleetResult(jobs, parallel=self.parallel, merge_key=key, merge_reverse=descending)

    def logon(self) -> list[ServerFailure]:
        """Log on to every server at once (keeping the sessions needs ``keep_sessions``);
        the failures, as values."""
        jobs = [(s.profile, _LogonJob(self, s)) for s in self.servers]
        result = FleetResult(jobs, parallel=self.parallel)
        for _ in result.events():
            pass
        return list(result.failures)

    def close(self) -> None:
        """Log out of every open session (errors are logged, not raised)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> "Fleet":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _make_client(server: Server) -> Any:
    from .session import Client

    return Client(server.url, server.user, server.password, **dict(server.options))


class _QueryJob:
    """One server's share of a query (see :mod:`fel.client.fanout` for the protocol)."""

    def __init__(self, fleet: Fleet, server: Server, compiled: Any, mode: dict) -> None:
        self.fleet, self.server, self.compiled, self.mode = fleet, server, compiled, mode

    def __call__(self, emit: Callable[[Sequence[Any]], bool]) -> ServerResult:
        result = ServerResult(self.server.profile)
        limit = self.mode["limit"]
        client = None
        try:
            client = self.fleet._client(self.server)
            fmt = self.mode["format"] or (None if self.compiled.format else self.server.format)
            stream = client.query(self.compiled, limit=limit, all=self.mode["all"], page=self.mode["page"],
                                  format=fmt, warn=False)
            for pg in stream.pages():
                result.pages += 1
                batch = pg.entities if limit is None else pg.entities[:max(0, limit - result.rows)]
                stream.entities_yielded += len(batch)
                if batch and not emit(batch):
                    break
                result.rows += len(batch)
            result.pages_count, result.truncated, result.more = stream.pages_count, stream.truncated, stream.more
            result.capped = bool(getattr(stream, "capped", False))
        except Exception as exc:  # noqa: BLE001 - one server's failure is a value; the others go on
            result.failure = failure_of(self.server.profile, exc, result.rows)
        finally:
            if client is not None:
                self.fleet._release(self.server, client)
        return result


class _LogonJob:
    def __init__(self, fleet: Fleet, server: Server) -> None:
        self.fleet, self.server = fleet, server

    def __call__(self, emit: Callable[[Sequence[Any]], bool]) -> ServerResult:
        result = ServerResult(self.server.profile)
        try:
            client = self.fleet._client(self.server)
            if not client.logged_on:
                client.logon()
        except Exception as exc:  # noqa: BLE001 - reported as a value
            result.failure = failure_of(self.server.profile, exc)
        return result
