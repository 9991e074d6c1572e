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
from .hints import hints_for

__all__ = ["parse_xml", "local_name", "entity_from_xml", "links_from_xml", "generic_value"]

_local_cache: dict[str, str] = {}
_tls = threading.local()
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _parser(drop_indentation: bool = False) -> etree.XMLParser:
    """This thread's hardened parser; ``drop_indentation``: the one that builds no text node for
    whitespace between elements (libxml2's ``remove_blank_text``)."""
    name = "indented_parser" if drop_indentation else "parser"
    parser = getattr(_tls, name, None)
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
            remove_blank_text=drop_indentation,
        )
        setattr(_tls, name, parser)
    return parser


def _indentation_droppable(body: bytes) -> bool:
    """Whether dropping whitespace between elements leaves every leaf's text as it is: a body
    that starts with ``<`` in one byte (ASCII-compatible: no UTF-16/32, no EBCDIC), with no
    ``!`` (so no comment or CDATA section), no carriage return and no processing instruction
    after the XML declaration. (Before a comment, a CDATA section, a processing instruction or
    a carriage return libxml2 drops whitespace inside a leaf too: ``<B> <!--c--></B>``.) The
    checks are byte searches that stop at nothing in EM's answers, which have none of these."""
    return (body[:1] == b"<" and body[1:2] != b"\x00" and b"!" not in body and b"\r" not in body
            and body.rfind(b"<?") <= 0)


def parse_xml(body: bytes, *, drop_indentation: bool = False) -> Any:
    """The root element of ``body``; :class:`HostileBody` for DTDs, :class:`DecodeError` for
    anything that is not well-formed XML.

    ``drop_indentation``: for callers that never read the text of an element that has child
    elements (the entity decoders): when it cannot change the text of any leaf, the tree is
    built without the whitespace between elements (EM indents its answers), which parses an
    indented page about a fifth faster. ``tests/client/test_decode_equivalence.py`` decodes
    generated pages both ways and compares."""
    m = _ROOT_START.search(body, 0, 65536)
    prolog = body[: m.start()] if m else body[:65536]
    if _DOCTYPE.search(prolog):
        raise HostileBody("refused an XML body with a DOCTYPE or entity declarations (EM never sends one)")
    parser = _parser(drop_indentation and _indentation_droppable(body))
    try:
        root = etree.fromstring(body, parser)
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
    """The :class:`Link` records of a ``<Links>`` element, in document order."""
    return tuple([Link(get("Rel"), get("Href"), get("Type"), get("Name")) for get in [link.get for link in el[:]]])


#: Up to this many attributes, ``el.items()`` (fastest for the handful EM writes); beyond it
#: an XPath, because lxml looks each value up by name, which is quadratic in their number.
_FEW_ATTRIBUTES = 32
_ALL_ATTRIBUTES = etree.XPath("@*")


def _items(el: Any) -> list[tuple[str, str]]:
    """``el``'s attributes as (lxml name, value) pairs, in time linear in their number."""
    attrib = el.attrib
    if len(attrib) <= _FEW_ATTRIBUTES:
        return el.items()  # one call into lxml (``dict(el.attrib)`` looks every key up again)
    return [(a.attrname, str(a)) for a in _ALL_ATTRIBUTES(el)]


def _attributes(el: Any) -> dict[str, str]:
    """The root attributes of ``el`` in document order: namespaced ones by local name (a plain
    attribute of the same name wins), ``xsi:``/``xml:`` ones dropped."""
    attrs = dict(_items(el))
    for k in attrs:
        if k[0] == "{":
            break
    else:
        return attrs
    out: dict[str, str] = {}
    for k, v in attrs.items():
        if k[0] != "{":
            out[k] = v
        elif not k.startswith("{http://www.w3.org/"):
            local = k.rpartition("}")[2]
            if local not in attrs:
                out[local] = v
    return out


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
    for k, v in _items(el):
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


#: Marker of a ``Links`` child in a decoding plan (a converter slot can never hold it).
_LINKS: Any = object()
#: Marker of a child that is not an element (a plan maps its tag to this).
_SKIP: Any = (None, None)
#: Tags a plan remembers (hostile bodies may send endless distinct types and tags).
_PLAN_TAGS = 256


