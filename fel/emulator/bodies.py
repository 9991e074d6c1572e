"""Answer bodies of the emulator's resources: the request context (:class:`Ctx`: API base, XML or
JSON, style), the :class:`Response`, and the envelopes — API root, query service, QueryResult,
reference lists and entity collections, logon sessions.

Shapes, as real servers answer:

* a reference list (a collection such as ``/backupServers`` or a Down list such as
  ``/backupSessions/{id}/taskSessions``): XML ``<EntityReferences><Ref …/>…``; JSON
  ``{"Refs": [{…}, …]}`` — always a list, even with one member;
* the same list with ``?format=Entity``: the entities under their plural container, XML
  ``<BackupServers><BackupServer …/>…``, JSON ``{"BackupServers": [{…}, …]}``;
* ``/logonSessions``: XML ``<LogonSessions><LogonSession …/>…``, JSON ``{"LogonSessions": […]}``;
* a QueryResult: ``Refs/Ref`` or ``Entities/<Plural>/<Entity>`` and ``PagingInfo`` (JSON doubly
  nested: ``{"Refs": {"Refs": […]}, "Entities": null, …}``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..schema import load_schema
from .links import DownLink
from .model import Entity
from .query import QueryPage
from .render import Node, Style, cached_entity, cached_ref, envelope_attrs, to_json, to_xml_bytes
from .templates import template

__all__ = ["Response", "Ctx", "api_root", "query_service", "container", "query_result", "listing",
           "logon_sessions", "sub_resource", "SUPPORTED_VERSIONS", "COLLECTION_TYPES"]

SUPPORTED_VERSIONS = ("v1_5", "v1_6", "v1_7")

#: Top-level collections a LogonSession links to (Veeam's 13.x logon example), both as a
#: reference list and with ``?format=Entity``: query type -> (ReferenceList type, List type).
COLLECTION_TYPES = {
    "BackupServer": ("BackupServerReferenceList", "BackupServerList"),
    "ManagedServer": ("ManagedServerReferenceList", "ManagedServerList"),
    "Job": ("JobReferenceList", "JobList"),
    "FailoverPlan": ("FailoverPlanReferenceList", "FailoverPlanList"),
    "HierarchyRoot": ("HierarchyRootReferenceList", "HierarchyRootList"),
    "Repository": ("RepositoryReferenceList", "RepositoryList"),
    "Backup": ("BackupReferenceList", "BackupList"),
    "RestorePoint": ("RestorePointReferenceList", "RestorePointList"),
    "VmRestorePoint": ("VmRestorePointReferenceList", "VmRestorePointList"),
    "vAppRestorePoint": ("VAppRestorePointReferenceList", "VAppRestorePointList"),
    "Replica": ("ReplicaReferenceList", "ReplicaList"),
    "VmReplicaPoint": ("VmReplicaPointReferenceList", "VmReplicaPointList"),
    "BackupJobSession": ("BackupJobSessionReferenceList", "BackupJobSessionList"),
    "RestoreSession": ("RestoreSessionReferenceList", "RestoreSessionList"),
    "ReplicaJobSession": ("ReplicaJobSessionReferenceList", "ReplicaJobSessionList"),
    "BackupTaskSession": ("BackupTaskSessionReferenceList", "BackupTaskSessionList"),
    "ReplicaTaskSession": ("ReplicaTaskSessionReferenceList", "ReplicaTaskSessionList"),
    "WanAccelerator": ("WanAcceleratorReferenceList", "WanAcceleratorList"),
    "BackupFile": ("BackupFileReferenceList", "BackupFileList"),
    "ExternalRepository": ("ExternalRepositoryReferenceList", "ExternalRepositoryList"),  # where the schema has it
}


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    #: Close the connection without answering (fault injection).
    drop: bool = False


class Ctx:
    """Per-request rendering context: API base (no trailing slash), body format, style."""

    def __init__(self, api: str, as_json: bool, style: Style) -> None:
        self.api = api
        self.as_json = as_json
        self.style = style

    @property
    def json_style(self) -> Style | None:
        """The style for pre-rendered entities: None for XML."""
        return self.style if self.as_json else None

    def body(self, node: Node | dict) -> tuple[str, bytes]:
        if self.as_json:
            ctype, data = "application/json; charset=utf-8", to_json(node, self.style).encode("utf-8")
        else:
            if isinstance(node, Node):
                node.attrs = envelope_attrs() + [a for a in node.attrs if not a[0].startswith("xmlns")]
            ctype, data = "application/xml; charset=utf-8", to_xml_bytes(node)
        return ctype, (b"\xef\xbb\xbf" + data if self.style.bom else data)

    def ok(self, node: Node | dict, status: int = 200) -> Response:
        ctype, data = self.body(node)
        return Response(status, [("Content-Type", ctype)], data)

    def error(self, status: int, message: str) -> Response:
        if self.as_json:
            node: Node | dict = {"FirstChanceExceptionMessage": message, "Message": message,
                                 "StackTrace": None, "Status": None, "StatusCode": status}
        else:
            node = Node("Error", [("Message", message), ("StatusCode", status)], None,
                        [Node("FirstChanceExceptionMessage", [], message)])
        ctype, data = self.body(node)
        return Response(status, [("Content-Type", ctype)], data)

    def only(self, method: str, allowed: str) -> Response | None:
        if method == allowed:
            return None
        resp = self.error(405, f"{method} is not supported here; use {allowed}")
        resp.headers.append(("Allow", allowed))
        return resp


def api_root(api: str) -> Node:
    versions = [Node("SupportedVersion", [("Name", v)], None, [],
                     [("Create", "LogonSession", f"{api}/sessionMngr/?v={v}", None)]) for v in SUPPORTED_VERSIONS]
    # JSON doubly nested, as real 13.x servers answer: {"SupportedVersions": {"SupportedVersions": [...]}}
    sv = Node("SupportedVersions", [], None, versions, collection=True)
    return Node("EnterpriseManager", [], None, [sv],
                [("Down", "LogonSessionList", f"{api}/logonSessions", None),
                 ("Create", "LogonSession", f"{api}/sessionMngr/?v=latest", None)])


def query_service(api: str) -> Node:
    """Canned links, one per type that has a Name to sort by (so every link runs)."""
    links = [("Up", "EnterpriseManager", api + "/", None)]
    for t in load_schema():
        if t.field("Name") is not None:
            links.append(("Down", "QueryResult",
                          f"{api}/query?type={t.name}&format=Entities&sortAsc=name&pageSize=15&page=1", t.name))
    return Node("QueryService", [("Type", "QueryService"), ("Href", api + "/querySvc")], None, [], links)


def logon_links(api: str, href: str) -> list[tuple[str, str | None, str, str | None]]:
    """A LogonSession's links as in Veeam's 13.x example, the ones the emulator serves."""
    links: list[tuple[str, str | None, str, str | None]] = [("Up", "EnterpriseManager", api + "/", None)]
    schema = load_schema()
    present = [(t, lists) for t, lists in COLLECTION_TYPES.items() if schema.type(t) is not None]
    for type_name, (ref_list, _) in present:
        links.append(("Down", ref_list, api + schema.type(type_name).collection_resource, None))
    links += [("Down", "EnterpriseSecuritySettings", api + "/security", None),
              ("Down", "TaskList", api + "/tasks", None),
              ("Down", "QueryService", api + "/querySvc", None),
              ("Down", "LookupService", api + "/lookupSvc", None),
              ("Down", "Report", api + "/reports/summary", "Summary")]
    for type_name, (_, entity_list) in present:
        links.append(("Down", entity_list, f"{api}{schema.type(type_name).collection_resource}?format=Entity", None))
    links.append(("Delete", None, href, None))
    return links


def container(ctx: Ctx, type_name: str, entities: Iterable[Entity]) -> Node:
    """Entities under their plural container (``<BackupServers>``, JSON ``{"BackupServers": […]}``)."""
    tpl = template(type_name)
    style = ctx.json_style
    return Node(tpl.container, [], None, [cached_entity(e, ctx.api, style) for e in entities], collection=True)


def reference_list(ctx: Ctx, entities: Iterable[Entity]) -> Node:
    """``EntityReferences`` in XML; ``{"Refs": […]}`` in JSON (a list even with one member)."""
    refs = [cached_ref(e, ctx.api, ctx.json_style) for e in entities]
    return Node("Refs" if ctx.as_json else "EntityReferences", [], None, refs, collection=ctx.as_json)


def listing(ctx: Ctx, type_name: str | None, entities: list[Entity], *, as_entities: bool = False) -> Node:
    """A collection or Down list: references, or the entities with ``?format=Entity`` (and
    always for types without a reference representation)."""
    qtype = load_schema().type(type_name) if type_name is not None else None
    if qtype is None:
        return reference_list(ctx, [])
    if as_entities or qtype.reference_type is None:
        return container(ctx, type_name, entities)
    return reference_list(ctx, entities)


#: Elements of a tenant's ``freelicenseCounters`` in Veeam's order. The dataset models no tenant-side
#: jobs, so no tenant machine has consumed a license: every counter is 0.
FREE_LICENSE_COUNTERS = ("RentalVMBackupCount", "RentalWorkstationBackupCount", "RentalServerBackupCount",
                         "NewVMBackupCount", "NewWorkstationBackupCount", "NewServerBackupCount", "NewVMReplicaCount")


def sub_resource(api: str, parent: Entity, dl: DownLink) -> Node:
    """The one resource a ``body`` link of ``parent`` leads to (see :mod:`.links`), with an ``Up``
    link back to ``parent``: a tenant's license counters (root without ``Type``, as in Veeam's
    example), a self-service config's default job settings (root ``Type`` = the link's Type)."""
    href = f"{api}{parent.path}/{dl.segment}"
    qtype = load_schema().type(parent.type)
    up = [("Up", qtype.reference_type if qtype is not None else None, api + parent.path, parent.name)]
    if dl.body == "CloudTenantFreeLicenseCounters":
        return Node(dl.body, [("Href", href)], None, [Node(c, [], 0) for c in FREE_LICENSE_COUNTERS], up)
    return Node(dl.body or dl.list_type, [("Type", dl.list_type), ("Href", href)], None, [], up)


def query_result(ctx: Ctx, page: QueryPage) -> Node | dict:
    qtype = page.qtype
    paging = Node("PagingInfo", [("PageNum", page.page), ("PageSize", page.page_size),
                                 ("PagesCount", page.pages)], None, None,
                  [(rel, None, f"{ctx.api}/{href}", None) for rel, href in page.links])
    parts: dict[str, Node | None] = {"Refs": None, "Entities": None, "Resources": None}
    if page.entities_format:
        holder = "Resources" if qtype.result_container == "Resources" else "Entities"
        parts[holder] = Node(holder, [], None, [container(ctx, qtype.name, page.entities)])
    else:
        parts["Refs"] = Node("Refs", [], None, [cached_ref(e, ctx.api, ctx.json_style) for e in page.entities],
                             collection=True)
    if ctx.as_json:
        return {**parts, "Links": None, "PagingInfo": paging}
    return Node("QueryResult", [], None, [n for n in parts.values() if n is not None] + [paging])


def logon_sessions(sessions: list[Node], as_json: bool) -> Node:
    """``<LogonSessions>`` in XML; ``{"LogonSessions": […]}`` in JSON, always a list."""
    return Node("LogonSessions", [], None, sessions, collection=as_json)


def wants_entities(params: Iterable[tuple[str, Any]]) -> bool:
    """Whether the query string asks for ``format=Entity`` (any case; ``Entities`` too)."""
    return any(k.lower() == "format" and str(v).strip().lower() in ("entity", "entities") for k, v in params)
