"""The emulator's request handling, independent of sockets: ``EmulatorApp.handle(...)``.

Routes (paths are case-insensitive; doubled slashes collapse, as on IIS):

* ``GET /api/`` — EnterpriseManager with SupportedVersions (no logon needed)
* ``POST /api/sessionMngr/?v=…`` — logon with HTTP Basic: 201, LogonSession, token in the
  ``X-RestSvcSessionId`` header and cookie; 401 + ``WWW-Authenticate: Basic Realm=RestSvc``
* ``GET /api/logonSessions[/<SessionId>]``, ``DELETE /api/logonSessions/<SessionId>`` (204)
* ``GET /api/querySvc`` — canned query links; ``GET /api/query?…`` — the query service
* ``GET`` on every Href the emulator writes: entities (``?format=Entity``), references,
  Down lists (``/backupSessions/<id>/taskSessions``) and top-level collections, both as
  references and (``?format=Entity``) as entities
* ``GET /api/reports/summary[/<report>]`` (:mod:`.reports`), ``GET /api/security/…``
  (:mod:`.security`), ``GET /api/lookup?…`` (:mod:`.lookup`), ``GET /api/lookupSvc``

Everything but ``/api/`` and the logon needs a session: the token comes from the
``X-RestSvcSessionId`` cookie or header, and when both are sent the cookie wins (Veeam documents this).
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Mapping

from .bodies import (
    SUPPORTED_VERSIONS, Ctx, Response, api_root, listing, logon_links, logon_sessions, query_result, query_service,
    sub_resource, wants_entities,
)
from .dataset import Dataset
from .faults import DROP, SERVICE_UNAVAILABLE, Faults
from .lookup import LookupProblem, hierarchy_items, lookup
from .query import QueryEngine, QueryProblem
from .render import Node, Style, entity_node, ref_node
from .reports import report_frame, summary_report
from .security import Security
from .sessions import DEFAULT_IDLE, LogonSession, SessionStore
from .urls import LINK_STYLES, parse_query
from .validate import checker_validator

__all__ = ["EmulatorApp", "Settings", "Response", "TOKEN_HEADER", "SUPPORTED_VERSIONS"]

TOKEN_HEADER = "X-RestSvcSessionId"
_VERSIONS = {v.lower() for v in SUPPORTED_VERSIONS} | {"latest"}
_GUID = r"[0-9a-fA-F-]{36}"


@dataclass
class Settings:
    """Behaviour switches; each one is a place where real servers differ or Veeam is silent."""

    users: dict[str, str] = field(default_factory=lambda: {"demo": "demo"})
    json_case: str = "pascal"          # "pascal" (12.x) or "camel" (13.x)
    json_nulls: bool | None = None     # None: nulls with pascal (v10/v11), omitted with camel (13.x)
    bom: bool = False                  # start bodies with a UTF-8 BOM
    link_style: str = "v13"            # PagingInfo encoding: "v13" (%3D, raw ;) or "v12" (%3d, +)
    default_page_size: int = 100       # what real servers use when pageSize is omitted
    session_idle: float = DEFAULT_IDLE
    case_sensitive: bool = False       # string comparisons in filters
    use_checker: bool = True           # take error messages from fel.check when available
    server_name: str = "EMULATOR"      # the domain part of LogonSession/UserName

    def __post_init__(self) -> None:
        if self.json_case not in ("pascal", "camel"):
            raise ValueError("json_case must be 'pascal' or 'camel'")
        if self.link_style not in LINK_STYLES:
            raise ValueError(f"link_style must be one of {', '.join(LINK_STYLES)}")
        if self.default_page_size < 1:
            raise ValueError("default_page_size must be at least 1")

    @property
    def style(self) -> Style:
        nulls = self.json_case == "pascal" if self.json_nulls is None else self.json_nulls
        return Style(self.json_case, nulls, self.bom)


class EmulatorApp:
    """One emulated Enterprise Manager: dataset, sessions, query engine, faults."""

    def __init__(self, dataset: Dataset | None = None, settings: Settings | None = None,
                 faults: Faults | None = None) -> None:
        self.dataset = dataset or Dataset()
        self.settings = settings or Settings()
        self.faults = faults or Faults()
        self.sessions = SessionStore(self.settings.session_idle)
        validator = checker_validator() if self.settings.use_checker else None
        self.engine = QueryEngine(self.dataset, default_page_size=self.settings.default_page_size,
                                  link_style=self.settings.link_style,
                                  case_sensitive=self.settings.case_sensitive, validator=validator)
        self.security = Security(self.dataset)

    # ---- entry point -----------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes = b"",
               base: str = "http://127.0.0.1:9398/api/") -> Response:
        """Answer one request. ``target`` is the request target (path and query string);
        ``base`` the API root to write in links (ends with ``/api/``); ``headers`` are read
        case-insensitively."""
        hdrs = {k.lower(): v for k, v in headers.items()}
        as_json = "application/json" in hdrs.get("accept", "").lower()
        ctx = Ctx(base.rstrip("/"), as_json, self.settings.style)
        path, _, query = target.partition("?")
        path = re.sub(r"/{2,}", "/", path)
        low = path.lower().rstrip("/")
        try:
            if not (low == "/api" or low.startswith("/api/")):
                return ctx.error(404, f"'{path}' is not an Enterprise Manager resource; the API root is /api/")
            rest = low[4:]
            if rest == "":
                return ctx.only(method, "GET") or ctx.ok(api_root(ctx.api))
            if rest == "/sessionmngr":
                return ctx.only(method, "POST") or self._logon(ctx, hdrs, query)
            session = self._session(hdrs)
            if session is None:
                return ctx.error(401, "Unauthorized: no valid X-RestSvcSessionId; log on with POST /api/sessionMngr/ "
                                      "(sessions end after logout or when idle)")
            m = re.fullmatch(rf"/logonsessions(?:/({_GUID}))?", rest)
            if m:
                return self._logon_sessions(ctx, method, session, m.group(1))
            if method != "GET":
                return ctx.error(405, f"{method} is not supported on {path}")
            fault = self.faults.decide()
            self.faults.delay()
            if fault == DROP:
                return Response(0, [], b"", drop=True)
            if fault == SERVICE_UNAVAILABLE:
                return ctx.error(503, "Service Unavailable (injected fault)")
            if rest == "/query":
                return self._query(ctx, query)
            if rest == "/querysvc":
                return ctx.ok(query_service(ctx.api))
            if rest == "/lookupsvc":
                return ctx.ok(Node("LookupService", [("Type", "LookupService"), ("Href", ctx.api + "/lookupSvc")],
                                   None, [], [("Up", "EnterpriseManager", ctx.api + "/", None)]))
            if rest == "/lookup":
                items = lookup(self.dataset, parse_query(query))
                return ctx.ok(hierarchy_items(items, ctx.as_json))
            if rest == "/reports/summary" or rest.startswith("/reports/summary/"):
                frame = (summary_report(ctx.api) if rest == "/reports/summary"
                         else report_frame(self.dataset, rest[len("/reports/summary/"):]))
                return ctx.ok(frame) if frame is not None else ctx.error(404, f"'{path}' does not exist")
            if rest == "/security" or rest.startswith("/security/"):
                parts = [p for p in path[len("/api/security"):].split("/") if p]
                node = self.security.resolve(ctx.api, parts, wants_entities(parse_query(query)), ctx.as_json)
                return ctx.ok(node) if node is not None else ctx.error(404, f"'{path}' does not exist")
            return self._resource(ctx, path[4:], query)
        except LookupProblem as exc:
            return ctx.error(exc.status, exc.message)
        except QueryProblem as exc:
            return ctx.error(exc.status, exc.message)

    # ---- logon -----------------------------------------------------------------------------
    def _session(self, hdrs: Mapping[str, str]) -> LogonSession | None:
        cookie = _cookie(hdrs.get("cookie", ""), TOKEN_HEADER)
        token = cookie if cookie is not None else hdrs.get(TOKEN_HEADER.lower())
        return self.sessions.lookup(token.strip() if token else None)

    def _logon(self, ctx: Ctx, hdrs: Mapping[str, str], query: str) -> Response:
        version = next((v for k, v in parse_query(query) if k.lower() == "v"), "latest")
        if version.strip().lower() not in _VERSIONS:
            return ctx.error(400, f"API version '{version}' is not supported; use one of "
                                  f"{', '.join(SUPPORTED_VERSIONS)} or latest")
        user = _basic_user(hdrs.get("authorization", ""), self.settings.users)
        if user is None:
            resp = ctx.error(401, "Unauthorized: the user name or password is incorrect")
            resp.headers.append(("WWW-Authenticate", "Basic Realm=RestSvc"))
            return resp
        session = self.sessions.create(user)
        resp = ctx.ok(self._logon_body(ctx, session), status=201)
        resp.headers.append((TOKEN_HEADER, session.token))
        resp.headers.append(("Set-Cookie", f"{TOKEN_HEADER}={session.token}; path=/; HttpOnly"))
        return resp

    def _logon_body(self, ctx: Ctx, session: LogonSession) -> Node:
        href = f"{ctx.api}/logonSessions/{session.session_id}"
        links = logon_links(ctx.api, href)
        return Node("LogonSession", [("Type", "LogonSession"), ("Href", href)], None,
                    [Node("UserName", [], f"{self.settings.server_name}\\{session.user}"),
                     Node("SessionId", [], session.session_id)], links)

    def _logon_sessions(self, ctx: Ctx, method: str, session: LogonSession, session_id: str | None) -> Response:
        if session_id is None:
            if method != "GET":
                return ctx.error(405, f"{method} is not supported on /api/logonSessions")
            # the caller's own session first: public clients log out by deleting LogonSessions[0]
            mine = [session] + [s for s in self.sessions.sessions_of(session.user)
                                if s.session_id != session.session_id]
            kids = [self._logon_body(ctx, s) for s in mine]
            return ctx.ok(logon_sessions(kids, ctx.as_json))
        target = self.sessions.by_id(session_id)
        if target is None or target.user != session.user:
            return ctx.error(404, f"logon session {session_id} does not exist")
        if method == "DELETE":
            self.sessions.delete(session_id)
            return Response(204, [])
        if method == "GET":
            return ctx.ok(self._logon_body(ctx, target))
        return ctx.error(405, f"{method} is not supported on a logon session")

    # ---- query and resources ---------------------------------------------------------------
    def _query(self, ctx: Ctx, query: str) -> Response:
        page = self.engine.run(query, parse_query(query))
        return ctx.ok(query_result(ctx, page))

    def _resource(self, ctx: Ctx, path: str, query: str) -> Response:
        found = self.dataset.resolve(path)
        if found is None:
            return ctx.error(404, f"'/api{path}' does not exist")
        kind, what = found
        want_entity = wants_entities(parse_query(query))
        if kind == "entity":
            if want_entity or not what.has_reference:
                return ctx.ok(entity_node(what, ctx.api))
            return ctx.ok(ref_node(what, ctx.api, "EntityRef"))
        if kind == "list":
            parent, dl = what
            if dl.body:
                return ctx.ok(sub_resource(ctx.api, parent, dl))
            if dl.child is None and dl.empty_root:
                return ctx.ok(Node(dl.empty_root, [], None, [], collection=ctx.as_json))
            return ctx.ok(listing(ctx, dl.child, self.dataset.members(parent, dl), as_entities=want_entity))
        return ctx.ok(listing(ctx, what, self.dataset.entities(what), as_entities=want_entity))


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        k, eq, v = part.strip().partition("=")
        if eq and k.strip().lower() == name.lower():
            return v.strip().strip('"')
    return None


def _basic_user(header: str, users: Mapping[str, str]) -> str | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # not base64 (non-ASCII characters too), not UTF-8
        return None
    user, sep, password = decoded.partition(":")
    if not sep:
        return None
    import hmac

    for name, secret in users.items():
        if name.lower() == user.lower() and hmac.compare_digest(secret.encode(), password.encode()):
            return name
    return None

