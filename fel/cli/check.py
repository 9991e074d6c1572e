"""``fel check`` — diagnostics for a query, URL or filter."""
from __future__ import annotations

import sys

from ._common import add_input_arguments, read_text_arg, use_color


def configure(parser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--em-version", metavar="V", help="Enterprise Manager version to check against (e.g. 9.5u4, 12, 13.1)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args) -> int:
    from fel.api import check
    from fel.diagnostics import has_errors, render_text, to_json
    from fel.schema import parse_version

    if args.em_version is not None:
        try:
            parse_version(args.em_version)
        except ValueError as err:
            print(f"fel check: error: --em-version: {err}", file=sys.stderr)
            return 2
    text = read_text_arg(args.text)
    diags = check(text, type=args.type, em_version=args.em_version)
    if args.format == "json":
        print(to_json(diags, text))
    elif diags:
        print(render_text(diags, text, color=use_color(sys.stdout)))
        counts = {s: sum(1 for d in diags if d.severity.value == s) for s in ("error", "warning", "info")}
        print(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n), file=sys.stderr)
    else:
        print("All checks passed.")  # as `fel lint` says it: the input was read and nothing was found
    return 1 if has_errors(diags) else 0
