"""Rendering: entities, references and envelopes as EM's XML and JSON.

Everything is first resolved into a small tree of :class:`Node` (tag, attributes, typed text
or children, links), then written as XML (namespace ``http://www.veeam.com/ent/v1.0``) or as
JSON the way EM serialises it: attributes and child elements as keys, ``Links`` as a list,
collections doubly nested (``{"Refs": {"Refs": [...]}}``), numbers and booleans native,
optionally ``null`` for absent parts, keys in PascalCase (12.x) or camelCase (13.x).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Iterable, Sequence

from ..schema import load_schema
from .links import DOWN_LINKS
from .model import Entity, format_value
from .templates import NS, TNode, template

__all__ = ["Node", "Style", "entity_node", "ref_node", "to_xml", "to_xml_bytes", "to_json", "camel", "DOWN_LINKS",
           "XML_DECL", "envelope_attrs", "cached_entity", "cached_ref"]

XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XSD = "http://www.w3.org/2001/XMLSchema"

#: Child elements that JSON always writes as a list, even with one member (``Day`` of job
#: schedules; the repeated rows of reports).
_ALWAYS_LISTS = frozenset({"Period", "Day"})
#: The rows of report frames go under a plural key: real servers answer ``{"Periods": [...]}``
#: and ``{"Days": [...]}`` (what public clients read and bodies captured from real servers show).
_REPORT_ROWS = {("RepositoryReportFrame", "Period"): "Periods", ("ProcessedVmsReportFrame", "Day"): "Days"}
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INT_TEXT = re.compile(r"^-?(0|[1-9]\d{0,17})$")


@dataclass(frozen=True, slots=True)
class Style:
    """How bodies look: JSON key case, ``null`` for absent parts, a UTF-8 BOM."""

    json_case: str = "pascal"      # "pascal" (12.x) or "camel" (13.x)
    json_nulls: bool = True        # v10/v11 write nulls; 9.5 U4 and 13.x omit them
    bom: bool = False


@dataclass(slots=True)
class Node:
    tag: str
    attrs: list[tuple[str, Any]]
    text: Any = None                       # typed value, or None when children/empty
    children: list["Node"] | None = None
    links: list[tuple[str, str | None, str, str | None]] | None = None  # (Rel, Type, Href, Name)
    #: JSON: this node is a collection whose children form one list (doubly nested).
    collection: bool = False
    #: Pre-rendered XML for this node (written verbatim) and its pre-built JSON value.
    raw_xml: str | None = None
    raw_obj: Any = None


# ------------------------------------------------------------------------------------------
# Resolving entities
# ------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _plan(type_name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(element path -> field name, root attribute -> field name) from ``Field.element``."""
    qtype = load_schema().type(type_name)
    elems: dict[str, str] = {}
    attrs: dict[str, str] = {}
    for f in qtype.fields:
        el = f.element
        if not el or el.startswith("link:"):
            continue
        if el.startswith("@"):
            attrs[el[1:]] = f.name
        else:
            elems[el] = f.name
    return elems, attrs


_MISSING = object()


class TemplateText(str):
    """Text copied from a doc example (JSON guesses its type: ``15`` -> 15, ``true`` -> true)."""


def _resolve_children(nodes: Sequence[TNode], ent: Entity, elem_fields: dict[str, str]) -> list[Node]:
    out: list[Node] = []
    fields, extras = ent.fields, ent.extras
    for t in nodes:
        fname = elem_fields.get(t.path)
        value: Any = _MISSING
        if fname is not None:
            value = fields.get(fname)
            if value is None:
                continue
        elif t.path in extras:
            value = extras[t.path]
            if value is None:
                continue
        attrs = [(k, extras.get(f"{t.path}@{k}", TemplateText(v))) for k, v in t.attrs] if t.attrs else []
        if value is not _MISSING:
            out.append(Node(t.tag, attrs, value))
        elif t.children:
            out.append(Node(t.tag, attrs, None, _resolve_children(t.children, ent, elem_fields)))
        else:
            out.append(Node(t.tag, attrs, TemplateText(t.text) if t.text else None))
    return out


def _links(ent: Entity, base: str, *, reference: bool) -> list[tuple[str, str | None, str, str | None]]:
    qtype = load_schema().type(ent.type)
    tpl = template(ent.type)
    out = [(lk.rel, lk.type, base + lk.href_path, lk.target.name) for lk in ent.links if lk.rel == "Up"]
    if qtype.reference_type:
        if reference:
            out.append(("Alternate", tpl.type_attr or ent.type, f"{base}{ent.path}?format=Entity", ent.name))
        else:
            out.append(("Alternate", qtype.reference_type, base + ent.path, ent.name))
    for dl in DOWN_LINKS.get(ent.type, ()):
        out.append((dl.rel, dl.list_type, f"{base}{ent.path}/{dl.segment}" + ("?format=Entity" if dl.entity else ""),
                    ent.name if dl.named else dl.link_name))
    out.extend((lk.rel, lk.type, base + lk.href_path, lk.target.name) for lk in ent.links if lk.rel != "Up")
    return out


