"""``fel explain`` — input form, statement, canonical filter and URL side by side."""
from __future__ import annotations

import sys

from ._common import add_input_arguments, read_text_arg, use_color


def configure(parser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--base", metavar="URL", default=None, help="API base URL")
    parser.add_argument("--tree", action="store_true", help="also print the syntax tree")


def run(args) -> int:
    from fel.api import explain
    from fel.diagnostics import has_errors, render_text

    text = read_text_arg(args.text)
    info = explain(text, base=args.base, type=args.type)
    print(f"input form : {info['form']}")
    if info.get("statement"):
        print(f"statement  : {info['statement']}")
    print(f"filter     : {info['filter'] if info['filter'] is not None else '(none)'}")
    print(f"url        : {info['url'] or '(not compiled: see diagnostics)'}")
    if args.tree and info["tree"] is not None:
        import pprint

        print("tree       :")
        print(pprint.pformat(info["tree"], width=100, indent=2))
    if info["diagnostics"]:
        print()
        print(render_text(info["diagnostics"], text, color=use_color(sys.stdout)))
    return 1 if has_errors(info["diagnostics"]) else 0
