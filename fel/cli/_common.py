"""Helpers shared by the core subcommands (check, compile, explain)."""
from __future__ import annotations

import os
import sys

__all__ = ["read_text_arg", "use_color", "add_input_arguments"]


def add_input_arguments(parser) -> None:
    parser.add_argument("text", metavar="TEXT",
                        help="a fel statement, an EM URL or query string, or (with --type) a bare filter; - reads stdin")
    parser.add_argument("--type", "-t", dest="type", metavar="T", help="query type of a bare EM filter")


def add_base_argument(parser) -> None:
    """``--base``, as ``fel compile`` and ``fel explain`` take it."""
    parser.add_argument("--base", metavar="URL", default=None,
                        help="API base URL, normalised as fel run --url is (em → https://em:9398/api/); "
                             "default: the input URL's own, else https://localhost:9398/api/")


def read_text_arg(text: str) -> str:
    if text == "-":
        return sys.stdin.read().rstrip("\n")
    return text


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()
