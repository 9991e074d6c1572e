"""Enterprise Manager versions: parsing, ordering and the REST API version map.

Versions are compared as tuples: ``9.5u4`` sorts between ``9.5`` and ``10``.
"""
from __future__ import annotations

import re
from functools import total_ordering

__all__ = ["EmVersion", "parse_version", "KNOWN_VERSIONS", "LATEST", "API_VERSIONS"]

_VERSION_RE = re.compile(
    r"""^\s*v?(?P<major>\d{1,2})(?:\.(?P<minor>\d{1,2}))?(?:\.\d+)*\s*
        (?:u(?:pdate)?\s*(?P<update>\d+))?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_API_RE = re.compile(r"^\s*v?1_(\d)\s*$", re.IGNORECASE)

#: REST API version names (``/api/sessionMngr/?v=…``) and the EM release that introduced them.
API_VERSIONS = {"v1_2": "9.0", "v1_3": "9.5", "v1_4": "9.5u4", "v1_5": "10", "v1_6": "11", "v1_7": "12"}


@total_ordering
class EmVersion:
    """An Enterprise Manager release such as ``9.5u4``, ``12`` or ``13.1``."""

    __slots__ = ("major", "minor", "update")

    def __init__(self, major: int, minor: int = 0, update: int = 0) -> None:
        self.major, self.minor, self.update = major, minor, update

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.update)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EmVersion) and self.key == other.key

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, EmVersion):
            return NotImplemented
        return self.key < other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __str__(self) -> str:
        text = f"{self.major}" if self.major >= 10 and not self.minor else f"{self.major}.{self.minor}"
        return text + (f"u{self.update}" if self.update else "")

    def __repr__(self) -> str:
        return f"EmVersion({str(self)!r})"


def parse_version(text: str) -> EmVersion:
    """Parse ``9.5u4``, ``9.5 U4``, ``12``, ``12.3.1``, ``13.1`` or an API name like ``v1_7``.

    Raises ValueError with a plain message for anything else.
    """
    if not isinstance(text, str):
        raise ValueError(f"not an Enterprise Manager version: {text!r}")
    api = _API_RE.match(text)
    if api:
        name = f"v1_{api.group(1)}"
        if name not in API_VERSIONS:
            raise ValueError(f"unknown REST API version {text!r}; known: {', '.join(API_VERSIONS)}")
        return parse_version(API_VERSIONS[name])
    m = _VERSION_RE.match(text)
    if not m:
        raise ValueError(f"not an Enterprise Manager version: {text!r} (examples: 9.5u4, 11, 12.3, 13.1)")
    major = int(m.group("major"))
    if major < 9 or major > 99:
        raise ValueError(f"not an Enterprise Manager version: {text!r} (Enterprise Manager 9.0 or newer;"
                         " fel's schema knows 9.0 to 13.1, later versions are checked as 13.1)")
    return EmVersion(major, int(m.group("minor") or 0), int(m.group("update") or 0))


KNOWN_VERSIONS = tuple(parse_version(v) for v in ("9.0", "9.5", "9.5u4", "10", "11", "12", "13.0", "13.1"))
LATEST = KNOWN_VERSIONS[-1]
