"""URL- and endpoint-level rules of ``fel lint`` (codes FEL403 and up).

These matter only for URLs stored in scripts: the port and scheme, the service roots
(``/querySvc``, ``/lookupSvc``), the lookup service's parameters, double slashes and whole
collections pulled in entity form. Query-level rules live in :mod:`fel.check`.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from .. import codes
from ..codes import Rule
from ..diagnostics import Diagnostic, Fix, make
from ..span import Span
from .candidate import HOLE
from .classify import COLLECTIONS, Target, _collections

__all__ = ["LINT_RULES", "url_rules", "register_all", "UNUSED_NOQA"]

UNUSED_NOQA = "FEL490"

LINT_RULES = (
    Rule("FEL403", "vbr-port", "error", "Port 9419 belongs to the Veeam Backup & Replication REST API, not to Enterprise Manager.",
         "Enterprise Manager listens on 9398 (HTTPS). 9419 is the VBR server's own REST API, which has a "
         "different URL scheme (`/api/v1/…`, OAuth2 tokens) and no `/api/query`: every EM call sent there "
         "fails with 404 or 401. Public monitoring plugins have been pointed at 9419 by mistake.",
         ("https://em.example.local:9419/api/query?type=Job",), ("https://em.example.local:9398/api/query?type=Job",), True),
    Rule("FEL404", "plain-http-port", "warning", "Plain HTTP on port 9399 was only served by EM 9.x.",
         "Enterprise Manager 9.x also answered plain HTTP on 9399; from version 10 only HTTPS on 9398 "
         "remains. Besides breaking on upgrade, plain HTTP sends the password and session token in clear "
         "text. (Not reported with `--em-version` below 10.)",
         ("http://em.example.local:9399/api/sessionMngr/?v=v1_2",), ("https://em.example.local:9398/api/sessionMngr/?v=latest",), True),
    Rule("FEL405", "http-on-https-port", "error", "Port 9398 speaks HTTPS only.",
         "`http://…:9398` opens a plain connection to a TLS port; EM answers nothing useful. (Not "
         "reported for loopback hosts: fel's emulator and local test rigs serve plain HTTP there.)",
         ("http://em.example.local:9398/api/query?type=Job",), ("https://em.example.local:9398/api/query?type=Job",), True),
    Rule("FEL406", "service-root-with-parameters", "error", "`/querySvc` and `/lookupSvc` take no parameters.",
         "`/api/querySvc` and `/api/lookupSvc` are the service roots: they return links and ignore any "
         "parameters, so `querySvc?type=Job` never runs the query. Queries go to `/api/query`, lookups to "
         "`/api/lookup`.",
         ("https://em:9398/api/querySvc?type=Job&format=Entities",), ("https://em:9398/api/query?type=Job&format=Entities",), True),
    Rule("FEL407", "unknown-lookup-parameter", "warning", "The lookup service does not know this parameter.",
         "`/api/lookup` takes `host`, `name`, `type` and `hierarchyRef`; anything else is silently ignored, "
         "so a misspelt `hierachyRef` makes the lookup return something other than what was asked for.",
         ("/api/lookup?host=urn:veeam:HierarchyRoot:…&hierachyRef=urn:VMware:Vm:…",),
         ("/api/lookup?host=urn:veeam:HierarchyRoot:…&hierarchyRef=urn:VMware:Vm:…",), True),
    Rule("FEL408", "quoted-lookup-value", "warning", "Lookup parameter values are plain values, not quoted.",
         "Double quotes are filter syntax of `/api/query`. In a lookup parameter they become part of the "
         "value, so `hierarchyRef=\"urn:…\"` matches nothing.",
         ('/api/lookup?hierarchyRef="urn:VMware:Vm:7a0e2232-1b2c-4d5e-8f90-a1b2c3d4e5f6.vm-42"',),
         ("/api/lookup?hierarchyRef=urn:VMware:Vm:7a0e2232-1b2c-4d5e-8f90-a1b2c3d4e5f6.vm-42",), True),
    Rule("FEL409", "lookup-host-bare-guid", "warning", "The lookup `host` is a HierarchyRoot UID, not a bare GUID.",
         "Veeam documents `host=urn:veeam:HierarchyRoot:<guid>`; a bare GUID is not a UID the lookup "
         "service knows.",
         ("/api/lookup?type=Vm&host=6bb9e181-2368-4d3c-a6d3-b632934a10b3&name=web01",),
         ("/api/lookup?type=Vm&host=urn:veeam:HierarchyRoot:6bb9e181-2368-4d3c-a6d3-b632934a10b3&name=web01",), True),
    Rule("FEL410", "double-slash", "info", "The path has an empty segment (`//`).",
         "`…/api//sessionMngr` usually comes from a base URL that already ends in `/`. EM tolerates it "
         "today; proxies and other servers may not, and it hides which part builds the URL.",
         ("https://em:9398/api//sessionMngr/?v=latest",), ("https://em:9398/api/sessionMngr/?v=latest",), True),
    Rule("FEL411", "collection-scan", "info", "The whole collection is fetched in entity form; a query can filter on the server.",
         "`/api/backupSessions?format=Entity` returns every session EM keeps (with ~1000 VMs the "
         "task-session variant took hours in a public Grafana exporter) and filtering happens in the "
         "script. `/api/query?type=BackupJobSession&filter=CreationTime>=\"…Z\"&pageSize=…` lets EM do the "
         "filtering and paging.",
         ("https://em:9398/api/backupSessions?format=Entity",),
         ('https://em:9398/api/query?type=BackupJobSession&format=Entities&filter=CreationTime>="2025-08-15T00:00:00Z"&pageSize=500',)),
    Rule("FEL490", "unused-noqa", "warning", "A `fel: noqa` comment suppresses nothing.",
         "Suppressions that no longer match a finding hide nothing and mislead readers; an unknown code "
         "in one is a typo. Remove the code (or the whole comment).",
         ("'type=Job&pageSize=100'  # fel: noqa: FEL306",), ("'type=Job'  # fel: noqa: FEL306",)),
)

_LOOKUP_PARAMS = {"host": "host", "name": "name", "type": "type", "hierarchyref": "hierarchyRef"}
_GUID = re.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_BIG_COLLECTIONS = re.compile(r"(Session|TaskSession|RestorePoint|ReplicaPoint|BackupFile)$")


def register_all() -> None:
    """Add the lint rules to :data:`fel.codes.RULES` (idempotent)."""
    for r in LINT_RULES:
        if r.code not in codes.RULES:
            codes.register(r)


register_all()


def _older_than_10(em_version: str | None) -> bool:
    if not em_version:
        return False
    from ..schema import parse_version
    try:
        return parse_version(em_version).major < 10
    except ValueError:
        return False


def url_rules(text: str, t: Target, em_version: str | None = None) -> list[Diagnostic]:
    """Findings for the URL-level parts of target ``t`` in candidate ``text``."""
    out: list[Diagnostic] = []
    if t.kind in ("vbr", "statement"):
        return out
    _origin_rules(text, t, em_version, out)
    ptext = text[t.path.start:t.path.end]
    for m in re.finditer(r"(?<!:)//+", ptext):
        span = Span(t.path.start + m.start(), t.path.start + m.end())
        out.append(make("FEL410", span, "empty path segment `//`",
                        hint="does the base URL already end in `/`?", fix=Fix(span, "/", "collapse to one `/`")))
    if t.kind in ("querysvc", "lookupsvc") and t.query is not None and t.query.end > t.query.start:
        m = re.search(r"(?i)(query|lookup)svc/?$", ptext)
        if m:
            span = Span(t.path.start + m.start(), t.path.start + m.end())
            target = m.group(1).lower()
            out.append(make("FEL406", span, f"`{m.group()}` is the service root and ignores parameters; "
                                            f"call `/api/{target}`",
                            hint=f"the parameters only work on /api/{target}",
                            fix=Fix(span, target, f"call `{target}`")))
    if t.kind == "lookup":
        _lookup_rules(text, t, out)
    if t.kind == "resource":
        _collection_rule(text, t, out)
    return out


def _origin_rules(text: str, t: Target, em_version: str | None, out: list[Diagnostic]) -> None:
    if t.port is None:
        return
    port = text[t.port.start:t.port.end]
    scheme = text[t.scheme.start:t.scheme.end].lower() if t.scheme is not None else ""
    if port == "9419":
        out.append(make("FEL403", t.port, "port 9419 is the Veeam Backup & Replication REST API; Enterprise "
                                          "Manager listens on 9398",
                        hint="use https://<em-host>:9398/api/…",
                        fix=Fix(t.port, "9398", "use port 9398", safe=False)))
    elif port == "9399" and scheme == "http" and not _older_than_10(em_version):
        whole = Span(t.scheme.start, t.port.end)
        host = text[t.scheme.end:t.port.start]
        out.append(make("FEL404", t.port, "plain HTTP on 9399 was only served by EM 9.x; EM 10 and later serve "
                                          "HTTPS on 9398",
                        hint="switch to https://…:9398 (and check the certificate)",
                        fix=Fix(whole, "https" + host + "9398", "use https on port 9398", safe=False)))
    elif port == "9398" and scheme == "http" and not _loopback(text[t.scheme.end + 3:t.port.start - 1]):
        out.append(make("FEL405", t.scheme, "port 9398 speaks HTTPS; `http://` cannot talk to it",
                        fix=Fix(t.scheme, "https", "use https")))


def _loopback(host: str) -> bool:
    """Local test rigs (fel's emulator among them) serve plain HTTP on 9398."""
    return host.lower() in ("localhost", "127.0.0.1", "[::1]", "::1") or host.startswith("127.")


def _lookup_rules(text: str, t: Target, out: list[Diagnostic]) -> None:
    from ..schema import suggest

    for name, value, ns, vs in t.params(text):
        key = name.lower()
        if key not in _LOOKUP_PARAMS:
            guesses = suggest(name, _LOOKUP_PARAMS.values(), 1)
            hint = f"did you mean `{guesses[0]}`?" if guesses else "known: host, name, type, hierarchyRef"
            fix = Fix(ns, guesses[0], f"rename to `{guesses[0]}`", safe=False) if guesses else None
            out.append(make("FEL407", ns, f"the lookup service ignores the parameter `{name}`", hint=hint, fix=fix))
        decoded = unquote(value)
        if len(decoded) >= 2 and decoded[0] == decoded[-1] == '"':
            fix = None
            if value.startswith('"') and value.endswith('"') and len(value) >= 2:
                fix = Fix(vs, value[1:-1], "remove the quotes")
            out.append(make("FEL408", vs, f"the quotes become part of the `{name}` value",
                            hint="lookup parameters are plain values; quotes are filter syntax", fix=fix))
        if key == "host" and _GUID.match(decoded.strip('"')):
            out.append(make("FEL409", vs, "`host` takes the HierarchyRoot UID, `urn:veeam:HierarchyRoot:<guid>`",
                            fix=Fix(Span(vs.start, vs.start), "urn:veeam:HierarchyRoot:",
                                    "prefix `urn:veeam:HierarchyRoot:`") if not value.startswith('"') else None))


def _collection_rule(text: str, t: Target, out: list[Diagnostic]) -> None:
    if not COLLECTIONS:
        COLLECTIONS.update(_collections())
    ptext = text[t.path.start:t.path.end]
    low = ptext.lower()
    cut = low.find("/api/")
    if cut >= 0:
        rel_start = cut + 5
    else:
        rel_start = len(HOLE) if low.startswith(HOLE.lower()) else 0
        while rel_start < len(low) and low[rel_start] == "/":
            rel_start += 1
    rel = low[rel_start:].rstrip("/")
    if t.query is None or HOLE.lower() in rel:
        return
    qtype = COLLECTIONS.get(rel)
    if qtype is None or not _BIG_COLLECTIONS.search(qtype):
        return
    params = {n.lower(): v for n, v, _, _ in t.params(text)}
    if params.get("format", "").lower() != "entity":
        return
    out.append(make("FEL411", Span(t.path.start + rel_start, t.path.end),
                    f"fetches every `{qtype}` in entity form and filters on the client",
                    hint=f"let EM filter: /api/query?type={qtype}&format=Entities&filter=…&pageSize=…"))
