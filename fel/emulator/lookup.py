"""The lookup service: ``GET /api/lookup?host=<HierarchyRoot UID>&name=<name>&type=<type>`` and
``GET /api/lookup?hierarchyRef=<ObjectRef>``, answered with ``HierarchyItems``.

Each hierarchy root of the dataset (vCenter, ESXi and Hyper-V hosts, vCloud Director) has a
small inventory: the VMs of its backup server's jobs of that platform, plus the hosts, cluster,
datacenter, resource pool, folder, datastore and template (VMware), the organisation, VDC and
vApp (vCloud Director). ``name`` matches case-insensitively, with ``*`` and ``?`` as wildcards;
``type`` is one of the object types Veeam lists for the root's platform, any case. An unknown
type, a missing parameter or a malformed host UID is a 400 naming the parameter (with a
did-you-mean for the type); a host that is no hierarchy root, and a ``hierarchyRef`` nothing has,
is a 404.
"""
from __future__ import annotations

import fnmatch
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache

from ..schema import suggest
from .dataset import Dataset
from .model import Entity
from .render import Node

__all__ = ["LOOKUP_TYPES", "LookupProblem", "lookup", "HierarchyItem"]

#: Object types per platform, as Veeam's lookup page lists them.
LOOKUP_TYPES: dict[str, tuple[str, ...]] = {
    "VMware": ("Vm", "Host", "Cluster", "Template", "VirtualApp", "Vc", "Datacenter", "Folder", "Datastore",
               "ComputeResource", "ResourcePool", "Tag", "Category", "StoragePod"),
    "vCloud": ("VcdSystem", "Organization", "OrgVdc", "Vapp", "Vm", "VappTemplate", "VmTemplate"),
    "HyperV": ("Vm", "Host", "Cluster", "Scvmm", "HostGroup", "VmGroup"),
}
_ALL_TYPES = sorted({t for types in LOOKUP_TYPES.values() for t in types})
#: Words people use for a type, for the did-you-mean.
TYPE_ALIASES = {"virtualmachine": "Vm", "machine": "Vm", "vcenter": "Vc", "esx": "Host", "esxi": "Host",
                "hypervisor": "Host", "server": "Host", "pool": "ResourcePool", "vdc": "OrgVdc", "org": "Organization"}
_PLATFORM = {"VC": "VMware", "ESXi": "VMware", "HvServer": "HyperV", "VcdSystem": "vCloud"}
_JOB_PLATFORM = {"VMware": "VMware", "HyperV": "HyperV", "vCloud": "vCloud"}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class LookupProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class HierarchyItem:
    ref: str
    type: str
    name: str

    def node(self) -> Node:
        return Node("HierarchyItem", [("Type", "HierarchyItem")], None,
                    [Node("ObjectRef", [], self.ref), Node("ObjectType", [], self.type),
                     Node("ObjectName", [], self.name)])


def _vms(ds: Dataset, server: Entity | None, platform: str) -> list[str]:
    names: dict[str, None] = {}
    for obj in ds.entities("ObjectInJob"):
        job = obj.parent("Job")
        if job is not None and job.fields.get("Platform") == platform and (server is None or job.parent("BackupServer") is server):
            names.setdefault(obj.fields["Name"], None)
    return list(names)


