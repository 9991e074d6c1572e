"""Typed values: EM's texts (XML text, JSON strings and scalars) as Python values.

The same rules type XML text and JSON strings, so an entity decodes to the same values from
either format: the schema's kind of the field when fel knows it (``integer``, ``decimal``,
``boolean``, ``datetime``; string kinds keep the text), otherwise the form of the text
(``true``/``false``, integers without leading zeros, plain decimals such as ``12.5``, ISO
timestamps with ``Z`` or an offset). Datetimes are aware and in UTC. An empty text is None.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

__all__ = ["NEVER", "ATTRIBUTE_ORDER", "parse_datetime", "coerce_text", "coerce_json", "CONVERTERS",
           "format_datetime", "to_jsonable"]

#: EM's "never happened" timestamp.
NEVER = datetime(1753, 1, 1, tzinfo=timezone.utc)
#: The attributes shown first, in this order, when an entity is printed.
ATTRIBUTE_ORDER = ("UID", "Name", "Type", "Href")

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,18})\Z")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}\Z")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})\Z"
)


def _fromiso_handles_z() -> bool:
    try:
        return datetime.fromisoformat("2000-01-01T00:00:00.1234567Z").tzinfo is not None
    except ValueError:  # Python 3.10
        return False


_FAST = _fromiso_handles_z()
_fromiso = datetime.fromisoformat
#: Integer texts met by :func:`coerce_text` -> their value (counters and percentages repeat).
_NUMBERS: dict[str, int] = {}


def _utc_shape(text: str) -> bool:
    """Whether ``text`` looks like ``YYYY-MM-DDTHH:MM:SS[.f]Z`` (the digits are checked by
    ``fromisoformat``), the form EM writes and the fast path parses: the separators at their
    places, ``Z`` last, and a fraction of 1 to 9 ASCII digits when there is one."""
    if text[4:20:3] == "--T::.":  # positions 4, 7, 10, 13, 16, 19 in one comparison
        frac = text[20:-1]
        return text[-1] == "Z" and len(text) <= 30 and frac.isdigit() and frac.isascii()
    return len(text) == 20 and text[4:17:3] == "--T::" and text[19] == "Z"


def parse_datetime(text: str) -> datetime | None:
    """An aware UTC datetime from an ISO timestamp with ``Z`` or an offset, else None.

    Fractions of any length are accepted (EM writes 0 to 7 digits); digits beyond the
    microsecond are dropped."""
    if _FAST and _utc_shape(text):
        try:
            return _fromiso(text)
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
        from datetime import timedelta

        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=timezone(sign * offset))
        return local.astimezone(timezone.utc)
    except ValueError:
        return None


def coerce_text(text: str, kind: str | None = None) -> Any:
    """The typed value of an XML text (or JSON string) ``text``.

    ``kind`` is the schema kind of the field when known (``"integer"``, ``"decimal"``,
    ``"boolean"``, ``"datetime"``, or a string kind such as ``"string"``/``"enum"``/``"uid"``,
    which keeps the text as it is). Without a kind the value is typed by its form. An empty
    text is None: XML cannot tell an empty string from no value, so neither format does."""
    if not text:
        return None
    if kind is None:
        c = text[0]
        if c == "t" and text == "true":
            return True
        if c == "f" and text == "false":
            return False
        if c.isdigit() or c == "-":
            number = _NUMBERS.get(text)
            if number is not None:
                return number
            if _INT.match(text):
                number = int(text)
                if len(_NUMBERS) < 4096:  # bounded: only repeated small texts pay off
                    _NUMBERS[text] = number
                return number
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
    """The aware UTC datetime of ``text`` (see :func:`parse_datetime`), else the text."""
    if text[4:20:3] == "--T::." and _FAST:  # EM's usual form, as parse_datetime takes it
        frac = text[20:-1]
        if text[-1] == "Z" and len(text) <= 30 and frac.isdigit() and frac.isascii():
            try:
                return _fromiso(text)
            except ValueError:
                return text
    dt = parse_datetime(text)
    return text if dt is None else dt


def text_to_int(text: str) -> Any:
    return int(text) if _INT.match(text.strip()) else text


def text_to_bool(text: str) -> Any:
    low = text.strip().lower()
    return True if low == "true" else False if low == "false" else text


def text_to_decimal(text: str) -> Any:
    t = text.strip()
    if _INT.match(t):
        return int(t)
    return float(t) if _DECIMAL.match(t) else text


#: schema kind -> converter of a text; string kinds (string, enum, uid, reference) keep the text.
CONVERTERS: dict[str | None, Any] = {
    "datetime": text_to_datetime, "integer": text_to_int, "boolean": text_to_bool, "decimal": text_to_decimal,
}


def coerce_json(value: Any, kind: str | None = None) -> Any:
    """Type a JSON scalar the way :func:`coerce_text` types the same value written in XML."""
    if isinstance(value, str):
        return coerce_text(value, kind)
    if value is None or kind is None:
        return value
    if isinstance(value, bool):
        if kind in ("boolean",):
            return value
        return ("true" if value else "false") if kind not in ("integer", "decimal", "datetime") else value
    if isinstance(value, (int, float)):
        if kind == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind == "decimal" and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind in ("string", "enum", "uid", "reference"):
            return str(value)
    return value


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with ``Z``; the fraction only when there is one."""
    value = value.astimezone(timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def to_jsonable(value: Any) -> Any:
    """``value`` with datetimes turned into ISO strings (recursively)."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    return value
