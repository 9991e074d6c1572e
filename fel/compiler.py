"""The compiler: a checked query → canonical EM parameters and URL.

Lowering: fel's ``not``/``in`` become EM comparisons (De Morgan), time values (``now-24h``)
become absolute UTC instants at compile time (the clock is injectable), ``limit n`` becomes
``pageSize=n&page=1``. Canonicalisation: documented spelling of type, field, enum and format
names; booleans ``true``/``false``; DateTime quoted ``YYYY-MM-DDTHH:MM:SS[.f]Z``; values bare
when they match ``[A-Za-z0-9_.:-]+``; parentheses wherever ``;`` and ``,`` mix.

URL encoding: parameters in the order type, format, filter, sortAsc/sortDesc, pageSize, page;
every value percent-encoded with only ``A-Z a-z 0-9 - . _ ~`` left raw.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from .diagnostics import FelError, make
from .schema import Field, Kind, QueryType, load_schema
from .syntax.ast import And, Comparison, Expr, Membership, Not, Or, Query, Value
from .syntax.printer import lower, print_value
from .checker.values import (canonical_datetime, format_utc, parse_bool, parse_datetime, parse_time_expr,
                             resolve_time_expr)

#: HTTP.sys's default limit on the request line and headers together (MaxRequestBytes), less
#: what the client's headers take (FEL414, checked in :func:`fel.api.read_and_check`).
REQUEST_LINE_LIMIT = 16384 - 512
#: Compiled request-line characters per input character, at most: an `in` list of one-character
#: values repeats the field name (24 characters at most) per value; tests/core/test_compile_regressions.py
#: checks the figure against every field of the schema.
EXPANSION = 20
#: Input at most this long cannot compile past the limit: the request-line check skips it, and
#: the quick path (which has no request-line check) takes nothing longer.
SHORT_ENOUGH = (REQUEST_LINE_LIMIT - 64) // EXPANSION

__all__ = ["CompiledQuery", "compile_checked", "Clock", "DEFAULT_BASE", "encode_params", "canonical_filter",
           "REQUEST_LINE_LIMIT", "SHORT_ENOUGH"]

DEFAULT_BASE = "https://localhost:9398/api/"
_FORMATS = {"entities": "Entities", "references": "References"}


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A query ready to send: canonical, decoded parameter values and the URL built from them."""

    type: str
    format: str | None = None
    filter: str | None = None
    sort: tuple[str, bool] | None = None  # (field, descending)
    page_size: int | None = None
    page: int | None = None
    base: str = DEFAULT_BASE

    @property
    def params(self) -> list[tuple[str, str]]:
        out = [("type", self.type)]
        if self.format:
            out.append(("format", self.format))
        if self.filter is not None:
            out.append(("filter", self.filter))
        if self.sort is not None:
            out.append(("sortDesc" if self.sort[1] else "sortAsc", self.sort[0]))
        if self.page_size is not None:
            out.append(("pageSize", str(self.page_size)))
        if self.page is not None:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        """``encode_params(self.params)``, built directly (the names need no escaping, and
        the page numbers are digits)."""
        q = _quote
        out = "type=" + q(self.type)
        if self.format:
            out += "&format=" + q(self.format)
        if self.filter is not None:
            out += "&filter=" + q(self.filter)
        if self.sort is not None:
            out += ("&sortDesc=" if self.sort[1] else "&sortAsc=") + q(self.sort[0])
        if self.page_size is not None:
            out += "&pageSize=" + q(str(self.page_size))
        if self.page is not None:
            out += "&page=" + q(str(self.page))
        return out

    def url(self, base: str | None = None) -> str:
        b = base or self.base
        if not b.endswith("/"):
            b += "/"
        return f"{b}query?{self.query_string()}"

    def __str__(self) -> str:
        return self.url()


def encode_params(params: list[tuple[str, str]]) -> str:
    """``name=value`` pairs joined with ``&``; only unreserved characters left raw."""
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params)


#: Text made only of unreserved characters and these: ``quote`` escapes them one by one below.
_OTHER = re.compile(r'[^A-Za-z0-9_.~\-=;,()"<>!: ]').search
#: Text that ``quote`` leaves as it is (type names, field names, page numbers).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~\-]*").fullmatch


def _quote(text: str) -> str:
    """``quote(text, safe="")``; a filter's usual characters by plain replacement (2-3× faster)."""
    if _UNRESERVED(text) is not None:
        return text
    if _OTHER(text) is not None:  # anything else, non-ASCII included
        return quote(text, safe="")
    return (text.replace("=", "%3D").replace(";", "%3B").replace(",", "%2C").replace("(", "%28")
            .replace(")", "%29").replace('"', "%22").replace("<", "%3C").replace(">", "%3E").replace("!", "%21")
            .replace(":", "%3A").replace(" ", "%20"))


