"""Showing query results: a table with sensible default columns, expanded records, JSON, CSV.

Columns are the type's *filter* fields (what you can write after ``where``), read from each
entity through the schema's ``Field.element`` path (``@Name``, ``CreationTimeUTC``,
``link:Up:BackupServerReference@Name``), so a column header is always a name the query
language knows. :func:`default_columns` picks a handful per type from the schema: the name,
other names (``JobName``), the outcome enums (``Result``, ``State`` …), times, sizes, flags.

Entities are :class:`fel.client.entity.Entity` objects (anything with ``get(path)``,
``to_dict()`` and ``kind`` works).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from fel.client.output import clip as _clip, display_cell as cell, display_width, pad as _pad, printable

__all__ = ["Column", "default_columns", "all_columns", "columns_named", "cell", "table", "expanded",
           "to_json", "to_csv", "display_width", "grid"]

_MAX_CELL = 60
_RESULT_COLOURS = {"failed": "\x1b[31m", "warning": "\x1b[33m", "success": "\x1b[32m",
                   "working": "\x1b[36m", "stopped": "", "true": "", "false": "\x1b[2m"}
_RESET = "\x1b[0m"
_SKIP_NAMES = {"description", "backupservername", "backupserver"}


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: header, the entity path it reads, and the value kind (for alignment)."""

    header: str
    path: str
    kind: str = "string"


def _pick(qtype) -> list[Any]:
    fields = [f for f in qtype.fields if f.element and not f.sort_only and f.kind.value not in ("uid", "reference")]
    chosen: list[Any] = []

    def take(cands: Iterable[Any], n: int) -> None:
        k = 0
        for f in cands:
            if k >= n:
                break
            if f not in chosen:
                chosen.append(f)
                k += 1

    strings = [f for f in fields if f.kind.value == "string"]
    take([f for f in strings if f.name.lower() == "name"] or strings[:1], 1)
    names = [f for f in strings if f.name.lower().endswith("name") and f.name.lower() not in _SKIP_NAMES]
    take(sorted(names, key=lambda f: f.element.startswith("link:")), 2)  # own names before linked ones
    enums = [f for f in fields if f.kind.value == "enum"]
    take(sorted(enums, key=lambda f: (f.name not in ("Result", "State"), f.name != "Result")), 3)
    take([f for f in fields if f.kind.value == "datetime"], 2)
    take([f for f in fields if f.kind.value in ("integer", "decimal")], 3)
    take([f for f in fields if f.kind.value == "boolean"], 2)
    if len(chosen) < 4:
        take([f for f in strings if f.name.lower() != "description"], 4 - len(chosen))
    return chosen


def default_columns(qtype, *, reference: bool = False, limit: int = 7) -> list[Column]:
    """Sensible columns for entities of ``qtype`` (at most ``limit``)."""
    if reference or qtype is None:
        return [Column("Name", "@Name"), Column("UID", "@UID"), Column("Type", "@Type")]
    cols = [Column(f.name, f.element, f.kind.value) for f in _pick(qtype)[:limit]]
    return cols or [Column("Name", "@Name"), Column("UID", "@UID")]


def all_columns(qtype) -> list[Column]:
    """Every filter field of ``qtype`` that entities carry (sort-only names such as Task's
    ``TaskUid``, which read another field's element, are left out)."""
    return [Column(f.name, f.element, f.kind.value) for f in qtype.fields if f.element and not f.sort_only]


def columns_named(qtype, names: Sequence[str]) -> tuple[list[Column], list[str]]:
    """Columns for the given field names (case-insensitive); also the names not found."""
    cols, missing = [], []
    for n in names:
        f = qtype.field(n) if qtype is not None else None
        if f is not None and f.element:
            cols.append(Column(f.name, f.element, f.kind.value))
        elif qtype is None:
            cols.append(Column(n, n))
        else:
            missing.append(n)
    return cols, missing


def _colour(text: str, padded: str, color: bool) -> str:
    if not color:
        return padded
    code = _RESULT_COLOURS.get(text.strip().lower())
    return f"{code}{padded}{_RESET}" if code else padded


