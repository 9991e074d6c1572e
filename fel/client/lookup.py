"""The lookup service: find a virtual infrastructure object by name under a hierarchy root.

``GET /api/lookup?host=<HierarchyRoot UID>&name=<name>&type=<object type>`` answers
``HierarchyItems`` — each an ``ObjectRef`` (the ``HierarchyObjRef`` jobs and restores take), an
``ObjectType`` and an ``ObjectName``. :func:`check_lookup` validates the three parameters
before anything is sent, the way queries are checked: the host must be a HierarchyRoot UID
(``urn:veeam:HierarchyRoot:<GUID>`` or the bare GUID), the name non-empty, the type one of the
object types Veeam lists for the lookup (any case), with a did-you-mean for a near miss.
:meth:`fel.client.Client.lookup` runs it; ``fel run --lookup`` and the REPL's ``\\lookup`` use it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .errors import ClientError, DecodeError

__all__ = ["LOOKUP_TYPES", "HierarchyItem", "InvalidLookup", "check_lookup", "lookup_href", "decode_items",
           "format_table"]

#: Object types per platform, as Veeam's page on the lookup service lists them.
LOOKUP_TYPES: dict[str, tuple[str, ...]] = {
    "VMware": ("Vm", "Host", "Cluster", "Template", "VirtualApp", "Vc", "Datacenter", "Folder", "Datastore",
               "ComputeResource", "ResourcePool", "Tag", "Category", "StoragePod"),
    "vCloud": ("VcdSystem", "Organization", "OrgVdc", "Vapp", "Vm", "VappTemplate", "VmTemplate"),
    "HyperV": ("Vm", "Host", "Cluster", "Scvmm", "HostGroup", "VmGroup"),
}
ALL_TYPES = tuple(sorted({t for types in LOOKUP_TYPES.values() for t in types}))
#: Words people use for a type, for the did-you-mean.
TYPE_ALIASES = {"virtualmachine": "Vm", "machine": "Vm", "vcenter": "Vc", "esx": "Host", "esxi": "Host",
                "hypervisor": "Host", "server": "Host", "pool": "ResourcePool", "vdc": "OrgVdc", "org": "Organization"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PREFIX = "urn:veeam:HierarchyRoot:"


class InvalidLookup(ClientError):
    """A lookup whose parameters cannot be right (exit 1, like a query error); nothing was sent."""

    exit_code = 1


@dataclass(frozen=True)
class HierarchyItem:
    """One object the lookup found."""

    object_ref: str
    object_type: str
    object_name: str

    def as_dict(self) -> dict[str, str]:
        return {"ObjectName": self.object_name, "ObjectType": self.object_type, "ObjectRef": self.object_ref}


def check_lookup(host: str, name: str, type: str) -> tuple[str, str, str]:
    """``(host URN, name, type as Veeam spells it)``; :class:`InvalidLookup` naming the bad
    parameter otherwise."""
    from ..schema import suggest

    host = (host or "").strip()
    guid = host[len(_PREFIX):] if host.lower().startswith(_PREFIX.lower()) else host
    if not host:
        raise InvalidLookup("lookup: host is missing", hint="give the UID of a HierarchyRoot "
                            "(query: HierarchyRoot, e.g. urn:veeam:HierarchyRoot:<GUID>)")
    if ":" in guid:
        kind = guid.split(":")[2] if guid.lower().startswith("urn:veeam:") and guid.count(":") >= 3 else None
        what = f"a {kind} UID" if kind else "not a HierarchyRoot UID"
        raise InvalidLookup(f"lookup: host {host!r} is {what}",
                            hint="the lookup searches under a hierarchy root: urn:veeam:HierarchyRoot:<GUID>")
    if not _GUID.fullmatch(guid):
        raise InvalidLookup(f"lookup: host {host!r} is not a HierarchyRoot UID ({guid!r} is not a GUID)")
    if not (name or "").strip():
        raise InvalidLookup("lookup: name is missing", hint="the object's name; * and ? are wildcards")
    wanted = (type or "").strip()
    canon = next((t for t in ALL_TYPES if t.lower() == wanted.lower()), None)
    if canon is None:
        alias = TYPE_ALIASES.get(wanted.lower().rstrip("s"))
        near = [alias] if alias else suggest(wanted, ALL_TYPES) if wanted else []
        hint = f"did you mean {' or '.join(near)}?" if near else f"types: {', '.join(ALL_TYPES)}"
        raise InvalidLookup(f"lookup: unknown object type {wanted!r}" if wanted else "lookup: type is missing",
                            hint=hint)
    return _PREFIX + guid.lower(), name.strip(), canon


def lookup_href(host: str, name: str, type: str) -> str:
    """The request below the API root: ``lookup?host=…&name=…&type=…`` (values percent-encoded)."""
    host, name, type = check_lookup(host, name, type)
    return f"lookup?host={quote(host, safe=':')}&name={quote(name, safe='*')}&type={type}"


def decode_items(body: bytes, content_type: str | None) -> list[HierarchyItem]:
    """The ``HierarchyItems`` of a lookup answer (XML or JSON)."""
    from .decode import body_format

    if body_format(body, content_type) == "json":
        from .jsoncodec import parse_json

        data: Any = parse_json(body)
        rows = _json_rows(data)
        return [_item(lambda k, r=r: _get(r, k)) for r in rows]
    from .xmlcodec import local_name, parse_xml

    root = parse_xml(body)
    if local_name(root.tag) != "HierarchyItems":
        raise DecodeError(f"expected HierarchyItems, got {local_name(root.tag)}")
    out = []
    for el in root:
        if local_name(el.tag) != "HierarchyItem":
            continue
        texts = {local_name(c.tag): (c.text or "").strip() for c in el}
        out.append(_item(texts.get))
    return out


def _get(row: Any, key: str) -> Any:
    if isinstance(row, dict):
        for k, v in row.items():
            if k.lower() == key.lower():
                return v
    return None


def _json_rows(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    rows = _get(data, "HierarchyItems")
    if rows is None:
        rows = _get(data, "HierarchyItem")
    if isinstance(rows, dict):
        inner = _get(rows, "HierarchyItem") or _get(rows, "HierarchyItems")
        rows = inner if inner is not None else [rows]
    if rows is None:
        raise DecodeError("expected HierarchyItems in the lookup answer")
    return rows if isinstance(rows, list) else [rows]


def _item(get) -> HierarchyItem:
    ref, kind, name = get("ObjectRef"), get("ObjectType"), get("ObjectName")
    if not ref:
        raise DecodeError("a HierarchyItem without ObjectRef")
    return HierarchyItem(str(ref), str(kind or ""), str(name or ""))


def format_table(items: list[HierarchyItem]) -> str:
    """A plain table of lookup results (``fel lookup`` and the REPL's ``\\lookup``), aligned by
    display width (``バックアップ`` takes two columns a character)."""
    from .output import display_width, pad

    rows = [i.as_dict() for i in items]
    cols = ["ObjectName", "ObjectType", "ObjectRef"]
    widths = [max(len(c), *(display_width(r[c]) for r in rows)) for c in cols]
    lines = ["  ".join(pad(c, w) for c, w in zip(cols, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(r[c], w) for c, w in zip(cols, widths)).rstrip() for r in rows]
    return "\n".join(lines)