class _Plan:
    """How entities of one type decode, learnt as their tags are met.

    ``steps``: child tag as lxml spells it (``{namespace}Name``) -> (field name, converter):
    ``coerce_text`` for elements the schema does not know (typed by form), None for the
    schema's string kinds (the text is kept), :data:`_LINKS` for ``Links``.
    ``names``: element tag -> field name, for every element tag in ``steps``.
    ``plain``: the tags of schema fields (string or typed kinds), whose leaves are their text.
    ``typed``: (field name, converter) of the schema's typed fields of this type."""

    __slots__ = ("type_name", "steps", "names", "plain", "typed")

    def __init__(self, type_name: str | None) -> None:
        self.type_name = type_name
        self.steps: dict[Any, tuple[Any, Any]] = {}
        self.names: dict[str, str] = {}
        self.plain: set[str] = set()
        self.typed = tuple((name, conv) for name, conv in _converters_for(type_name).items()
                           if conv is not None and name != "Links")

    def learn(self, tag: Any) -> tuple[Any, Any]:
        """The step for ``tag``, remembered for short tags while the plan is small."""
        name = local_name(tag)
        if not name:
            step = _SKIP
        elif name == "Links":
            step = (name, _LINKS)
        else:
            step = (name, _converters_for(self.type_name).get(name, coerce_text))
        if len(self.steps) < _PLAN_TAGS and (not isinstance(tag, str) or len(tag) <= 200):
            if step[0] is not None:
                # `plain` before `names`: a thread reading a page meanwhile that finds the tag in
                # `names` finds it in `plain` too (an unknown tag sends it child by child).
                if step[1] is not _LINKS and step[1] is not coerce_text:
                    self.plain.add(tag)
                self.names[tag] = step[0]
            self.steps[tag] = step
        return step


@lru_cache(maxsize=256)
def _converters_for(type_name: str | None) -> dict[str, Any]:
    """Element name -> converter (None: keep the text) for the fields the schema knows."""
    return {name: CONVERTERS.get(kind) for name, kind in hints_for(type_name).items()}


#: Plans by entity type (bounded: hostile bodies may send endless distinct types).
_PLANS: dict[str | None, _Plan] = {}


def _plan_for(type_name: str | None) -> _Plan:
    plan = _PLANS.get(type_name)
    if plan is None:
        plan = _Plan(type_name)
        if len(_PLANS) < 256:
            _PLANS[type_name] = plan
    return plan


class XmlEntity(Entity):
    """An entity decoded from its lxml element on first access (see :class:`Entity`).

    Three parts decode separately, each on its first access: the fields (with the ``Links``
    element found among them), the attributes, and the links. The element is let go once
    fields and attributes are both decoded (``_lazy`` is None from then on)."""

    __slots__ = ()

    def __init__(self, el: Any, kind: str) -> None:  # noqa: D107 - no super(): nothing to copy yet
        self.kind = kind
        self._lazy = el
        self._fields = self._attributes = self._element = None

    @property
    def fields(self) -> dict[str, Any]:
        fields = self._fields
        return self._load_fields() if fields is None else fields

    @property
    def attributes(self) -> dict[str, str]:
        attrs = self._attributes
        if attrs is None:
            attrs = self._attributes = _attributes(self._lazy)
            if self._fields is not None:
                self._let_go()
        return attrs

    @property
    def links(self) -> tuple[Link, ...]:
        if self._fields is None:
            self._load_fields()
        if self._lazy_links is not None:
            self._load_links()
        return self._links

    @property
    def element(self) -> str | None:
        name = self._element
        if name is None:  # the element is still held
            name = self._element = _element_name(self._lazy)
        return name

    def _load(self) -> None:
        if self._fields is None:
            self._load_fields()
        if self._attributes is None:
            self.attributes  # noqa: B018 - decodes them

    def _load_fields(self) -> dict[str, Any]:
        fields, self._lazy_links = _decode_fields(self._lazy)
        self._links = ()
        self._fields = fields
        if self._attributes is not None:
            self._let_go()
        return fields

    def _let_go(self) -> None:
        """Fields and attributes are decoded: keep the element's name, let the element go."""
        if self._element is None:
            self._element = _element_name(self._lazy)
        self._lazy = None

    def _load_links(self) -> None:
        links_el = self._lazy_links
        if links_el is not None:
            self._links = links_from_xml(links_el)
            self._lazy_links = None


