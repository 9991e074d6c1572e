"""``fel lsp``: the language server, over stdio (see docs/editors.md).

Exit codes: 0 after the client's ``exit`` notification (or end of input), 2 usage errors.
"""
from __future__ import annotations

import argparse

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Language server for EM queries in scripts: fel lint's diagnostics, quick fixes, "
                          "completion and hover, over stdin/stdout (Language Server Protocol).")
    parser.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default and only transport)")
    parser.add_argument("--debounce", type=float, default=0.3, metavar="SECONDS",
                        help="pause after an edit before the document is linted again (default: 0.3)")
    parser.add_argument("--log-file", metavar="PATH", help="write the server's log here (never to stdout)")


def run(args: argparse.Namespace) -> int:
    import logging
    import sys

    if args.debounce < 0:
        print("fel lsp: error: --debounce must be 0 or more seconds", file=sys.stderr)
        return 2
    if args.log_file:
        try:
            logging.basicConfig(filename=args.log_file, level=logging.INFO)
        except OSError as err:
            print(f"fel lsp: error: cannot write the log file {args.log_file}: {err.strerror}", file=sys.stderr)
            return 2
    from fel.lsp.server import serve_stdio

    serve_stdio(args.debounce)
    return 0