def entity_node(ent: Entity, base: str) -> Node:
    """The entity as Veeam's example shows it, with the emulator's values and links."""
    tpl = template(ent.type)
    elem_fields, attr_fields = _plan(ent.type)
    attrs: list[tuple[str, Any]] = []
    for a in tpl.attr_order:
        if a == "Type":
            attrs.append(("Type", tpl.type_attr or ent.type))
        elif a == "Href":
            attrs.append(("Href", base + ent.path + ("?format=Entity" if tpl.href_entity else "")))
        else:
            f = attr_fields.get(a)
            v = ent.fields.get(f) if f else ent.extras.get("@" + a)
            if v is not None:
                attrs.append((a, v))
    kids = _resolve_children(tpl.children, ent, elem_fields)
    return Node(tpl.root_tag, attrs, None, kids, _links(ent, base, reference=False))


def ref_node(ent: Entity, base: str, tag: str = "Ref") -> Node:
    """The entity's reference (``Ref`` in QueryResult/EntityReferences, ``EntityRef`` alone)."""
    qtype = load_schema().type(ent.type)
    attrs: list[tuple[str, Any]] = [("Type", qtype.reference_type), ("Href", base + ent.path)]
    if ent.name is not None:
        attrs.append(("Name", ent.name))
    if ent.uid is not None:
        attrs.append(("UID", ent.uid))
    return Node(tag, attrs, None, [], _links(ent, base, reference=True))


def envelope_attrs() -> list[tuple[str, Any]]:
    return [("xmlns:xsd", _XSD), ("xmlns:xsi", _XSI), ("xmlns", NS)]


# ------------------------------------------------------------------------------------------
# XML
# ------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return _BAD_XML_CHARS.sub("\ufffd", text) if _BAD_XML_CHARS.search(text) else text


