"""Value forms by field kind: DateTime, UID, numbers, booleans, time expressions.

Pure functions shared by the checker, the compiler and the evaluator.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = [
    "DateTimeValue", "parse_datetime", "canonical_datetime", "TIME_EXPR", "parse_time_expr",
    "resolve_time_expr", "GUID", "parse_uid", "UidValue", "is_integer", "is_decimal", "parse_bool",
    "format_utc", "time_offset", "MAX_TIME_OFFSET",
]

_DT = re.compile(
    r"""^(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})
        (?:(?P<sep>[Tt ])(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,9}))?)?)?
        \s*(?P<tz>[Zz]|[+-][0-9]{2}:?[0-9]{2}|\s*UTC)?$""",
    re.VERBOSE,  # digits are ASCII digits: `\d` would take ٢٠٢٥ too
)


_UTC = timezone.utc


@dataclass(frozen=True, slots=True)
class DateTimeValue:
    """A parsed DateTime literal. ``utc`` is the instant in UTC (naive values read as UTC)."""

    utc: datetime
    fraction: str          # digits after the decimal point as written ('' if none)
    has_time: bool
    zone: str | None       # 'Z', '+02:00', 'UTC' or None (no zone: not marked as UTC)
    space_separator: bool  # '2025-08-15 06:00:00' instead of 'T'

    @property
    def marked_utc(self) -> bool:
        return self.zone is not None and (self.zone.upper() in ("Z", "UTC") or self.zone.strip("+-") in ("00:00", "0000"))


def parse_datetime(text: str) -> DateTimeValue | None:
    """Parse the DateTime forms seen in the wild; None if it is not a date at all (or, once
    converted to UTC, falls outside the years 0001–9999)."""
    m = _DT.match(text.strip())
    if m is None:
        return None
    y, mo, d, sep, h, mi, s, frac, tz = m.groups()
    try:
        # Aware from the start (the offset below is subtracted the same way): no replace().
        dt = datetime(int(y), int(mo), int(d), int(h) if h else 0, int(mi) if mi else 0, int(s) if s else 0,
                      int((frac + "000000")[:6]) if frac else 0, _UTC)
    except ValueError:
        return None
    zone = tz.strip() if tz else None
    if zone and zone[0] in "+-":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        try:
            dt = dt - sign * offset
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is in the year 0 in UTC
            return None
        zone = f"{zone[0]}{digits[:2]}:{digits[2:]}"
    return DateTimeValue(dt, frac or "", h is not None, zone, sep == " ")


def canonical_datetime(value: DateTimeValue) -> str:
    """``YYYY-MM-DDTHH:MM:SS[.fraction]Z`` (fraction kept as written)."""
    base = format_utc(value.utc)[:-1]
    return f"{base}.{value.fraction}Z" if value.fraction else f"{base}Z"


def format_utc(dt: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` with a four-digit year (``strftime('%Y')`` writes the year 1 as
    ``1`` on some platforms)."""
    return (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
            f"T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z")


TIME_EXPR = re.compile(r"^(?P<base>now|today)(?:(?P<sign>[+-])(?P<n>[0-9]{1,6})(?P<unit>[smhdw]))?$", re.IGNORECASE | re.ASCII)
#: The largest offset a time value may have (FEL213): from any clock reading in the years
#: 1000–8999 the instant stays a date EM can hold, written with four digits.
MAX_TIME_OFFSET = timedelta(days=365_250)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time_expr(text: str):
    """``now``, ``today``, ``now-24h``, ``today-7d`` (units s m h d w) → match or None."""
    return TIME_EXPR.match(text.strip())


def time_offset(m: re.Match) -> timedelta:
    """The signed offset of a matched time expression (zero for plain ``now``/``today``)."""
    if not m.group("n"):
        return timedelta(0)
    delta = timedelta(**{_UNITS[m.group("unit").lower()]: int(m.group("n"))})
    return -delta if m.group("sign") == "-" else delta


def resolve_time_expr(text: str, now: datetime) -> datetime:
    """The UTC instant a time expression means at ``now`` (``today`` = 00:00 UTC). Raises
    ``ValueError`` if it is not a time expression or the instant is outside the years 1–9999."""
    m = parse_time_expr(text)
    if m is None:
        raise ValueError(f"not a time expression: {text!r}")
    now = now.astimezone(timezone.utc) if now.tzinfo else now.replace(tzinfo=timezone.utc)
    base = now.replace(microsecond=0)
    if m.group("base").lower() == "today":
        base = base.replace(hour=0, minute=0, second=0)
    try:
        return base + time_offset(m)
    except OverflowError:
        raise ValueError(f"{text.strip()} at {format_utc(base)} is outside the years 0001-9999") from None


GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URN = re.compile(r"^urn:veeam:(?P<type>[A-Za-z]+):(?P<id>.+)$", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True, slots=True)
class UidValue:
    guid: str            # the id part (a GUID for well-formed values)
    urn_type: str | None  # the <Type> of urn:veeam:<Type>:…, None for a bare GUID


def parse_uid(text: str) -> UidValue | None:
    """``urn:veeam:<Type>:<guid>`` or a bare GUID; None otherwise."""
    t = text.strip()
    if GUID.match(t):
        return UidValue(t, None)
    m = _URN.match(t)
    if m and GUID.match(m.group("id")):
        return UidValue(m.group("id"), m.group("type"))
    return None


_INT = re.compile(r"^[+-]?[0-9]+$")  # ASCII digits only: int() and `\d` take ٥ (Arabic-Indic 5) too
_DEC = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


_ASCII_SPACE = " \t\n\r\f\v"  # what EM's number parsing skips (str.strip() also takes U+2003 …)


def is_integer(text: str) -> bool:
    return bool(_INT.match(text.strip(_ASCII_SPACE)))


def is_decimal(text: str) -> bool:
    return bool(_DEC.match(text.strip(_ASCII_SPACE)))


def parse_bool(text: str) -> bool | None:
    low = text.strip().lower()
    return True if low == "true" else False if low == "false" else None
