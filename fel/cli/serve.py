"""``fel serve``: run the local Enterprise Manager emulator until SIGINT or SIGTERM.

The first line of stdout is the API root URL (``http://127.0.0.1:9398/api/``), then one line
per accepted ``user:password``. Everything else goes to stderr. Exit codes: 0 after SIGINT or
SIGTERM, 2 for a usage error (a bad option, an unreadable or empty ``--users-file``, an address
it cannot listen on). Listening on anything but loopback warns on stderr.
"""
from __future__ import annotations

import argparse
import sys

from .connection import finite_number, whole_number

__all__ = ["configure", "run"]


def _user(text: str) -> tuple[str, str]:
    name, sep, password = text.partition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME:PASSWORD, got {text!r}")
    return name, password


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


_non_negative = finite_number()
_positive = finite_number(above_zero=True)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0-65535; 0 picks a free one)")
    return value


def _now(text: str):
    from fel.evaluate import parse_datetime

    value = parse_datetime(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not a UTC date/time like 2025-08-16T12:00:00Z: {text!r}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: loopback 127.0.0.1; any other address warns that "
                             "the credentials are reachable from the network)")
    parser.add_argument("--port", type=_port, default=9398, help="port (default 9398; 0 picks a free port)")
    parser.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    parser.add_argument("--scale", type=_positive, default=1.0,
                        help="dataset size factor (default 1: ~60 jobs, ~3,400 job sessions; 35: >100k sessions)")
    parser.add_argument("--now", type=_now, default=None,
                        help="the dataset's 'now' in UTC (default: the current hour); fixes every timestamp")
    parser.add_argument("--user", action="append", type=_user, metavar="NAME:PASSWORD", default=None,
                        help="accept these credentials (repeatable; default demo:demo). They are test "
                             "credentials: argv is visible to other local users, use --users-file otherwise")
    parser.add_argument("--users-file", metavar="PATH", help="read NAME:PASSWORD lines from a file")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a self-signed certificate made at start-up")
    parser.add_argument("--json-case", choices=("pascal", "camel"), default="pascal",
                        help="JSON keys as 12.x (PascalCase, default) or 13.x (camelCase)")
    parser.add_argument("--link-style", choices=("v13", "v12"), default="v13",
                        help="PagingInfo link encoding: v13 (%%3D, raw ;) or v12 (%%3d, +)")
    parser.add_argument("--bom", action="store_true", help="start every body with a UTF-8 BOM")
    parser.add_argument("--latency", type=_non_negative, default=0.0, metavar="MS",
                        help="add this many milliseconds to every query/resource answer")
    parser.add_argument("--error-rate", type=_rate, default=0.0, metavar="P",
                        help="fail this share of query/resource requests (503 or dropped connection)")
    parser.add_argument("--session-idle", type=_positive, default=900.0, metavar="S",
                        help="seconds before an idle session expires (default 900, as EM)")
    parser.add_argument("--access-log", action="store_true", help="print one line per request to stderr")
    parser.add_argument("--max-connections", type=whole_number(1), default=128, metavar="N",
                        help="connections served at once (default 128); past it the longest-idle one is closed")
    parser.add_argument("--idle-timeout", type=_positive, default=30.0, metavar="S",
                        help="close a connection idle this many seconds (default 30)")


class UsageError(ValueError):
    """A problem with what ``fel serve`` was given: one line for stderr, exit code 2."""


def _read_users_file(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise UsageError(f"cannot read --users-file {path}: {reason}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read --users-file {path}: not UTF-8 text") from None
    users: dict[str, str] = {}
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            name, password = _user(line)
        except argparse.ArgumentTypeError:
            raise UsageError(f"--users-file {path}:{n}: expected NAME:PASSWORD") from None
        users[name] = password
    if not users:
        raise UsageError(f"--users-file {path}: no NAME:PASSWORD line (the demo credentials are not used instead)")
    return users


def _users(args: argparse.Namespace) -> dict[str, str] | None:
    users: dict[str, str] = _read_users_file(args.users_file) if args.users_file else {}
    for name, password in args.user or ():
        users[name] = password
    return users or None


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (unresolvable: not loopback)."""
    import ipaddress
    import socket

    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from fel.emulator import Emulator

    try:
        users = _users(args)
    except UsageError as exc:
        print(f"fel serve: {exc}", file=sys.stderr)
        return 2
    log = (lambda line: print(line, file=sys.stderr, flush=True)) if args.access_log else None
    em = Emulator(host=args.host, port=args.port, seed=args.seed, scale=args.scale, now=args.now, users=users,
                  tls=args.tls, latency_ms=args.latency, error_rate=args.error_rate, access_log=log,
                  json_case=args.json_case, link_style=args.link_style, bom=args.bom,
                  session_idle=args.session_idle, max_connections=args.max_connections,
                  idle_timeout=args.idle_timeout)
    try:
        em.start()
    except (OSError, OverflowError) as exc:
        print(f"fel serve: cannot listen on {args.host}:{args.port}: {getattr(exc, 'strerror', None) or exc}",
              file=sys.stderr)
        return 2
    done = threading.Event()

    def _stop(signum, frame) -> None:  # noqa: ARG001
        done.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(em.url, flush=True)
        for name, password in em.settings.users.items():
            print(f"{name}:{password}", flush=True)
        if em.ca_file:
            print(f"fel serve: TLS with a self-signed certificate: {em.ca_file}", file=sys.stderr, flush=True)
        if not is_loopback(args.host):
            print(f"fel serve: warning: listening on {args.host}, not only on this machine: anyone who can reach "
                  "it can log on with the credentials above (demo:demo unless --user/--users-file), and "
                  + ("the traffic is encrypted with a self-signed certificate" if args.tls else
                     "passwords and session tokens cross the network unencrypted (no --tls)"),
                  file=sys.stderr, flush=True)
        print(f"fel serve: seed {args.seed}, scale {args.scale:g}, now {em.dataset.now:%Y-%m-%dT%H:%M:%SZ}; "
              "stop with Ctrl-C", file=sys.stderr, flush=True)
        while not done.wait(0.5):
            pass
    finally:
        em.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
