"""A hypermedia crawler for the emulator's tests (imported as ``crawl``).

It logs on, starts at ``/api/`` and follows the links of every answer — ``Link`` elements (JSON
``Links``) and the ``Href`` of every resource in a body — with GET, in XML or JSON, and checks
that each answers 200 with a body of the ``Type`` the link advertises. Links whose ``Rel`` is an
action (``Create``, ``Delete`` …) are not followed: they are not GETs. To stay fast it visits
every *kind* of resource (the path with GUIDs blanked, plus the query's type and format) a
few times rather than every one of the ~20,000 entities; ``test_links_of_every_entity_resolve``
checks the rest without HTTP.

Requests go through :meth:`EmulatorApp.handle` (the server's request path without the socket).
"""
from __future__ import annotations

import base64
import json
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from emkit import NS, xml

from fel.emulator.app import EmulatorApp
from fel.emulator.templates import template
from fel.schema import load_schema

FOLLOW = {"up", "down", "alternate", "related", "first", "last", "next", "previous", "self"}
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
BASE = "http://em.test:9398/api/"


@dataclass
class Crawl:
    visited: dict[str, str] = field(default_factory=dict)      # url -> link Type it was reached by
    problems: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    rels: set[str] = field(default_factory=set)


def kind_of(url: str) -> str:
    parts = urlsplit(url)
    path = _GUID.sub("{id}", parts.path.lower())
    path = re.sub(r"/task-\d+", "/{task}", path)
    q = {k.lower(): v.lower() for k, v in parse_qsl(parts.query)}
    extra = ",".join(f"{k}={q[k]}" for k in ("type", "format") if k in q)
    return f"{path}?{extra}" + ("&paged" if q.get("page", "1") != "1" else "")


#: List types whose members Veeam documents under another type: an agent job's ``includes``
#: (typed ObjectInJobList in its example) holds ObjectInAgentBackupJob objects.
_ALSO = {"ObjectInJobList": {"ObjectInAgentBackupJob"}}


def _accepted(list_type: str) -> set[str]:
    base = list_type[:-4]
    out = {base} | _ALSO.get(list_type, set())
    for q in load_schema():
        tpl = template(q.name)
        if base in (q.name, tpl.type_attr, tpl.root_tag, q.entity_element):
            out |= {q.name, tpl.type_attr or "", tpl.root_tag}
    return out


_SIMPLE_ROOTS = {"EnterpriseManager": "EnterpriseManager", "LogonSessionList": "LogonSessions",
                 "LogonSession": "LogonSession", "QueryService": "QueryService", "QueryResult": "QueryResult",
                 "LookupService": "LookupService", "Report": "SummaryReport",
                 "FreeLicenseCounters": "CloudTenantFreeLicenseCounters",
                 "EnterpriseSecuritySettings": "EnterpriseSecuritySettings",
                 "EnterpriseAccountInRoleList": "EnterpriseAccountInRoleList",
                 "EnterpriseAccountHierarchyScopeList": "EnterpriseAccountHierarchyScopes"}


def check_xml(link_type: str | None, body: bytes) -> str | None:
    """None when the XML body is what ``link_type`` advertises, else what is wrong."""
    root = xml(body)
    tag = root.tag.rsplit("}", 1)[-1]
    if link_type is None:
        return None
    if link_type in _SIMPLE_ROOTS:
        return None if tag == _SIMPLE_ROOTS[link_type] else f"root {tag}, expected {_SIMPLE_ROOTS[link_type]}"
    if link_type == "ReportFrame":
        return None if tag.endswith("ReportFrame") else f"root {tag}, expected a ReportFrame"
    if link_type.endswith("ReferenceList"):
        if tag != "EntityReferences":
            return f"root {tag}, expected EntityReferences"
        bad = [r.get("Type") for r in root if r.get("Type") != link_type[:-4]]
        return f"Ref types {set(bad)}, expected {link_type[:-4]}" if bad else None
    if link_type.endswith("Reference"):
        ok = tag == "EntityRef" and root.get("Type") == link_type
        return None if ok else f"root {tag} Type={root.get('Type')}, expected EntityRef {link_type}"
    if link_type.endswith("List"):
        if tag == "EntityReferences":
            return "EntityReferences, expected entities"
        accepted = _accepted(link_type)
        bad = {c.get("Type") or c.tag.rsplit("}", 1)[-1] for c in root} - accepted
        return f"members {bad}, expected {accepted}" if bad else None
    return None if root.get("Type") == link_type else f"root {tag} Type={root.get('Type')}, expected {link_type}"


def _get(obj: dict, key: str):
    for k, v in obj.items():
        if k.lower() == key.lower():
            return v
    return None


