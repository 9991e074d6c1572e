"""Opening connections for the REPL: a profile, a URL and user, or the embedded demo emulator.

Passwords never come from argv: ``--password-env VAR`` (or a profile's ``password_env``), the
keyring, or an interactive prompt (:func:`fel.client.config.resolve_password`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

__all__ = ["Connection", "open_connection", "connect_from_args", "demo_connector", "label_for"]


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


def label_for(base: str, user: str | None, suffix: str = "") -> str:
    parts = urlsplit(base)
    host = parts.hostname or base
    port = f":{parts.port}" if parts.port else ""
    who = f"{user}@" if user else ""
    return f"{who}{host}{port}{suffix}"


def open_connection(*, url: str | None = None, user: str | None = None, profile: str | None = None,
                    password_env: str | None = None, password_prompt: Callable[[str], str] | None = None,
                    interactive: bool | None = None, logon: bool = True) -> Connection:
    """Resolve the profile and password now (prompting if needed); log on when ``logon``."""
    from fel.client import Client
    from fel.client.config import load_profile, resolve_password
    from fel.client.session import normalize_base

    prof = load_profile(profile) if (profile or not url) else None
    base = normalize_base(url or (prof.url if prof else None) or "")
    who = user or (prof.user if prof else None)
    if not who:
        from fel.client.errors import ConfigError

        raise ConfigError("no user name: give --user USER (or a profile with `user`)")
    if interactive is None and password_prompt is not None:
        interactive = True  # the caller knows how to ask (the REPL at a terminal)
    password = resolve_password(user=who, base_url=base,
                                password_env=password_env or (prof.password_env if prof else None),
                                interactive=interactive, prompt=password_prompt)
    options: dict[str, Any] = {}
    if prof is not None:
        options["verify"] = prof.verify
        if prof.ca_bundle:
            options["ca_bundle"] = prof.ca_bundle
        if prof.wire:
            options["wire"] = prof.wire
        if prof.timeout:
            options["timeout"] = prof.timeout
        if prof.retries is not None:
            options["retries"] = prof.retries
        if prof.deadline is not None:
            options["deadline"] = prof.deadline or None  # 0: no deadline
    client = Client(base, who, password=password, **options)
    if logon:
        client.logon()
    return Connection(client, label_for(base, who))


def connect_from_args(words: Sequence[str], *, password_prompt: Callable[[str], str] | None = None) -> Any:
    """``\\connect`` arguments: none (nothing to do), ``PROFILE``, ``URL USER``, or several
    profiles — names or globs — for a fan-out (:mod:`fel.repl.fanout`)."""
    if not words:
        return None
    from .fanout import is_fleet_request, open_fleet

    if is_fleet_request(words):
        return open_fleet(words, password_prompt=password_prompt)
    if len(words) == 1:
        return open_connection(profile=words[0], password_prompt=password_prompt)
    return open_connection(url=words[0], user=words[1], password_prompt=password_prompt)


def demo_connector(seed: int | None = None) -> Callable[[], Connection]:
    """A function that starts the embedded emulator on a free loopback port and logs on."""

    def connect() -> Connection:
        from fel.client import Client
        from fel.emulator import Emulator

        em = Emulator(seed=seed) if seed is not None else Emulator()
        em.start()
        try:
            user, password = _credentials(em)
            client = Client(em.url, user, password=password)
            client.logon()
        except BaseException:
            em.stop()
            raise
        return Connection(client, label_for(client.base, user, " (demo)"), closer=em.stop)

    return connect


def _credentials(em: Any) -> tuple[str, str]:
    creds = em.credentials
    if isinstance(creds, dict):
        return creds["user"], creds["password"]
    if hasattr(creds, "user"):
        return creds.user, creds.password
    user, password = creds
    return user, password
