"""Evaluate EM filters over records, in memory.

A *record* is a mapping from a query type's canonical field name (``"Result"``,
``"CreationTime"``) to a typed Python value: ``str`` for strings, enum values and UIDs,
``bool``, ``int``, ``float``, and timezone-aware ``datetime`` (naive datetimes are read as UTC;
ISO strings are accepted for DateTime fields too). ``None`` or a missing key means "no value".

:func:`compile_filter` turns a filter tree (:mod:`fel.syntax.ast`) into a predicate for one
query type; :func:`sort_key` gives the key for ``sortAsc``/``sortDesc``. The semantics are
those fel documents for Enterprise Manager (REFERENCE §2):

* field names and enum values match case-insensitively;
* enum fields compare by documented position (``Result>Success`` is Warning or Failed);
* DateTime compares in UTC; ``"2021-06-15"`` is midnight UTC; fractions and ``Z`` are accepted,
  and so (leniently) are a missing ``Z``, an offset, or a space instead of ``T``;
* booleans are ``true``/``false`` in any case; numbers compare numerically;
* strings compare case-insensitively by default (``case_sensitive=True`` to change that);
  an unquoted value of several words loses its spaces, as EM drops them;
* UID fields compare the GUID part case-insensitively, so ``urn:veeam:Job:<guid>`` matches a
  bare ``<guid>`` and vice versa;
* a record without a value matches only ``!=``.

Pure Python, no I/O; imports only :mod:`fel.syntax`, :mod:`fel.schema` and the value forms of
:mod:`fel.checker.values`.
"""
from __future__ import annotations

import operator
import re
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from .checker.values import is_decimal, is_integer
from .checker.values import parse_datetime as _parse_datetime
from .schema.model import Field, Kind, QueryType
from .span import NO_SPAN, Span
from .syntax.ast import And, Comparison, Expr, Membership, Not, Or, Value

__all__ = [
    "EvaluationError", "Predicate", "compile_filter", "evaluate", "select", "sort_key",
    "parse_datetime", "parse_literal", "normalizer", "uid_key",
]

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


class EvaluationError(ValueError):
    """A filter cannot be evaluated for a type: unknown field, bad value or operator.

    ``name`` is the diagnostic name of the problem (``unknown-field``, ``invalid-datetime`` …,
    as in :mod:`fel.codes`) and ``span`` where it is in the filter text.
    """

    def __init__(self, message: str, *, name: str = "syntax-error", span: Span = NO_SPAN) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.span = span


# ------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------

_GUID_RE = re.compile(r"^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$")


def parse_datetime(text: str) -> datetime | None:
    """``text`` as an aware UTC datetime, or None when it is not a date EM would read.

    The forms are the checker's (:func:`fel.checker.values.parse_datetime`): ``YYYY-MM-DD``
    (midnight UTC) and ``YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]]`` with an optional ``Z`` or
    ``±HH:MM`` offset; no zone means UTC. Fractions beyond microseconds are truncated.
    """
    value = _parse_datetime(text)
    return None if value is None else value.utc


def uid_key(value: str) -> str:
    """The comparable part of a UID: the GUID after the last ``:`` of a URN, lower-cased."""
    text = value.strip()
    if text[:1] == "{" and text[-1:] == "}":
        text = text[1:-1]
    return text.rsplit(":", 1)[-1].lower()


def _fold(case_sensitive: bool) -> Callable[[str], str]:
    return (lambda s: s) if case_sensitive else str.casefold


def normalizer(field: Field, *, case_sensitive: bool = False) -> Callable[[Any], Any]:
    """A function turning a record value of ``field`` into its comparable form (None if unusable)."""
    kind = field.kind
    if kind is Kind.ENUM:
        index = {v.lower(): i for i, v in enumerate(field.enum)}

        def norm_enum(v: Any) -> Any:
            return index.get(str(v).lower())
        return norm_enum
    if kind is Kind.BOOLEAN:
        def norm_bool(v: Any) -> Any:
            if isinstance(v, bool):
                return v
            low = str(v).strip().lower()
            return True if low == "true" else False if low == "false" else None
        return norm_bool
    if kind is Kind.INTEGER or kind is Kind.DECIMAL:
        def norm_num(v: Any) -> Any:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return v
            try:
                return float(v) if kind is Kind.DECIMAL else int(str(v).strip())
            except (TypeError, ValueError):
                return None
        return norm_num
    if kind is Kind.DATETIME:
        def norm_dt(v: Any) -> Any:
            if isinstance(v, datetime):
                return v if v.tzinfo is not None else v.replace(tzinfo=timezone.utc)
            return parse_datetime(str(v))
        return norm_dt
    if kind is Kind.UID:
        return lambda v: uid_key(str(v))
    if kind is Kind.REFERENCE:
        return lambda v: str(v).lower()
    fold = _fold(case_sensitive)
    return lambda v: fold(str(v))


def _value_text(value: Value) -> str:
    if value.typographic:
        # EM keeps curly quotes as part of the value, so it can never match (FEL002).
        return "\u201d" + value.text + "\u201d"
    if not value.quoted and value.words > 1:
        return value.text.replace(" ", "")  # EM drops unquoted spaces (FEL006)
    return value.text


