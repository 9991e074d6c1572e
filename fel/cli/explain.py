"""``fel explain`` — input form, statement, canonical filter and URL side by side; ``--tree``
adds the syntax tree as the REPL's ``\\explain`` shows it (one renderer: :mod:`fel.outline`).

Exit codes: 0 no errors; 1 the query has errors; 2 a malformed ``--base``.
"""
from __future__ import annotations

import sys

from ._common import add_base_argument, add_input_arguments, read_text_arg, use_color


def configure(parser) -> None:
    add_input_arguments(parser)
    add_base_argument(parser)
    parser.add_argument("--tree", action="store_true", help="also print the syntax tree (as the REPL's \\explain)")


def run(args) -> int:
    from fel.api import explain
    from fel.baseurl import BaseURLError
    from fel.diagnostics import has_errors, render_text
    from fel.outline import explain_lines

    text = read_text_arg(args.text)
    try:
        info = explain(text, base=args.base, type=args.type)
    except BaseURLError as exc:
        print(f"fel explain: error: --base: {exc}", file=sys.stderr)
        return 2
    print("\n".join(explain_lines(info, tree=args.tree)))
    if info["diagnostics"]:
        print()
        print(render_text(info["diagnostics"], text, color=use_color(sys.stdout)))
    return 1 if has_errors(info["diagnostics"]) else 0
