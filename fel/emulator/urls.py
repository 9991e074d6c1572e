"""Query strings as EM reads and writes them.

Reading follows ASP.NET (``HttpUtility.ParseQueryString``): parameters split on ``&``, each on
its first ``=``; ``+`` is a space; ``%XX`` bytes and ``%uXXXX`` characters are decoded (UTF-8,
invalid sequences replaced); a malformed ``%`` stays as it is.

Writing re-encodes parameter values for PagingInfo links the way real servers' captured
bodies show: ``v13`` — upper-case ``%3D``, ``;`` left raw, space as ``%20``; ``v12`` — lower-case
``%3d``, ``+`` for a space, ``%3b`` for ``;`` (``HttpUtility.UrlEncode``).
"""
from __future__ import annotations

__all__ = ["url_decode", "parse_query", "encode_value", "LINK_STYLES"]

_HEX = "0123456789abcdefABCDEF"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!*()")
LINK_STYLES = ("v13", "v12")


def url_decode(text: str) -> str:
    """ASP.NET's UrlDecode: ``+`` -> space, ``%XX`` and ``%uXXXX`` decoded as UTF-8."""
    if "%" not in text and "+" not in text:
        return text
    out = bytearray()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "+":
            out += b" "
        elif c == "%":
            if i + 6 <= n and text[i + 1] in "uU" and all(h in _HEX for h in text[i + 2:i + 6]):
                out += chr(int(text[i + 2:i + 6], 16)).encode("utf-8", "surrogatepass")
                i += 6
                continue
            if i + 3 <= n and text[i + 1] in _HEX and text[i + 2] in _HEX:
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
                continue
            out += b"%"
        else:
            out += c.encode("utf-8", "surrogatepass")
        i += 1
    return out.decode("utf-8", "replace")


def parse_query(raw: str) -> list[tuple[str, str]]:
    """``(name, value)`` pairs, decoded, in order; a part without ``=`` has an empty name."""
    pairs: list[tuple[str, str]] = []
    for part in raw.split("&"):
        if not part:
            continue
        name, eq, value = part.partition("=")
        if not eq:
            name, value = "", part
        pairs.append((url_decode(name), url_decode(value)))
    return pairs


def encode_value(value: str, style: str = "v13") -> str:
    """Percent-encode a parameter value for a link the server writes."""
    upper = style != "v12"
    out = []
    for ch in value:
        if ch in _UNRESERVED or (upper and ch == ";"):
            out.append(ch)
        elif ch == " ":
            out.append("%20" if upper else "+")
        else:
            for byte in ch.encode("utf-8"):
                out.append(f"%{byte:02X}" if upper else f"%{byte:02x}")
    return "".join(out)