def parse_literal(field: Field, value: Value | str, *, case_sensitive: bool = False) -> Any:
    """A filter value for ``field`` in comparable form; raises :class:`EvaluationError`."""
    node = value if isinstance(value, Value) else Value(value)
    text = _value_text(node)
    span = node.span
    kind = field.kind
    if kind is Kind.ENUM:
        i = field.enum_index(text)
        if i is None:
            raise EvaluationError(
                f"'{text}' is not a value of {field.name}; expected one of {', '.join(field.enum)}",
                name="unknown-enum-value", span=span)
        return i
    if kind is Kind.BOOLEAN:
        low = text.strip().lower()
        if low not in ("true", "false"):
            raise EvaluationError(f"{field.name} takes true or false, not '{text}'",
                                  name="invalid-boolean", span=span)
        return low == "true"
    if kind is Kind.INTEGER:
        if not is_integer(text):
            raise EvaluationError(f"{field.name} takes a whole number, not '{text}'",
                                  name="invalid-number", span=span)
        return int(text.strip())
    if kind is Kind.DECIMAL:
        if not is_decimal(text):
            raise EvaluationError(f"{field.name} takes a number, not '{text}'",
                                  name="invalid-number", span=span)
        return float(text.strip())
    if kind is Kind.DATETIME:
        parsed = parse_datetime(text)
        if parsed is None:
            raise EvaluationError(
                f"{field.name} takes a UTC date and time like \"2025-08-15T06:00:00Z\", not '{text}'",
                name="invalid-datetime", span=span)
        return parsed
    if kind is Kind.UID:
        key = uid_key(text)
        if not (_GUID_RE.match(key) or text.lower().startswith("urn:")):
            raise EvaluationError(
                f"{field.name} takes a UID (urn:veeam:<Type>:<guid> or a GUID), not '{text}'",
                name="invalid-uid", span=span)
        return key
    if kind is Kind.REFERENCE:
        return text.lower()
    return _fold(case_sensitive)(text)


# ------------------------------------------------------------------------------------------
# Predicates
# ------------------------------------------------------------------------------------------

def _field(qtype: QueryType, name: str, span: Span) -> Field:
    field = qtype.field(name)
    if field is None:
        raise EvaluationError(f"'{name}' is not a field of {qtype.name}", name="unknown-field", span=span)
    return field


def _comparison(field: Field, op: str, literal: Any, norm: Callable[[Any], Any]) -> Predicate:
    cmp = _OPS[op]
    missing = op == "!="
    key = field.name

    def predicate(record: Record) -> bool:
        v = record.get(key)
        if v is None:
            return missing
        v = norm(v)
        if v is None:
            return missing
        return cmp(v, literal)
    return predicate


def _all(preds: list[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) and b(r)
    return lambda r: all(p(r) for p in preds)


def _any(preds: list[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) or b(r)
    return lambda r: any(p(r) for p in preds)


def compile_filter(expr: Expr | None, qtype: QueryType, *, case_sensitive: bool = False) -> Predicate:
    """A predicate over records of ``qtype`` for the filter ``expr`` (None: match everything).

    Raises :class:`EvaluationError` for an unknown field, a value that does not fit its field,
    or an operator fel does not know (``=``).
    """
    if expr is None:
        return lambda record: True

    def build(node: Expr) -> Predicate:
        if isinstance(node, Comparison):
            field = _field(qtype, node.field.text, node.field.span)
            if node.op not in _OPS:
                raise EvaluationError(f"'{node.op}' is not an EM comparison; use ==",
                                      name="single-equals", span=node.op_span)
            literal = parse_literal(field, node.value, case_sensitive=case_sensitive)
            return _comparison(field, node.op, literal, normalizer(field, case_sensitive=case_sensitive))
        if isinstance(node, And):
            return _all([build(o) for o in node.operands])
        if isinstance(node, Or):
            return _any([build(o) for o in node.operands])
        if isinstance(node, Not):
            inner = build(node.operand)
            return lambda r: not inner(r)
        if isinstance(node, Membership):
            field = _field(qtype, node.field.text, node.field.span)
            norm = normalizer(field, case_sensitive=case_sensitive)
            eqs = [_comparison(field, "==", parse_literal(field, v, case_sensitive=case_sensitive), norm)
                   for v in node.values]
            found = _any(eqs) if eqs else (lambda r: False)
            return (lambda r: not found(r)) if node.negated else found
        raise EvaluationError(f"cannot evaluate {type(node).__name__}")

    return build(expr)


def evaluate(expr: Expr | None, qtype: QueryType, record: Record, *, case_sensitive: bool = False) -> bool:
    """Whether ``record`` matches ``expr`` (compiles the filter each call; see compile_filter)."""
    return compile_filter(expr, qtype, case_sensitive=case_sensitive)(record)


def select(records, expr: Expr | None, qtype: QueryType, *, case_sensitive: bool = False) -> list:
    """The records (in order) that match ``expr``."""
    predicate = compile_filter(expr, qtype, case_sensitive=case_sensitive)
    return [r for r in records if predicate(r)]


def sort_key(field: Field | str, qtype: QueryType | None = None, *,
             case_sensitive: bool = False) -> Callable[[Record], tuple]:
    """A key function ordering records by ``field`` for ``sortAsc`` (``reverse=True`` for sortDesc).

    Records without a value sort first in ascending order (last when reversed), as SQL Server
    orders NULLs; enums sort by documented position; strings case-insensitively by default.
    Raises :class:`EvaluationError` for a field name that ``qtype`` does not have.
    """
    if isinstance(field, str):
        if qtype is None:
            raise TypeError("sort_key needs the query type to look a field name up")
        field = _field(qtype, field, NO_SPAN)
    norm = normalizer(field, case_sensitive=case_sensitive)
    name = field.name

    def key(record: Record) -> tuple:
        v = record.get(name)
        if v is None:
            return (0,)
        n = norm(v)
        return (0,) if n is None else (1, n)
    return key
