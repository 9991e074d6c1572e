"""``fel repl`` — the interactive shell (the code lives in :mod:`fel.repl`)."""
from __future__ import annotations


def configure(parser) -> None:
    parser.add_argument("--demo", action="store_true",
                        help="start the embedded Enterprise Manager emulator on a free loopback port and use it")
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="data seed of the --demo emulator")
    parser.add_argument("--profile", "-p", metavar="NAME", action="append",
                        help="connection profile from the config file; repeat it or give a glob ('eu-*') to connect"
                             " to every profile selected, and queries fan out")
    parser.add_argument("--url", metavar="URL", help="Enterprise Manager address, e.g. https://em:9398/api/")
    parser.add_argument("--user", "-u", metavar="USER", help="user name for the logon")
    parser.add_argument("--password-env", metavar="VAR",
                        help="environment variable holding the password (otherwise keyring or a prompt; never argv)")


def run(args) -> int:
    from fel.repl.main import main

    return main(args)
