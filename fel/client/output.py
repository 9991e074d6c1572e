"""Printing entities: table, json, jsonl, csv (used by ``fel run`` and the REPL).

``json`` and ``jsonl`` carry each entity's attributes (``UID``, ``Name``, ``Type``, ``Href``)
and fields, datetimes as ISO 8601 with ``Z``. ``--fields`` picks columns by attribute or
field name, nested path (``Result/Message``), link value (``link:Up:JobReference@Name``) or
filter field name (``CreationTime`` finds ``CreationTimeUTC`` through the schema).

``json``/``jsonl`` stream; ``csv`` takes its columns from the first page it sees (later
extra fields are left out); ``table`` collects the rows to size its columns.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence, TextIO

from .entity import Entity, format_datetime, to_jsonable

__all__ = ["value_for", "unknown_columns", "cell", "display_cell", "printable", "display_width", "clip", "pad", "EntityWriter",
           "make_writer", "default_columns"]

_MISSING = object()
CELL_WIDTH = 48


def value_for(entity: Entity, name: str, default: Any = None) -> Any:
    """The value of column ``name`` for ``entity``: an attribute, field, path or link value,
    or a filter field name found through the schema — exactly :meth:`Entity.get`."""
    return entity.get(name, default)


def unknown_columns(type_name: str, names: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The column names of ``names`` that entities of ``type_name`` cannot carry by the schema
    — not a filter field, element path or attribute of the type — each with did-you-mean
    suggestions. Link values (``link:…``) are not checked; nor is anything for a type whose
    elements the schema does not list."""
    from fel.schema import load_schema, suggest

    qtype = load_schema().type(type_name)
    if qtype is None or not qtype.entity_elements:
        return []
    attributes = {a.lower() for a in (*qtype.entity_attributes, "UID", "Name", "Type", "Href")}
    known = {n.lower() for n in qtype.field_names} | attributes
    known |= {p.lower() for p in qtype.entity_elements}
    candidates = [*qtype.field_names, *(p for p in qtype.entity_elements if "/" not in p)]
    out = []
    for name in names:
        low = name.lower()
        if low.startswith("link:") or (low.startswith("@") and low[1:] in attributes) or low in known:
            continue
        out.append((name, suggest(name.lstrip("@"), candidates)))
    return out


def cell(value: Any) -> str:
    """A value as text for a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, (dict, list)):
        return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"))
    return str(value)


_NEVER_YEAR = 1753  # EM writes 1753-01-01T00:00:00Z for "never"


def display_cell(value: Any) -> str:
    """A value as text for a terminal: UTC times without fractions, EM's year-1753 "never",
    and control characters (terminal escapes that came over the network) made harmless."""
    if isinstance(value, datetime):
        if value.year == _NEVER_YEAR:
            return "never"
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return f"{value:g}"
    return printable(cell(value))


def printable(text: str) -> str:
    """Control characters become spaces."""
    return "".join(" " if (ch < " " or "\x7f" <= ch <= "\x9f") else ch for ch in text)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters count two, combining marks
    and zero-width characters none (wcwidth, as prompt-toolkit measures)."""
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth, wcwidth

    n = wcswidth(text)
    return n if n >= 0 else sum(max(0, wcwidth(ch)) for ch in text)


def clip(text: str, width: int) -> str:
    """``text`` on one line, cut to at most ``width`` columns with ``…`` when longer — except a
    UID or object reference (``urn:…`` without blanks), kept whole: a cut one cannot be copied
    into the next query or lookup."""
    text = text.replace("\n", " ").replace("\r", " ")
    if display_width(text) <= width or (text.startswith("urn:") and " " not in text and len(text) <= 256):
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (right-aligned when ``right``)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def default_columns(entities: Sequence[Entity]) -> list[str]:
    """Columns for a table without ``--fields``: Name, then the scalar fields in order of first
    appearance (references: Name, Type, UID)."""
    if not entities:
        return ["Name"]
    if all(e.kind == "reference" for e in entities):
        return ["Name", "Type", "UID"]
    cols = ["Name"] if any(e.name is not None for e in entities) else []
    seen = set(cols)
    for e in entities:
        for key, value in e.fields.items():
            if key not in seen and not isinstance(value, (dict, list)):
                seen.add(key)
                cols.append(key)
    if not cols:
        cols = ["Type", "Href"]
    return cols


def _csv_columns(entities: Sequence[Entity]) -> list[str]:
    cols: list[str] = []
    seen: set[str] = set()
    for key in ("UID", "Name", "Type", "Href"):
        if any(key in e.attributes for e in entities):
            cols.append(key)
            seen.add(key)
    for e in entities:
        for key in list(e.attributes) + list(e.fields):
            if key not in seen:
                seen.add(key)
                cols.append(key)
    return cols


class EntityWriter:
    """Writes entities to a stream in one output format; call :meth:`write` per page or
    entity batch and :meth:`close` at the end."""

    def __init__(self, out: TextIO, fmt: str, fields: Sequence[str] | None = None, *, links: bool = False) -> None:
        if fmt not in ("table", "json", "jsonl", "csv"):
            raise ValueError(f"unknown output format {fmt!r}")
        self.out = out
        self.fmt = fmt
        self.fields = list(fields) if fields else None
        self.links = links
        self.count = 0
        self._rows: list[Entity] = []
        self._csv: Any = None
        self._columns: list[str] | None = self.fields

    def _record(self, entity: Entity) -> dict[str, Any]:
        if self.fields is None:
            return entity.to_dict(links=self.links)
        return {name: to_jsonable(value_for(entity, name)) for name in self.fields}

    def write(self, entities: Iterable[Entity]) -> None:
        batch = list(entities)
        if not batch:
            return
        if self.fmt == "table":
            self._rows.extend(batch)
        elif self.fmt == "jsonl":
            for e in batch:
                self.out.write(json.dumps(self._record(e), ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            for e in batch:
                self.out.write(("[\n  " if self.count == 0 else ",\n  ")
                               + json.dumps(self._record(e), ensure_ascii=False))
                self.count += 1
            return
        elif self.fmt == "csv":
            if self._csv is None:
                self._columns = self._columns or _csv_columns(batch)
                self._csv = csv.writer(self.out, lineterminator="\n")
                self._csv.writerow(self._columns)
            for e in batch:
                self._csv.writerow([cell(value_for(e, c)) for c in self._columns or ()])
        self.count += len(batch)
        self.out.flush() if self.fmt != "table" else None

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("[]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "table":
            self._table()
        elif self.fmt == "csv" and self._csv is None and self.fields:
            csv.writer(self.out, lineterminator="\n").writerow(self.fields)
        self.out.flush()

    def _table(self) -> None:
        rows = self._rows
        if not rows:
            return
        cols = self.fields or default_columns(rows)
        cells = [[clip(display_cell(value_for(e, c)), CELL_WIDTH) for c in cols] for e in rows]
        widths = [max(display_width(c), *(display_width(r[i]) for r in cells)) for i, c in enumerate(cols)]
        self.out.write("  ".join(pad(c, w) for c, w in zip(cols, widths)).rstrip() + "\n")
        self.out.write("  ".join("-" * w for w in widths) + "\n")
        for r in cells:
            self.out.write("  ".join(pad(v, w) for v, w in zip(r, widths)).rstrip() + "\n")


def make_writer(out: TextIO, fmt: str, fields: str | Sequence[str] | None = None, *, links: bool = False) -> EntityWriter:
    """An :class:`EntityWriter`; ``fields`` may be a comma-separated string."""
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    return EntityWriter(out, fmt, fields, links=links)
