"""The schema model: query types and their filter/sort fields.

The data lives in ``fel/schema/data/types.json``, generated from Veeam's documentation by
``python -m fel.schema.generate`` (see that module). This module only reads it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache
from importlib import resources
from typing import Iterator

from .versions import EmVersion, LATEST, parse_version

__all__ = ["Kind", "Field", "QueryType", "Schema", "load_schema"]


class Kind(str, Enum):
    """How fel treats a field's values (derived from Veeam's doc type, defects corrected)."""

    STRING = "string"        # String, Name (doc typo)
    ENUM = "enum"            # String (or mis-typed Boolean) with a documented value list
    BOOLEAN = "boolean"      # Boolean: true / false
    INTEGER = "integer"      # Int, Int64, Long
    DECIMAL = "decimal"      # Double
    DATETIME = "datetime"    # DateTime, UTC only
    UID = "uid"              # UidType: urn:veeam:<Type>:<guid> or a bare GUID
    REFERENCE = "reference"  # HierarchyObjRefType: urn:<Platform>:<Kind>:<host>.<ref>

    @property
    def ordered(self) -> bool:
        """Whether ``<``, ``<=``, ``>``, ``>=`` are meaningful for values of this kind."""
        return self not in (Kind.BOOLEAN, Kind.UID, Kind.REFERENCE)


@dataclass(frozen=True, slots=True)
class Field:
    """One filter/sort field of a query type."""

    name: str
    doc_type: str
    kind: Kind
    description: str = ""
    enum: tuple[str, ...] = ()
    since: str | None = None
    undocumented: bool = False
    #: Where the emulator and the offline evaluator find the value in an entity:
    #: ``Element`` or ``Parent/Child`` for elements, ``@Attr`` for root attributes,
    #: ``link:<Rel>:<LinkType>@Name`` or ``link:<Rel>:<LinkType>@UID`` for values carried by links.
    element: str | None = None
    #: For UID fields: the type names a ``urn:veeam:<Type>:`` prefix may carry.
    urn_types: tuple[str, ...] = ()
    example: str | None = None
    note: str | None = None
    #: Sortable but never filterable (``sortAsc=TaskUid`` on Task).
    sort_only: bool = False
    #: Filterable from this EM version on; sortable only before it (None: always filterable).
    filter_since: str | None = None
    #: ``(value, version)`` for enum values that appeared after the field itself.
    enum_since: tuple[tuple[str, str], ...] = ()
    #: ``(spelling, canonical value)``: other documented spellings, accepted without a note.
    enum_spellings: tuple[tuple[str, str], ...] = ()

    @property
    def ordered(self) -> bool:
        return self.kind.ordered

    def value_since(self, value: str) -> str | None:
        """The EM version that introduced the enum value ``value`` (case-insensitive), if later
        than the field."""
        canon = self.canonical_enum(value)
        for v, since in self.enum_since:
            if v == canon:
                return since
        return None

    def filterable_in(self, version: EmVersion | None) -> bool:
        """Whether EM ``version`` (None: any/latest) filters on this field."""
        if self.sort_only:
            return False
        return version is None or self.filter_since is None or parse_version(self.filter_since) <= version

    def documented_spelling(self, text: str) -> bool:
        """Whether ``text`` is written exactly as one of the field's documented values."""
        return text in self.enum or any(text == s for s, _ in self.enum_spellings)

    def enum_index(self, value: str) -> int | None:
        """Documented position of an enum value (case-insensitive), or None."""
        low = value.lower()
        for i, v in enumerate(self.enum):
            if v.lower() == low:
                return i
        return None

    def canonical_enum(self, value: str) -> str | None:
        i = self.enum_index(value)
        return None if i is None else self.enum[i]


@dataclass(frozen=True, slots=True)
class QueryType:
    """One value of the ``type`` parameter of ``/api/query``."""

    name: str
    since: str
    fields: tuple[Field, ...]
    spellings: tuple[str, ...] = ()
    collection_resource: str | None = None
    reference_type: str | None = None
    entity_element: str | None = None
    entities_container: str | None = None
    #: ``Entities`` for most types; ``Resources`` for Task, Passwords, CloudSubtenant, NasObject.
    result_container: str = "Entities"
    resource_root_element: str | None = None
    entity_attributes: tuple[str, ...] = ()
    entity_elements: tuple[str, ...] = ()
    uid_prefix: str | None = None
    doc_notes: tuple[str, ...] = ()
    _by_lower: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_lower.update({f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> Field | None:
        """The field called ``name``, matched case-insensitively."""
        return self._by_lower.get(name.lower())

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def documented_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.undocumented)

    def available_in(self, version: EmVersion | str) -> bool:
        if isinstance(version, str):
            version = parse_version(version)
        return parse_version(self.since) <= version


class Schema:
    """All query types, looked up case-insensitively (documented alternative spellings too)."""

    def __init__(self, types: tuple[QueryType, ...], meta: dict | None = None) -> None:
        self.types = types
        self.meta = meta or {}
        self._by_lower: dict[str, QueryType] = {}
        for t in types:
            for spelling in (t.name, *t.spellings):
                self._by_lower[spelling.lower()] = t

    def __iter__(self) -> Iterator[QueryType]:
        return iter(self.types)

    def __len__(self) -> int:
        return len(self.types)

    def type(self, name: str) -> QueryType | None:
        return self._by_lower.get(name.lower())

    @cached_property
    def type_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.types)

    def types_in(self, version: EmVersion | str | None = None) -> tuple[QueryType, ...]:
        v = LATEST if version is None else (parse_version(version) if isinstance(version, str) else version)
        return tuple(t for t in self.types if t.available_in(v))


def _field_from(d: dict) -> Field:
    return Field(
        name=d["name"],
        doc_type=d["doc_type"],
        kind=Kind(d["kind"]),
        description=d.get("description", ""),
        enum=tuple(d.get("enum") or ()),
        since=d.get("since"),
        undocumented=bool(d.get("undocumented", False)),
        element=d.get("element"),
        urn_types=tuple(d.get("urn_types") or ()),
        example=d.get("example"),
        note=d.get("note"),
        sort_only=bool(d.get("sort_only", False)),
        filter_since=d.get("filter_since"),
        enum_since=tuple((k, v) for k, v in (d.get("enum_since") or {}).items()),
        enum_spellings=tuple((k, v) for k, v in (d.get("enum_spellings") or {}).items()),
    )


def _type_from(d: dict) -> QueryType:
    return QueryType(
        name=d["name"],
        since=d["since"],
        fields=tuple(_field_from(f) for f in d["fields"]),
        spellings=tuple(d.get("spellings") or ()),
        collection_resource=d.get("collection_resource"),
        reference_type=d.get("reference_type"),
        entity_element=d.get("entity_element"),
        entities_container=d.get("entities_container"),
        result_container=d.get("result_container", "Entities"),
        resource_root_element=d.get("resource_root_element"),
        entity_attributes=tuple(d.get("entity_attributes") or ()),
        entity_elements=tuple(d.get("entity_elements") or ()),
        uid_prefix=d.get("uid_prefix"),
        doc_notes=tuple(d.get("doc_notes") or ()),
    )


def schema_from_data(data: dict) -> Schema:
    return Schema(tuple(_type_from(t) for t in data["types"]), data.get("meta"))


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The schema shipped with fel (loaded once, on first use)."""
    text = resources.files("fel.schema").joinpath("data/types.json").read_text(encoding="utf-8")
    return schema_from_data(json.loads(text))
