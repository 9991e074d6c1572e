"""Offline mode: run a query's filter, sort and paging over saved results.

``fel run --offline FILE TEXT`` reads a saved ``QueryResult`` body (XML or JSON, as EM sent
it, e.g. saved with ``curl``) and evaluates the query with :mod:`fel.evaluate`,
the same semantics the emulator serves. Each entity becomes a *record* keyed by the type's
canonical field names, found where the schema says the entity carries them
(``CreationTime`` → ``<CreationTimeUTC>``, ``BackupServerName`` → the ``Up`` link's name).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .decode import Page, decode_page
from .entity import Entity
from .errors import ConfigError

__all__ = ["load_saved", "record_of", "OfflineResult", "run_offline", "MAX_SAVED_BODY"]

#: Saved files may be larger than one live page.
MAX_SAVED_BODY = 512 * 1024 * 1024


def load_saved(path: str | Path) -> Page:
    """A saved QueryResult file (XML or JSON, sniffed from its first bytes)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_SAVED_BODY:
            raise ConfigError(f"{p} is {size} bytes, more than the {MAX_SAVED_BODY} bytes fel reads")
        body = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {p}: {exc.strerror or exc}") from None
    return decode_page(body, None, max_body=MAX_SAVED_BODY)


def record_of(entity: Entity, qtype: Any) -> dict[str, Any]:
    """``entity`` as a record for :mod:`fel.evaluate`: canonical field name → typed value."""
    record: dict[str, Any] = {}
    for f in qtype.fields:
        value = entity.get(f.element) if f.element else None
        if value is None:
            value = entity.get(f.name)
        if isinstance(value, (dict, list)):
            value = None
        if value is not None:
            record[f.name] = value
    return record


def _matches_type(entity: Entity, qtype: Any, schema: Any) -> bool:
    """False only for an entity whose Type names another query type (types EM writes that
    are no query type, such as ``PasswordKey`` for ``Passwords``, belong to the query's)."""
    t = entity.type
    if not t:
        return True
    if t.lower() in {n.lower() for n in (qtype.entity_element, qtype.reference_type) if n}:
        return True
    other = schema.type(t)
    if other is None and t.endswith("Reference"):
        other = schema.type(t[: -len("Reference")])
    return other is None or other is qtype


@dataclass
class OfflineResult:
    entities: list[Entity]
    #: entities of the file that matched the filter, before paging.
    matched: int = 0
    #: entities of the file skipped because their Type is not the query's type.
    other_type: int = 0
    notes: list[str] = field(default_factory=list)


def run_offline(entities: Iterable[Entity], compiled: Any, *, limit: int | None = None) -> OfflineResult:
    """Filter, sort and page ``entities`` as EM would for the compiled query."""
    from fel.evaluate import compile_filter, sort_key
    from fel.schema import load_schema
    from fel.syntax.parser import parse_filter

    schema = load_schema()
    qtype = schema.type(compiled.type)
    if qtype is None:  # compile_query only yields known types
        raise ConfigError(f"unknown query type {compiled.type!r}")
    predicate = compile_filter(parse_filter(compiled.filter) if compiled.filter else None, qtype)
    kept: list[tuple[dict[str, Any], Entity]] = []
    other = 0
    for e in entities:
        if not _matches_type(e, qtype, schema):
            other += 1
            continue
        record = record_of(e, qtype)
        if predicate(record):
            kept.append((record, e))
    if compiled.sort is not None:
        key = sort_key(compiled.sort[0], qtype)
        kept.sort(key=lambda pair: key(pair[0]), reverse=compiled.sort[1])
    rows = [e for _, e in kept]
    matched = len(rows)
    if compiled.page_size is not None:
        start = ((compiled.page or 1) - 1) * compiled.page_size
        rows = rows[start:start + compiled.page_size]
    if limit is not None:
        rows = rows[:limit]
    result = OfflineResult(rows, matched, other)
    if other:
        result.notes.append(f"{other} saved entit{'y' if other == 1 else 'ies'} of another type than"
                            f" {qtype.name} left out")
    return result
