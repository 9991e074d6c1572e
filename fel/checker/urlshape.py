"""Checks on the text itself and on the shape of a URL: lone surrogates (FEL014), a malformed
host or port and a raw ``#`` (FEL413). Each is a query the compiler could not turn into a URL
that reaches EM as written."""
from __future__ import annotations

import ipaddress
import re

from ..diagnostics import Diagnostic, Fix, make
from ..span import Span
from ..syntax.reader import Reading

__all__ = ["check_unicode", "check_url_shape", "authority_problem"]

_SURROGATES = re.compile("[\ud800-\udfff]+")
_ORIGIN = re.compile(r"\s*https?://", re.IGNORECASE | re.ASCII)
_HOST_PUNCT = frozenset("-._~%")
#: Whitespace, control characters and `\\` have no place in a path: clients drop or rewrite them.
_PATH_BAD = re.compile("[\\s\\\\\x00-\x1f\x7f-\x9f]")
_MAX_REPORTED = 10


def check_unicode(source: str, out: list[Diagnostic]) -> None:
    """FEL014 for each run of lone surrogates (the first ten)."""
    for i, m in enumerate(_SURROGATES.finditer(source)):
        if i == _MAX_REPORTED:
            break
        first = m.group()[0]
        out.append(make("FEL014", Span(m.start(), m.end()),
                        f"U+{ord(first):04X} is a lone surrogate, not a character; the query cannot be sent as UTF-8",
                        hint="write the character itself (a byte that is not UTF-8 on the command line reads "
                             "as one: check the terminal's encoding)"))


def check_url_shape(reading: Reading, out: list[Diagnostic]) -> None:
    source = reading.source
    parts = reading.url
    m = _ORIGIN.match(source)
    path_start = len(source) - len(source.lstrip())
    if m is not None:
        start = m.end()
        end = start
        while end < len(source) and source[end] not in "/?#":
            end += 1
        path_start = end
        problem = authority_problem(source[start:end])
        if problem is not None:
            a, b, message = problem
            out.append(make("FEL413", Span(start + a, start + b), message,
                            hint="write https://<host>:9398/api/query?… (an IPv6 address in brackets)"))
    if parts is None or (parts.base is None and not parts.path):
        return  # a bare query string: how `#` travels depends on who sends it
    q = source.find("?", path_start)
    bad = _PATH_BAD.search(source, path_start, min(q if q >= 0 else len(source), len(source.rstrip())))
    if bad is not None:
        ch = bad.group()
        out.append(make("FEL413", Span(bad.start(), bad.end()),
                        f"{'a backslash' if ch == chr(92) else repr(ch)} cannot be part of a URL path",
                        hint="the path of EM's query endpoint is /api/query"))
    at = source.find("#")
    if at < 0:
        return
    q = source.find("?")
    if q < 0 or at < q:
        message = "`#` starts the fragment, which never reaches the server: the query after it is dropped"
        fix = None
    else:
        message = "`#` starts the fragment, which never reaches the server: the rest of the query is dropped"
        fix = Fix(Span(at, at + 1), "%23", "encode it as %23", safe=False)
    out.append(make("FEL413", Span(at, at + 1), message, hint="a `#` inside a value is written %23", fix=fix))


def authority_problem(authority: str) -> tuple[int, int, str] | None:
    """What is wrong with ``host[:port]`` (after ``scheme://``): (start, end, message) or None."""
    off = authority.rfind("@") + 1  # user information, if any, is not the host
    hostport = authority[off:]
    end = len(authority)
    if not hostport:
        return off, end, "the URL has no host"
    if hostport[0] == "[":
        close = hostport.find("]")
        if close < 0:
            return off, off + 1, "this `[` opens an IPv6 address that is never closed"
        addr = hostport[1:close].split("%", 1)[0]
        try:
            ipaddress.IPv6Address(addr)
        except ValueError:
            return off, off + close + 1, f"`{hostport[:close + 1]}` is not an IPv6 address"
        rest = hostport[close + 1:]
        if rest and rest[0] != ":":
            return off + close + 1, end, "only `:port` may follow an IPv6 address"
        port_at = off + close + 2
        port = rest[1:] if rest else None
    else:
        host, colon, port_text = hostport.rpartition(":")
        if not colon:
            host, port_text = hostport, None
        if ":" in host:
            return off, off + len(host), "a host with `:` in it is an IPv6 address, which is written in brackets"
        if not host:
            return off, off + 1, "the URL has no host name before the port"
        for i, ch in enumerate(host):
            if not (ch.isalnum() or ch in _HOST_PUNCT):
                return off + i, off + i + 1, f"`{ch}` cannot be part of a host name"
        port_at = off + len(host) + 1
        port = port_text
    if port:
        if not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
            return port_at, end, f"`{port}` is not a port (a number from 1 to 65535)"
    return None
