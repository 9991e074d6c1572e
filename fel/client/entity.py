"""One entity model for XML and JSON answers.

An :class:`Entity` is what EM returns for one object: a full entity (``format=Entities``), a
``Resources`` item (Task, NasObject...) or a reference (``format=References``). It carries

* ``attributes`` — the entity's root attributes (``UID``, ``Name``, ``Type``, ``Href`` and
  type-specific ones such as ``VmDisplayName``), always strings;
* ``fields`` — the child elements as the entity shows them (``CreationTimeUTC``, not the
  filter name ``CreationTime``), with typed values: aware UTC :class:`~datetime.datetime`,
  ``int``, ``float``, ``bool``, ``str``; nested elements become dicts, repeated elements lists,
  text beside attributes ``Value``; a field that is present without a value — JSON ``null``
  or ``""``, an empty XML element, ``xsi:nil`` — is ``None``, an absent field is absent;
* ``links`` — the ``Links`` of the entity as :class:`Link` records.

Values are typed by :mod:`fel.client.values`: from the schema where fel knows the field (a
``JobName`` of ``2024`` stays a string), from their form otherwise; the same rules type XML
text and JSON strings, so both formats give equal entities. ``1753-01-01T00:00:00Z`` is EM's
"never"; it is kept as that datetime (see :data:`~fel.client.values.NEVER`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator, Mapping

from .values import ATTRIBUTE_ORDER, NEVER, coerce_text, format_datetime, parse_datetime, to_jsonable

__all__ = ["Link", "Entity", "field_element", "NEVER", "coerce_text", "parse_datetime", "format_datetime", "to_jsonable",
           "ATTRIBUTE_ORDER"]


class Link:
    """One ``<Link Rel Type Href Name/>``."""

    __slots__ = ("rel", "href", "type", "name")

    def __init__(self, rel: str | None, href: str | None, type: str | None = None, name: str | None = None) -> None:
        self.rel = rel
        self.href = href
        self.type = type
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (self.rel, self.href, self.type, self.name)

    def __repr__(self) -> str:
        return f"Link(rel={self.rel!r}, type={self.type!r}, href={self.href!r}, name={self.name!r})"

    def to_dict(self) -> dict[str, str]:
        d = {"Rel": self.rel, "Type": self.type, "Href": self.href, "Name": self.name}
        return {k: v for k, v in d.items() if v is not None}


class Entity:
    """One object of a query result (entity, resource or reference).

    Entities decoded from XML are *lazy*: they keep their lxml element and decode attributes
    and fields on the first access to any of them, and links on the first access to
    ``links``, so a page is usable as soon as it is parsed and nobody pays for links they do
    not read. A lazy entity keeps its page's parsed tree alive until it is fully decoded or
    dropped; :meth:`materialize` decodes everything and lets the tree go.
    """

    __slots__ = ("_attributes", "_fields", "_links", "kind", "_element", "_lazy", "_lazy_links")

    def __init__(
        self,
        attributes: dict[str, str],
        fields: dict[str, Any],
        links: tuple[Link, ...] = (),
        *,
        kind: str = "entity",
        element: str | None = None,
    ) -> None:
        self._attributes = attributes
        self._fields = fields
        self._links = links
        #: "entity" (format=Entities), "resource" (a Resources item) or "reference".
        self.kind = kind
        self._element = element
        self._lazy: Any = None
        self._lazy_links: Any = None

    def _load(self) -> None:
        """Decode a lazy entity's attributes and fields (subclasses that set ``_lazy``)."""
        raise NotImplementedError  # pragma: no cover

    def _load_links(self) -> None:
        """Decode a lazy entity's links (subclasses that set ``_lazy_links``)."""
        raise NotImplementedError  # pragma: no cover

    def materialize(self) -> "Entity":
        """Decode everything now and let go of the parsed source; returns ``self``."""
        if self._lazy is not None:
            self._load()
        if self._lazy_links is not None:
            self._load_links()
        return self

    @property
    def attributes(self) -> dict[str, str]:
        """Root attributes (``UID``, ``Name``, ``Type``, ``Href``, ...), strings."""
        if self._lazy is not None:
            self._load()
        return self._attributes

    @property
    def fields(self) -> dict[str, Any]:
        """Child elements as the entity shows them, typed."""
        if self._lazy is not None:
            self._load()
        return self._fields

    @property
    def links(self) -> tuple[Link, ...]:
        if self._lazy is not None:
            self._load()
        if self._lazy_links is not None:
            self._load_links()
        return self._links

    @property
    def element(self) -> str | None:
        """The XML element name (or JSON container key) the entity arrived in."""
        if self._lazy is not None:
            self._load()
        return self._element

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.attributes, self.fields, self.links, self.kind, self.element))

    # -- the four attributes every printout shows ------------------------------------------
    @property
    def type(self) -> str | None:
        return self.attributes.get("Type")

    @property
    def uid(self) -> str | None:
        return self.attributes.get("UID")

    @property
    def name(self) -> str | None:
        name = self.attributes.get("Name")
        if name is None:
            value = self.fields.get("Name")
            return value if isinstance(value, str) else None
        return name

    @property
    def href(self) -> str | None:
        return self.attributes.get("Href")

    # -- access ----------------------------------------------------------------------------
    def get(self, path: str, default: Any = None) -> Any:
        """A value by path, matched case-insensitively when no exact match exists.

        ``Name`` (attribute or field), ``@Name`` (attribute only), ``Result/Message`` (nested
        element), ``link:Up:BackupServerReference@Name`` (a value carried by a link). A filter
        field name the entity does not carry under that name is found where the schema says
        (:func:`field_element`): ``CreationTime`` → ``CreationTimeUTC``,
        ``BackupServerName`` → the ``Up`` link's name."""
        return self._get(path, default, True)

    def _get(self, path: str, default: Any, by_schema: bool) -> Any:
        if path.startswith("link:"):
            return self._link_value(path, default)
        if path.startswith("@"):
            return _lookup(self.attributes, path[1:], default)
        parts = path.split("/")
        if len(parts) == 1:
            value = _lookup(self.fields, path, _MISSING)
            if value is _MISSING:
                value = _lookup(self.attributes, path, _MISSING)
            if value is _MISSING:
                element = field_element(self.type, path) if by_schema else None
                if element is None or element.lower() == path.lower():
                    return default
                return self._get(element, default, False)
            return value
        node: Any = self.fields
        for part in parts:
            if isinstance(node, list):
                node = node[0] if node else None
            if not isinstance(node, Mapping):
                return default
            node = _lookup(node, part, _MISSING)
            if node is _MISSING:
                return default
        return node

    def _link_value(self, path: str, default: Any) -> Any:
        spec, _, attr = path[5:].partition("@")
        rel, _, link_type = spec.partition(":")
        for link in self.links:
            if rel and (link.rel or "").lower() != rel.lower():
                continue
            if link_type and (link.type or "").lower() != link_type.lower():
                continue
            if attr.upper() == "UID":
                return _uid_from_href(link) or default
            value = getattr(link, attr.lower(), None) if attr else link.href
            return default if value is None else value
        return default

    def __getitem__(self, path: str) -> Any:
        value = self.get(path, _MISSING)
        if value is _MISSING:
            raise KeyError(path)
        return value

    def __contains__(self, path: str) -> bool:
        return self.get(path, _MISSING) is not _MISSING

    def __iter__(self) -> Iterator[str]:
        yield from self.attributes
        yield from self.fields

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity):
            return NotImplemented
        return (
            self.kind == other.kind
            and self.attributes == other.attributes
            and self.fields == other.fields
            and self.links == other.links
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entity(type={self.type!r}, name={self.name!r}, uid={self.uid!r})"

    def to_dict(self, *, links: bool = False) -> dict[str, Any]:
        """A JSON-ready dict: the attributes (UID, Name, Type, Href first), then the fields
        (datetimes as ISO 8601 with ``Z``), then ``Links`` when asked."""
        out: dict[str, Any] = {}
        for key in ATTRIBUTE_ORDER:
            if key in self.attributes:
                out[key] = self.attributes[key]
        for key, value in self.attributes.items():
            out.setdefault(key, value)
        for key, value in self.fields.items():
            if key not in out:
                out[key] = to_jsonable(value)
        if links:
            out["Links"] = [link.to_dict() for link in self.links]
        return out


_MISSING: Any = object()


@lru_cache(maxsize=4096)
def field_element(type_name: str | None, name: str) -> str | None:
    """Where entities of ``type_name`` carry the filter field ``name`` (case-insensitive):
    the schema's ``Field.element`` (``CreationTimeUTC``, ``@Name``,
    ``link:Up:BackupServerReference@Name``); None for an unknown type or field. The one
    mapping behind :meth:`Entity.get`, ``fel run --fields``, ``--offline`` and the REPL's columns."""
    if not type_name:
        return None
    try:
        from fel.schema import load_schema

        schema = load_schema()
    except Exception:  # noqa: BLE001 - without the schema only names as carried are found
        return None
    qtype = schema.type(type_name)
    if qtype is None and type_name.endswith("Reference"):
        qtype = schema.type(type_name[: -len("Reference")])
    field = qtype.field(name) if qtype is not None else None
    return field.element if field is not None and field.element else None


def _rebuild(attributes: dict, fields: dict, links: tuple, kind: str, element: str | None) -> Entity:
    return Entity(attributes, fields, links, kind=kind, element=element)


def _lookup(mapping: Mapping[str, Any], key: str, default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    low = key.lower()
    for k, v in mapping.items():
        if k.lower() == low:
            return v
    return default


def _uid_from_href(link: Link) -> str | None:
    """``urn:veeam:<Type>:<guid>`` for a reference link (``.../backupServers/<guid>``)."""
    if not link.href or not link.type:
        return None
    guid = link.href.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    base = link.type[: -len("Reference")] if link.type.endswith("Reference") else link.type
    return f"urn:veeam:{base}:{guid}"
