"""Reading URL input: full EM URLs, ``/api/query?…``, ``query?…`` and bare query strings.

Input may be raw, partly or fully percent-encoded, use ``+`` for spaces, ``&amp;`` for ``&``
and any case for parameter names. Decoding keeps an offset map so that every span points
into the text the user gave, not into a decoded copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Sequence

from ..span import Span
from .ast import Param

__all__ = ["Decoded", "decode", "looks_like_url", "looks_like_query_string", "split_url", "read_url_parts",
           "identity_decoded", "make_span", "UrlParts", "KNOWN_PARAMS"]

#: Canonical spelling of the parameters ``/api/query`` knows, by lower-case name.
KNOWN_PARAMS = {n.lower(): n for n in ("type", "format", "filter", "sortAsc", "sortDesc", "pageSize", "page")}

_HEX = "0123456789abcdefABCDEF"
_URL_START = re.compile(r"^\s*(?:https?://|/|[\w.~-]*query(?:%3f|\?)|querysvc)", re.IGNORECASE | re.ASCII)
#: A query string's start (no ``^``: ``match(text, pos, endpos)`` anchors it at ``pos``).
_QS_START = re.compile(r"\s*\??(?:" + "|".join(KNOWN_PARAMS) + r")(?:=(?!=)|%3d(?!%3d))", re.IGNORECASE | re.ASCII)
_QS_ENCODED = re.compile(r"\s*(?:%3f)?(?:" + "|".join(KNOWN_PARAMS) + r")%3d", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text with, for each character, the span of source text it came from
    (``starts[i]``, ``ends[i]``; ranges when the text needed no decoding)."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def span(self, start: int, end: int) -> Span:
        """Map a span of the decoded text to the source text."""
        if not self.text:
            base = self.starts[0] if self.starts else 0
            return Span(base, base)
        s = self.starts[start] if start < len(self.starts) else self.ends[-1]
        if end <= start:
            return Span(s, s)
        e = self.ends[min(end, len(self.ends)) - 1]
        return Span(s, e)

    @property
    def shift(self) -> int | None:
        """The constant offset when every character maps to itself (no decoding happened)."""
        starts = self.starts
        if isinstance(starts, range) and len(starts) == len(self.text):
            return starts.start
        return None


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def decode(raw: str, offset: int = 0, *, plus_is_space: bool = True) -> Decoded:
    """Percent-decode ``raw`` (UTF-8; invalid bytes become U+FFFD), ``+`` → space."""
    n = len(raw)
    if "%" not in raw and not (plus_is_space and "+" in raw):
        return Decoded(raw, range(offset, offset + n), range(offset + 1, offset + n + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def plain(a: int, b: int) -> None:
        seg = raw[a:b]
        chars.append(seg.replace("+", " ") if plus_is_space else seg)
        starts.extend(range(offset + a, offset + b))
        ends.extend(range(offset + a + 1, offset + b + 1))

    pos = 0
    for m in _ESCAPES.finditer(raw):
        plain(pos, m.start())
        data = bytes.fromhex(m.group().replace("%", ""))
        base = offset + m.start()
        j, size_all = 0, len(data)
        while j < size_all:
            lead = data[j]
            size = 1 if lead < 0x80 else 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if 0xF0 <= lead < 0xF8 else 1
            try:
                ch = data[j:j + size].decode("utf-8")
            except UnicodeDecodeError:
                ch, size = "\ufffd", 1
            chars.append(ch)
            starts.append(base + 3 * j)
            ends.append(base + 3 * (j + size))
            j += size
        pos = m.end()
    plain(pos, n)
    return Decoded("".join(chars), starts, ends)


def looks_like_url(text: str) -> bool:
    """A URL, an ``/api/…`` path or a ``query?…`` string (as opposed to a statement or filter)."""
    return bool(_URL_START.match(text))


def looks_like_query_string(text: str) -> bool:
    """``type=Job&filter=…`` — a bare query string starting with a known parameter."""
    return bool(_QS_START.match(text))


@dataclass(frozen=True, slots=True)
class UrlParts:
    base: str | None          # scheme://host:port/…/ up to the endpoint, if given
    path: str                 # decoded path (``/api/query``), '' for a bare query string
    path_span: Span
    params: tuple[Param, ...]
    #: Span of the query string in the source (after ``?``).
    query_span: Span
    #: The query was percent-encoded as a whole (``query%3Ftype%3D…``, ``type%3DJob%26…``).
    encoded_in_path: Span | None = None


_ENC_QMARK = re.compile(r"%3f", re.IGNORECASE | re.ASCII)
_ENC_EQ = re.compile(r"%3d", re.IGNORECASE | re.ASCII)
_BASE_PATH = re.compile(r"^(?P<origin>https?://[^/?#]*)?(?P<path>[^?#]*)$", re.IGNORECASE | re.ASCII)


def _compose(inner: Decoded, remap: Decoded | None) -> Decoded:
    """Map a decoding of once-decoded text through the first decoding's offsets."""
    if remap is None:
        return inner
    if not inner.text:
        at = remap.span(inner.starts[0], inner.starts[0]).start if inner.starts else 0
        return Decoded("", (at,), (at,))
    return Decoded(inner.text, tuple(remap.starts[i] for i in inner.starts),
                   tuple(remap.ends[i - 1] for i in inner.ends))


