"""What the subcommands that talk to a server share: the connection options, one way from them
(and the profile) to a :class:`fel.client.Client`, and a one-line status display on stderr.

``fel run`` and ``fel lookup`` take the same connection options and build their client here, so
a profile's ``retries``, ``deadline``, ``timeout``, ``ca_bundle`` and ``wire`` mean the same in
both; ``fel run``'s fan-out shares the status line.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any

__all__ = ["add_connection_arguments", "client_from_args", "StatusLine", "whole_number", "finite_number", "seconds"]


def whole_number(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}")
        return value

    parse.__name__ = f"whole number >= {minimum}"
    return parse


def finite_number(noun: str = "number", *, above_zero: bool = False):
    """An argparse type: a finite ``noun`` (nan and inf refused), 0 or more, or above 0."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {noun}: {text!r}") from None
        if not value >= 0 or value == float("inf"):  # nan and inf too
            raise argparse.ArgumentTypeError(f"must be a finite {noun}, not negative")
        if above_zero and value == 0:
            raise argparse.ArgumentTypeError("must be above 0")
        return value

    parse.__name__ = noun
    return parse


#: An argparse type: a finite number of seconds, 0 or more.
seconds = finite_number("number of seconds")


def add_connection_arguments(parser: argparse.ArgumentParser, *, many_profiles: bool = False) -> Any:
    """The "connection" option group; ``many_profiles``: ``--profile`` repeats and takes globs."""
    conn = parser.add_argument_group("connection")
    if many_profiles:
        conn.add_argument("--profile", "-p", metavar="P", action="append",
                          help="profile of the config file ($FEL_PROFILE); repeat it or give a glob ('eu-*') to query"
                               " several servers at once")
    else:
        conn.add_argument("--profile", "-p", metavar="P", help="profile of the config file ($FEL_PROFILE)")
    conn.add_argument("--config", metavar="FILE", help="config file (default $XDG_CONFIG_HOME/fel/config.toml)")
    conn.add_argument("--url", metavar="URL", help="Enterprise Manager address, e.g. https://em:9398/api/")
    conn.add_argument("--user", "-u", metavar="U", help="user name, e.g. 'DOMAIN\\user'")
    conn.add_argument("--password-env", metavar="VAR",
                      help="environment variable holding the password (never pass a password on the command line)")
    conn.add_argument("--insecure", "-k", action="store_true", help="do not verify the TLS certificate (warns)")
    conn.add_argument("--ca-bundle", metavar="FILE", help="PEM file of CA certificates to trust")
    conn.add_argument("--timeout", type=finite_number("number of seconds", above_zero=True), metavar="S",
                      help="read timeout in seconds (default 60)")
    conn.add_argument("--retries", type=whole_number(0), metavar="N",
                      help="retries of a failed idempotent request (default 4; a hung server: at most 1); -v shows them")
    conn.add_argument("--deadline", type=seconds, metavar="S",
                      help="overall seconds for each request, retries and body included (default 300; 0: none)")
    conn.add_argument("--wire", choices=("xml", "json"), help="response format on the wire (default xml)")
    return conn


def client_from_args(args: argparse.Namespace, profile: Any, url: str | None, prog: str) -> tuple[Any, str]:
    """A client (not yet logged on) for ``url`` and the user of the options or the profile, with
    the options' and the profile's transport settings; and its normalised base URL. Raises
    :class:`fel.client.errors.ConfigError` (exit 2) for what is missing or wrong; the client's
    own warnings (``--insecure``) go to stderr."""
    from fel.client.config import resolve_password
    from fel.client.errors import ConfigError
    from fel.client.paging import DEFAULT_MAX_PAGES
    from fel.client.session import Client, normalize_base
    from fel.client.transport import DEFAULT_DEADLINE

    user = args.user or profile.user
    if not url:
        raise ConfigError("no server: give --url URL --user U, or --profile P (see docs/client.md)")
    if not user:
        raise ConfigError("no user name: give --user U or set user in the profile")
    base = normalize_base(url)
    password_env = args.password_env or profile.password_env
    ca_bundle = args.ca_bundle or profile.ca_bundle
    if ca_bundle and not os.path.isfile(ca_bundle):
        raise ConfigError(f"CA bundle {ca_bundle}: no such file (--ca-bundle or ca_bundle in the profile)")
    timeout = profile.timeout or (5.0, 60.0)
    if args.timeout is not None:
        timeout = (min(timeout[0], args.timeout), args.timeout)
    retries = args.retries if args.retries is not None else profile.retries if profile.retries is not None else 4
    deadline = args.deadline if args.deadline is not None else profile.deadline
    deadline = DEFAULT_DEADLINE if deadline is None else deadline or None  # 0: no deadline
    max_pages = getattr(args, "max_pages", None)

    def password() -> str:
        return resolve_password(user=user, base_url=base, password_env=password_env)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = Client(base, user, password, verify=not args.insecure and profile.verify, ca_bundle=ca_bundle,
                        timeout=timeout, wire=args.wire or profile.wire or "xml", retries=retries,
                        deadline=deadline, max_pages=DEFAULT_MAX_PAGES if max_pages is None else max_pages)
    for w in caught:
        print(f"{prog}: warning: {w.message}", file=sys.stderr)
    return client, base


class StatusLine:
    """One line of status on stderr, redrawn in place (only when ``enabled``: on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.text = ""
        self.shown = False

    def draw(self, text: str | None = None) -> None:
        """Show ``text`` (default: the current text), blanking what a longer old text leaves."""
        if not self.enabled:
            return
        if text is not None:
            pad = " " * max(0, len(self.text) - len(text)) if self.shown else ""
            self.text = text
        else:
            pad = ""
        if not self.text:
            return
        sys.stderr.write("\r" + self.text + pad)
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * len(self.text) + "\r")
            sys.stderr.flush()
            self.shown = False
