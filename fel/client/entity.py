"""One entity model for XML and JSON answers.

An :class:`Entity` is what EM returns for one object: a full entity (``format=Entities``), a
``Resources`` item (Task, NasObject...) or a reference (``format=References``). It carries

* ``attributes`` — the entity's root attributes (``UID``, ``Name``, ``Type``, ``Href`` and
  type-specific ones such as ``VmDisplayName``), always strings;
* ``fields`` — the child elements as the entity shows them (``CreationTimeUTC``, not the
  filter name ``CreationTime``), with typed values: aware UTC :class:`~datetime.datetime`,
  ``int``, ``float``, ``bool``, ``str``; nested elements become dicts, repeated elements lists;
  an explicit ``null`` (JSON) or ``xsi:nil`` (XML) is ``None``, an absent field is absent;
* ``links`` — the ``Links`` of the entity as :class:`Link` records.

Values are typed from the schema where fel knows the field (a ``JobName`` of ``2024`` stays a
string) and from their form otherwise (``true``/``false``, integers without leading zeros,
plain decimals such as ``12.5``, ISO timestamps with ``Z`` or an offset). The same rules
type XML text and JSON strings, so both formats give equal entities. ``1753-01-01T00:00:00Z`` is EM's "never"; it is kept
as that datetime (see :data:`NEVER`).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping

__all__ = ["Link", "Entity", "NEVER", "coerce_text", "to_jsonable", "ATTRIBUTE_ORDER"]

#: EM's "never happened" timestamp.
NEVER = datetime(1753, 1, 1, tzinfo=timezone.utc)
#: The attributes shown first, in this order, when an entity is printed.
ATTRIBUTE_ORDER = ("UID", "Name", "Type", "Href")

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,18})\Z")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}\Z")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})\Z"
)


def parse_datetime(text: str) -> datetime | None:
    """An aware UTC datetime from an ISO timestamp with ``Z`` or an offset, else None.

    Fractions of any length are accepted (EM writes 0 to 7 digits); digits beyond the
    microsecond are dropped."""
    m = _DATETIME.match(text)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        if zone == "Z":
            return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=timezone.utc)
        from datetime import timedelta

        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=timezone(sign * offset))
        return local.astimezone(timezone.utc)
    except ValueError:
        return None


def coerce_text(text: str, kind: str | None = None) -> Any:
    """The typed value of an XML text (or JSON string) ``text``.

    ``kind`` is the schema kind of the field when known (``"integer"``, ``"decimal"``,
    ``"boolean"``, ``"datetime"``, or a string kind such as ``"string"``/``"enum"``/``"uid"``,
    which keeps the text as it is). Without a kind the value is typed by its form."""
    if kind is None:
        if not text:
            return text
        c = text[0]
        if c == "t" and text == "true":
            return True
        if c == "f" and text == "false":
            return False
        if c.isdigit() or c == "-":
            if _INT.match(text):
                return int(text)
            if len(text) >= 20 and text[4:5] == "-":
                dt = parse_datetime(text)
                if dt is not None:
                    return dt
            elif _PLAIN_DECIMAL.match(text):
                return float(text)
        return text
    if kind == "datetime":
        dt = parse_datetime(text)
        return text if dt is None else dt
    if kind == "integer":
        return int(text) if _INT.match(text.strip()) else text
    if kind == "boolean":
        low = text.strip().lower()
        return True if low == "true" else False if low == "false" else text
    if kind == "decimal":
        t = text.strip()
        if _INT.match(t):
            return int(t)
        return float(t) if _DECIMAL.match(t) else text
    return text


def coerce_json(value: Any, kind: str | None = None) -> Any:
    """Type a JSON scalar the way :func:`coerce_text` types the same value written in XML."""
    if isinstance(value, str):
        return coerce_text(value, kind)
    if value is None or kind is None:
        return value
    if isinstance(value, bool):
        if kind in ("boolean",):
            return value
        return ("true" if value else "false") if kind not in ("integer", "decimal", "datetime") else value
    if isinstance(value, (int, float)):
        if kind == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind == "decimal" and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind in ("string", "enum", "uid", "reference"):
            return str(value)
    return value


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
    """One object of a query result (entity, resource or reference)."""

    __slots__ = ("attributes", "fields", "links", "kind", "element")

    def __init__(
        self,
        attributes: dict[str, str],
        fields: dict[str, Any],
        links: tuple[Link, ...] = (),
        *,
        kind: str = "entity",
        element: str | None = None,
    ) -> None:
        self.attributes = attributes
        self.fields = fields
        self.links = links
        #: "entity" (format=Entities), "resource" (a Resources item) or "reference".
        self.kind = kind
        #: the XML element name (or JSON container key) the entity arrived in.
        self.element = element

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
        element), ``link:Up:BackupServerReference@Name`` (a value carried by a link)."""
        if path.startswith("link:"):
            return self._link_value(path, default)
        if path.startswith("@"):
            return _lookup(self.attributes, path[1:], default)
        parts = path.split("/")
        if len(parts) == 1:
            value = _lookup(self.fields, path, _MISSING)
            if value is _MISSING:
                return _lookup(self.attributes, path, default)
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


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with ``Z``; the fraction only when there is one."""
    value = value.astimezone(timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def to_jsonable(value: Any) -> Any:
    """``value`` with datetimes turned into ISO strings (recursively)."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    return value
