"""URL- and endpoint-level rules of ``fel lint`` (codes FEL403 and up).

These matter only for URLs stored in scripts: the port and scheme, the service roots
(``/querySvc``, ``/lookupSvc``), the lookup service's parameters, double slashes and whole
collections pulled in entity form. Query-level rules live in :mod:`fel.checker`. The rules' catalogue entries (code,
name, severity, rationale, examples) are in :mod:`fel.codes` with all the others.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from .. import codes
from ..diagnostics import Diagnostic, Fix, make
from ..span import Span
from .candidate import HOLE
from .classify import COLLECTIONS, Target, _collections

__all__ = ["LINT_RULES", "url_rules", "UNUSED_NOQA"]

UNUSED_NOQA = "FEL490"

#: The endpoint rules of the catalogue (:mod:`fel.codes`) that this module implements.
LINT_RULES = tuple(codes.RULES[c] for c in (
    "FEL403", "FEL404", "FEL405", "FEL406", "FEL407", "FEL408", "FEL409", "FEL410", "FEL411", "FEL490"))

_LOOKUP_PARAMS = {"host": "host", "name": "name", "type": "type", "hierarchyref": "hierarchyRef"}
_GUID = re.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_BIG_COLLECTIONS = re.compile(r"(Session|TaskSession|RestorePoint|ReplicaPoint|BackupFile)$")
_DOUBLE_SLASH = re.compile(r"(?<!:)//+")
_SVC_ROOT = re.compile(r"(?i)(query|lookup)svc/?$")


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
    for m in (_DOUBLE_SLASH.finditer(ptext) if "//" in ptext else ()):
        span = Span(t.path.start + m.start(), t.path.start + m.end())
        out.append(make("FEL410", span, "empty path segment `//`",
                        hint="does the base URL already end in `/`?", fix=Fix(span, "/", "collapse to one `/`")))
    if t.kind in ("querysvc", "lookupsvc") and t.query is not None and t.query.end > t.query.start:
        m = _SVC_ROOT.search(ptext)
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