def check_json(link_type: str | None, body: bytes) -> str | None:
    obj = json.loads(body.decode("utf-8-sig"))
    if not isinstance(obj, dict):
        return "not a JSON object"
    if link_type is None or link_type in _SIMPLE_ROOTS or link_type == "ReportFrame":
        return None
    if link_type.endswith("ReferenceList"):
        refs = _get(obj, "Refs")
        if not isinstance(refs, list):
            return f"no Refs list: {list(obj)[:4]}"
        bad = {_get(r, "Type") for r in refs} - {link_type[:-4]}
        return f"Ref types {bad}" if bad else None
    if link_type.endswith("List"):
        lists = [v for v in obj.values() if isinstance(v, list)]
        if len(obj) != 1 or len(lists) != 1:
            return f"expected one list, got keys {list(obj)[:4]}"
        accepted = _accepted(link_type)
        bad = {_get(m, "Type") for m in lists[0]} - accepted
        return f"members {bad}" if bad else None
    return None if _get(obj, "Type") == link_type else f"Type {_get(obj, 'Type')}, expected {link_type}"


def links_xml(body: bytes) -> list[tuple[str, str | None, str]]:
    root = xml(body)
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == f"{{{NS}}}Link":
            out.append((el.get("Rel") or "", el.get("Type"), el.get("Href") or ""))
        elif el.get("Href"):
            out.append(("self", el.get("Type"), el.get("Href")))
    return out


def links_json(body: bytes) -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []

    def walk(v, in_links=False):
        if isinstance(v, dict):
            if in_links:
                out.append((_get(v, "Rel") or "", _get(v, "Type"), _get(v, "Href") or ""))
                return
            href = _get(v, "Href")
            if isinstance(href, str):
                out.append(("self", _get(v, "Type"), href))
            for k, x in v.items():
                walk(x, k.lower() == "links")
        elif isinstance(v, list):
            for x in v:
                walk(x, in_links)
    walk(json.loads(body.decode("utf-8-sig")))
    return out


class OverHttp:
    """``handle`` over a real socket (a running emulator at ``base``), for the crawl."""

    def __init__(self, base: str) -> None:
        import requests

        self.http = requests.Session()
        self.origin = base[: -len("/api/")]

    def handle(self, method: str, target: str, headers: dict, body: bytes = b"", base: str = ""):
        from types import SimpleNamespace

        r = self.http.request(method, self.origin + target, headers=headers, allow_redirects=False)
        return SimpleNamespace(status=r.status_code, headers=list(r.headers.items()), body=r.content)


def crawl(app, *, as_json: bool, per_kind: int = 2, base: str = BASE) -> Crawl:
    """Crawl ``app`` (an :class:`EmulatorApp`, or :class:`OverHttp` with the server's ``base``)."""
    global BASE
    saved, BASE = BASE, base
    try:
        return _crawl(app, as_json=as_json, per_kind=per_kind)
    finally:
        BASE = saved


def _crawl(app: EmulatorApp, *, as_json: bool, per_kind: int = 2) -> Crawl:
    auth = "Basic " + base64.b64encode(b"demo:demo").decode()
    r = app.handle("POST", "/api/sessionMngr/?v=latest", {"Authorization": auth}, base=BASE)
    assert r.status == 201, r.body
    token = dict(r.headers)["X-RestSvcSessionId"]
    headers = {"X-RestSvcSessionId": token, "Accept": "application/json" if as_json else "application/xml"}
    result = Crawl()
    per: dict[str, int] = {}
    queue = deque([(BASE, "EnterpriseManager", "start")])
    while queue:
        url, link_type, origin = queue.popleft()
        if url in result.visited:
            continue
        kind = kind_of(url)
        if per.get(kind, 0) >= per_kind:
            continue
        per[kind] = per.get(kind, 0) + 1
        result.visited[url] = link_type or ""
        result.kinds.add(kind)
        if not url.startswith(BASE[:-5]):
            result.problems.append(f"{url} (from {origin}) is not on the server's origin")
            continue
        resp = app.handle("GET", url[len(BASE) - 5:], headers, base=BASE)
        if resp.status != 200:
            result.problems.append(f"{resp.status} {url} (from {origin})")
            continue
        wrong = (check_json if as_json else check_xml)(link_type, resp.body)
        if wrong:
            result.problems.append(f"{url} (from {origin}, Type {link_type}): {wrong}")
        for rel, typ, href in (links_json if as_json else links_xml)(resp.body):
            result.rels.add(rel)
            if rel.lower() in FOLLOW and href:
                queue.append((href, typ, url))
    return result
