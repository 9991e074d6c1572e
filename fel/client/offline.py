"""Offline mode: run a query's filter, sort and paging over saved results.

``fel run --offline FILE TEXT`` reads a saved ``QueryResult`` body (XML or JSON, as EM sent
it, e.g. saved with ``curl``), a saved list of references or a single saved entity
(``GET /backupSessions/{ID}?format=Entity``), and evaluates the query with :mod:`fel.evaluate`,
the same semantics the emulator serves. Each entity becomes a *record* keyed by the type's
canonical field names, found where the schema says the entity carries them
(``CreationTime`` → ``<CreationTimeUTC>``, ``BackupServerName`` → the ``Up`` link's name).

A field the query filters or sorts on that no saved entity carries (a references page has only
UID, Name and links) cannot be answered from the file: :class:`OfflineResult` names it in
``missing_fields`` and a note, and ``fel run`` exits with :data:`EXIT_UNANSWERED`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .decode import Page, decode_document
from .entity import Entity
from .errors import ConfigError

__all__ = ["load_saved", "record_of", "OfflineResult", "run_offline", "MAX_SAVED_BODY", "EXIT_UNANSWERED"]

#: Saved files may be larger than one live page.
MAX_SAVED_BODY = 512 * 1024 * 1024
#: ``fel run --offline`` exit code when the query uses fields the saved file does not carry.
EXIT_UNANSWERED = 4


def load_saved(path: str | Path) -> Page:
    """A saved QueryResult, list of references or single entity (XML or JSON, sniffed from its
    first bytes); a single entity becomes a page of one with format ``Entity``."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_SAVED_BODY:
            raise ConfigError(f"{p} is {size} bytes, more than the {MAX_SAVED_BODY} bytes fel reads")
        body = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {p}: {exc.strerror or exc}") from None
    doc = decode_document(body, None, max_body=MAX_SAVED_BODY)
    return doc if isinstance(doc, Page) else Page([doc], format="Entity")


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
    #: fields the query filters or sorts on that no saved entity of the type carries.
    missing_fields: list[str] = field(default_factory=list)


def _used_fields(expr: Any, sort: Any, qtype: Any) -> list[str]:
    """Canonical names of the fields a filter and sort use, in order of first use."""
    from fel.syntax.ast import Comparison, Membership, walk

    names: list[str] = []
    for node in walk(expr):
        if isinstance(node, (Comparison, Membership)):
            f = qtype.field(node.field.text)
            if f is not None and f.name not in names:
                names.append(f.name)
    if sort is not None:
        f = qtype.field(sort[0])
        if f is not None and f.name not in names:
            names.append(f.name)
    return names


_FORMAT_WORDS = {"References": "a page of references, which carry only UID, Name and links",
                 "Entity": "a single entity", "Entities": "a page of entities", "Resources": "a page of resources"}


def run_offline(entities: Iterable[Entity], compiled: Any, *, limit: int | None = None,
                source_format: str | None = None) -> OfflineResult:
    """Filter, sort and page ``entities`` as EM would for the compiled query. ``source_format``
    (the saved page's format) only words the note about fields the entities do not carry."""
    from fel.evaluate import compile_filter, sort_key
    from fel.schema import load_schema
    from fel.syntax.parser import parse_filter

    schema = load_schema()
    qtype = schema.type(compiled.type)
    if qtype is None:  # compile_query only yields known types
        raise ConfigError(f"unknown query type {compiled.type!r}")
    expr = parse_filter(compiled.filter) if compiled.filter else None
    predicate = compile_filter(expr, qtype)
    used = _used_fields(expr, compiled.sort, qtype)
    carried: set[str] = set()
    kept: list[tuple[dict[str, Any], Entity]] = []
    other = seen = 0
    for e in entities:
        if not _matches_type(e, qtype, schema):
            other += 1
            continue
        seen += 1
        record = record_of(e, qtype)
        if used:
            carried.update(k for k in used if k in record)
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
    if seen:
        result.missing_fields = [k for k in used if k not in carried]
    elif not other:
        result.notes.append(f"the saved file holds no {qtype.name} entities")
    if seen and not matched and not result.missing_fields:
        result.notes.append(f"none of the {seen} saved {qtype.name} entit{'y' if seen == 1 else 'ies'} matches")
    if result.missing_fields:
        what = _FORMAT_WORDS.get(source_format or "", "the saved entities")
        names = ", ".join(result.missing_fields)
        result.notes.append(
            f"warning: none of the {seen} saved {qtype.name} entit{'y' if seen == 1 else 'ies'} carries {names} "
            f"({what}), so the query cannot be answered from this file; "
            + ("save the result with format=Entities" if source_format == "References"
               else "run the query against EM, which filters on it itself"))
    return result
