"""What the schema says about an entity type, for the decoders.

``hints_for(type)`` maps element names to schema kinds (how to type a field's text) and
``attributes_for(type)`` names the root attributes (JSON has no attribute/element split).
Both codecs (:mod:`~fel.client.xmlcodec`, :mod:`~fel.client.jsoncodec`) and
:mod:`~fel.client.decode` import from here, so no codec imports the module that imports it.
Without the schema (or for a type it does not know) decoding still works, typing by form.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["hints_for", "attributes_for", "schema_type", "DEFAULT_ATTRIBUTES"]

#: Root attributes of an entity, when its type is unknown to the schema.
DEFAULT_ATTRIBUTES = frozenset({"UID", "Name", "Type", "Href"})


@lru_cache(maxsize=256)
def hints_for(type_name: str | None) -> dict[str, str | None]:
    """Element name → schema kind for the entity type ``type_name`` (its ``Type`` attribute)."""
    if not type_name:
        return {}
    qtype = schema_type(type_name)
    if qtype is None:
        return {}
    out: dict[str, str | None] = {}
    for f in qtype.fields:
        el = f.element
        if not el or el.startswith(("@", "link:")) or "/" in el:
            continue
        out[el] = f.kind.value
    return out


@lru_cache(maxsize=256)
def attributes_for(type_name: str | None) -> frozenset[str]:
    """The root attributes of entities of ``type_name`` (JSON has no attribute/element split)."""
    qtype = schema_type(type_name) if type_name else None
    if qtype is None or not qtype.entity_attributes:
        return DEFAULT_ATTRIBUTES
    return frozenset(qtype.entity_attributes) | {"Type", "Href"}


def schema_type(name: str) -> Any:
    """The schema's query type named ``name``, or None (unknown, or no schema)."""
    try:
        from fel.schema import load_schema

        return load_schema().type(name)
    except Exception:  # noqa: BLE001 - typing by form still works without the schema
        return None
