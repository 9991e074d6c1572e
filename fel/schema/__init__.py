"""fel's schema: the query types of ``/api/query`` (50), their fields, and EM versions.

The data is generated from Veeam's documentation by ``python -m fel.schema.generate`` and
shipped as ``fel/schema/data/*.json``; nothing here reads the shared doc extracts.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from importlib import resources
from typing import Iterable

from .model import Field, Kind, QueryType, Schema, load_schema
from .versions import KNOWN_VERSIONS, LATEST, EmVersion, parse_version

__all__ = ["Kind", "Field", "QueryType", "Schema", "load_schema", "EmVersion", "parse_version",
           "KNOWN_VERSIONS", "LATEST", "suggest", "load_examples"]

_MIN_AFFIX = 3  # shortest name that counts as a prefix/suffix of another
_AFFIX_BONUS = 0.3  # added to the similarity of prefix/suffix matches
_CUTOFF = 0.6  # difflib's usual similarity cutoff


def suggest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` did-you-mean suggestions for ``name`` among ``candidates``, best first.

    Matching is case-insensitive and the candidates' own spellings are returned. Candidates
    are ranked by difflib similarity, an exact match first. When one name is a prefix or
    suffix of the other the candidate gets a bonus and is kept even if not similar enough
    otherwise, so ``JobSession`` suggests ``BackupJobSession`` and ``ReplicaJobSession``.
    """
    query = name.strip().lower()
    canon: dict[str, str] = {}
    for c in candidates:
        canon.setdefault(c.lower(), c)
    if not query or n <= 0:
        return []

    def affix(low: str) -> bool:
        return min(len(low), len(query)) >= _MIN_AFFIX and (
            low.startswith(query) or low.endswith(query) or query.startswith(low) or query.endswith(low))

    scored = []
    for i, low in enumerate(canon):
        ratio = difflib.SequenceMatcher(None, query, low).ratio()
        bonus = _AFFIX_BONUS if affix(low) else 0.0
        if low == query or bonus or ratio >= _CUTOFF:
            scored.append((low != query, -(ratio + bonus), i, canon[low]))
    return [c for *_, c in sorted(scored)[:n]]


@lru_cache(maxsize=1)
def load_examples() -> dict[str, dict]:
    """Example entities and queries per type, keyed by canonical type name.

    Each value has ``entity_example_xml``, ``query_example_entity_xml`` and ``query_example``
    (any may be None); the emulator uses them as templates. Treat the result as read-only.
    """
    text = resources.files("fel.schema").joinpath("data/examples.json").read_text(encoding="utf-8")
    return json.loads(text)
