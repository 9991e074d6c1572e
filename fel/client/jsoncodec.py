"""JSON bodies → :class:`~fel.client.entity.Entity` objects.

EM's JSON mirrors its XML: lists are nested twice (``{"Refs": {"Refs": [...]}}``), absent
parts are ``null`` (v10/v11) or omitted (9.5 U4, v13), v13 writes camelCase keys
(``entities``, ``pagingInfo``, ``href``) where 12.x writes PascalCase. Keys are normalised to
the XML spelling (``uid`` → ``UID``, ``pagingInfo`` → ``PagingInfo``) so one entity model fits
both formats.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Callable

from .entity import Entity, Link
from .values import CONVERTERS, coerce_json, coerce_text
from .errors import DecodeError, HostileBody
from .hints import DEFAULT_ATTRIBUTES, attributes_for, hints_for
from .names import known_spellings, type_spellings

__all__ = ["parse_json", "pascal", "unwrap_list", "entity_from_json", "links_from_json", "norm_dict"]

_SPECIAL = {"uid": "UID", "id": "Id"}
_pascal_cache: dict[str, str] = {}



def pascal(key: str) -> str:
    """``pagingInfo`` → ``PagingInfo``, ``uid`` → ``UID``, ``rpoSchedule`` → ``RPOSchedule``
    (names fel knows get their XML spelling back, see :mod:`fel.client.names`); PascalCase
    keys pass unchanged."""
    try:
        return _pascal_cache[key]
    except KeyError:
        if key[:1].islower():
            out = _SPECIAL.get(key) or known_spellings().get(key.lower()) or (key[:1].upper() + key[1:])
        else:
            out = key
        if len(_pascal_cache) < 8192:
            _pascal_cache[key] = out
        return out


def parse_json(body: bytes) -> Any:
    """The decoded JSON of ``body`` (a UTF-8 BOM is allowed); :class:`DecodeError` otherwise."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"the JSON response is not UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecodeError(f"malformed JSON in the response: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise HostileBody("refused a JSON body nested too deeply") from None
    except ValueError as exc:  # e.g. integers beyond the int-digits limit
        raise DecodeError(f"unreadable JSON in the response: {exc}") from None


def norm_dict(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with its keys in PascalCase (one level)."""
    return {pascal(k): v for k, v in d.items()}


def unwrap_list(value: Any) -> list[Any]:
    """The items of an EM JSON list, nested once or twice: ``[...]``, ``{"X": [...]}``,
    ``{"X": {"X": [...]}}``; ``null`` and absent give []. Several keys: every list is joined."""
    depth = 0
    while isinstance(value, dict) and depth < 3:
        if any(pascal(k) in ("Href", "UID", "Type", "Rel") for k in value):
            return [value]  # a lone object where a list was expected
        lists = [v for v in value.values() if v is not None]
        if not lists:
            return []
        if len(lists) == 1:
            value = lists[0]
        else:
            out: list[Any] = []
            for v in lists:
                out.extend(unwrap_list(v))
            return out
        depth += 1
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise DecodeError(f"expected a list in the JSON response, found {type(value).__name__}")


def links_from_json(value: Any) -> tuple[Link, ...]:
    """The :class:`Link` records of a JSON ``Links`` value; each key in EM's spelling
    (``Rel``) or, when that key is absent, v13's (``rel``); values as strings."""
    out = []
    for item in unwrap_list(value):
        if not isinstance(item, dict):
            raise DecodeError("a JSON link is not an object")
        g = item.get
        rel, href, typ, name = g("Rel", _NO), g("Href", _NO), g("Type", _NO), g("Name", _NO)
        if rel is _NO:
            rel = g("rel")
        if href is _NO:
            href = g("href")
        if typ is _NO:
            typ = g("type")
        if name is _NO:
            name = g("name")
        out.append(Link(rel if rel is None or type(rel) is str else str(rel),
                        href if href is None or type(href) is str else str(href),
                        typ if typ is None or type(typ) is str else str(typ),
                        name if name is None or type(name) is str else str(name)))
    return tuple(out)


#: An absent key (``None`` is a value: ``{"Rel": null}`` does not fall back to ``rel``).
_NO: Any = object()


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _key(key: str, own: dict[str, str]) -> str:
    if key[:1].islower():
        return own.get(key.lower()) or pascal(key)
    return key


def generic_json(value: Any, own: dict[str, str] | None = None) -> Any:
    """A nested JSON value with keys normalised (``own``: the entity type's spellings) and
    strings typed by form."""
    own = own or {}
    if isinstance(value, dict):
        return {_key(k, own): generic_json(v, own) for k, v in value.items()}
    if isinstance(value, list):
        return [generic_json(v, own) for v in value]
    return coerce_json(value)


class JsonEntity(Entity):
    """An entity decoded from its JSON object on first access (see :class:`Entity`)."""

    __slots__ = ()

    def __init__(self, item: dict[str, Any], kind: str, element: str | None) -> None:  # noqa: D107
        self.kind = kind
        self._element = element
        self._lazy = item
        self._lazy_links = None

    def _load(self) -> None:
        item = self._lazy
        if item is None:
            return
        self._attributes, self._fields, self._links = _decode_entity(item, self.kind)
        self._lazy = None

    def _load_links(self) -> None:  # links are decoded with the fields
        self._lazy_links = None


def entity_from_json(
    item: Any,
    kind: str,
    hints_for: Callable[[str | None], dict[str, str | None]] | None = None,
    attributes_for: Callable[[str | None], frozenset[str]] | None = None,
    element: str | None = None,
) -> Entity:
    """One entity (or reference) object of a JSON answer, decoded lazily."""
    if not isinstance(item, dict):
        raise DecodeError(f"an entity in the JSON response is a {type(item).__name__}, not an object")
    return JsonEntity(item, kind, element)


_LINKS, _ATTR, _FIELD = 0, 1, 2


@lru_cache(maxsize=512)
def _plan(type_name: str | None, kind: str) -> dict[str, tuple[str, int, str | None, Any]]:
    """A cache for one entity type: raw JSON key -> (XML name, role, schema kind, converter of
    a non-empty string: None for string kinds, :func:`coerce_text` (by form) without a kind),
    filled as keys are met."""
    return {}


def _decode_entity(item: dict[str, Any], kind: str) -> tuple[dict[str, str], dict[str, Any], tuple[Link, ...]]:
    type_value = item.get("Type", item.get("type"))
    type_name = None if type_value is None else str(type_value)
    plan = _plan(type_name, kind)
    attrs: dict[str, str] = {}
    fields: dict[str, Any] = {}
    links: tuple[Link, ...] = ()
    own: dict[str, str] | None = None
    for raw_key, value in item.items():
        step = plan.get(raw_key)
        if step is None:
            own = type_spellings(type_name)
            key = _key(raw_key, own)
            attr_names = DEFAULT_ATTRIBUTES if kind == "reference" else attributes_for(type_name)
            role = _LINKS if key == "Links" else _ATTR if key in attr_names else _FIELD
            hint = hints_for(type_name).get(key)
            step = (key, role, hint, coerce_text if hint is None else CONVERTERS.get(hint))
            if len(plan) < 1024:  # bounded: hostile bodies with endless distinct keys
                plan[raw_key] = step
        key, role, hint, conv = step
        if role == _FIELD:
            if isinstance(value, str):  # as coerce_text(value, hint), without the lookups
                fields[key] = None if not value else value if conv is None else conv(value)
            elif isinstance(value, (dict, list)):
                fields[key] = generic_json(value, own if own is not None else type_spellings(type_name))
            else:
                fields[key] = coerce_json(value, hint)
        elif role == _ATTR:
            if value is not None:
                attrs[key] = value if isinstance(value, str) else _scalar_text(value)
        else:
            links = links_from_json(value)
    return attrs, fields, links


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