@lru_cache(maxsize=64)
def _inventory_cached(ds: Dataset, root_id: str) -> tuple[HierarchyItem, ...]:
    root = next(r for r in ds.entities("HierarchyRoot") if r.id == root_id)
    platform = _PLATFORM.get(root.fields["HostType"], "VMware")
    server = root.parent("BackupServer")
    rid = root.id
    ns = uuid.uuid5(uuid.NAMESPACE_URL, f"fel-emulator:{ds.seed}:lookup:{rid}")
    items: list[HierarchyItem] = []

    def add(kind: str, name: str, moref: str) -> None:
        items.append(HierarchyItem(f"urn:{platform}:{kind}:{rid}.{moref}", kind, name))

    if root.fields["HostType"] == "VC":
        add("Vc", root.fields["Name"], rid)
        add("Datacenter", "Datacenter", "datacenter-2")
        add("Cluster", "Cluster A", "domain-c7")
        hosts = [m for m in ds.entities("ManagedServer") if m.fields["ManagedServerType"] == "ESXi"
                 and m.parent("BackupServer") is server]
        for n, h in enumerate(hosts):
            add("Host", h.fields["Name"], f"host-{10 + n}")
        add("ResourcePool", "Production", "resgroup-10734")
        add("Folder", "Discovered virtual machine", "group-v3")
        add("Datastore", "datastore1", "datastore-11")
        add("Template", "ubuntu-22.04-template", "vm-900")
        for n, vm in enumerate(_vms(ds, server, "VMware")):
            add("Vm", vm, f"vm-{1001 + n}")
    elif root.fields["HostType"] == "ESXi":
        add("Host", root.fields["Name"], "ha-host")
        add("Datastore", "datastore1", "datastore-11")
    elif root.fields["HostType"] == "HvServer":
        add("Host", root.fields["Name"], str(uuid.uuid5(ns, "host")))
        for vm in _vms(ds, server, "HyperV"):
            add("Vm", vm, str(uuid.uuid5(ns, "vm:" + vm)))
    else:
        add("VcdSystem", root.fields["Name"], rid)
        add("Organization", "organization02", f"urn:vcloud:org:{uuid.uuid5(ns, 'org')}")
        add("OrgVdc", "organization02-vdc", f"urn:vcloud:vdc:{uuid.uuid5(ns, 'vdc')}")
        add("Vapp", "vApp002", f"urn:vcloud:vapp:{uuid.uuid5(ns, 'vapp')}")
        for vm in _vms(ds, None, "vCloud") or ["vApp002-web"]:  # the one vCloud Director: every vCloud job
            add("Vm", vm, f"urn:vcloud:vm:{uuid.uuid5(ns, 'vm:' + vm)}")
    return tuple(items)


def inventory(ds: Dataset, root: Entity) -> tuple[HierarchyItem, ...]:
    """The objects under a hierarchy root (built once per dataset and root)."""
    return _inventory_cached(ds, root.id)


def _find_root(ds: Dataset, host: str) -> Entity:
    ident = host.strip()
    guid = ident.rsplit(":", 1)[-1]
    if ":" in ident and not ident.lower().startswith("urn:veeam:hierarchyroot:"):
        raise LookupProblem(400, f"host '{host}' is not a HierarchyRoot UID; "
                                 "give urn:veeam:HierarchyRoot:<GUID> (see type=HierarchyRoot in the query service)")
    if not _GUID.match(guid):
        raise LookupProblem(400, f"host '{host}' is not a HierarchyRoot UID: '{guid}' is not a GUID")
    for root in ds.entities("HierarchyRoot"):
        if root.id.lower() == guid.lower():
            return root
    raise LookupProblem(404, f"hierarchy root '{host}' does not exist")


def canonical_type(value: str) -> str:
    """The object type as Veeam spells it (any case accepted); LookupProblem with a
    did-you-mean when there is no such type."""
    for t in _ALL_TYPES:
        if t.lower() == value.strip().lower():
            return t
    alias = TYPE_ALIASES.get(value.strip().lower().rstrip("s"))
    near = [alias] if alias else suggest(value, _ALL_TYPES)
    hint = f"; did you mean {' or '.join(near)}?" if near else f"; types: {', '.join(_ALL_TYPES)}"
    raise LookupProblem(400, f"unknown lookup type '{value}'{hint}")


def lookup(ds: Dataset, params: list[tuple[str, str]]) -> list[HierarchyItem]:
    """The items a lookup request names (parameter names in any case, the first one counts)."""
    got: dict[str, str] = {}
    for k, v in params:
        got.setdefault(k.strip().lower(), v)
    ref = got.get("hierarchyref")
    if ref is not None and ref.strip():
        for root in ds.entities("HierarchyRoot"):
            for item in inventory(ds, root):
                if item.ref.lower() == ref.strip().lower():
                    return [item]
        raise LookupProblem(404, f"no object has hierarchyRef '{ref}'")
    missing = [p for p in ("host", "name", "type") if not got.get(p, "").strip()]
    if missing:
        raise LookupProblem(400, f"the lookup needs {', '.join(missing)}: "
                                 "GET /api/lookup?host=<HierarchyRoot UID>&name=<name>&type=<type> (or hierarchyRef=)")
    kind = canonical_type(got["type"])
    root = _find_root(ds, got["host"])
    pattern = got["name"].strip().lower().replace("[", "[[]")
    return [i for i in inventory(ds, root)
            if i.type == kind and fnmatch.fnmatchcase(i.name.lower(), pattern)]


def hierarchy_items(items: list[HierarchyItem], as_json: bool) -> Node:
    """``<HierarchyItems>``; JSON ``{"HierarchyItems": […]}`` (a list even with one item)."""
    return Node("HierarchyItems", [], None, [i.node() for i in items], collection=as_json)
