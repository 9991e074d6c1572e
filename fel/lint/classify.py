"""Deciding what a candidate string is: an EM query, another EM endpoint, or nothing of ours.

``classify`` finds the URL (or query string) inside a candidate and names its endpoint. Only
``query`` targets are handed to :func:`fel.check`; the other EM endpoints (logon, lookup,
collections…) get the URL-level rules of :mod:`fel.lint.rules_url` and are never reported as
bad queries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..span import Span
from ..syntax.urlinput import make_span
from .candidate import HOLE, Candidate

__all__ = ["Target", "classify", "EM_PORTS", "COLLECTIONS"]

EM_PORTS = {"9398", "9399", "9419"}
_PARAMS = r"(?:type|filter|format|sortasc|sortdesc|pagesize|page)"
_WHOLE = re.compile(r"(?i)https?://|/|\?" + _PARAMS + r"=|" + _PARAMS + r"=(?!=)|[\w.~-]*query(?:\?|%3f)|"
                    r"(?:querysvc|lookupsvc|lookup|sessionmngr)\b|" + HOLE + r"(?:/|\?|:\d)")
_PREFIX = re.compile(r"(?i)^\s*(?:(?:GET|POST|PUT|DELETE|PATCH|HEAD)\s+|[A-Za-z_][\w.-]*\s*(?::|=)\s*|url\s*)")
_ANCHOR = re.compile(r"(?i)https?://|(?<![\w.%-])/?api/|(?<![\w.%/-])/?query(?:\?|%3f)(?=[A-Za-z])|"
                     r"(?<![\w.%/-])/?(?:querysvc|lookupsvc|lookup|sessionmngr)(?:\?|/|\b)")
_ORIGIN = re.compile(r"(?i)(https?)://(\[[^\]]*\]|[^/?#\s:]*)(?::(\d+|" + HOLE + r"))?")
_TRAIL = ".,;:!?)]}'"
_AFTER_HOLE = re.compile(r"(?i)[\w./-]*(?:\?|%3f)|/")
_BARE = re.compile(r"(?i)\??" + _PARAMS + r"=(?!=)")
_QUERY_SEG = re.compile(r"(?i)(?:/api)?/?query(?=%3f|/?$)")
_ENC_QUERY = re.compile(r"(?i)query%3f")
_PARAM_SEP = re.compile(r"&amp;|&")
_ENDPOINT_ONLY = re.compile(r"(?i)(?:query|querysvc|lookup|lookupsvc)/?(?:\?\s*)?$")
_VERSION_SEG = re.compile(r"v\d+")
_ID_SEG = re.compile(r"[0-9a-f-]{36}")
_HOLE_LOWER = HOLE.lower()


def _collections() -> dict[str, str]:
    from ..schema import load_schema
    out = {}
    for t in load_schema():
        res = t.collection_resource
        if res and "{" not in res:
            out[res.strip("/").lower()] = t.name
    return out


#: Collection resource path (``backupsessions``) → query type (``BackupJobSession``).
COLLECTIONS: dict[str, str] = {}


@dataclass(slots=True)
class Target:
    """An EM URL or query string inside a candidate (all spans in candidate text)."""

    kind: str                 # query | querysvc | lookupsvc | lookup | logon | resource | vbr | statement
    span: Span                # the whole URL / query string
    path: Span                # the path ('' for a bare query string)
    query: Span | None        # the parameters after '?'
    scheme: Span | None = None
    port: Span | None = None
    check_start: int = 0      # where the text for fel.check starts (query kind)

    def params(self, text: str) -> list[tuple[str, str, Span, Span]]:
        """(name, raw value, name span, value span) for each ``&``-separated parameter."""
        if self.query is None:
            return []
        out = []
        pos = self.query.start
        for piece in _PARAM_SEP.split(text[self.query.start:self.query.end]):
            if piece:
                name, eq, value = piece.partition("=")
                ns = Span(pos, pos + len(name))
                vs = Span(ns.end + len(eq), pos + len(piece))
                out.append((name, value, ns, vs))
            pos += len(piece) + 1
        return out


def _url_extent(text: str) -> tuple[int, int] | None:
    """Where the URL in ``text`` starts and ends, or None."""
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if _WHOLE.match(text, lead):
        return lead, end
    if text.startswith(HOLE, lead) and _AFTER_HOLE.match(text, lead + len(HOLE)):
        return lead, end  # a base-URL variable glued to a path (``$base + "…Svc?…"``)
    m = _PREFIX.match(text)
    if m and _WHOLE.match(text, m.end()):
        return m.end(), end
    low = text.lower()
    if "http" not in low and "ap" not in low and "query" not in low and "lookup" not in low and "mngr" not in low:
        # _ANCHOR needs one of these (under its IGNORECASE only `i`, `k` and `s` match
        # non-ASCII letters, and none of those is tested here): skip its slow search.
        return None
    a = _ANCHOR.search(text)
    if a is None:
        return None
    s = a.start()
    while s > 0 and not text[s - 1].isspace() and text[s - 1] not in "\"'(<=[,`":
        s -= 1
    # a hole glued in front (a base URL variable) is part of the URL
    closer = text[s - 1] if s > 0 and text[s - 1] in "\"'`" else None
    e, in_q = a.end(), False
    while e < len(text):
        ch = text[e]
        if ch == closer:
            break
        if ch == '"':
            in_q = not in_q
        elif ch.isspace() and not in_q:
            break
        e += 1
    while e > s and text[e - 1] in _TRAIL and not (text[e - 1] == ")" and text.count("(", s, e) >= text.count(")", s, e)):
        e -= 1
    return s, e


def classify(cand: Candidate) -> Target | None:
    """The EM target in ``cand``, or None when it holds nothing EM-shaped."""
    text = cand.text
    if cand.endpoint is not None:
        return Target(cand.endpoint, make_span(0, len(text)), make_span(0, 0), make_span(0, len(text)))
    ext = _url_extent(text)
    if ext is None:
        if cand.origin == "line" and text.strip():
            return Target("statement", make_span(0, len(text)), make_span(0, 0), None)
        return None
    s, e = ext
    # Positions in ``text`` throughout: the patterns are matched in place, not on slices.
    scheme = port = None
    at = s
    m = _ORIGIN.match(text, s, e)
    if m:
        scheme = make_span(m.start(1), m.end(1))
        if m.group(3):
            port = make_span(m.start(3), m.end(3))
        at = m.end()
    if scheme is None and _BARE.match(text, at, e):
        qs = at + (1 if text.startswith("?", at) else 0)
        t = Target("query", make_span(s, e), make_span(at, at), make_span(qs, e), None, None, check_start=at)
        if cand.origin in ("literal", "comment") and not _plausible(text, t):
            return None
        return t
    q = text.find("?", at, e)
    if q < 0:
        enc = _ENC_QUERY.search(text, at, e)
        if enc is not None:
            return Target("query", make_span(s, e), make_span(at, e), None, scheme, port,
                          check_start=at + _last_query_seg(text[at:enc.end() - 3]))
        path, query = make_span(at, e), None
    else:
        path = make_span(at, q)
        query = make_span(q + 1, e)
    if cand.origin != "line" and (query is None or not text[query.start:query.end].strip()) \
            and _ENDPOINT_ONLY.search(text, at, e):
        return None  # the endpoint named in passing (``/api/query``, ``query?``), not a query
    ptext = text[path.start:path.end]
    kind = _path_kind(ptext, port is not None and text[port.start:port.end] in EM_PORTS, scheme is not None,
                      cand.origin)
    if kind is None:
        if cand.origin == "line":
            return Target("statement", make_span(0, len(text)), make_span(0, 0), None)
        return None
    check_start = path.start + _last_query_seg(ptext) if kind == "query" else s
    return Target(kind, make_span(s, e), path, query, scheme, port, check_start)


_EM_COMPARISON = re.compile(r"[A-Za-z]\w*(?:==|!=|>=|<=|<|>|%3[dD]%3[dD]|%3[eEcC])")


def _plausible(text: str, t: Target) -> bool:
    """A bare ``name=value&…`` string in source code is taken for an EM query only when its
    ``type`` is an EM type (or a hole) or its ``filter`` holds an EM comparison."""
    from ..schema import load_schema
    for name, value, _, _ in t.params(text):
        key = name.lower()
        if key == "type" and (HOLE in value or load_schema().type(value.strip()) is not None):
            return True
        if key == "filter" and _EM_COMPARISON.search(value):
            return True
    return False


def _last_query_seg(ptext: str) -> int:
    if ptext[-10:].lower() == "/api/query":
        return len(ptext) - 10  # the last match of _QUERY_SEG: nothing longer can end there
    best = None
    for m in _QUERY_SEG.finditer(ptext):
        best = m.start()
    return 0 if best is None else best


def _path_kind(ptext: str, em_port: bool, has_origin: bool, origin: str) -> str | None:
    low = ptext.lower().replace(_HOLE_LOWER, "")
    tail = low.rstrip("/")
    if tail.endswith("query") and (len(tail) == 5 or tail[-6] == "/"):
        return "query"  # the last segment is `query` (the common case, told without splitting)
    segs = [s for s in low.split("/") if s and s != "#"]
    if not segs:
        return None if not em_port else "resource"
    last = segs[-1]
    if last == "query":
        return "query"
    if last == "querysvc":
        return "querysvc"
    if last == "lookupsvc":
        return "lookupsvc"
    if last == "lookup":
        return "lookup"
    if "sessionmngr" in segs or "logonsessions" in segs:
        return "logon"
    if "api" in segs:
        i = segs.index("api")
        nxt = segs[i + 1] if i + 1 < len(segs) else ""
        if nxt in ("v1", "oauth2", "token") or _VERSION_SEG.fullmatch(nxt or "-"):
            return "vbr"
        return "resource"
    if em_port:
        return "resource"
    if not COLLECTIONS:
        COLLECTIONS.update(_collections())
    if "/".join(s for s in segs if not _ID_SEG.fullmatch(s)) in COLLECTIONS and origin != "comment":
        return "resource"
    return None