def entity_from_xml(el: Any, kind: str, hints_for: Callable[[str | None], dict[str, str | None]] | None = None) -> Entity:
    """One entity element (``<BackupJobSession Type=... UID=...>``) or ``<Ref>``, decoded lazily."""
    return XmlEntity(el, kind)


def _element_name(el: Any) -> str:
    tag = el.tag
    name = _local_cache.get(tag)
    return local_name(tag) if name is None else name


def _type_name(el: Any) -> str | None:
    """The entity's ``Type`` attribute as :func:`_attributes` gives it (a plain attribute
    first, else a namespaced one)."""
    name = el.get("Type")
    if name is None and el.attrib:
        name = _attributes(el).get("Type")
    return name


def _decode_fields(el: Any) -> tuple[dict[str, Any], Any]:
    """(fields, the ``Links`` element or None) of an entity element.

    The common entity — every child an element the plan of its type has met, no two with
    the same field name, schema fields as leaves — is read by one dict comprehension (each
    child: its tag, then its text for a schema field's leaf, else the element itself, set
    aside); the few set aside (``Links``, elements the schema does not know, nested ones)
    and the typed fields are then finished in place, so the order stays the document's.
    Anything else, or a tag not met before, takes :func:`_decode_fields_by_child`."""
    plan = _plan_for(_type_name(el))
    names, plain = plan.names, plan.plain
    aside: list[Any] = []
    put_aside = aside.append
    try:
        fields = {names[tag]: child.text if tag in plain and not len(child) else put_aside((tag, child)) or child
                  for child in el for tag in (child.tag,)}
    except (KeyError, TypeError):  # a tag not met yet, or not an element
        return _decode_fields_by_child(el, plan)
    if len(fields) != len(el):  # a repeated field name
        return _decode_fields_by_child(el, plan)
    links = None
    steps = plan.steps
    for tag, child in aside:  # (lxml makes a new string for every .tag read)
        name, conv = steps.get(tag) or plan.learn(tag)
        if conv is _LINKS:
            links = child
            del fields[name]
        elif conv is coerce_text:  # an element the schema does not know: it may carry attributes
            fields[name] = generic_value(child) if len(child) or child.attrib else conv(child.text or "")
        else:  # a schema field with children (the typed fields are converted below)
            fields[name] = generic_value(child) if len(child) else child.text
    for name, conv in plan.typed:
        value = fields.get(name)
        if value.__class__ is str:
            fields[name] = conv(value)
    return fields, links


def _decode_fields_by_child(el: Any, plan: _Plan) -> tuple[dict[str, Any], Any]:
    """:func:`_decode_fields` child by child, for any entity (repeated elements become lists)."""
    steps = plan.steps
    by_form = coerce_text
    fields: dict[str, Any] = {}
    links = None
    repeated = False
    for child in el:
        tag = child.tag
        try:
            name, conv = steps[tag]
        except (KeyError, TypeError):
            name, conv = plan.learn(tag)
        if conv is None:  # a string kind of the schema, or not an element
            if name is None:
                continue
            value = generic_value(child) if len(child) else child.text  # empty or xsi:nil: None
        elif conv is _LINKS:
            links = child
            continue
        elif len(child):
            value = generic_value(child)
        elif conv is by_form:  # an element the schema does not know: it may carry attributes
            value = generic_value(child) if child.attrib else by_form(child.text or "")  # "" -> None
        else:
            text = child.text
            value = None if text is None else conv(text)
        if name in fields:
            _put(fields, name, value)
            repeated = True
        else:
            fields[name] = value
    if repeated:
        for key, value in fields.items():
            if isinstance(value, _Repeated):
                fields[key] = list(value)
    return fields, links
