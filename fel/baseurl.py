"""The Enterprise Manager API root for an address people type: one rule for ``fel compile
--base``, ``fel.compile(base=…)``, ``fel run --url``, profiles and the REPL's ``\\connect``.

::

    em                               → https://em:9398/api/
    em.example.com:9398              → https://em.example.com:9398/api/
    https://em:9398                  → https://em:9398/api/
    https://em:9398/api/query?…      → https://em:9398/api/
    http://127.0.0.1:8080/           → http://127.0.0.1:8080/api/
    https://proxy/em/api/            → https://proxy/em/api/   (a path before /api is kept)

EM listens on 9398; the port is added only when the address names no scheme and no port.
Anything that is not an http(s) address with a plausible host raises :class:`BaseURLError`
(a ``ValueError``) naming the address and what is wrong with it.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["BaseURLError", "normalize_base", "EM_PORT"]

#: Enterprise Manager's REST API port.
EM_PORT = 9398

# A DNS name or IPv4 address (letters, digits, dots, hyphens, underscores); IPv6 literals are
# bracketed and checked by urllib.
_HOST = re.compile(r"[A-Za-z0-9_.-]+")


class BaseURLError(ValueError):
    """An address that cannot be an Enterprise Manager URL."""


def normalize_base(url: str) -> str:
    """The API root (ending in ``/api/``) for ``url``; raises :class:`BaseURLError`."""
    if not isinstance(url, str):
        raise BaseURLError(f"an Enterprise Manager URL must be text, not {url.__class__.__name__}")
    text = url.strip()
    if not text:
        raise BaseURLError("no Enterprise Manager URL given (use --url or a profile)")
    if "@" in text.split("?", 1)[0].split("#", 1)[0]:
        # the URL itself is not repeated: it may hold a password
        raise BaseURLError("a user name or password in the Enterprise Manager URL is not used;"
                           " give --user and a password source instead")
    bare = "://" not in text
    if bare:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", a non-numeric port
        raise BaseURLError(f"not a valid URL: {url!r} ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise BaseURLError(f"not an http(s) URL: {url!r}")
    if not host:
        raise BaseURLError(f"no host name in URL {url!r}")
    if "[" not in parts.netloc and not _HOST.fullmatch(host):
        raise BaseURLError(f"not a valid host name in URL {url!r}: {host!r}")
    netloc = parts.netloc.rstrip(":")  # `em:` names no port
    if port is None and bare:
        netloc += f":{EM_PORT}"
    path = parts.path
    i = path.lower().find("/api")
    path = "/api/" if i < 0 else path[:i] + "/api/"
    return urlunsplit((parts.scheme, netloc, path, "", ""))
