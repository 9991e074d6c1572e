"""Printing the rows of a fan-out: every row names its server.

``json``/``jsonl`` records start with ``"profile": "<name>"``; ``csv`` has a ``profile`` first
column; the table a ``profile`` first column. ``--fields`` picks the other columns (naming
``profile`` there too is allowed; it stays first). Built on :mod:`fel.client.output`, so values
print exactly as in a one-server ``fel run``.
"""
from __future__ import annotations

from typing import Sequence, TextIO

from .fanout import PROFILE_KEY, Row
from .output import EntityWriter, default_columns

__all__ = ["FleetWriter", "make_fleet_writer"]


def _csv_columns(rows: Sequence[Row]) -> list[str]:
    """``profile``, the usual attributes, then every other key of the first batch."""
    cols = [PROFILE_KEY]
    for key in ("UID", "Name", "Type", "Href"):
        if any(key in r.attributes for r in rows):
            cols.append(key)
    for r in rows:
        for key in list(r.attributes) + list(r.fields):
            if key not in cols:
                cols.append(key)
    return cols


class FleetWriter:
    """Writes :class:`~fel.client.fanout.Row` batches in one output format; :meth:`close` at
    the end. ``json``/``jsonl``/``csv`` stream (csv takes its columns from the first batch);
    ``table`` collects the rows to size its columns."""

    def __init__(self, out: TextIO, fmt: str, fields: Sequence[str] | None = None, *, links: bool = False) -> None:
        if fmt not in ("table", "json", "jsonl", "csv"):
            raise ValueError(f"unknown output format {fmt!r}")
        self.out = out
        self.fmt = fmt
        self.links = links
        self.fields = [PROFILE_KEY] + [f for f in fields if f != PROFILE_KEY] if fields else None
        self.count = 0
        self._rows: list[Row] = []
        self._inner: EntityWriter | None = None
        if fmt in ("json", "jsonl"):
            self._inner = EntityWriter(out, fmt, self.fields, links=links)

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        if self.fmt == "table":
            self._rows.extend(rows)
        else:
            if self._inner is None:  # csv: columns from the first batch
                self._inner = EntityWriter(self.out, "csv", self.fields or _csv_columns(rows))
            self._inner.write(rows)  # type: ignore[arg-type]  # a Row reads like an Entity
        self.count += len(rows)

    def close(self) -> None:
        if self.fmt == "table":
            if self._rows:
                cols = self.fields or [PROFILE_KEY] + default_columns([r.entity for r in self._rows])
                writer = EntityWriter(self.out, "table", cols)
                writer.write(self._rows)  # type: ignore[arg-type]
                writer.close()
            self.out.flush()
            return
        if self._inner is None:  # csv with no rows: a header when the columns are known
            self._inner = EntityWriter(self.out, "csv", self.fields)
        self._inner.close()


def make_fleet_writer(out: TextIO, fmt: str, fields: str | Sequence[str] | None = None, *,
                      links: bool = False) -> FleetWriter:
    """A :class:`FleetWriter`; ``fields`` may be a comma-separated string."""
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    return FleetWriter(out, fmt, fields, links=links)
