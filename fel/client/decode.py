"""Response bodies (XML or JSON) → pages of entities, logon sessions and error details.

``decode_page(body, content_type)`` reads a ``QueryResult`` in either format into a
:class:`Page`: its entities (``Refs/Ref``, ``Entities/<Plural>/<Singular>`` or
``Resources/<Plural>/<Singular>``; items are taken by position and classified by their
``Type`` attribute, never by element name, since EM names some elements otherwise) and its
``PagingInfo``. The format is chosen from the Content-Type, or sniffed when there is none;
any other Content-Type (an HTML login page, a proxy's error) is an
:class:`~fel.client.errors.UnexpectedContentType`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from .entity import Entity, Link
from .errors import BodyTooLarge, DecodeError, UnexpectedContentType
from . import jsoncodec as J
from .hints import attributes_for, hints_for, schema_type

__all__ = [
    "Page", "LogonInfo", "DEFAULT_MAX_BODY", "body_format", "decode_page", "decode_document",
    "decode_logon", "decode_error", "hints_for", "attributes_for",
]

#: Default limit on one response body (bytes).
DEFAULT_MAX_BODY = 32 * 1024 * 1024


@dataclass
class Page:
    """One decoded ``QueryResult``."""

    entities: list[Entity]
    #: "References", "Entities", "Resources" or "Empty" (a QueryResult with no items).
    format: str = "Empty"
    page_num: int | None = None
    page_size: int | None = None
    pages_count: int | None = None
    #: PagingInfo links by Rel (First, Previous, Next, Last), ``&amp;`` already unescaped.
    links: dict[str, str] = field(default_factory=dict)

    @property
    def next_href(self) -> str | None:
        return self.links.get("Next")

    def __len__(self) -> int:
        return len(self.entities)


@dataclass(frozen=True)
class LogonInfo:
    """The ``LogonSession`` body of a successful logon."""

    session_id: str | None
    user_name: str | None
    links: tuple[Link, ...] = ()

    @property
    def delete_href(self) -> str | None:
        for link in self.links:
            if (link.rel or "").lower() == "delete":
                return link.href
        return None


# -- schema-driven typing: fel.client.hints (re-exported here) -----------------------------
_schema_type = schema_type


# -- format dispatch -------------------------------------------------------------------------
def body_format(body: bytes, content_type: str | None) -> str:
    """"xml" or "json" for a body, from its Content-Type or (without one) its first byte."""
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    if ct:
        if ct.endswith("json") or ct.endswith("+json"):
            return "json"
        if ct.endswith("xml") or ct.endswith("+xml"):
            return "xml"
        raise UnexpectedContentType(
            f"the server answered with Content-Type {ct!r}, not XML or JSON"
            " (is this URL Enterprise Manager's REST API, e.g. https://host:9398/api/?)"
        )
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json"
    raise DecodeError("the response is neither XML nor JSON" if head else "the response body is empty")


def _check_size(body: bytes, max_body: int | None) -> None:
    if max_body is not None and len(body) > max_body:
        raise BodyTooLarge(f"response body of {len(body)} bytes exceeds the limit of {max_body} bytes")


# -- query results ---------------------------------------------------------------------------
def decode_page(body: bytes, content_type: str | None = None, *, max_body: int | None = DEFAULT_MAX_BODY) -> Page:
    """A ``QueryResult`` body (XML or JSON) as a :class:`Page`."""
    _check_size(body, max_body)
    if body_format(body, content_type) == "xml":
        return _page_from_xml(body)
    return _page_from_json(J.parse_json(body))


def _page_from_xml(body: bytes, root: Any = None) -> Page:
    """The Page of a QueryResult body (or of its root element, already parsed so)."""
    from .xmlcodec import XmlEntity, links_from_xml, local_name, parse_xml

    if root is None:
        root = parse_xml(body, drop_indentation=True)  # the decoders never read a container's text
    name = local_name(root.tag)
    if name != "QueryResult":
        raise DecodeError(f"expected a QueryResult document, got <{name}>")
    page = Page([])
    for part in root:
        pname = local_name(part.tag)
        if pname == "Refs":
            page.format = "References"
            page.entities.extend([XmlEntity(ref, "reference") for ref in part])
        elif pname in ("Entities", "Resources"):
            page.format = pname
            kind = "entity" if pname == "Entities" else "resource"
            for container in part:
                page.entities.extend([XmlEntity(item, kind) for item in container])
        elif pname == "PagingInfo":
            a = part.attrib
            page.page_num = _int(a.get("PageNum"))
            page.page_size = _int(a.get("PageSize"))
            page.pages_count = _int(a.get("PagesCount"))
            for child in part:
                if local_name(child.tag) == "Links":
                    page.links = {l.rel: l.href for l in links_from_xml(child) if l.rel and l.href}
    return page


def _page_from_json(data: Any) -> Page:
    if not isinstance(data, dict):
        raise DecodeError(f"expected a JSON object for a QueryResult, got {type(data).__name__}")
    data = J.norm_dict(data)
    if "QueryResult" in data and isinstance(data["QueryResult"], dict):
        data = J.norm_dict(data["QueryResult"])
    if "Message" in data and "StatusCode" in data:
        raise DecodeError(f"expected a QueryResult, got an Error: {data.get('Message')}")
    page = Page([])
    refs = data.get("Refs")
    if refs is not None:
        page.format = "References"
        for item in J.unwrap_list(refs):
            page.entities.append(J.entity_from_json(item, "reference", hints_for, attributes_for, "Ref"))
    for pname in ("Entities", "Resources"):
        part = data.get(pname)
        if part is None:
            continue
        kind = "entity" if pname == "Entities" else "resource"
        if not isinstance(part, dict):
            raise DecodeError(f"{pname} in the JSON response is not an object")
        page.format = pname
        for container, value in part.items():
            if value is None:
                continue
            element = J.pascal(container)
            for item in J.unwrap_list(value):
                page.entities.append(J.entity_from_json(item, kind, hints_for, attributes_for, element))
    paging = data.get("PagingInfo")
    if isinstance(paging, dict):
        p = J.norm_dict(paging)
        page.page_num = _int(p.get("PageNum"))
        page.page_size = _int(p.get("PageSize"))
        page.pages_count = _int(p.get("PagesCount"))
        page.links = {l.rel: l.href for l in J.links_from_json(p.get("Links")) if l.rel and l.href}
    return page


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- other documents -------------------------------------------------------------------------
def decode_document(body: bytes, content_type: str | None = None, *, max_body: int | None = DEFAULT_MAX_BODY) -> Union[Page, Entity]:
    """Any EM resource: a ``QueryResult`` or reference list becomes a :class:`Page`, a single
    resource (``GET /backupSessions/<id>?format=Entity``) an :class:`Entity`."""
    _check_size(body, max_body)
    if body_format(body, content_type) == "xml":
        from .xmlcodec import entity_from_xml, local_name, parse_xml

        root = parse_xml(body, drop_indentation=True)  # the decoders never read a container's text
        name = local_name(root.tag)
        if name == "QueryResult":
            return _page_from_xml(body, root)
        if name in ("EntityReferences", "EntityRefs") or (name.endswith("List") and len(root) and local_name(root[0].tag) in ("Ref", "EntityRef")):
            return Page([entity_from_xml(r, "reference", hints_for) for r in root], format="References")
        return entity_from_xml(root, "entity", hints_for)
    data = J.parse_json(body)
    if isinstance(data, dict):
        keys = {J.pascal(k) for k in data}
        if keys & {"Refs", "Entities", "Resources", "PagingInfo", "QueryResult"}:
            return _page_from_json(data)
        if "Ref" in keys and len(keys) == 1:
            return Page([J.entity_from_json(r, "reference", hints_for, attributes_for, "Ref")
                         for r in J.unwrap_list(data)], format="References")
        return J.entity_from_json(data, "entity", hints_for, attributes_for)
    raise DecodeError(f"expected a JSON object, got {type(data).__name__}")


def decode_logon(body: bytes, content_type: str | None = None) -> LogonInfo:
    """The ``LogonSession`` of a logon response (XML or JSON)."""
    _check_size(body, 1024 * 1024)
    if body_format(body, content_type) == "xml":
        from .xmlcodec import links_from_xml, local_name, parse_xml

        root = parse_xml(body)
        if local_name(root.tag) != "LogonSession":
            raise DecodeError(f"expected a LogonSession document, got <{local_name(root.tag)}>")
        values: dict[str, Any] = {}
        links: tuple[Link, ...] = ()
        for child in root:
            n = local_name(child.tag)
            if n == "Links":
                links = links_from_xml(child)
            else:
                values[n] = child.text
        return LogonInfo(values.get("SessionId"), values.get("UserName"), links)
    data = J.parse_json(body)
    if not isinstance(data, dict):
        raise DecodeError("expected a JSON LogonSession object")
    d = J.norm_dict(data)
    return LogonInfo(J._s(d.get("SessionId")), J._s(d.get("UserName")), J.links_from_json(d.get("Links")))


def decode_error(body: bytes, content_type: str | None = None) -> tuple[str | None, str | None]:
    """``(Message, FirstChanceExceptionMessage)`` of an EM Error body; (None, None) when the
    body is not one (an HTML page, an empty body, garbage)."""
    if not body or len(body) > 1024 * 1024:
        return None, None
    try:
        if body_format(body, content_type) == "xml":
            from .xmlcodec import local_name, parse_xml

            root = parse_xml(body)
            if local_name(root.tag) != "Error":
                return None, None
            first = None
            for child in root:
                if local_name(child.tag) == "FirstChanceExceptionMessage":
                    first = child.text
            return root.get("Message"), first
        data = J.parse_json(body)
    except DecodeError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    d = J.norm_dict(data)
    if "Message" not in d:
        return None, None
    return J._s(d.get("Message")), J._s(d.get("FirstChanceExceptionMessage"))
