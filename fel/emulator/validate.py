"""What the emulator rejects with ``400 Bad Request`` — EM-level errors only.

EM does not document its answers to a bad filter, an unknown type or field;
fel decides: 400 with an Error body whose Message names the problem. Only what a real server
cannot run is rejected: syntax errors, fel-only syntax (``and``, ``not``, ``in``, ``=``),
unknown types and fields, values that do not fit their field, bad ``format``, ``pageSize`` or
``page``. Things a real server runs anyway — a stray parameter after ``&``, curly quotes,
unquoted spaces, repeated parameters — are accepted and behave as they would on EM.

When the core checker is available (``fel.check``), its error diagnostics of the EM-level codes
below supply the messages, so the emulator and ``fel check`` say the same thing.
"""
from __future__ import annotations

from ..schema import QueryType, load_schema
from ..syntax.ast import And, Comparison, Expr, Membership, Not, Or, walk
from ..syntax.parser import SyntaxProblem, parse_filter

__all__ = ["QueryProblem", "validate_params", "parse_em_filter", "EM_LEVEL_CODES", "checker_validator"]

#: Diagnostic codes (fel.codes) that a real EM answers with an error.
EM_LEVEL_CODES = frozenset({
    "FEL001", "FEL004", "FEL005", "FEL007", "FEL008", "FEL009", "FEL011",
    "FEL101", "FEL102", "FEL103",
    "FEL201", "FEL203", "FEL206", "FEL207", "FEL208",
    "FEL303", "FEL304", "FEL305",
})
_FORMATS = {"references": "references", "entities": "entities"}


def _RESTRICTED(ch: str) -> bool:
    """A character HTTP.sys refuses hex-escaped in a URL by default: U+0000–U+001F, U+007F–U+009F."""
    return ch < " " or "\x7f" <= ch <= "\x9f"


class QueryProblem(Exception):
    """A query EM would refuse: ``status`` (400) and a message for the Error body."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _positive(name: str, text: str, minimum: int) -> int:
    t = text.strip()
    if not (t.isascii() and t.isdigit()) or int(t) < minimum:  # EM's numbers are ASCII digits ("٥" is not 5)
        raise QueryProblem(f"{name} must be a whole number from {minimum}, not '{text}'")
    return int(t)


def validate_params(chosen: dict[str, str], default_page_size: int) -> tuple[QueryType, str, int, int]:
    """(query type, format, pageSize, page) from the chosen parameters, or QueryProblem."""
    raw_type = chosen.get("type")
    if raw_type is None or not raw_type.strip():
        raise QueryProblem("the query has no type; add type=<QueryType>, e.g. type=BackupJobSession")
    qtype = load_schema().type(raw_type.strip())
    if qtype is None:
        from ..schema import suggest

        hint = suggest(raw_type.strip(), load_schema().type_names)
        raise QueryProblem(f"'{raw_type}' is not a query type" + (f"; did you mean {' or '.join(hint)}?" if hint else ""))
    fmt = _FORMATS.get((chosen.get("format") or "References").strip().lower())
    if fmt is None:
        raise QueryProblem(f"format must be Entities or References, not '{chosen['format']}'")
    size = _positive("pageSize", chosen["pageSize"], 1) if "pageSize" in chosen else default_page_size
    page = _positive("page", chosen["page"], 1) if "page" in chosen else 1
    return qtype, fmt, size, page


def parse_em_filter(text: str) -> Expr:
    """Parse an EM filter and refuse what only fel's friendly layer understands."""
    try:
        expr = parse_filter(text)
    except SyntaxProblem as exc:
        diags = exc.diagnostics
        message = diags[0].message if diags else "the filter is not valid EM syntax"
        raise QueryProblem(f"filter syntax error: {message}") from None
    for node in walk(expr):
        if isinstance(node, (Not, Membership)):
            raise QueryProblem("filter syntax error: 'not' and 'in' are fel syntax, not EM filter syntax")
        if isinstance(node, (And, Or)):
            for sep in node.seps:
                if sep.text not in (";", ","):
                    raise QueryProblem(f"filter syntax error: '{sep.text}' is not an EM separator; "
                                       "use ';' for AND and ',' for OR")
        if isinstance(node, Comparison) and node.op == "=":
            raise QueryProblem(f"filter syntax error: '=' is not an EM comparison; use '==' "
                               f"({node.field.text}=={node.value.text})")
    return expr


def checker_validator():
    """A validator using the core checker (:func:`fel.check`), or None when it is unavailable.

    The checker sees the parameters exactly as the emulator decoded them (re-encoded with
    ``%XX`` only, so ``+`` and ``%`` cannot be read twice); the first error of an EM-level
    code becomes the QueryProblem.
    """
    try:
        from ..api import check
    except ImportError:  # pragma: no cover - the core ships with fel
        return None
    from urllib.parse import quote

    def validate(raw_query: str, params: list[tuple[str, str]]) -> None:
        for name, value in params:
            if any(_RESTRICTED(ch) for ch in name + value):
                # EM sits on HTTP.sys, which refuses escapes of control characters by default
                # (AllowRestrictedChars = 0) before EM sees the request (FEL214 warns of it).
                raise QueryProblem("Bad Request - Invalid URL: a control character (%00-%1F, %7F-%9F) in "
                                   f"parameter '{name}'")
        text = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" if n else quote(v, safe="")
                        for n, v in params)
        for diag in check("query?" + text):
            if diag.is_error and diag.code in EM_LEVEL_CODES:
                prefix = "invalid filter: " if diag.code.startswith("FEL0") else ""
                raise QueryProblem(prefix + diag.message + (f" ({diag.hint})" if diag.hint else ""))
    return validate
