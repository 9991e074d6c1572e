"""The XML spelling of names that arrive in camelCase JSON.

EM 13.x writes JSON keys in camelCase, and camelCase loses acronyms: ``RPOSchedule`` becomes
``rpoSchedule``, ``UID`` becomes ``uid``. Upper-casing the first letter is not enough to get
the XML name back, so names fel knows — every element and attribute of every entity in the
schema, and the envelope's own names — are restored from a table; others get their first
letter upper-cased. PascalCase keys (12.x) are left as they are.
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["known_spellings", "type_spellings"]

_ENVELOPE = (
    "QueryResult", "Refs", "Ref", "Entities", "Resources", "PagingInfo", "PageNum", "PageSize", "PagesCount",
    "Links", "Link", "Rel", "Href", "Type", "Name", "UID", "Id", "Value", "LogonSession", "SessionId", "UserName",
    "Error", "Message", "StatusCode", "FirstChanceExceptionMessage", "StackTrace", "Status",
)


def _schema() -> tuple:
    try:
        from fel.schema import load_schema

        return tuple(load_schema())
    except Exception:  # noqa: BLE001 - without the schema only the envelope names are known
        return ()


@lru_cache(maxsize=1)
def known_spellings() -> dict[str, str]:
    """Lower-case name → XML spelling, for every name in the envelope or the schema's entities.
    Where types disagree (``CreationTimeUTC``/``CreationTimeUtc``) the first one seen wins;
    :func:`type_spellings` settles it for one type's own elements."""
    out = {n.lower(): n for n in _ENVELOPE}
    for qtype in _schema():
        for name in (qtype.entity_element, qtype.entities_container, qtype.resource_root_element):
            if name:
                out.setdefault(name.lower(), name)
        for path in qtype.entity_elements + qtype.entity_attributes:
            for part in path.split("/"):
                out.setdefault(part.lower(), part)
    return out


@lru_cache(maxsize=256)
def type_spellings(type_name: str | None) -> dict[str, str]:
    """Lower-case name → XML spelling of every element (at any depth) and attribute of one type."""
    if not type_name:
        return {}
    try:
        from fel.schema import load_schema

        qtype = load_schema().type(type_name)
    except Exception:  # noqa: BLE001
        qtype = None
    if qtype is None:
        return {}
    out: dict[str, str] = {}
    for path in qtype.entity_elements + qtype.entity_attributes:
        for part in path.split("/"):
            out.setdefault(part.lower(), part)
    return out
