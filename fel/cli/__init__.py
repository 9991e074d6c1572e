"""The ``fel`` command line: a thin dispatcher.

Each subcommand lives in its own module ``fel.cli.<name>`` exposing ``configure(parser)`` (add
arguments to an argparse sub-parser) and ``run(args) -> int`` (the exit code). Only the module
of the chosen subcommand is imported, so ``fel check`` never loads the REPL, the client or the
emulator.

Exit codes shared by every subcommand: 0 success, 1 findings/errors in the input, 2 usage or
configuration errors, 130 interrupted.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

__all__ = ["main", "COMMANDS"]

#: subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("fel.cli.check", "check a query, URL or filter and print diagnostics"),
    "compile": ("fel.cli.compile", "print the canonical /api/query URL of a query"),
    "schema": ("fel.cli.schema", "list query types, or one type's fields"),
    "explain": ("fel.cli.explain", "show the syntax tree, canonical filter and URL of a query"),
    "run": ("fel.cli.run", "run a query against Enterprise Manager and print the entities"),
    "lookup": ("fel.cli.lookup", "find a VM, host or other object by name with EM's lookup service"),
    "repl": ("fel.cli.repl", "interactive shell with autocomplete (--demo: embedded emulator)"),
    "serve": ("fel.cli.serve", "run the local Enterprise Manager emulator"),
    "lint": ("fel.cli.lint", "find mistakes in stored queries (files, directories or -)"),
    "rule": ("fel.cli.rule", "explain a diagnostic code, e.g. `fel rule FEL003`"),
    "lsp": ("fel.cli.lsp", "language server for editors: diagnostics, fixes, completion, hover (stdio)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and a one-line message (never a traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build(argv: Sequence[str]) -> tuple[argparse.ArgumentParser, str | None]:
    from fel import __version__

    parser = _Parser(prog="fel", description="fel — the query language of Veeam Backup Enterprise Manager.")
    parser.add_argument("--version", action="version", version=f"fel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).configure(sp)
    return parser, chosen if chosen in COMMANDS else None


def _tolerant_output() -> None:
    """Text a stream cannot encode is escaped (``\\udcff``), never a traceback: a byte that is
    not UTF-8 in argv arrives as a lone surrogate, and diagnostics quote the input (FEL014)."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


#: what people type for a password option that deliberately does not exist (argparse would take
#: ``--password``/``--pass`` as an abbreviation of ``--password-env`` and read the password as the
#: name of an environment variable — then echo it in "environment variable … is not set")
_PASSWORD_FLAGS = ("--password", "--passwd", "--pass", "--pw")


def _password_on_the_command_line(chosen: str | None, argv: Sequence[str]) -> bool:
    if chosen not in ("run", "lookup", "repl"):
        return False
    for arg in argv:
        if arg == "--":
            break
        if arg.split("=", 1)[0] in _PASSWORD_FLAGS:
            print(f"fel {chosen}: error: there is no --password option: a password on the command line is "
                  "visible to other users and lands in shell history; give --password-env VAR (an environment "
                  "variable that holds it), a profile's password_env or the keyring, or let fel prompt",
                  file=sys.stderr)
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, chosen = _build(argv)
    if _password_on_the_command_line(chosen, argv):
        return 2
    args = parser.parse_args(argv)
    if chosen is None or args.command is None:
        parser.print_help(sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[chosen][0])
    _tolerant_output()
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