def _esc(text: str) -> str:
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: In an attribute value an XML parser turns a raw tab, newline or carriage return into a
#: space (attribute-value normalisation): write them as character references so XML gives
#: the same names as JSON.
_ATTR_WS = str.maketrans({"\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})


def _esc_attr(text: str) -> str:
    out = _esc(text).replace('"', "&quot;")
    return out.translate(_ATTR_WS) if ("\t" in out or "\n" in out or "\r" in out) else out


#: EM writes its XML one element per line, four spaces per level (Veeam's real answers).
_PAD = "    "
#: Rendered entities and references are cached (the dataset does not change while serving).
_CACHE = 65536


@lru_cache(maxsize=_CACHE)
def _at_depth(raw: str, depth: int) -> str:
    """Pre-rendered XML (written at depth 0) moved ``depth`` levels in."""
    return raw.replace("\n", "\n" + _PAD * depth) if depth else raw


@lru_cache(maxsize=_CACHE)
def _at_depth_utf8(raw: str, depth: int) -> bytes:
    """:func:`_at_depth` encoded, for :func:`to_xml_bytes`."""
    return _at_depth(raw, depth).encode("utf-8")


def _xml(node: Node, out: list, depth: int = 0, raw_at=_at_depth) -> None:
    if node.raw_xml is not None:
        out.append(raw_at(node.raw_xml, depth))
        return
    out.append("<" + node.tag)
    for k, v in node.attrs:
        out.append(f' {k}="{_esc_attr(format_value(v))}"')
    if node.links is None and not node.children and node.text is None:
        out.append(" />")
        return
    out.append(">")
    inner = "\n" + _PAD * (depth + 1)
    if node.links is not None:
        out.append(inner + "<Links>")
        for rel, typ, href, name in node.links:
            out.append(inner + _PAD + f'<Link Rel="{rel}"')
            if typ:
                out.append(f' Type="{typ}"')
            out.append(f' Href="{_esc_attr(href)}"')
            if name is not None:
                out.append(f' Name="{_esc_attr(name)}"')
            out.append(" />")
        out.append(inner + "</Links>")
    if node.children:
        for child in node.children:
            out.append(inner)
            _xml(child, out, depth + 1, raw_at)
        out.append("\n" + _PAD * depth)
    elif node.text is not None:  # a leaf's text stays on its line (it is the value)
        out.append(_esc(format_value(node.text)))
    elif node.links is not None:
        out.append("\n" + _PAD * depth)
    out.append(f"</{node.tag}>")


def to_xml(node: Node, *, declaration: bool = True) -> str:
    """The node as an XML document, indented as EM writes it (the caller puts namespace
    attributes on the root)."""
    out: list[str] = [XML_DECL, "\n"] if declaration else []
    _xml(node, out)
    return "".join(out)


def to_xml_bytes(node: Node) -> bytes:
    """``to_xml(node).encode("utf-8")``, with every pre-rendered entity taken already encoded:
    a page of names in several scripts is not encoded as one wide string on every request."""
    out: list = [XML_DECL, "\n"]
    _xml(node, out, 0, _at_depth_utf8)
    return b"".join([p if p.__class__ is bytes else p.encode("utf-8") for p in out])


# ------------------------------------------------------------------------------------------
# JSON
# ------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def camel(key: str) -> str:
    """.NET camelCase: lower-case the leading capitals (``UID`` -> ``uid``, ``VmName`` ->
    ``vmName``, ``IPAddress`` -> ``ipAddress``)."""
    if not key or not key[0].isupper():
        return key
    chars = list(key)
    for i, c in enumerate(chars):
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            break
        if not c.isupper():
            break
        chars[i] = c.lower()
    return "".join(chars)


def _json_scalar(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_value(value)
    if isinstance(value, TemplateText):
        if value in ("true", "false"):
            return value == "true"
        if _INT_TEXT.match(value):
            return int(value)
        return str(value)
    return value


def _json(node: Node, style: Style, key) -> Any:
    if node.raw_obj is not None:
        return node.raw_obj
    obj: dict[str, Any] = {}
    for k, v in node.attrs:
        if k.startswith("xmlns"):
            continue
        obj[key(k)] = _json_scalar(v)
    if node.links is not None:
        links = []
        for rel, typ, href, name in node.links:
            link = {key("Rel"): rel, key("Href"): href}
            if name is not None or style.json_nulls:
                link[key("Name")] = name
            if typ is not None or style.json_nulls:
                link[key("Type")] = typ
            links.append(link)
        obj[key("Links")] = links
    if node.children is not None:
        if node.collection:
            return {key(node.tag): [_json(c, style, key) for c in node.children]}
        groups: dict[str, list[Node]] = {}
        for c in node.children:
            groups.setdefault(c.tag, []).append(c)
        for tag, members in groups.items():
            values = [_json(m, style, key) if (m.children is not None or m.attrs or m.links is not None
                                               or m.raw_obj is not None) else _json_scalar(m.text)
                      for m in members]
            plural = _REPORT_ROWS.get((node.tag, tag))
            if plural is not None:
                obj[key(plural)] = values
            else:
                obj[key(tag)] = values if len(values) > 1 or tag in _ALWAYS_LISTS else values[0]
    elif node.text is not None:
        if not obj:
            return _json_scalar(node.text)
        obj[key("Value")] = _json_scalar(node.text)
    elif not obj and node.links is None:
        return None
    return obj


def to_json(root: dict[str, Any] | Node, style: Style, *, top: Iterable[tuple[str, Any]] = ()) -> str:
    """JSON text. ``root`` is a Node (an entity or reference) or a dict of top-level parts whose
    values are Nodes, plain values or None (omitted unless ``style.json_nulls``)."""
    key = _key_fn(style)
    if isinstance(root, Node):
        obj = _json(root, style, key)
    else:
        obj = {}
        for k, v in root.items():
            if v is None and not style.json_nulls:
                continue
            obj[key(k)] = _json(v, style, key) if isinstance(v, Node) else _plain(v, key)
    return json.dumps(obj, ensure_ascii=False)


def _key_fn(style: Style):
    return camel if style.json_case == "camel" else (lambda k: k)



@lru_cache(maxsize=_CACHE)
def entity_xml(ent: Entity, base: str) -> str:
    return to_xml(entity_node(ent, base), declaration=False)


@lru_cache(maxsize=_CACHE)
def ref_xml(ent: Entity, base: str) -> str:
    return to_xml(ref_node(ent, base), declaration=False)


@lru_cache(maxsize=_CACHE)
def entity_obj(ent: Entity, base: str, style: Style) -> Any:
    return _json(entity_node(ent, base), style, _key_fn(style))


@lru_cache(maxsize=_CACHE)
def ref_obj(ent: Entity, base: str, style: Style) -> Any:
    return _json(ref_node(ent, base), style, _key_fn(style))


def cached_entity(ent: Entity, base: str, style: Style | None) -> Node:
    """The entity as a pre-rendered node: XML when ``style`` is None, else JSON in that style."""
    if style is None:
        return Node("", [], raw_xml=entity_xml(ent, base))
    return Node(template(ent.type).root_tag, [], raw_obj=entity_obj(ent, base, style))


def cached_ref(ent: Entity, base: str, style: Style | None) -> Node:
    if style is None:
        return Node("Ref", [], raw_xml=ref_xml(ent, base))
    return Node("Ref", [], raw_obj=ref_obj(ent, base, style))


def _plain(value: Any, key) -> Any:
    if isinstance(value, dict):
        return {key(k): _plain(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, key) for v in value]
    return value