# Frozen, slotted dataclasses are built here once per parameter; setting their slots through
# the descriptors (as fel.syntax.fastpath does) builds the same objects in half the time.
# _FAST guards the assumption: if a class changes shape, the plain constructors are used.
def _layout(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_FAST = (_layout(Span) == ("start", "end") and _layout(Decoded) == ("text", "starts", "ends")
         and _layout(Param) == ("name", "value", "span", "name_span", "value_span", "has_equals"))
_new = object.__new__
_span_slots = (Span.start.__set__, Span.end.__set__)  # type: ignore[attr-defined]
_dec_slots = tuple(getattr(Decoded, n).__set__ for n in ("text", "starts", "ends"))
_param_slots = tuple(getattr(Param, n).__set__ for n in ("name", "value", "span", "name_span", "value_span",
                                                         "has_equals"))
#: The ways ``&amp;`` may be written (the separator is case-insensitive).
_AMP_TAILS = frozenset(a + m + p + ";" for a in "aA" for m in "mM" for p in "pP")


def make_span(start: int, end: int) -> Span:
    """``Span(start, end)``, built through its slots (the same object, in half the time): for
    code that makes many spans per input."""
    sp = _new(Span)
    ss, se = _span_slots
    ss(sp, start)
    se(sp, end)
    return sp


def _make_decoded(text: str, starts: Sequence[int], ends: Sequence[int]) -> Decoded:
    d = _new(Decoded)
    dt, ds, de = _dec_slots
    dt(d, text)
    ds(d, starts)
    de(d, ends)
    return d


def _make_param(name: str, value: str, span: Span, name_span: Span, value_span: Span, has_equals: bool) -> Param:
    p = _new(Param)
    pn, pv, ps, pns, pvs, peq = _param_slots
    pn(p, name)
    pv(p, value)
    ps(p, span)
    pns(p, name_span)
    pvs(p, value_span)
    peq(p, has_equals)
    return p


if not _FAST:  # pragma: no cover - only if the classes change shape
    make_span, _make_decoded, _make_param = Span, Decoded, Param  # type: ignore[assignment]  # noqa: F811


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int, int, int, bool, str, str]]:
    """The parameters of ``text[start:end]``, split at ``&`` (or ``&amp;``), empty ones skipped:
    (start, end, end of the name, start of the value, has ``=``, decoded name, raw value) each."""
    pieces = []
    find = text.find
    pos = start
    while pos <= end:
        amp = find("&", pos, end)
        a, b = pos, (end if amp < 0 else amp)
        if amp < 0:
            pos = end + 1
        elif amp + 5 <= end and text[amp + 1:amp + 5] in _AMP_TAILS:
            pos = amp + 5
        else:
            pos = amp + 1
        if a == b:
            continue
        eq = find("=", a, b)
        has_eq = eq >= 0
        name_end = eq if has_eq else b
        value_start = eq + 1 if has_eq else b
        raw_name = text[a:name_end]
        name = raw_name if "%" not in raw_name and "+" not in raw_name else decode(raw_name, a).text
        pieces.append((a, b, name_end, value_start, has_eq, name, text[value_start:b]))
    return pieces


def _split_params(text: str, start: int, end: int,
                  remap: Decoded | None) -> tuple[list[Param], list[Decoded | None]]:
    """Split ``text[start:end]`` at ``&`` (or ``&amp;``) into decoded parameters and, for
    each, the offset map of its decoded value (None: nothing to decode, see :func:`read_url_parts`)."""
    params: list[Param] = []
    values: list[Decoded | None] = []
    if remap is None and _FAST:
        _split_plain(text, start, end, params, values)
        return params, values
    outer = make_span if remap is None else remap.span
    for a, b, name_end, value_start, has_eq, name, raw in _pieces(text, start, end):
        if remap is None and "%" not in raw and "+" not in raw:
            value = None if raw else _make_decoded("", (value_start,), (value_start,))
            text_value = raw
        else:
            value = _compose(decode(raw, value_start), remap)
            if not value.starts:
                at = outer(value_start, value_start).start
                value = Decoded("", (at,), (at,))
            text_value = value.text
        params.append(_make_param(name, text_value, outer(a, b), outer(a, name_end), outer(value_start, b), has_eq))
        values.append(value)
    return params, values


