"""``fel compile`` — print the canonical /api/query URL."""
from __future__ import annotations

import sys

from ._common import add_input_arguments, read_text_arg, use_color


def configure(parser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--base", metavar="URL", default=None,
                        help="API base URL (default: the input URL's own, else https://localhost:9398/api/)")
    parser.add_argument("--params", action="store_true", help="print the decoded parameters, one per line, instead")


def run(args) -> int:
    from fel.api import compile_query
    from fel.diagnostics import FelError, render_text

    text = read_text_arg(args.text)
    try:
        compiled = compile_query(text, base=args.base, type=args.type)
    except FelError as err:
        print(render_text(err.diagnostics, text, color=use_color(sys.stderr)), file=sys.stderr)
        return 1
    if args.params:
        for name, value in compiled.params:
            print(f"{name}\t{value}")
    else:
        print(compiled.url(args.base))
    return 0
