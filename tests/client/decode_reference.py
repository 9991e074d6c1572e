"""The XML entity decoder as it was before the speed work (commit b6c5772), kept as an oracle.

:mod:`fel.client.xmlcodec` now decodes with per-type plans keyed by qualified tag and
:mod:`fel.client.values` has fast paths; ``test_decode_equivalence.py`` checks that both give
exactly the same attributes, fields (values *and* types), links and element name as this
straightforward version on generated entities.
"""
from __future__ import annotations

from typing import Any

from fel.client.decode import hints_for
from fel.client.entity import Link
from datetime import datetime, timedelta, timezone

from fel.client.values import _DATETIME, _FAST, _INT, _PLAIN_DECIMAL, text_to_bool, text_to_decimal, text_to_int

_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def local_name(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def utc_shape(text: str) -> bool:
    n = len(text)
    if not (20 <= n <= 30 and text[-1] == "Z" and text[10] == "T" and text[4] == "-" and text[7] == "-"
            and text[13] == ":" and text[16] == ":"):
        return False
    return n == 20 or (text[19] == "." and text[20:-1].isascii() and text[20:-1].isdigit())


def parse_datetime(text: str) -> datetime | None:
    if _FAST and utc_shape(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
    m = _DATETIME.match(text)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    try:
        if zone == "Z":
            return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=timezone.utc)
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=timezone(sign * offset))
        return local.astimezone(timezone.utc)
    except ValueError:
        return None


def coerce_text(text: str, kind: str | None = None) -> Any:
    if not text:
        return None
    if kind is None:
        c = text[0]
        if c == "t" and text == "true":
            return True
        if c == "f" and text == "false":
            return False
        if c.isdigit() or c == "-":
            if _INT.match(text):
                return int(text)
            if len(text) >= 20 and text[4:5] == "-":
                dt = parse_datetime(text)
                if dt is not None:
                    return dt
            elif _PLAIN_DECIMAL.match(text):
                return float(text)
        return text
    convert = CONVERTERS.get(kind)
    return text if convert is None else convert(text)


def text_to_datetime(text: str) -> Any:
    dt = parse_datetime(text)
    return text if dt is None else dt


CONVERTERS: dict[str | None, Any] = {
    "datetime": text_to_datetime, "integer": text_to_int, "boolean": text_to_bool, "decimal": text_to_decimal,
}


def links_from_xml(el: Any) -> tuple[Link, ...]:
    return tuple([Link(link.get("Rel"), link.get("Href"), link.get("Type"), link.get("Name")) for link in el])


def attributes(el: Any) -> dict[str, str]:
    """Namespaced attributes by local name; a plain attribute of the same name wins (a decision
    made with the lazy attributes: before it, the later of the two in the document won)."""
    attrs = dict(el.attrib)
    for k in attrs:
        if k[0] == "{":
            out = {}
            for k2, v in attrs.items():
                local = k2.rpartition("}")[2]
                if k2.startswith("{http://www.w3.org/") or (k2[0] == "{" and local in attrs):
                    continue
                out[local] = v
            return out
    return attrs


def generic_value(el: Any) -> Any:
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
    pass


def decode_entity(el: Any) -> tuple[dict[str, str], dict[str, Any], tuple[Link, ...], str]:
    """(attributes, fields, links, element name) of an entity element, the old way."""
    attrs = attributes(el)
    convs = {name: CONVERTERS.get(kind) for name, kind in hints_for(attrs.get("Type")).items()}
    fields: dict[str, Any] = {}
    links: tuple[Link, ...] = ()
    repeated = False
    by_form = coerce_text
    for child in el:
        name = local_name(child.tag)
        if not name:
            continue
        if name == "Links":
            links = links_from_xml(child)
            continue
        conv = convs.get(name, by_form)
        if len(child):
            value = generic_value(child)
        elif conv is by_form:
            value = generic_value(child) if child.attrib else by_form(child.text or "")
        else:
            text = child.text
            value = None if text is None else (text if conv is None else conv(text))
        if name in fields:
            _put(fields, name, value)
            repeated = True
        else:
            fields[name] = value
    if repeated:
        for key, value in fields.items():
            if isinstance(value, _Repeated):
                fields[key] = list(value)
    return attrs, fields, links, local_name(el.tag)


# -- JSON --------------------------------------------------------------------------------------
def links_from_json(value: Any) -> tuple[Link, ...]:
    from fel.client.jsoncodec import unwrap_list

    out = []
    for item in unwrap_list(value):
        if not isinstance(item, dict):
            raise ValueError("a JSON link is not an object")
        g = item.get
        out.append(Link(_s(g("Rel", g("rel"))), _s(g("Href", g("href"))), _s(g("Type", g("type"))),
                        _s(g("Name", g("name")))))
    return tuple(out)


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def decode_json_entity(item: dict[str, Any], kind: str) -> tuple[dict[str, str], dict[str, Any], tuple[Link, ...]]:
    """(attributes, fields, links) of a JSON entity object, the old way (no plan cache)."""
    from fel.client.decode import attributes_for
    from fel.client.jsoncodec import DEFAULT_ATTRIBUTES, _key, _scalar_text, generic_json
    from fel.client.names import type_spellings
    from fel.client.values import coerce_json

    type_value = item.get("Type", item.get("type"))
    type_name = None if type_value is None else str(type_value)
    attrs: dict[str, str] = {}
    fields: dict[str, Any] = {}
    links: tuple[Link, ...] = ()
    own = type_spellings(type_name)
    for raw_key, value in item.items():
        key = _key(raw_key, own)
        attr_names = DEFAULT_ATTRIBUTES if kind == "reference" else attributes_for(type_name)
        hint = hints_for(type_name).get(key)
        if key == "Links":
            links = links_from_json(value)
        elif key in attr_names:
            if value is not None:
                attrs[key] = value if isinstance(value, str) else _scalar_text(value)
        elif isinstance(value, (dict, list)):
            fields[key] = generic_json(value, own)
        elif isinstance(value, str):
            fields[key] = coerce_text(value, hint)
        else:
            fields[key] = coerce_json(value, hint)
    return attrs, fields, links
