"""``fel compile`` — print the canonical /api/query URL (or its parameters).

Warnings (and errors) are shown on stderr, the URL on stdout. Exit codes: 0 compiled (perhaps
with warnings); 1 the query has errors; 2 a malformed ``--base``.
"""
from __future__ import annotations

import sys

from ._common import add_base_argument, add_input_arguments, read_text_arg, use_color


def configure(parser) -> None:
    add_input_arguments(parser)
    add_base_argument(parser)
    parser.add_argument("--params", action="store_true", help="print the decoded parameters, one per line, instead")


def run(args) -> int:
    from fel.api import check, compile_query
    from fel.baseurl import BaseURLError
    from fel.diagnostics import FelError, Severity, render_text

    text = read_text_arg(args.text)
    try:
        compiled = compile_query(text, base=args.base, type=args.type)
    except BaseURLError as exc:
        print(f"fel compile: error: --base: {exc}", file=sys.stderr)
        return 2
    except FelError as err:
        print(render_text(err.diagnostics, text, color=use_color(sys.stderr)), file=sys.stderr)
        return 1
    warnings = [d for d in check(text, type=args.type) if d.severity is Severity.WARNING]
    if warnings:
        print(render_text(warnings, text, color=use_color(sys.stderr)), file=sys.stderr)
    if args.params:
        for name, value in compiled.params:
            print(f"{name}\t{value}")
    else:
        print(compiled.url())
    return 0
