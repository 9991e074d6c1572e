"""The emulator's entities: records for the evaluator plus what rendering needs.

An :class:`Entity` carries

* ``fields`` — the record :mod:`fel.evaluate` filters and sorts on: canonical filter field name
  → typed value (``str``, ``bool``, ``int``, ``float``, aware ``datetime``);
* ``extras`` — values of entity elements that are not filter fields (``Progress``,
  ``Algorithm`` …), keyed by element path (``Parent/Child``) or ``Path@Attr`` for attributes;
* ``links`` — its ``Up``/``Related`` links to other entities (the renderer adds ``Alternate``
  and ``Down`` links);
* ``path`` — its resource path below ``/api`` (``/backupSessions/<id>``), which is also how
  its ``Href`` resolves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Entity", "Link", "format_datetime", "format_value"]


@dataclass(frozen=True, slots=True)
class Link:
    """A link from one entity to another: ``Rel``, ``Type`` as Veeam writes it, and the target.

    A ``Type`` ending in ``Reference`` points at the target's reference URL; any other type
    (``BackupServer``, ``Job``, ``CloudTenant`` as on Passwords or NasObject) at its entity
    URL (``?format=Entity``), as in Veeam's examples.
    """

    rel: str
    type: str
    target: "Entity"

    @property
    def href_path(self) -> str:
        if self.type.endswith("Reference") or self.target.has_reference is False:
            return self.target.path
        return self.target.path + "?format=Entity"


@dataclass(eq=False, slots=True)
class Entity:
    type: str
    id: str
    path: str
    fields: dict[str, Any]
    extras: dict[str, Any] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    #: Whether the type has a reference representation (False for Passwords, Task …).
    has_reference: bool = True
    #: Its ``urn:veeam:<Type>:<guid>`` (None for types whose entities carry no URN).
    uid: str | None = None

    @property
    def name(self) -> str | None:
        v = self.fields.get("Name")
        return v if isinstance(v, str) else self.extras.get("@Name")

    def parent(self, type_name: str) -> "Entity | None":
        """The first linked entity of the given query type."""
        for link in self.links:
            if link.target.type == type_name:
                return link.target
        return None


def format_datetime(value: datetime) -> str:
    """EM's UTC form: ``2025-08-16T05:17:38.22142Z`` (fraction without trailing zeros)."""
    base = (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
    if value.microsecond:
        base += "." + f"{value.microsecond:06d}".rstrip("0")
    return base + "Z"


def format_value(value: Any) -> str:
    """A typed value as XML text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, float):
        return repr(round(value, 4)).removesuffix(".0") if value == int(value) else repr(round(value, 4))
    return str(value)
