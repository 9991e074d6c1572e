"""The registry of dataset families and what a family builder gets (:class:`Builder`).

The ``gen_*`` modules register one builder per *family* of related query types with
:func:`family`; :class:`fel.emulator.dataset.Dataset` runs a family the first time one of its
types is asked for. This module sits below both: the generators import it, the dataset imports
it and the generators, and nothing here imports either (no import cycle).
"""
from __future__ import annotations

import random
import uuid
from typing import Any, Callable, Iterable

from ..schema import load_schema
from .model import Entity, Link

__all__ = ["Builder", "FAMILIES", "BUILDERS", "FOLLOWS", "family", "present"]

#: query type -> family that builds it (see the gen_* modules).
FAMILIES: dict[str, str] = {}
BUILDERS: dict[str, Callable[["Builder"], None]] = {}
#: family -> a type of each family that adds links to its entities and so is built right after
#: it (job sessions link to the restore points they produced, which family "points" makes):
#: an entity's links never depend on what was asked for first.
FOLLOWS: dict[str, tuple[str, ...]] = {}


def present(*names: str) -> tuple[str, ...]:
    """The query types among ``names`` that the schema has (types added to the schema later
    are generated only where it knows them)."""
    schema = load_schema()
    return tuple(n for n in names if schema.type(n) is not None)


def family(name: str, types: Iterable[str]):
    """Register a family builder for ``types`` (used by the gen_* modules)."""
    def register(fn: Callable[["Builder"], None]):
        for t in types:
            FAMILIES[t] = name
        BUILDERS[name] = fn
        return fn
    return register


class Builder:
    """What a family builder gets: its random stream, ``now``, the dataset and ``make``."""

    def __init__(self, ds: Any, name: str) -> None:
        self.ds = ds
        self.name = name
        self.rng = random.Random(f"fel-emulator:{ds.seed}:{name}")
        self.now = ds.now
        self.scale = ds.scale
        self._schema = load_schema()

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def count(self, base: float, minimum: int = 1) -> int:
        """``base`` scaled, at least ``minimum``."""
        return max(minimum, round(base * self.scale))

    def up(self, target: Entity, link_type: str | None = None, rel: str = "Up") -> Link:
        """A link to ``target``; its Type defaults to the target's reference type."""
        if link_type is None:
            qt = self._schema.type(target.type)
            link_type = qt.reference_type or target.type
        return Link(rel, link_type, target)

    def make(self, type_name: str, fields: dict[str, Any], *, id: str | None = None,
             parent: Entity | None = None, extras: dict[str, Any] | None = None,
             links: Iterable[Link] = ()) -> Entity:
        """Create and register an entity. Its ``@UID`` field defaults to ``<uid_prefix><id>``;
        fields read from links (``link:Up:BackupServerReference@Name`` …) are filled from
        ``links``. ``parent`` fills the ``{ID}`` of templated resource paths."""
        qtype = self._schema.type(type_name)
        ident = id or self.guid()
        coll = qtype.collection_resource or "/" + qtype.name
        if "{ID}" in coll:
            if parent is None:
                raise ValueError(f"{type_name} needs a parent for {coll}")
            coll = coll.replace("{ID}", parent.id)
        links = tuple(links)
        by_element = {f.element: fields[f.name] for f in qtype.fields if f.element and f.name in fields}
        for f in qtype.fields:
            if f.name in fields:
                continue
            el = f.element or ""
            if el in by_element:  # two filter names for one element (TaskId / TaskUid)
                fields[f.name] = by_element[el]
            elif el == "@UID":
                fields[f.name] = (qtype.uid_prefix or "") + ident
            elif el.startswith("link:"):
                _, rel, rest = el.split(":", 2)
                ltype, _, part = rest.partition("@")
                for lk in links:
                    if lk.rel == rel and lk.type == ltype:
                        fields[f.name] = (lk.target.uid or lk.target.id) if part == "UID" else lk.target.name
                        break
        uid = f"{qtype.uid_prefix}{ident}" if qtype.uid_prefix else None
        ent = Entity(qtype.name, ident, f"{coll}/{ident}", fields, extras or {}, links,
                     has_reference=qtype.reference_type is not None, uid=uid)
        self.ds._add(ent)
        return ent

    def pick(self, seq, k: int | None = None):
        return self.rng.choice(seq) if k is None else self.rng.sample(list(seq), k)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