def table(entities: Sequence[Any], columns: Sequence[Column], *, color: bool = False,
          width: int | None = None) -> str:
    """A psql-style table. Columns that do not fit ``width`` are dropped from the right
    (at least one is kept); long cells are clipped with ``…``."""
    rows = [[_clip(cell(e.get(c.path)), _MAX_CELL) for c in columns] for e in entities]
    widths = [max([display_width(c.header)] + [display_width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    keep = len(columns)
    if width:
        total = 0
        for i, w in enumerate(widths):
            total += w + 3
            if total - 1 > width and i > 0:
                keep = i
                break
    cols = list(columns[:keep])
    widths = widths[:keep]
    right = [c.kind in ("integer", "decimal") for c in cols]
    bold, reset = ("\x1b[1m", _RESET) if color else ("", "")
    lines = [" " + " | ".join(f"{bold}{_pad(c.header, w, False)}{reset}" for c, w in zip(cols, widths))]
    lines.append("-" + "-+-".join("-" * w for w in widths) + "-")
    for r in rows:
        lines.append(" " + " | ".join(_colour(v, _pad(v, w, rt), color) for v, w, rt in zip(r[:keep], widths, right)))
    if keep < len(columns):
        hidden = ", ".join(c.header for c in columns[keep:])
        lines.append(f"({len(columns) - keep} more column(s) not shown: {hidden}; \\x shows every field)")
    return "\n".join(line.rstrip() for line in lines)


def _wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns (at spaces where possible)."""
    import textwrap

    if display_width(text) <= width:
        return [text]
    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) or [""]


def grid(headers: Sequence[str], rows: Sequence[Sequence[str]], *, color: bool = False,
         max_cell: int = _MAX_CELL, width: int | None = None, wrap: Sequence[int] = ()) -> str:
    """A psql-style table of plain strings (for ``\\d``, ``\\types``, ``\\help``).

    Columns listed in ``wrap`` are wrapped onto more lines (rather than clipped) and shrunk,
    widest first, until the table fits ``width``."""
    cells = [[printable(v) if i in wrap else _clip(printable(v), max_cell) for i, v in enumerate(r)] for r in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if wrap:
        for i in wrap:
            widths[i] = min(widths[i], max(max_cell, display_width(headers[i])))
        if width:
            while sum(widths) + 3 * len(widths) > width:
                i = max(wrap, key=lambda k: widths[k])
                if widths[i] <= 20:
                    break
                widths[i] -= 1
    bold, reset = ("\x1b[1m", _RESET) if color else ("", "")
    lines = [" " + " | ".join(f"{bold}{_pad(h, w, False)}{reset}" for h, w in zip(headers, widths))]
    lines.append("-" + "-+-".join("-" * w for w in widths) + "-")
    for r in cells:
        parts = [_wrap(v, widths[i]) if i in wrap else [v] for i, v in enumerate(r)]
        for k in range(max(len(p) for p in parts)):
            lines.append(" " + " | ".join(_pad(p[k] if k < len(p) else "", w, False) for p, w in zip(parts, widths)))
    return "\n".join(line.rstrip() for line in lines)


def _record(entity: Any) -> dict[str, Any]:
    to_dict = getattr(entity, "to_dict", None)
    return to_dict() if callable(to_dict) else dict(entity)


def expanded(entities: Sequence[Any], *, start: int = 1, color: bool = False) -> str:
    """One block per entity with every attribute and field (``\\x`` mode)."""
    out = []
    bold, reset = ("\x1b[1m", _RESET) if color else ("", "")
    for n, e in enumerate(entities, start):
        rec = _record(e)
        out.append(f"{bold}-[ RECORD {n} ]{'-' * 30}{reset}")
        if not rec:
            continue
        w = max(display_width(k) for k in rec)
        for k, v in rec.items():
            text = cell(v)
            out.append(f"{_pad(printable(k), w, False)} | {_colour(text, text, color)}")
    return "\n".join(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        v = value.astimezone(timezone.utc)
        return v.strftime("%Y-%m-%dT%H:%M:%S") + (f".{v.microsecond:06d}".rstrip("0") if v.microsecond else "") + "Z"
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def to_json(entities: Sequence[Any]) -> str:
    """A JSON array of the entities (attributes, then fields; times in ISO 8601 UTC)."""
    return json.dumps([_jsonable(_record(e)) for e in entities], ensure_ascii=False, indent=2)


def to_csv(entities: Sequence[Any], columns: Sequence[Column] | None = None) -> str:
    """CSV with a header row: the given columns, or every key any entity has."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if columns:
        writer.writerow([c.header for c in columns])
        for e in entities:
            writer.writerow([_csv_cell(e.get(c.path)) for c in columns])
        return buf.getvalue()
    records = [_record(e) for e in entities]
    keys: list[str] = []
    for r in records:
        for k in r:
            if k not in keys:
                keys.append(k)
    writer.writerow(keys)
    for r in records:
        writer.writerow([_csv_cell(r.get(k)) for k in keys])
    return buf.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _jsonable(value)
    if isinstance(value, (dict, list)):
        return json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
