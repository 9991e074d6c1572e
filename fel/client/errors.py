"""Typed errors of the client.

Every failure the client can meet becomes one of these, with a one-line ``str()`` a person
can act on. None of them ever carries the password or the session token: the request they
describe (:class:`RequestInfo`) is built through :func:`redact`, which blanks the token
header, Basic credentials and any secret registered with :func:`register_secret`.

Exit codes for ``fel run``: :attr:`ClientError.exit_code` is 3 (connection, authentication,
server) unless a subclass says otherwise (``QueryRejected`` 1, ``ConfigError`` 2).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Mapping

__all__ = [
    "RequestInfo", "redact", "register_secret", "forget_secret",
    "ClientError", "ConfigError", "ConnectFailed", "TlsFailed", "TimedOut", "WrongService",
    "AuthFailed", "Forbidden", "ApiError", "QueryRejected", "DecodeError", "BodyTooLarge",
    "UnexpectedContentType", "HostileBody",
]

TOKEN_HEADER = "X-RestSvcSessionId"
_SECRET_HEADERS = {TOKEN_HEADER.lower(), "authorization", "cookie", "set-cookie", "proxy-authorization"}
REDACTED = "<redacted>"

_secrets: dict[str, None] = {}  # insertion-ordered set
_secrets_lock = threading.Lock()
_MAX_SECRETS = 1024


def register_secret(value: str | None) -> None:
    """Remember a secret (password, token) so that :func:`redact` blanks it wherever it shows.
    The registry keeps the latest 1024 (a long REPL session logs on again every 15 idle minutes)."""
    if value and len(value) >= 4:
        with _secrets_lock:
            _secrets.pop(value, None)
            _secrets[value] = None
            while len(_secrets) > _MAX_SECRETS:
                del _secrets[next(iter(_secrets))]


def forget_secret(value: str | None) -> None:
    if value:
        with _secrets_lock:
            _secrets.pop(value, None)


def redact(text: str) -> str:
    """``text`` with every registered secret (and its URL-encoded form) replaced by ``<redacted>``."""
    if not text:
        return text
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    if not secrets:
        return text
    from urllib.parse import quote, quote_plus

    for s in secrets:
        for form in {s, quote(s, safe=""), quote_plus(s)}:
            if form in text:
                text = text.replace(form, REDACTED)
    return text


@dataclass(frozen=True)
class RequestInfo:
    """The request an error belongs to, safe to print: secret headers are blanked."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, method: str, url: str, headers: Mapping[str, str] | None = None) -> "RequestInfo":
        clean = {
            k: (REDACTED if k.lower() in _SECRET_HEADERS else redact(str(v)))
            for k, v in (headers or {}).items()
        }
        return cls(method.upper(), redact(url), clean)

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


class ClientError(Exception):
    """Base of every client failure. ``str()`` is one line, free of secrets."""

    exit_code = 3

    def __init__(self, message: str, *, request: RequestInfo | None = None, hint: str | None = None) -> None:
        self.message = redact(message)
        self.request = request
        self.hint = redact(hint) if hint else None
        super().__init__(self.message)

    def __str__(self) -> str:
        text = self.message
        if self.request is not None:
            text += f" ({self.request})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class ConfigError(ClientError):
    """Bad or missing configuration: profile, URL, password source (exit 2)."""

    exit_code = 2


class ConnectFailed(ClientError):
    """Refused connection, unknown host, network unreachable, dropped connection."""


class TlsFailed(ClientError):
    """Certificate verification or TLS handshake failure."""


class TimedOut(ClientError):
    """The connect or read timeout expired."""


class WrongService(ClientError):
    """The URL answers, but it is not Enterprise Manager's REST API (e.g. port 9419)."""


class DecodeError(ClientError):
    """A response body that is not a well-formed EM document."""


class BodyTooLarge(DecodeError):
    """A response body larger than the configured limit (nothing beyond the limit was read)."""


class UnexpectedContentType(DecodeError):
    """A response whose Content-Type is neither XML nor JSON (an HTML login page, a proxy...)."""


class HostileBody(DecodeError):
    """A body with a DOCTYPE, entity declarations or other constructs EM never sends."""


class ApiError(ClientError):
    """EM answered with an error status. Carries the status, EM's ``Message`` and the request."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        request: RequestInfo | None = None,
        first_chance: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.server_message = redact(message)
        self.first_chance = redact(first_chance) if first_chance else None
        super().__init__(f"HTTP {status}: {message}", request=request, hint=hint)


class AuthFailed(ApiError):
    """401: bad credentials (or a session that could not be re-established)."""


class Forbidden(ApiError):
    """403: the account lacks the Enterprise Manager role needed for this call."""


class QueryRejected(ApiError):
    """400 on a query: EM refused the filter, type or parameters (exit 1: a query error)."""

    exit_code = 1
