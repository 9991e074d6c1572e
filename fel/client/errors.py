"""Typed errors of the client.

Every failure the client can meet becomes one of these, with a one-line ``str()`` a person
can act on. None of them ever carries the password or the session token: the request they
describe (:class:`RequestInfo`) is built through :func:`redact`, which blanks the token
header, Basic credentials and any secret registered with :func:`register_secret`.

Exit codes for ``fel run``: :attr:`ClientError.exit_code` is 3 (connection, authentication,
server) unless a subclass says otherwise (``QueryRejected`` 1, ``ConfigError`` 2).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Mapping

__all__ = [
    "RequestInfo", "redact", "register_secret", "forget_secret", "register_credentials", "secret_forms",
    "basic_credentials",
    "ClientError", "ConfigError", "ConnectFailed", "TlsFailed", "TimedOut", "WrongService",
    "AuthFailed", "Forbidden", "ApiError", "QueryRejected", "DecodeError", "BodyTooLarge",
    "UnexpectedContentType", "HostileBody",
]

TOKEN_HEADER = "X-RestSvcSessionId"
_SECRET_HEADERS = {TOKEN_HEADER.lower(), "authorization", "cookie", "set-cookie", "proxy-authorization"}
REDACTED = "<redacted>"

_secrets: dict[str, tuple[str, ...]] = {}  # insertion-ordered: secret -> the forms redact() blanks
_forms: tuple[str, ...] = ()  # every form of every secret, longest first
_secrets_lock = threading.Lock()
_MAX_SECRETS = 1024


def secret_forms(value: str) -> tuple[str, ...]:
    """The spellings of ``value`` a message can carry: as is, percent-encoded (``quote`` with
    and without ``/`` safe, ``quote_plus``, lower-case hex), XML/HTML-escaped and JSON-escaped
    (with ``\\/``) — each at least 4 characters long."""
    import html
    import json
    from urllib.parse import quote, quote_plus

    forms = {value, quote(value, safe=""), quote(value), quote_plus(value), quote_plus(value, safe="/"),
             html.escape(value, quote=True), html.escape(value, quote=False), html.escape(value).replace("&#x27;", "&apos;")}
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), f) for f in list(forms) if "%" in f}
    for ensure_ascii in (True, False):
        j = json.dumps(value, ensure_ascii=ensure_ascii)[1:-1]
        forms |= {j, j.replace("/", "\\/")}
    return tuple(f for f in forms if len(f) >= 4)


def basic_credentials(user: str, password: str) -> list[str]:
    """What HTTP Basic puts on the wire for ``user``/``password`` (``base64(user:password)``, as
    UTF-8 and, when it can be, Latin-1), padded and unpadded, and ``user:password`` itself."""
    import base64

    plain = f"{user}:{password}"
    out = [plain]
    for encoding in ("utf-8", "latin-1"):
        try:
            raw = plain.encode(encoding)
        except UnicodeEncodeError:
            continue
        b64 = base64.b64encode(raw).decode("ascii")
        out += [b64, b64.rstrip("=")]
    return out


def register_credentials(user: str | None, password: str | None) -> None:
    """Register a password and every encoding HTTP Basic sends it in (see :func:`basic_credentials`)."""
    if not password:
        return
    register_secret(password)
    for form in basic_credentials(user or "", password):
        register_secret(form)


def register_secret(value: str | None) -> None:
    """Remember a secret (password, token) so that :func:`redact` blanks it, in every form of
    :func:`secret_forms`, wherever it shows. The registry keeps the latest 1024 (a long REPL
    session logs on again every 15 idle minutes)."""
    global _forms
    if value and len(value) >= 4:
        forms = secret_forms(value)
        with _secrets_lock:
            _secrets.pop(value, None)
            _secrets[value] = forms
            while len(_secrets) > _MAX_SECRETS:
                del _secrets[next(iter(_secrets))]
            _forms = _all_forms()


def forget_secret(value: str | None) -> None:
    global _forms
    if value:
        with _secrets_lock:
            _secrets.pop(value, None)
            _forms = _all_forms()


def _all_forms() -> tuple[str, ...]:
    return tuple(sorted({f for forms in _secrets.values() for f in forms}, key=len, reverse=True))


def redact(text: str) -> str:
    """``text`` with every registered secret, in each of its forms, replaced by ``<redacted>``."""
    if not text:
        return text
    for form in _forms:  # a tuple swapped whole under the lock: safe to read without it
        if form in text:
            if len(form) < _WHOLE_WORD_BELOW:
                # a short secret inside a longer word is not that secret (`demo` in user `demox`)
                text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(form)}(?![A-Za-z0-9])", REDACTED, text)
            else:
                text = text.replace(form, REDACTED)
    return text


#: Forms shorter than this are blanked only where they stand as a whole word.
_WHOLE_WORD_BELOW = 8


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
