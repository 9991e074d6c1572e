"""``fel repl``: choose the connection, then run the prompt (or read lines from a pipe)."""
from __future__ import annotations

import sys
from typing import Any, TextIO

from .app import Shell

__all__ = ["main", "run_batch"]


def run_batch(shell: Shell, stream: TextIO) -> int:
    """Execute the lines of a non-terminal stdin (continuation rules as at the prompt).

    Exit code 1 when any line was invalid or any error was shown (a failed connection or
    query), else 0."""
    from .multiline import continues

    buffer = ""
    status = 0
    try:
        for raw in stream:
            buffer += raw
            if continues(buffer):
                continue
            line, buffer = buffer, ""
            if not shell.execute(line):
                break
            if shell.retry_text is not None:
                shell.retry_text = None
                status = 1
        if buffer.strip():
            shell.execute(buffer)
    finally:
        shell.close()
    return 1 if status or shell.error_count else 0


def main(args: Any) -> int:
    """Run the REPL for parsed ``fel repl`` arguments. Exit code 0, or 2 on a usage error.

    ``--profile`` is repeatable, as for ``fel run``: more than one, or any glob, selects
    several servers and the session fans out (with ``--url``: a usage error)."""
    from .connect import demo_connector, open_connection

    connector = None
    connection = None
    if args.demo:
        if args.url or args.profile:
            print("fel repl: --demo starts its own emulator; leave out --url/--profile", file=sys.stderr)
            return 2
        connector = demo_connector(args.seed)
    elif args.url or args.profile or args.user:
        if args.user and not (args.url or args.profile):
            print("fel repl: --user needs --url (or a --profile)", file=sys.stderr)
            return 2
        # Resolve the password now (it may be prompted for), log on in the background.
        from fel.client.config import is_pattern
        from fel.client.errors import ClientError

        profiles = _profiles(args.profile)
        several = len(profiles) > 1 or any(is_pattern(p) for p in profiles)  # as `fel run`: a fan-out
        if several and args.url:
            print("fel repl: --url names one server; with several profiles each profile names its own"
                  " (drop --url)", file=sys.stderr)
            return 2
        if several:
            from .fanout import fleet_connector

            try:
                connector = fleet_connector(profiles, user=args.user, password_env=args.password_env)
            except ClientError as exc:
                print(f"fel repl: {exc}", file=sys.stderr)
                return 2
        else:
            try:
                conn = open_connection(url=args.url, user=args.user, profile=profiles[0] if profiles else None,
                                       password_env=args.password_env, logon=False)
            except ClientError as exc:
                print(f"fel repl: {exc}", file=sys.stderr)
                return 2

            def connector():
                conn.client.logon()
                return conn
    shell = Shell(connection=connection, connector=connector,
                  password_prompt=_password_prompt if sys.stdin.isatty() else None)
    if not sys.stdin.isatty():
        return run_batch(shell, sys.stdin)
    from .session import build_session, run_loop

    session = build_session(shell)
    if not args.demo and connector is None:
        shell.info("not connected: \\connect PROFILE, \\connect URL USER, or run `fel repl --demo`."
                   " Completion, checking and \\url work offline.")
    return run_loop(shell, session)


def _profiles(given: Any) -> list[str]:
    """The ``--profile`` values (repeatable, each a name or a glob), in order."""
    if not given:
        return []
    return [given] if isinstance(given, str) else list(given)


def _password_prompt(message: str) -> str:
    import getpass

    return getpass.getpass(message)