def _canonical_value(field: Field | None, value: Value, now: "datetime | Clock") -> tuple[Value, bool]:
    """(canonical value, must be quoted)."""
    if field is None:
        return value, False
    text = value.text
    if field.kind is Kind.DATETIME:
        if parse_time_expr(text) and not value.quoted:
            at = now() if isinstance(now, Clock) else now
            try:
                text = format_utc(resolve_time_expr(text, at))
            except ValueError as err:  # only with a clock far from today: the checker bounds offsets
                raise FelError([make("FEL213", value.span, str(err))]) from None
            return Value(text, value.span, quoted=True), True
        dt = parse_datetime(text)
        if dt is not None:
            return Value(canonical_datetime(dt), value.span, quoted=True), True
        return value, True
    if field.kind is Kind.ENUM:
        canon = field.canonical_enum(text)
        return (Value(canon, value.span) if canon else value), False
    if field.kind is Kind.BOOLEAN:
        b = parse_bool(text)
        return (Value("true" if b else "false", value.span) if b is not None else value), False
    if field.kind in (Kind.INTEGER, Kind.DECIMAL, Kind.UID):
        return Value(text.strip(), value.span), False
    return value, False


class Clock:
    """The compile-time clock: read at most once, and only if a time value (``now-24h``) needs
    it. ``read`` tells afterwards whether the result depends on the time of compilation."""

    __slots__ = ("_now",)

    def __init__(self) -> None:
        self._now: datetime | None = None

    def __call__(self) -> datetime:
        if self._now is None:
            self._now = datetime.now(timezone.utc)
        return self._now

    @property
    def read(self) -> bool:
        return self._now is not None


def canonical_filter(expr: Expr, qtype: QueryType | None, now: "datetime | Clock") -> str:
    """Lower and canonicalise a filter and print it in EM syntax.

    One pass over the tree, printing as :func:`~fel.syntax.printer.print_filter` prints the
    flattened, lowered tree: a chain is parenthesised only inside a chain of the other kind,
    same-kind nesting and one-operand chains are transparent, and ``not``/``in`` are lowered
    where they occur.
    """
    field_of = qtype.field if qtype is not None else None

    def emit(node: Expr, parent: type | None) -> str:
        if isinstance(node, Comparison):
            field = field_of(node.field.text) if field_of is not None else None
            value, force = _canonical_value(field, node.value, now)
            return f"{field.name if field else node.field.text}{node.op}{print_value(value, force)}"
        if isinstance(node, (And, Or)):
            operands = node.operands
            if len(operands) == 1:
                return emit(operands[0], parent)
            kind = And if isinstance(node, And) else Or
            text = (";" if kind is And else ",").join([emit(o, kind) for o in operands])
            return text if parent is None or parent is kind else "(" + text + ")"
        if isinstance(node, (Not, Membership)):
            return emit(lower(node), parent)  # fel's friendly layer
        raise TypeError(f"not a filter node: {node!r}")

    return emit(expr, None)


def compile_checked(query: Query, *, base: str | None = None, now: datetime | Clock | None = None) -> CompiledQuery:
    """Compile a query that has passed the checker without errors. ``now`` is the instant time
    values are resolved against; default: the current time, read only if needed (pass a
    :class:`Clock` to learn whether it was)."""
    schema = load_schema()
    qtype = schema.type(query.type.text.strip()) if query.type is not None else None
    if qtype is None:
        raise ValueError("compile_checked needs a query with a known type (run the checker first)")
    clock = now or Clock()
    fmt = _FORMATS.get(query.format.text.strip().lower()) if query.format is not None else None
    flt = canonical_filter(query.filter, qtype, clock) if query.filter is not None else None
    sort = None
    if query.sort is not None:
        field = qtype.field(query.sort.field.text.strip())
        sort = (field.name if field else query.sort.field.text, query.sort.descending)
    page_size = query.page_size.value if query.page_size is not None else None
    page = query.page.value if query.page is not None else None
    if query.origin == "statement" and page_size is not None and page is None:
        page = 1
    return CompiledQuery(qtype.name, fmt, flt, sort, page_size, page, base or _input_base(query.base))


_ABSOLUTE = re.compile(r"^(https?://[^/?#]+)(/.*)?$", re.IGNORECASE | re.ASCII | re.DOTALL)


def _input_base(base: str | None) -> str:
    """The base of a full input URL (``https://em:9398/api/``, doubled slashes folded); the
    default for relative input (``/api/query?…``, ``query?…``) and statements."""
    m = _ABSOLUTE.match(base or "")
    if m is None:
        return DEFAULT_BASE
    path = re.sub(r"/{2,}", "/", m.group(2) or "/")
    return m.group(1) + path
