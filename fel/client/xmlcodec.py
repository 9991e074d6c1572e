"""XML bodies → :class:`~fel.client.entity.Entity` objects, with a hardened lxml parser.

The parser never resolves entities, never loads a DTD, never touches the network and refuses
huge trees; a body declaring a DOCTYPE is rejected before and after parsing (EM never sends
one). The caller enforces the byte limit before the body reaches here.
"""
from __future__ import annotations

import re
import threading
from typing import Any, Callable

from lxml import etree

from functools import lru_cache

from .entity import Entity, Link
from .values import CONVERTERS, coerce_text
from .errors import DecodeError, HostileBody

__all__ = ["parse_xml", "local_name", "entity_from_xml", "links_from_xml", "generic_value"]

_local_cache: dict[str, str] = {}
_tls = threading.local()
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _parser() -> etree.XMLParser:
    parser = getattr(_tls, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        _tls.parser = parser
    return parser


def parse_xml(body: bytes) -> Any:
    """The root element of ``body``; :class:`HostileBody` for DTDs, :class:`DecodeError` for
    anything that is not well-formed XML."""
    m = _ROOT_START.search(body, 0, 65536)
    prolog = body[: m.start()] if m else body[:65536]
    if _DOCTYPE.search(prolog):
        raise HostileBody("refused an XML body with a DOCTYPE or entity declarations (EM never sends one)")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise DecodeError(f"malformed XML in the response: {_syntax_message(exc)}") from None
    except (ValueError, MemoryError) as exc:
        raise DecodeError(f"unreadable XML in the response: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise HostileBody("refused an XML body with a DOCTYPE or entity declarations (EM never sends one)")
    return root


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    msg = str(exc.msg or exc).strip()
    line = getattr(exc, "lineno", None) or (exc.position[0] if getattr(exc, "position", None) else None)
    return f"{msg} (line {line})" if line and "line" not in msg else msg


def local_name(tag: Any) -> str:
    """``{namespace}Name`` → ``Name`` (cached; comments and other non-elements give "")."""
    try:
        return _local_cache[tag]
    except KeyError:
        if not isinstance(tag, str):
            return ""
        name = tag.rpartition("}")[2]
        if len(_local_cache) < 4096:
            _local_cache[tag] = name
        return name
    except TypeError:
        return ""


def links_from_xml(el: Any) -> tuple[Link, ...]:
    return tuple([Link(link.get("Rel"), link.get("Href"), link.get("Type"), link.get("Name")) for link in el])


def _attributes(el: Any) -> dict[str, str]:
    attrs = dict(el.attrib)
    for k in attrs:
        if k[0] == "{":
            return {k.rpartition("}")[2]: v for k, v in attrs.items() if not k.startswith("{http://www.w3.org/")}
    return attrs


def generic_value(el: Any) -> Any:
    """A nested element as a value: a dict of its attributes (typed by form) and children
    (repeated children become lists); text beside attributes goes under ``Value`` (as EM's
    JSON writes it); an empty element, or one with ``xsi:nil="true"``, is None."""
    attrib = el.attrib
    if len(el) == 0 and not attrib:
        text = el.text
        return None if text is None else coerce_text(text)
    if attrib.get(_XSI_NIL) == "true":
        return None
    out: dict[str, Any] = {}
    for k, v in attrib.items():
        if k[0] == "{":
            continue
        out[k] = coerce_text(v)
    for child in el:
        name = local_name(child.tag)
        if not name:
            continue
        _put(out, name, generic_value(child))
    if len(el) == 0 and el.text is not None and el.text.strip():
        out["Value"] = coerce_text(el.text)
    return out


def _put(out: dict[str, Any], name: str, value: Any) -> None:
    if name in out:
        prev = out[name]
        if isinstance(prev, _Repeated):
            prev.append(value)
        else:
            out[name] = _Repeated((prev, value))
    else:
        out[name] = value


class _Repeated(list):
    """A list made from repeated elements (distinguishes it from a value that is a list)."""


@lru_cache(maxsize=256)
def _converters_for(type_name: str | None) -> dict[str, Any]:
    """Element name -> converter (None: keep the text) for the fields the schema knows."""
    from .decode import hints_for

    return {name: CONVERTERS.get(kind) for name, kind in hints_for(type_name).items()}


class XmlEntity(Entity):
    """An entity decoded from its lxml element on first access (see :class:`Entity`)."""

    __slots__ = ()

    def __init__(self, el: Any, kind: str) -> None:  # noqa: D107 - no super(): nothing to copy yet
        self.kind = kind
        self._lazy = el
        self._lazy_links = None
        self._links = ()

    def _load(self) -> None:
        el = self._lazy
        if el is None:
            return
        self._attributes, self._fields, self._lazy_links = _decode_entity(el)
        self._element = local_name(el.tag)
        self._lazy = None

    def _load_links(self) -> None:
        links_el = self._lazy_links
        if links_el is not None:
            self._links = links_from_xml(links_el)
            self._lazy_links = None


def entity_from_xml(el: Any, kind: str, hints_for: Callable[[str | None], dict[str, str | None]] | None = None) -> Entity:
    """One entity element (``<BackupJobSession Type=... UID=...>``) or ``<Ref>``, decoded lazily."""
    return XmlEntity(el, kind)


def _decode_entity(el: Any) -> tuple[dict[str, str], dict[str, Any], Any]:
    """(attributes, fields, the ``Links`` element or None) of an entity element."""
    attrs = _attributes(el)
    convs = _converters_for(attrs.get("Type"))
    fields: dict[str, Any] = {}
    links = None
    cache = _local_cache
    repeated = False
    by_form = coerce_text
    for child in el:
        name = cache.get(child.tag)
        if name is None:
            name = local_name(child.tag)
            if not name:
                continue
        if name == "Links":
            links = child
            continue
        conv = convs.get(name, by_form)
        if len(child):
            value = generic_value(child)
        elif conv is by_form:  # an element the schema does not know: it may carry attributes
            value = generic_value(child) if child.attrib else by_form(child.text or "")  # "" -> None
        else:
            text = child.text
            if text is None:
                value = None  # empty or xsi:nil: no value
            else:
                value = text if conv is None else conv(text)
        if name in fields:
            _put(fields, name, value)
            repeated = True
        else:
            fields[name] = value
    if repeated:
        for key, value in fields.items():
            if isinstance(value, _Repeated):
                fields[key] = list(value)
    return attrs, fields, links
