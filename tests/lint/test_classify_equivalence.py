"""Differential test for ``fel.lint.classify.classify``: the version that matches the URL's parts
in place (positions in the candidate text, no slices), tells a path ending in ``/query``
without splitting it and finds a trailing ``/api/query`` without a regular expression must give
exactly the target of the version that sliced (kept here as the reference), for every kind of
candidate."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fel.lint import classify as C
from fel.lint.candidate import HOLE, Candidate, Quoting
from fel.span import Span


def reference_path_kind(ptext: str, em_port: bool, has_origin: bool, origin: str) -> str | None:
    low = ptext.lower().replace(HOLE.lower(), "")
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
        if nxt in ("v1", "oauth2", "token") or C._VERSION_SEG.fullmatch(nxt or "-"):
            return "vbr"
        return "resource"
    if em_port:
        return "resource"
    if not C.COLLECTIONS:
        C.COLLECTIONS.update(C._collections())
    if "/".join(s for s in segs if not C._ID_SEG.fullmatch(s)) in C.COLLECTIONS and origin != "comment":
        return "resource"
    return None


def reference_last_query_seg(ptext: str) -> int:
    best = None
    for m in C._QUERY_SEG.finditer(ptext):
        best = m.start()
    return 0 if best is None else best


def reference_classify(cand: Candidate) -> C.Target | None:
    """classify as it was: the URL sliced out, its parts matched on the slices."""
    Target = C.Target
    text = cand.text
    if cand.endpoint is not None:
        return Target(cand.endpoint, Span(0, len(text)), Span(0, 0), Span(0, len(text)))
    ext = C._url_extent(text)
    if ext is None:
        if cand.origin == "line" and text.strip():
            return Target("statement", Span(0, len(text)), Span(0, 0), None)
        return None
    s, e = ext
    u = text[s:e]
    scheme = port = None
    at = s
    m = C._ORIGIN.match(u)
    if m:
        scheme = Span(s + m.start(1), s + m.end(1))
        if m.group(3):
            port = Span(s + m.start(3), s + m.end(3))
        at = s + m.end()
    rest = text[at:e]
    if scheme is None and C._BARE.match(rest):
        qs = at + (1 if rest.startswith("?") else 0)
        t = Target("query", Span(s, e), Span(at, at), Span(qs, e), None, None, check_start=at)
        if cand.origin in ("literal", "comment") and not C._plausible(text, t):
            return None
        return t
    q = rest.find("?")
    if q < 0:
        enc = C._ENC_QUERY.search(rest)
        if enc is not None:
            return Target("query", Span(s, e), Span(at, e), None, scheme, port,
                          check_start=at + reference_last_query_seg(rest[:enc.end() - 3]))
        path, query = Span(at, e), None
    else:
        path = Span(at, at + q)
        query = Span(at + q + 1, e)
    if cand.origin != "line" and (query is None or not text[query.start:query.end].strip()) \
            and C._ENDPOINT_ONLY.search(text, at, e):
        return None
    ptext = text[path.start:path.end]
    kind = reference_path_kind(ptext, port is not None and text[port.start:port.end] in C.EM_PORTS,
                               scheme is not None, cand.origin)
    if kind is None:
        if cand.origin == "line":
            return Target("statement", Span(0, len(text)), Span(0, 0), None)
        return None
    check_start = path.start + reference_last_query_seg(ptext) if kind == "query" else s
    return Target(kind, Span(s, e), path, query, scheme, port, check_start)


_PIECES = st.sampled_from([
    "https://", "http://", "HTTPS://", "em", "em:9398", ":9398", ":9419", ":80", ":", "[::1]", "/", "//", "api",
    "/api", "query", "Query", "QUERY", "query%3F", "%3f", "?", "type=Job", "type=", "TYPE=Foo", "filter=Name==x",
    "filter=", "&", "&amp;", "pageSize=1", "querySvc", "lookupSvc", "lookup", "sessionMngr", "logonSessions",
    "backupSessions", "v1", "#", "#/", " ", "\t", "GET ", "url = ", "x: ", HOLE, "sessions", "'", '"', ")",
    "12345678-1234-1234-1234-123456789abc", "db=x", "\u00e9",
])
_TEXTS = st.lists(_PIECES, max_size=10).map("".join)


@settings(max_examples=2500, deadline=None)
@given(_TEXTS, st.sampled_from(["line", "literal", "comment", "params"]),
       st.sampled_from([None, None, None, "query", "lookup"]))
def test_classify_equals_the_reference(text, origin, endpoint):
    cand = Candidate(text, None, origin=origin, endpoint=endpoint, quoting=Quoting("plain", lambda s: s))
    assert C.classify(cand) == reference_classify(cand)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["", "/", "//", "api", "query", "QUERY", "x", "#", HOLE, "v1", "querysvc",
                                 "lookup", "backupsessions", "sessionmngr", "query ", "aquery"]), max_size=6),
       st.booleans(), st.booleans(), st.sampled_from(["line", "literal", "comment"]))
def test_path_kind_equals_the_reference(segs, em_port, has_origin, origin):
    ptext = "/".join(segs)
    assert C._path_kind(ptext, em_port, has_origin, origin) == reference_path_kind(ptext, em_port, has_origin, origin)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["/", "api", "API", "Api", "query", "QUERY", "quEry", "%3f", "%3F", "x", "\u0130",
                                 "\u212a", "\u0131", "apiquery", "/api/query", "/API/Query/", "#"]), max_size=8))
def test_last_query_seg_equals_the_reference(pieces):
    ptext = "".join(pieces)
    assert C._last_query_seg(ptext) == reference_last_query_seg(ptext)
