"""The client: logon, the session token on every call, re-logon, logout, queries.

::

    from fel.client import Client

    with Client("https://em.example.com:9398", "DOMAIN\\\\svc", password=getpass()) as em:
        for session in em.query("BackupJobSession where Result == Failed order by CreationTime desc",
                                all=True):
            print(session.name, session["CreationTimeUTC"])

Logon is ``POST /api/sessionMngr/?v=latest`` with HTTP Basic; the token comes from the
``X-RestSvcSessionId`` response header (read case-insensitively) and travels in that header on
every later call. Cookies from an earlier session are dropped before each logon, because EM
lets a cookie win over the header. A 401 on a call (EM ends sessions after 15 idle minutes)
triggers one transparent re-logon and one resend. ``close()`` logs out with
``DELETE /api/logonSessions/<SessionId>`` (the GUID of the LogonSession body, not the token).
A client is not thread-safe: use one per thread.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any, Callable, Union
from urllib.parse import urlsplit

from .decode import DEFAULT_MAX_BODY, LogonInfo, Page, body_format, decode_document, decode_error, decode_logon, decode_page
from .entity import Entity
from .errors import (
    ApiError, AuthFailed, ClientError, ConfigError, DecodeError, Forbidden, QueryRejected, WrongService,
    register_credentials, register_secret,
)
from .formats import DEFAULT_FORMAT, with_default_format
from .paging import DEFAULT_MAX_PAGES, ResultStream, rebase
from .transport import DEFAULT_DEADLINE, Reply, Transport, TransportPolicy, port_hint

__all__ = ["Client", "normalize_base", "with_default_format", "DEFAULT_FORMAT"]

log = logging.getLogger("fel.client")
TOKEN_HEADER = "X-RestSvcSessionId"
_ACCEPT = {"xml": "application/xml", "json": "application/json"}

PasswordSource = Union[str, Callable[[], str], None]
#: Re-logons for one request whose fresh sessions expired while its retries waited.
MAX_RELOGONS = 3


def normalize_base(url: str) -> str:
    """The API root for ``url`` (:func:`fel.baseurl.normalize_base`: ``em.example.com`` →
    ``https://em.example.com:9398/api/``; ``https://h:9398``, ``https://h:9398/api`` and
    ``https://h:9398/api/query?...`` → ``https://h:9398/api/``); a bad address raises
    :class:`~fel.client.errors.ConfigError`."""
    from fel.baseurl import BaseURLError, normalize_base as _normalize

    try:
        return _normalize(url)
    except BaseURLError as exc:
        raise ConfigError(str(exc)) from None


class Client:
    """A logged-on connection to one Enterprise Manager.

    ``url`` is the EM address (``https://host:9398/api/`` or shorter, see
    :func:`normalize_base`); ``password`` a string or a callable asked once when the first
    logon needs it. ``wire`` chooses the response format EM sends (``"xml"``, the default,
    or ``"json"``); both decode to the same entities. ``retries``/``backoff`` bound the retry
    policy of :class:`~fel.client.transport.TransportPolicy`, ``deadline`` the whole of each
    call (attempts, pauses, body; default 300 s, None for none); ``max_body`` limits one
    response; ``max_pages`` the pages one query follows (default 10,000; None for no cap).
    """

    def __init__(
        self,
        url: str,
        user: str | None = None,
        password: PasswordSource = None,
        *,
        verify: bool = True,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (5.0, 60.0),
        wire: str = "xml",
        retries: int = 4,
        backoff: float = 0.5,
        backoff_max: float = 8.0,
        deadline: float | None = DEFAULT_DEADLINE,
        max_pages: int | None = DEFAULT_MAX_PAGES,
        max_body: int = DEFAULT_MAX_BODY,
        follow_links: bool = True,
        api_version: str = "latest",
        sleep: Callable[[float], None] = time.sleep,
        transport: Transport | None = None,
    ) -> None:
        if wire not in _ACCEPT:
            raise ConfigError(f"wire format must be 'xml' or 'json', not {wire!r}")
        self.base = normalize_base(url)
        self.user = user
        self._password_source = password
        if isinstance(password, str):
            register_secret(password)
        self.wire = wire
        self.follow_links = follow_links
        self.api_version = api_version
        policy = TransportPolicy(verify=verify, ca_bundle=ca_bundle, timeout=tuple(timeout),  # type: ignore[arg-type]
                                 retries=retries, backoff=backoff, backoff_max=backoff_max, deadline=deadline,
                                 max_body=max_body)
        self.transport = transport or Transport(policy, sleep=sleep)
        self.max_pages = max_pages
        self._token: str | None = None
        self.logon_info: LogonInfo | None = None
        #: logons performed (the first one included) — re-logons show here.
        self.logons = 0

    def __repr__(self) -> str:
        return f"Client(url={self.base!r}, user={self.user!r}, logged_on={self.logged_on})"

    # -- session ---------------------------------------------------------------------------
    @property
    def logged_on(self) -> bool:
        return self._token is not None

    @property
    def session_id(self) -> str | None:
        return self.logon_info.session_id if self.logon_info else None

    def _password(self) -> str:
        source = self._password_source
        if callable(source):
            source = source()
            self._password_source = source
        if source is None:
            raise ConfigError("no password given for the logon")
        register_secret(source)
        return source

    def logon(self) -> LogonInfo:
        """Open a session (dropping any cookies of an earlier one) and keep its token."""
        if not self.user:
            raise ConfigError("no user name given for the logon (use --user or a profile)")
        self.transport.session.cookies.clear()
        self._set_token(None)
        password = self._password()
        register_credentials(self.user, password)  # base64(user:password) must never show either
        from requests.auth import HTTPBasicAuth

        url = f"{self.base}sessionMngr/?v={self.api_version}"
        auth = HTTPBasicAuth(self.user.encode("utf-8"), password.encode("utf-8"))
        reply = self.transport.request("POST", url, headers={"Accept": _ACCEPT[self.wire]}, auth=auth, idempotent=True)
        if reply.status in (200, 201):
            token = reply.headers.get(TOKEN_HEADER)
            if not token:
                raise WrongService(f"the logon answered {reply.status} without an {TOKEN_HEADER} header",
                                   request=reply.request, hint=port_hint(url) or "is this Enterprise Manager?")
            self._set_token(token)
            try:
                info = decode_logon(reply.body, reply.content_type)
            except DecodeError:
                info = LogonInfo(None, self.user)
            if info.session_id is None and info.delete_href:
                info = dataclasses.replace(info, session_id=info.delete_href.rstrip("/").rsplit("/", 1)[-1])
            self.logon_info = info
            self.logons += 1
            # Clients in the wild send base64(SessionId) as the token, and servers accept it: the
            # SessionId is as secret as the token (redacted from URLs, logs and errors).
            register_secret(info.session_id)
            log.debug("logged on to %s as %s", self.base, self.user)
            return info
        if reply.status == 401:
            raise self._error(reply, AuthFailed,
                              f"logon refused for user {self.user!r}: wrong user name or password",
                              hint=port_hint(url))
        if reply.status in (404, 405) or (300 <= reply.status < 400):
            raise WrongService(f"no Enterprise Manager logon at {url} (HTTP {reply.status})", request=reply.request,
                               hint=port_hint(url) or "EM's REST API is at https://<em-host>:9398/api/")
        raise self._error(reply)

    def _set_token(self, token: str | None) -> None:
        # An old token stays registered for redaction: it must not surface in a later message.
        self._token = token
        if token:
            register_secret(token)

    def logout(self) -> None:
        """End the session on the server (``DELETE /api/logonSessions/<SessionId>``)."""
        if self._token is None:
            return
        session_id = self.session_id
        try:
            if session_id and getattr(self.transport, "hung", False):
                log.debug("not logging out: the server did not answer the last call"
                          " (the session expires on its own)")
            elif session_id:
                # one attempt: logging out is a courtesy (the session expires anyway), and a
                # server that has just hung must not hold the exit for more retries
                reply = self.transport.request("DELETE", f"{self.base}logonSessions/{session_id}",
                                               headers=self._headers(), idempotent=False)
                if reply.status >= 400 and reply.status not in (401, 404):
                    raise self._error(reply)
                log.debug("logged out (%d)", reply.status)
        finally:
            self.transport.session.cookies.clear()
            self._set_token(None)
            self.logon_info = None

    def close(self) -> None:
        """Log out (errors are logged, not raised) and close the connections."""
        try:
            self.logout()
        except ClientError as exc:
            log.debug("logout failed: %s", exc)
        finally:
            self.transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- calls -----------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {"Accept": _ACCEPT[self.wire]}
        if self._token:
            headers[TOKEN_HEADER] = self._token
        return headers

    def request(self, method: str, href: str, *, idempotent: bool | None = None) -> Reply:
        """Send an authenticated request (logging on first if needed, again on a 401) and
        return the reply; error statuses raise :class:`~fel.client.errors.ApiError` subclasses.

        A 401 means the session ended (EM ends idle ones): log on and resend at once. A fresh
        session refused straight away is an error; one that expired while the transport was
        retrying (its backoff can outlive a short idle limit) is renewed again, at most
        :data:`MAX_RELOGONS` times for one request."""
        url = self.resolve(href)
        if self._token is None:
            self.logon()
        reply = self.transport.request(method, url, headers=self._headers(), idempotent=idempotent)
        relogons = 0
        while reply.status == 401:
            if relogons >= MAX_RELOGONS:
                raise self._error(reply, AuthFailed, f"the server rejected {relogons} fresh sessions in a row")
            log.debug("session rejected (expired?); logging on again")
            self.logon()
            relogons += 1
            sent = self.transport.attempts
            reply = self.transport.request(method, url, headers=self._headers(), idempotent=idempotent)
            if reply.status == 401 and self.transport.attempts - sent <= 1:
                raise self._error(reply, AuthFailed, "the server rejected a fresh session")
        if reply.status >= 300:
            raise self._error(reply)
        return reply

    def resolve(self, href: str) -> str:
        """``href`` (absolute, ``/api/...`` or relative to the API root) as a URL on this
        client's origin — links EM writes may name another host; the token never goes there."""
        if "://" in href or href.startswith("/"):
            return rebase(href, self.base)
        return self.base + href

    def get(self, href: str) -> Union[Page, Entity]:
        """Any EM resource by href: a QueryResult or reference list → :class:`Page`, a single
        resource (``...?format=Entity``) → :class:`Entity`."""
        reply = self.request("GET", href)
        return decode_document(reply.body, reply.content_type, max_body=self.transport.policy.max_body)

    def get_page(self, href: str) -> Page:
        """One QueryResult page by URL."""
        reply = self.request("GET", href)
        try:
            return decode_page(reply.body, reply.content_type, max_body=self.transport.policy.max_body)
        except DecodeError as exc:
            exc.request = reply.request
            raise

    def query_url(self, query: Any, *, type: str | None = None, format: str | None = None) -> str:
        """The URL of ``query``: fel text (statement, EM URL, query string, or a filter with
        ``type=``) or a :class:`fel.CompiledQuery`; ``format`` overrides its format. A query
        that names no format asks for :data:`DEFAULT_FORMAT` (full entities)."""
        compiled = query
        if isinstance(query, str):
            import fel

            compiled = fel.compile_query(query, base=self.base, type=type)
        return with_default_format(compiled, format).url(self.base)

    def query(
        self,
        query: Any,
        *,
        limit: int | None = None,
        all: bool = False,
        page: int | None = None,
        type: str | None = None,
        format: str | None = None,
        on_page: Callable[[ResultStream, Page], None] | None = None,
        warn: bool = True,
        max_pages: int | None = None,
    ) -> ResultStream:
        """Run a query; iterate the returned :class:`~fel.client.paging.ResultStream` for
        entities. Default: the first page (what the query says); ``page=N`` that page;
        ``limit=N`` the first N entities; ``all=True`` every page, up to ``max_pages`` (default:
        the client's; 0 for no cap — a stream stopped by the cap sets ``capped`` and warns).
        Raises :class:`fel.FelError` when the text does not compile."""
        if all and limit is not None:
            raise ValueError("give either all=True or limit=N, not both")
        url = self.query_url(query, type=type, format=format)
        return ResultStream(self.get_page, url, limit=limit, all=all, page=page,
                            follow_links=self.follow_links, on_page=on_page, warn=warn,
                            max_pages=self.max_pages if max_pages is None else max_pages)

    def lookup(self, *, host: str, name: str, type: str) -> list[Any]:
        """The objects named ``name`` (``*``, ``?`` wildcards) of ``type`` (``Vm``, ``Host`` …) under
        the hierarchy root ``host`` (its UID): ``GET /api/lookup``, a list of
        :class:`fel.client.lookup.HierarchyItem`. The parameters are checked first
        (:class:`~fel.client.lookup.InvalidLookup`, with a did-you-mean for the type)."""
        from .lookup import decode_items, lookup_href

        reply = self.request("GET", lookup_href(host, name, type))
        return decode_items(reply.body, reply.content_type)

    # -- errors ----------------------------------------------------------------------------
    def _error(self, reply: Reply, cls: type[ApiError] | None = None, message: str | None = None,
               hint: str | None = None) -> ApiError:
        server_message, first = decode_error(reply.body, reply.content_type)
        status = reply.status
        if cls is None:
            if status == 400 and "/query" in urlsplit(reply.url).path.lower():
                cls = QueryRejected
            elif status == 401:
                cls = AuthFailed
            elif status == 403:
                cls = Forbidden
            else:
                cls = ApiError
        if cls is Forbidden and hint is None:
            hint = (f"the account {self.user!r} lacks the Enterprise Manager role this needs"
                    " (Portal Administrator, Portal User or Restore Operator; check EM's Roles page)")
        if hint is None:
            hint = port_hint(reply.url) or (_not_em_hint(reply) if server_message is None else None)
        text = message or server_message or _reason(reply)
        if message and server_message and server_message not in message:
            text = f"{message} ({server_message})"
        return cls(status, text, request=reply.request, first_chance=first, hint=hint)


def _reason(reply: Reply) -> str:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(reply.status).phrase
    except ValueError:
        phrase = "error"
    return f"{phrase} (no EM error body)"


def _not_em_hint(reply: Reply) -> str | None:
    try:
        body_format(reply.body, reply.content_type)
    except DecodeError:
        return "the answer is not XML or JSON: is this Enterprise Manager's REST API?"
    return None