def _split_plain(text: str, start: int, end: int, params: list[Param], values: list[Decoded | None]) -> None:
    """:func:`_split_params` without a remap (the query string was not encoded as a whole):
    the same objects, built inline."""
    new, ss, se = _new, *_span_slots
    pn, pv, ps, pns, pvs, peq = _param_slots
    append_param, append_value = params.append, values.append
    for a, b, name_end, value_start, has_eq, name, raw in _pieces(text, start, end):
        if "%" not in raw and "+" not in raw:
            value = None if raw else _make_decoded("", (value_start,), (value_start,))
            text_value = raw
        else:
            value = decode(raw, value_start)
            if not value.starts:
                value = Decoded("", (value_start,), (value_start,))
            text_value = value.text
        p = new(Param)
        pn(p, name)
        pv(p, text_value)
        sp = new(Span); ss(sp, a); se(sp, b)  # noqa: E702
        ps(p, sp)
        sp = new(Span); ss(sp, a); se(sp, name_end)  # noqa: E702
        pns(p, sp)
        sp = new(Span); ss(sp, value_start); se(sp, b)  # noqa: E702
        pvs(p, sp)
        peq(p, has_eq)
        append_param(p)
        append_value(value)


def identity_decoded(text: str, start: int) -> Decoded:
    """The :class:`Decoded` of ``text`` found at ``start`` with nothing to decode (what
    :func:`decode` returns for it)."""
    if text:
        return _make_decoded(text, range(start, start + len(text)), range(start + 1, start + len(text) + 1))
    return _make_decoded("", (start,), (start,))


def split_url(text: str) -> tuple[UrlParts, list[Decoded]]:
    """Split URL input into base, path and decoded parameters.

    Returns the parts and, for each parameter, the :class:`Decoded` value (to map spans inside
    a decoded ``filter`` back to the source).
    """
    parts, values = read_url_parts(text)
    return parts, [identity_decoded(p.value, p.value_span.start) if v is None else v
                   for p, v in zip(parts.params, values)]


def read_url_parts(text: str) -> tuple[UrlParts, list[Decoded | None]]:
    """:func:`split_url` for the reader: a value that needed no decoding has None for its
    :class:`Decoded` (the parameter's ``value`` sits at ``value_span.start`` as written), so
    no offset map is built for values nobody maps."""
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    work, remap = text, None
    qpos = text.find("?", lead, end)
    encoded_in_path = None
    whole = None  # where a query encoded as a whole starts
    if qpos < 0:
        m = _ENC_QMARK.search(text, lead, end)
        if m and looks_like_url(text):
            whole = m.start()  # the query was encoded into the path: `query%3Ftype%3D…`
        elif _QS_ENCODED.match(text, lead):
            whole = lead  # a bare query string encoded as a whole: `type%3DJob%26filter%3D…`
    elif text.find("=", qpos + 1, end) < 0 and _ENC_EQ.search(text, qpos + 1, end):
        whole = qpos + 1  # `query?type%3DJob%26…`
    if whole is not None:
        # Decode it all once (keeping `+` for the second pass), then read it as usual.
        encoded_in_path = Span(whole, end)
        remap = decode(text[:end], 0, plus_is_space=False)
        work = remap.text
        end = len(work)
        qpos = work.find("?")
    if qpos < 0 and _QS_START.match(work, lead, end):
        q_start = lead + (1 if work[lead] == "?" else 0)
        base, path, path_span = None, "", make_span(lead, lead)
    elif qpos < 0:
        q_start = end
        base, path, path_span = _base_and_path(work, lead, end)
    else:
        q_start = qpos + 1
        base, path, path_span = _base_and_path(work, lead, qpos)
    params, values = _split_params(work, q_start, end, remap)
    if remap is None:
        qspan = make_span(q_start, end)
    else:
        qspan = remap.span(q_start, end)
        path_span = remap.span(path_span.start, path_span.end)
    return UrlParts(base, path, path_span, tuple(params), qspan, encoded_in_path), values


def _base_and_path(text: str, start: int, end: int) -> tuple[str | None, str, Span]:
    """Split ``https://host:9398/api/query`` into base ``https://host:9398/api/`` and path."""
    head = text[start:end]
    m = _BASE_PATH.match(head)
    origin = (m.group("origin") or "") if m else ""
    path = (m.group("path") or "") if m else head
    path_start = start + len(origin)
    cut = path.rstrip("/").rfind("/")  # `/api/query/`: the base is still `/api/`
    base = origin + path[:cut + 1] if (origin or cut >= 0) else None
    return base or None, path, Span(path_start, path_start + len(path))
