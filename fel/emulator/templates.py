"""Entity templates: the shape of each query type's entity, taken from Veeam's doc examples.

For every query type the emulator renders entities after the example entity in Veeam's
documentation (``fel.schema.load_examples()``): same root element, same attributes in the same
order, same child elements. Values the dataset knows replace the example's; the rest of the
example (schedule options, guest processing settings …) is kept as it is, so an entity looks
like Veeam's. Hypermedia is not copied: the emulator writes its own links (every Href it emits
resolves), so the example's ``Links`` blocks and nested ``Href`` attributes are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..schema import QueryType, load_examples, load_schema

__all__ = ["TNode", "Template", "template", "NS"]

NS = "http://www.veeam.com/ent/v1.0"

#: Plural containers the schema leaves open (Veeam's docs are silent) — decided, see docs/emulator.md.
FALLBACK_CONTAINERS = {"Credentials": "CredentialsInfoList", "FailoverPlan": "FailoverPlans",
                       "ManagedServer": "ManagedServers", "ObjectInJob": "ObjectsInJob"}


@dataclass(frozen=True, slots=True)
class TNode:
    """One element of a template: its tag, its path below the entity root, attributes and
    either text or children."""

    tag: str
    path: str
    attrs: tuple[tuple[str, str], ...]
    text: str | None
    children: tuple["TNode", ...]


@dataclass(frozen=True, slots=True)
class Template:
    qtype: QueryType
    root_tag: str
    #: Root attribute names in document order (``Type``, ``Href``, ``Name``, ``UID`` …).
    attr_order: tuple[str, ...]
    #: Value of the root ``Type`` attribute (``PasswordKey`` for Passwords …), or None.
    type_attr: str | None
    #: Whether the root Href carries ``?format=Entity`` (entities that also have references).
    href_entity: bool
    children: tuple[TNode, ...]
    container: str


def _local(tag: object) -> str | None:
    if not isinstance(tag, str):
        return None  # comments, processing instructions
    return tag.rsplit("}", 1)[-1]


def _convert(el, prefix: str) -> TNode | None:
    tag = _local(el.tag)
    if tag is None or tag == "Links":
        return None
    path = prefix + tag
    attrs = tuple((k, v) for k, v in el.attrib.items() if not k.startswith("{") and k != "Href")
    kids = tuple(n for n in (_convert(c, path + "/") for c in el) if n is not None)
    text = None if kids else (el.text or "").strip()
    return TNode(tag, path, attrs, text, kids)


def _parse(xml: str | None):
    if not xml:
        return None
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return None


def _fallback_root(qtype: QueryType):
    """A template from the schema's element list when the docs have no usable example."""
    from lxml import etree

    root = etree.Element(qtype.entity_element or qtype.name)
    for a in qtype.entity_attributes or ("Type", "Href", "Name", "UID"):
        root.set(a, qtype.name if a == "Type" else "")
    made: dict[str, object] = {}
    for path in qtype.entity_elements:
        parent_path, _, leaf = path.rpartition("/")
        parent = made.get(parent_path, root) if parent_path else root
        made[path] = etree.SubElement(parent, leaf)
    return root


def _with_mapped_elements(qtype: QueryType, children: list[TNode]) -> tuple[TNode, ...]:
    """Add elements that filter fields map to but the doc example lacks (a running session's
    example has no ``EndTimeUTC``): ``EndTime…`` after ``CreationTime…``, others at the end."""
    have = {c.tag for c in children}
    for f in qtype.fields:
        el = f.element
        if not el or el.startswith(("@", "link:")) or "/" in el or el in have:
            continue
        node = TNode(el, el, (), "", ())
        have.add(el)
        after = [i for i, c in enumerate(children) if c.tag.startswith("CreationTime")] if el.startswith("EndTime") else []
        if after:
            children.insert(after[0] + 1, node)
        else:
            children.append(node)
    return tuple(children)


@lru_cache(maxsize=None)
def template(type_name: str) -> Template:
    """The template of a query type (canonical name), built once."""
    qtype = load_schema().type(type_name)
    if qtype is None:
        raise KeyError(type_name)
    examples = load_examples().get(qtype.name) or {}
    wanted = (qtype.entity_element or qtype.name).lower()
    root = None
    for key in ("query_example_entity_xml", "entity_example_xml"):
        candidate = _parse(examples.get(key))
        if candidate is not None and (_local(candidate.tag) or "").lower() == wanted:
            root = candidate
            break
    if root is None:
        root = _fallback_root(qtype)
    attrs = tuple(k for k in root.attrib if not k.startswith("{"))
    children = _with_mapped_elements(qtype, [n for n in (_convert(c, "") for c in root) if n is not None])
    container = (qtype.entities_container or FALLBACK_CONTAINERS.get(qtype.name)
                 or (qtype.entity_element or qtype.name) + "s")
    return Template(qtype=qtype, root_tag=qtype.entity_element or _local(root.tag) or qtype.name,
                    attr_order=attrs, type_attr=root.get("Type"),
                    href_entity=qtype.reference_type is not None,
                    children=children, container=container)
